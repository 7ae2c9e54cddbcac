package org.qlstm.nn.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoding errors and file errors. The byte offsets are those of Python's
 * {@code UnicodeDecodeError.start} for {@code bytes.decode('utf-8')} of the same bytes.
 */
class StrictUtf8Test {
    @TempDir
    Path dir;

    private CorpusException failure(byte[] content) throws IOException {
        Path file = Bytes.write(dir.resolve("test.txt"), content);
        CorpusException e = assertThrows(CorpusException.class, () -> PythonText.readLines(file));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e;
    }

    @Test
    void invalidStartByteNamesFileAndOffset() throws IOException {
        CorpusException e = failure(Bytes.of("ab", Bytes.raw(0xff), "cd\n"));
        assertEquals(dir.resolve("test.txt") + ": invalid UTF-8 at byte 2 (0xff)", e.getMessage());
        assertEquals("invalid UTF-8 at byte 2 (0xff)", e.problem());
    }

    @Test
    void truncatedSequenceAtEndOfFile() throws IOException {
        assertEquals("invalid UTF-8 at byte 3 (0xe2)", failure(Bytes.of("abc", Bytes.raw(0xe2, 0x82))).problem());
    }

    @Test
    void encodedSurrogateOverlongAndTooLargeAreInvalid() throws IOException {
        assertEquals("invalid UTF-8 at byte 0 (0xed)", failure(Bytes.raw(0xed, 0xa0, 0x80)).problem());
        assertEquals("invalid UTF-8 at byte 1 (0xc0)", failure(Bytes.of("x", Bytes.raw(0xc0, 0xaf))).problem());
        assertEquals("invalid UTF-8 at byte 0 (0xf4)", failure(Bytes.raw(0xf4, 0x90, 0x80, 0x80)).problem());
        assertEquals("invalid UTF-8 at byte 0 (0x80)", failure(Bytes.raw(0x80)).problem());
    }

    @Test
    void offsetIsAbsoluteBeyondTheFirstBlock() throws IOException {
        String before = "a\n".repeat(50_000); // 100,000 bytes
        assertEquals("invalid UTF-8 at byte 100000 (0xc3)",
                failure(Bytes.of(before, Bytes.raw(0xc3, '('))).problem());
    }

    @Test
    void sequenceCutAtABlockEndIsNotAnError() throws IOException {
        for (int shift = 0; shift < 4; shift++) {
            String s = "a".repeat((1 << 16) - shift) + "😀€é\n";
            Path file = Bytes.write(dir.resolve("ok" + shift + ".txt"), s);
            assertEquals(List.of(s.strip()), PythonText.readLines(file));
        }
    }

    @Test
    void bomIsNotStripped() throws IOException {
        Path file = Bytes.write(dir.resolve("bom.txt"), Bytes.of(Bytes.raw(0xef, 0xbb, 0xbf), "word\n"));
        assertEquals(List.of("\ufeffword"), PythonText.readLines(file));
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("nope.txt");
        CorpusException e = assertThrows(CorpusException.class, () -> PythonText.readLines(file));
        assertEquals(file + ": no such file", e.getMessage());
    }

    @Test
    void directoryIsNamed() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        CorpusException e = assertThrows(CorpusException.class, () -> PythonText.readLines(sub));
        assertEquals(sub + ": is a directory, not a file", e.getMessage());
    }
}
