package org.qlstm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command's bad flags, values and paths: exactly one stderr line starting {@code qlstm:} that names the flag
 * or file, no stack trace, exit status 2 for a usage error and 1 for bad input ({@link Failures}); and a file
 * argument that is a directory or is in a missing directory never leaves a file behind.
 */
class CliBadInputTest {

    private static Path dir;
    private static Path missing;
    private static Path garbage;
    private static Path noDir;
    private static Path smallModel;

    @BeforeAll
    static void files() throws IOException {
        dir = Files.createTempDirectory("qlstm-bad-input");
        Files.createDirectories(dir.resolve("adir"));
        missing = dir.resolve("missing.pth");
        garbage = dir.resolve("garbage.pth");
        Files.writeString(garbage, "not a model");
        noDir = dir.resolve("nodir").resolve("out.txt");
        smallModel = Path.of(System.getProperty("qlstm.root", "..")).resolve("golden/small/model.pth");
    }

    @AfterAll
    static void clean() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** {command line with placeholders, exit status, text the message must contain}. */
    static Stream<Arguments> cases() {
        List<Object[]> c = new ArrayList<>();
        // Usage errors (exit 2), per command.
        for (String cmd : new String[] {"eval", "compare"}) {
            usage(c, cmd + " --bptt 0", "--bptt");
            usage(c, cmd + " --bptt -1", "--bptt");
            usage(c, cmd + " --bptt x", "--bptt");
            usage(c, cmd + " --batch-size 0", "--batch-size");
            usage(c, cmd + " --limit-tokens 0", "--limit-tokens");
            usage(c, cmd + " --limit-tokens -5", "--limit-tokens");
            usage(c, cmd + " --split dev", "split");
        }
        for (String cmd : new String[] {"eval", "compare", "bench", "tutorial"}) {
            usage(c, cmd + " --threads 0", "--threads");
            usage(c, cmd + " --threads -2", "--threads");
            usage(c, cmd + " --threads 100000", "--threads");
            usage(c, cmd + " --bogus", "--bogus");
        }
        usage(c, "eval --int8 --engine bogus", "bogus");
        usage(c, "eval --engine qnnpack", "--engine needs --int8");
        usage(c, "compare --engine bogus", "bogus");
        usage(c, "bench --engine bogus", "bogus");
        usage(c, "tutorial --engine bogus", "bogus");
        usage(c, "quantize --model SMALL --out OUT --engine bogus", "bogus");
        usage(c, "bench --rounds 0", "--rounds");
        usage(c, "bench --rounds -1", "--rounds");
        usage(c, "bench --limit-tokens -1", "--limit-tokens");
        usage(c, "bench --limit-tokens 1", "--limit-tokens");
        for (String cmd : new String[] {"generate", "tutorial"}) {
            usage(c, cmd + " --words -1", "--words");
            usage(c, cmd + " --temperature 0", "--temperature");
            usage(c, cmd + " --temperature -0.5", "--temperature");
            usage(c, cmd + " --temperature NaN", "--temperature");
            usage(c, cmd + " --temperature Infinity", "--temperature");
            usage(c, cmd + " --temperature warm", "--temperature");
            usage(c, cmd + " --seed x", "--seed");
        }
        usage(c, "tutorial --limit-tokens 1", "--limit-tokens");
        usage(c, "generate --bogus", "--bogus");
        usage(c, "info --bogus", "--bogus");
        usage(c, "info extra", "extra");
        usage(c, "quantize", "--model");
        usage(c, "quantize --model SMALL", "--out");
        usage(c, "frobnicate", "frobnicate");
        usage(c, "", "missing command");
        // Bad input (exit 1): missing, malformed and directory paths.
        for (String cmd : new String[] {"eval", "generate", "info", "compare", "bench", "tutorial"}) {
            bad(c, cmd + " --model MISSING", "missing.pth");
            bad(c, cmd + " --model DIR", "adir");
            bad(c, cmd + " --model GARBAGE", "garbage.pth");
        }
        for (String cmd : new String[] {"eval", "generate", "compare", "bench", "tutorial"}) {
            bad(c, cmd + " --data MISSING", "missing.pth");
            bad(c, cmd + " --data GARBAGE", "garbage.pth");
        }
        bad(c, "generate --words 3 --out DIR", "adir");
        bad(c, "generate --words 3 --out NODIR", "nodir");
        bad(c, "quantize --model MISSING --out OUT", "missing.pth");
        bad(c, "quantize --model DIR --out OUT", "adir");
        bad(c, "quantize --model GARBAGE --out OUT", "garbage.pth");
        bad(c, "quantize --model SMALL --out DIR", "adir");
        bad(c, "quantize --model SMALL --out NODIR", "nodir");
        return c.stream().map(a -> Arguments.of(Named.of(((String) a[0]).isEmpty() ? "(no arguments)"
                : (String) a[0], a[0]), a[1], a[2]));
    }

    private static void usage(List<Object[]> c, String args, String expected) {
        c.add(new Object[] {args, Failures.USAGE, expected});
    }

    private static void bad(List<Object[]> c, String args, String expected) {
        c.add(new Object[] {args, Failures.FAILED, expected});
    }

    private static String[] resolve(String args) {
        if (args.isEmpty()) {
            return new String[0];
        }
        String[] words = args.split(" ");
        for (int i = 0; i < words.length; i++) {
            words[i] = switch (words[i]) {
                case "MISSING" -> missing.toString();
                case "DIR" -> dir.resolve("adir").toString();
                case "GARBAGE" -> garbage.toString();
                case "NODIR" -> noDir.toString();
                case "SMALL" -> smallModel.toString();
                case "OUT" -> dir.resolve("out.qlstm").toString();
                default -> words[i];
            };
        }
        return words;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oneLineAndTheDocumentedStatus(String args, int status, String expected) throws IOException {
        CliTest.Run r = CliTest.run(resolve(args));
        String err = r.err().strip();
        assertEquals(status, r.status(), "exit status; stderr: " + r.err());
        assertEquals(1, err.lines().count(), "exactly one stderr line, got:\n" + r.err());
        assertTrue(err.startsWith("qlstm: "), err);
        assertTrue(err.contains(expected), "expected '" + expected + "' in: " + err);
        assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace or class name: " + err);
        // Nothing is left behind: no output file, no temporary file, the directory argument untouched.
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("adir", "garbage.pth"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "files in the scratch directory after: " + args);
        }
        try (Stream<Path> files = Files.list(dir.resolve("adir"))) {
            assertEquals(0, files.count(), "the directory argument must stay empty");
        }
    }
}
