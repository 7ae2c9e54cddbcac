package org.qlstm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CLI contract: outputs on the embedded default, and one-line errors with the documented exit codes. */
class CliTest {

    /** What a run printed and returned. */
    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void evalJsonHasTheContractKeys() throws Exception {
        Run r = run("eval", "--json", "--limit-tokens", "300");
        assertEquals(0, r.status(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        for (String key : new String[] {"loss", "perplexity", "tokens", "seconds", "mode"}) {
            assertTrue(json.has(key), "missing key " + key + " in " + r.out());
        }
        assertEquals("float", json.get("mode").asText());
        assertEquals(299, json.get("tokens").asLong());
        assertEquals(Math.exp(json.get("loss").asDouble()), json.get("perplexity").asDouble(), 1e-9);
    }

    @Test
    void infoPrintsTheStructure() {
        Run r = run("info");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("LSTMModel(\n  (drop): Dropout(p=0.5, inplace=False)"), r.out());
        assertTrue(r.out().contains("(rnn): LSTM("), r.out());
    }

    @Test
    void generateWritesTheFileAtomicallyWithTwentyWordsPerLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out.txt");
        Run r = run("generate", "--words", "45", "--seed", "3", "--out", file.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("| Generated 0/45 words"), r.out());
        String[] lines = Files.readString(file).split("\n", -1);
        assertEquals(20, lines[0].split(" ").length);
        assertEquals(20, lines[1].split(" ").length);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file may be left behind");
        }
        Run again = run("generate", "--words", "45", "--seed", "3");
        assertEquals(Files.readString(file).strip(), again.out().strip(), "the same seed gives the same text");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "eval --bptt 0|--bptt must be at least 1",
        "eval --batch-size -3|--batch-size must be at least 1",
        "eval --split dev|unknown split",
        "eval --limit-tokens 1|--limit-tokens must be at least 2",
        "eval --bogus|Unknown option",
        "generate --temperature 0|--temperature must be positive",
        "generate --temperature -1|--temperature must be positive",
        "generate --words -5|--words must be at least 0",
        "eval --bptt x|Invalid value",
    })
    void badFlagsGiveOneLineAndExitTwo(String args, String expected) {
        Run r = run(args.split(" "));
        assertEquals(2, r.status(), r.err());
        assertOneLine(r.err(), expected);
    }

    @Test
    void missingFilesGiveOneLineAndExitOne(@TempDir Path dir) {
        Run r = run("eval", "--model", dir.resolve("nope.pth").toString());
        assertEquals(1, r.status(), r.err());
        assertOneLine(r.err(), "nope.pth");
        Run d = run("eval", "--data", dir.resolve("nodata").toString());
        assertEquals(1, d.status(), d.err());
        assertOneLine(d.err(), "nodata");
    }

    @Test
    void aCorruptModelFileIsNamed(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.pth");
        Files.writeString(bad, "not a zip");
        Run r = run("info", "--model", bad.toString());
        assertEquals(1, r.status(), r.err());
        assertOneLine(r.err(), "bad.pth");
    }

    @Test
    void aVocabularyMismatchIsNamed(@TempDir Path dir) throws Exception {
        for (String split : new String[] {"train", "valid", "test"}) {
            Files.writeString(dir.resolve(split + ".txt"), "a b c\n");
        }
        Run r = run("eval", "--data", dir.toString());
        assertEquals(2, r.status(), r.err());
        assertOneLine(r.err(), "vocabulary");
    }

    private static void assertOneLine(String err, String expected) {
        String trimmed = err.strip();
        assertFalse(trimmed.contains("\n"), "expected one line, got:\n" + err);
        assertTrue(trimmed.startsWith("qlstm: "), err);
        assertTrue(trimmed.contains(expected), "expected '" + expected + "' in: " + err);
        assertFalse(trimmed.contains("\tat "), "no stack trace: " + err);
    }
}
