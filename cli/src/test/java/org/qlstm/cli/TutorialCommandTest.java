package org.qlstm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code qlstm tutorial} on the embedded small model: the steps in the tutorial's order and shape, the closing
 * table's PyTorch column filled from golden/small only for the model the goldens were made from, JSON, bad flags.
 */
class TutorialCommandTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The repository's golden directory (the build sets qlstm.root to the repository). */
    private static Path golden() {
        return Path.of(System.getProperty("qlstm.root", "..")).resolve("golden");
    }

    private static JsonNode readGolden(String relative) throws IOException {
        return MAPPER.readTree(golden().resolve(relative).toFile());
    }

    /** The loss of the recorded test-split eval (bptt 25, batch 1) in a golden/small eval file. */
    private static double goldenTestLoss(String relative) throws IOException {
        for (JsonNode eval : readGolden(relative).path("evals")) {
            if (eval.path("split").asText().equals("test") && eval.path("bptt").asInt() == 25
                    && eval.path("batch_size").asInt() == 1) {
                return eval.path("loss").asDouble();
            }
        }
        throw new AssertionError("no test eval in " + relative);
    }

    /** Runs with the system property {@code qlstm.golden} set to {@code dir} for the run. */
    private static CliTest.Run runWithGoldens(Path dir, String... args) {
        System.setProperty(PyTorchRecords.PROPERTY, dir.toString());
        try {
            return CliTest.run(args);
        } finally {
            System.clearProperty(PyTorchRecords.PROPERTY);
        }
    }

    /** The cells of the closing table's row starting with {@code label}: ours, PyTorch, tutorial. */
    private static List<String> row(String out, String label) {
        String table = out.substring(out.indexOf("=== 6."));
        for (String line : table.split("\n")) {
            if (line.startsWith(label + " ")) {
                String[] cells = line.substring(label.length()).strip().split(" {3,}");
                return List.of(cells);
            }
        }
        throw new AssertionError("no row '" + label + "' in:\n" + table);
    }

    @Test
    void theStepsAppearInTheTutorialsOrderAndShapeAndThePyTorchColumnComesFromTheSmallGoldens() throws Exception {
        CliTest.Run r = CliTest.run("tutorial", "--words", "120", "--seed", "7");
        assertEquals(0, r.status(), r.err());
        String out = r.out();

        int previous = -1;
        for (String step : new String[] {"=== 1. print(model) ===", "=== 2. generate 120 words",
            "=== 3. quantize_dynamic(model, {nn.LSTM, nn.Linear}, dtype=torch.qint8), engine qnnpack",
            "=== 4. print_size_of_model(model); print_size_of_model(quantized_model) ===",
            "=== 5. time_model_evaluation(model); time_model_evaluation(quantized_model): test split, bptt 25, batch 1,"
                + " 1 thread ===", "=== 6. ours vs PyTorch vs the tutorial ==="}) {
            int at = out.indexOf(step);
            assertTrue(at > previous, "step '" + step + "' missing or out of order in:\n" + out);
            previous = at;
        }
        String step1 = between(out, "=== 1.", "=== 2.");
        assertTrue(step1.contains("LSTMModel(\n  (drop): Dropout(p=0.5, inplace=False)\n  (encoder): Embedding(382, 48)\n"
                + "  (rnn): LSTM(48, 32, num_layers=3, dropout=0.5)\n"), step1);
        String step2 = between(out, "=== 2.", "=== 3.");
        assertTrue(step2.contains("| Generated 0/120 words\n| Generated 100/120 words\n"), step2);
        assertFalse(step2.contains("Generated 200"), step2);
        String text = step2.substring(step2.indexOf("| Generated 100/120 words\n") + 26).strip();
        assertEquals(120, text.split("\\s+").length, "the whole generated text is printed: " + text);
        assertEquals(6, text.split("\n").length, "20 words a line");
        String step3 = between(out, "=== 3.", "=== 4.");
        assertTrue(step3.contains("(rnn): DynamicQuantizedLSTM(48, 32, num_layers=3, dropout=0.5)"), step3);
        assertTrue(step3.contains("(decoder): DynamicQuantizedLinear(in_features=32, out_features=382, "
                + "dtype=torch.qint8, qscheme=torch.per_tensor_affine)"), step3);

        // 4. Size (MB): as Python prints os.path.getsize(...)/1e6, equal to PyTorch's recorded torch.save sizes.
        JsonNode sizes = readGolden("sizes.json").path("small_model");
        String floatMb = pythonMegabytes(sizes.path("float").path("bytes").asLong());
        String int8Mb = pythonMegabytes(sizes.path("int8").path("qnnpack").path("bytes").asLong());
        String step4 = between(out, "=== 4.", "=== 5.");
        assertTrue(step4.startsWith("=== 4. print_size_of_model(model); print_size_of_model(quantized_model) ===\n"
                + "Size (MB): " + floatMb + "\nSize (MB): " + int8Mb + "\n"), step4);
        assertTrue(Pattern.compile("qlstm's own int8 file \\(qlstm quantize\\): Size \\(MB\\): 0\\.\\d+")
                .matcher(step4).find(), step4);

        // 5. the tutorial's 'loss: {0:.3f}\nelapsed time (seconds): {1:.1f}', float then int8.
        String step5 = between(out, "=== 5.", "=== 6.");
        Matcher timed = Pattern.compile("loss: (\\d+\\.\\d{3})\nelapsed time \\(seconds\\): \\d+\\.\\d\n")
                .matcher(step5);
        List<String> losses = new ArrayList<>();
        while (timed.find()) {
            losses.add(timed.group(1));
        }
        assertEquals(2, losses.size(), step5);
        double floatLoss = goldenTestLoss("small/float_eval.json");
        double int8Loss = goldenTestLoss("small/int8_eval_qnnpack.json");
        assertEquals(String.format(Locale.ROOT, "%.3f", floatLoss), losses.get(0));
        assertEquals(String.format(Locale.ROOT, "%.3f", int8Loss), losses.get(1));

        // 6. the PyTorch column holds the goldens' values; the tutorial column its published figures.
        assertEquals(List.of("ours", "PyTorch (recorded)", "tutorial (published)"),
                List.of(out.substring(out.indexOf("=== 6.")).split("\n")[1].strip().split(" {3,}")));
        assertEquals(floatMb, row(out, "Size (MB) float").get(1));
        assertEquals(int8Mb, row(out, "Size (MB) int8 qnnpack").get(1));
        assertEquals(String.format(Locale.ROOT, "%.6f", floatLoss), row(out, "loss float").get(1));
        assertEquals(String.format(Locale.ROOT, "%.6f", int8Loss), row(out, "loss int8").get(1));
        assertEquals(floatLoss, Double.parseDouble(row(out, "loss float").get(0)), 1e-4, "ours is PyTorch's");
        assertEquals(int8Loss, Double.parseDouble(row(out, "loss int8").get(0)), 1e-4, "ours is PyTorch's");
        assertEquals(List.of("113.94", "79.74", "5.167", "5.168", "210", "114"), List.of(
                row(out, "Size (MB) float").get(2), row(out, "Size (MB) int8 qnnpack").get(2),
                row(out, "loss float").get(2), row(out, "loss int8").get(2), row(out, "seconds float").get(2),
                row(out, "seconds int8").get(2)));
        assertTrue(row(out, "seconds float").get(1).startsWith("n/a ["), out);
        assertTrue(out.contains("PyTorch's seconds are not recorded") && out.contains("reference/compare_speed.sh"),
                out);
        assertFalse(out.contains("no PyTorch record for this model"), out);
    }

    @Test
    void aLimitedEvaluationIsNotComparedWithPyTorchsWholeSplitLoss() throws Exception {
        CliTest.Run r = CliTest.run("tutorial", "--words", "0", "--limit-tokens", "300");
        assertEquals(0, r.status(), r.err());
        String out = r.out();
        assertTrue(out.contains("test split (first 300 tokens), bptt 25"), out);
        assertTrue(row(out, "loss float").get(1).startsWith("n/a ["), out);
        assertTrue(row(out, "loss int8").get(1).startsWith("n/a ["), out);
        assertTrue(out.contains("n/a (not comparable): our loss covers the first 300 of the test split's 3,202 "
                + "tokens (--limit-tokens)"), out);
        // The sizes do not depend on the tokens: still PyTorch's.
        long floatBytes = readGolden("sizes.json").path("small_model").path("float").path("bytes").asLong();
        assertEquals(pythonMegabytes(floatBytes), row(out, "Size (MB) float").get(1));
    }

    @Test
    void aModelTheGoldensWereNotMadeFromGetsNoPyTorchFigures(@TempDir Path dir) throws Exception {
        // Goldens whose model_sha256 is not the embedded model's: as if the model had been replaced.
        for (String name : new String[] {"sizes.json", "small/float_eval.json", "small/int8_eval_qnnpack.json"}) {
            JsonNode node = readGolden(name);
            JsonNode holder = name.equals("sizes.json") ? node.path("small_model") : node;
            ((ObjectNode) holder).put("model_sha256", "0".repeat(64));
            Files.createDirectories(dir.resolve(name).getParent());
            MAPPER.writeValue(dir.resolve(name).toFile(), node);
        }
        CliTest.Run r = runWithGoldens(dir, "tutorial", "--words", "0", "--limit-tokens", "200");
        assertEquals(0, r.status(), r.err());
        String out = r.out();
        for (String label : new String[] {"Size (MB) float", "Size (MB) int8 qnnpack", "loss float", "loss int8"}) {
            assertTrue(row(out, label).get(1).startsWith("n/a ["), label + " in:\n" + out);
        }
        assertTrue(out.contains("n/a (no PyTorch record for this model): its sha256 ceb14f4c9f5c"), out);

        CliTest.Run j = runWithGoldens(dir, "tutorial", "--words", "0", "--limit-tokens", "200", "--json");
        assertEquals(0, j.status(), j.err());
        JsonNode json = MAPPER.readTree(j.out());
        assertTrue(json.get("pytorch").isNull(), j.out());
        assertTrue(json.get("pytorch_notes").get(0).asText().startsWith("n/a (no PyTorch record for this model)"),
                j.out());
    }

    @Test
    void missingGoldensAreNamedNotFatal(@TempDir Path dir) {
        CliTest.Run r = runWithGoldens(dir.resolve("empty-or-absent"), "tutorial", "--words", "0",
                "--limit-tokens", "100");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("n/a (PyTorch records not found)"), r.out());
        assertTrue(row(r.out(), "loss float").get(1).startsWith("n/a ["), r.out());
    }

    @Test
    void anotherCorpusMakesTheLossesNotComparable(@TempDir Path dir) throws Exception {
        Path small = golden().resolve("small");
        for (String split : new String[] {"train", "valid", "test"}) {
            Files.copy(small.resolve(split + ".txt"), dir.resolve(split + ".txt"));
        }
        // Same words (so the same dictionary), one more line in test.txt.
        String firstLine = Files.readAllLines(dir.resolve("test.txt")).stream().filter(l -> !l.isBlank())
                .findFirst().orElseThrow();
        Files.writeString(dir.resolve("test.txt"), Files.readString(dir.resolve("test.txt")) + firstLine + "\n");
        CliTest.Run r = CliTest.run("tutorial", "--words", "0", "--data", dir.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(row(r.out(), "loss float").get(1).startsWith("n/a ["), r.out());
        assertTrue(r.out().contains("n/a (not comparable): test.txt differs from the corpus PyTorch's record used"),
                r.out());
    }

    @Test
    void jsonHasTheFiguresAndPyTorchsFromTheGoldens() throws Exception {
        CliTest.Run r = CliTest.run("tutorial", "--json", "--words", "10", "--engine", "onednn");
        assertEquals(0, r.status(), r.err());
        JsonNode json = MAPPER.readTree(r.out());
        for (String key : new String[] {"engine", "threads", "model_sha256", "words", "seed", "temperature",
            "generated_text", "split", "bptt", "batch_size", "tokens", "test_tokens", "limited", "float_bytes",
            "int8_bytes", "size_ratio", "qlstm_int8_file_bytes", "float_loss", "int8_loss", "loss_delta",
            "float_seconds", "int8_seconds", "speed_ratio", "pytorch", "pytorch_notes", "tutorial"}) {
            assertTrue(json.has(key), "missing key " + key + " in " + r.out());
        }
        assertEquals("onednn", json.get("engine").asText());
        assertEquals(readGolden("small/float_eval.json").path("model_sha256").asText(),
                json.get("model_sha256").asText());
        assertEquals(10, json.get("generated_text").asText().split("\\s+").length);
        assertFalse(json.get("limited").asBoolean());
        assertEquals(3201, json.get("tokens").asLong());
        JsonNode sizes = readGolden("sizes.json").path("small_model");
        assertEquals(sizes.path("float").path("bytes").asLong(), json.get("float_bytes").asLong());
        assertEquals(sizes.path("int8").path("onednn").path("bytes").asLong(), json.get("int8_bytes").asLong());

        JsonNode py = json.get("pytorch");
        assertNotNull(py);
        for (String key : new String[] {"record", "torch", "float_bytes", "int8_bytes", "size_ratio", "float_loss",
            "int8_loss", "loss_delta", "float_seconds", "int8_seconds"}) {
            assertTrue(py.has(key), "missing pytorch." + key + " in " + r.out());
        }
        assertEquals("golden/small", py.get("record").asText());
        assertEquals(goldenTestLoss("small/float_eval.json"), py.get("float_loss").asDouble());
        assertEquals(goldenTestLoss("small/int8_eval_onednn.json"), py.get("int8_loss").asDouble());
        assertEquals(sizes.path("int8").path("onednn").path("bytes").asLong(), py.get("int8_bytes").asLong());
        assertTrue(py.get("float_seconds").isNull());
        assertEquals(py.get("float_loss").asDouble(), json.get("float_loss").asDouble(), 1e-4);
        assertEquals(py.get("int8_loss").asDouble(), json.get("int8_loss").asDouble(), 1e-4);

        JsonNode tutorial = json.get("tutorial");
        assertEquals(113.94, tutorial.get("float_mb").asDouble());
        assertEquals(79.74, tutorial.get("int8_mb").asDouble());
        assertEquals(5.167, tutorial.get("float_loss").asDouble());
        assertEquals(5.168, tutorial.get("int8_loss").asDouble());
        assertEquals(210, tutorial.get("float_seconds").asDouble());
        assertEquals(114, tutorial.get("int8_seconds").asDouble());
    }

    @Test
    void fbgemmHasNoPyTorchInt8Record() {
        CliTest.Run r = CliTest.run("tutorial", "--words", "0", "--engine", "FBGEMM");
        assertEquals(0, r.status(), r.err());
        assertTrue(row(r.out(), "loss int8").get(1).startsWith("n/a ["), r.out());
        assertTrue(row(r.out(), "Size (MB) int8 fbgemm").get(1).startsWith("n/a ["), r.out());
        assertFalse(row(r.out(), "loss float").get(1).startsWith("n/a"), r.out());
        assertTrue(r.out().contains("n/a (no PyTorch int8 record for engine fbgemm)"), r.out());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "tutorial --words -1|--words must be at least 0",
        "tutorial --words x|Invalid value",
        "tutorial --temperature 0|--temperature must be positive",
        "tutorial --limit-tokens 1|--limit-tokens must be at least 2",
        "tutorial --threads 0|--threads must be at least 1",
        "tutorial --engine foo|unknown quantization engine",
        "tutorial --split valid|Unknown option",
        "tutorial --bogus|Unknown option",
    })
    void badFlagsGiveOneLineAndExitTwo(String args, String expected) {
        CliTest.Run r = CliTest.run(args.split(" "));
        assertEquals(2, r.status(), r.err());
        assertOneLine(r.err(), expected);
        assertEquals("", r.out());
    }

    @Test
    void anInt8ModelFileIsAUsageErrorAndAMissingModelFails(@TempDir Path dir) {
        Path int8 = dir.resolve("small.int8");
        CliTest.Run q = CliTest.run("quantize", "--model", EmbeddedDefault.model().toString(), "--out",
                int8.toString());
        assertEquals(0, q.status(), q.err());
        CliTest.Run r = CliTest.run("tutorial", "--model", int8.toString());
        assertEquals(2, r.status(), r.err());
        assertOneLine(r.err(), "is an int8 model");
        CliTest.Run m = CliTest.run("tutorial", "--model", dir.resolve("nope.pth").toString());
        assertEquals(1, m.status(), m.err());
        assertOneLine(m.err(), "nope.pth");
    }

    @Test
    void megabytesPrintLikePython() {
        assertEquals("113.943637", TutorialCommand.megabytes(113_943_637));
        assertEquals("79.738057", TutorialCommand.megabytes(79_738_057));
        assertEquals("0.236933", TutorialCommand.megabytes(236_933));
        assertEquals("1.0", TutorialCommand.megabytes(1_000_000));
        assertEquals("0.1", TutorialCommand.megabytes(100_000));
    }

    /** {@code bytes / 1e6} as Python's print shows it, computed independently of the code under test. */
    private static String pythonMegabytes(long bytes) {
        return Double.toString(bytes / 1e6); // plain for 1e-3 <= x < 1e7, shortest round-trip digits like repr()
    }

    private static String between(String text, String from, String to) {
        int start = text.indexOf(from);
        int end = text.indexOf(to, start);
        assertTrue(start >= 0 && end > start, "no section " + from + " in:\n" + text);
        return text.substring(start, end);
    }

    private static void assertOneLine(String err, String expected) {
        String trimmed = err.strip();
        assertFalse(trimmed.contains("\n"), "expected one line, got:\n" + err);
        assertTrue(trimmed.startsWith("qlstm: "), err);
        assertTrue(trimmed.contains(expected), "expected '" + expected + "' in: " + err);
    }
}
