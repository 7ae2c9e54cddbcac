package org.qlstm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hand-made bad record files: each is refused with one {@link RecordFileException} line naming the file and the
 * problem (the seeded fuzzing of the same reader is GoldenRecordsTarget in verify).
 */
class RecordFilesTest {

    @TempDir
    Path dir;

    private RecordFileException refused(String content) throws Exception {
        Path file = dir.resolve("g.json");
        Files.writeString(file, content);
        RecordFileException e = assertThrows(RecordFileException.class, () -> RecordFiles.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "truncated|{\"a\": [1, 2|not valid JSON",
        "trailing content|{\"a\": 1} x|not valid JSON",
        "duplicate key|{\"a\": 1, \"a\": 2}|not valid JSON",
        "NaN literal|{\"loss\": NaN}|not valid JSON",
        "top-level array|[1, 2]|the top level is an array",
        "empty|'  '|empty",
    })
    void malformedFilesAreRefused(String what, String content, String expected) throws Exception {
        String problem = refused(content).problem();
        assertTrue(problem.startsWith(expected), what + ": " + problem);
    }

    @Test
    void deepNestingIsRefusedWithoutRecursion() throws Exception {
        int depth = 200_000;
        String problem = refused("{\"a\": " + "[".repeat(depth) + "]".repeat(depth) + "}").problem();
        assertTrue(problem.contains("nesting depth"), problem);
    }

    @Test
    void hugeNumbersAreRefusedBeforeTheyAreParsed() throws Exception {
        String problem = refused("{\"loss\": " + "9".repeat(1_000_000) + "}").problem();
        assertTrue(problem.contains("exceeds the maximum allowed"), problem);
    }

    @Test
    void invalidUtf8IsNamedByOffset() throws Exception {
        Path file = dir.resolve("g.json");
        byte[] b = "{\"a\": \"x\"}".getBytes(StandardCharsets.US_ASCII);
        b[7] = (byte) 0xC3;
        Files.write(file, b);
        RecordFileException e = assertThrows(RecordFileException.class, () -> RecordFiles.read(file));
        assertEquals("not valid UTF-8 (ill-formed byte at offset 7)", e.problem());
    }

    @Test
    void fieldsOfTheWrongTypeAreNamed() throws Exception {
        Path file = dir.resolve("g.json");
        Files.writeString(file, "{\"s\": 1, \"n\": \"1\", \"c\": -1, \"big\": 123456789012345678901234567890,"
                + " \"inf\": 1e999, \"o\": [], \"ok\": \"x\", \"nul\": null}");
        JsonNode root = RecordFiles.read(file);
        String f = file.toString();
        assertEquals("s is an integer 1, expected a string",
                assertThrows(RecordFileException.class, () -> RecordFiles.text(f, root, "s")).problem());
        assertEquals("n is a string \"1\", expected a number",
                assertThrows(RecordFileException.class, () -> RecordFiles.number(f, root, "n")).problem());
        assertTrue(assertThrows(RecordFileException.class, () -> RecordFiles.count(f, root, "c")).problem()
                .endsWith("expected a non-negative integer"));
        assertTrue(assertThrows(RecordFileException.class, () -> RecordFiles.count(f, root, "big")).problem()
                .endsWith("expected a non-negative integer"));
        assertTrue(assertThrows(RecordFileException.class, () -> RecordFiles.number(f, root, "inf")).problem()
                .endsWith("expected a finite number"));
        assertEquals("o is an array [], expected an object",
                assertThrows(RecordFileException.class, () -> RecordFiles.object(f, root, "o")).problem());
        assertEquals("x", RecordFiles.text(f, root, "ok"));
        assertEquals(null, RecordFiles.text(f, root, "absent"));
        assertEquals(null, RecordFiles.number(f, root, "nul"));
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = dir.resolve("none.json");
        RecordFileException e = assertThrows(RecordFileException.class, () -> RecordFiles.read(file));
        assertEquals(file + ": no such file", e.getMessage());
    }
}
