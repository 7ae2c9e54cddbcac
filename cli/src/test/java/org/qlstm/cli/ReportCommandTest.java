package org.qlstm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code qlstm report} on the embedded default: the page's content against the goldens it summarizes, that it is
 * self-contained, that a real browser (headless Chromium) renders every chart, and one-line errors on bad flags.
 */
class ReportCommandTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Charts the embedded default must get: PyTorch recorded float and qnnpack int8 logits for it (two histograms)
     * plus int8-vs-float, the weight errors, the chunk losses and the speed.
     */
    private static final int EXPECTED_CHARTS = 6;

    @TempDir
    static Path reportDir;

    private static String html;
    private static JsonNode json;

    @BeforeAll
    static void writeTheReport() throws IOException {
        CliTest.Run r = CliTest.run("report", "--out", reportDir.toString(), "--rounds", "1");
        assertEquals(0, r.status(), r.err());
        html = Files.readString(reportDir.resolve("report.html"));
        json = MAPPER.readTree(reportDir.resolve("report.json").toFile());
    }

    @Test
    void writesExactlyThePageAndItsJsonWithNoTemporaryFileLeft() throws IOException {
        try (var files = Files.list(reportDir)) {
            assertEquals(List.of("report.html", "report.json"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void thePageIsSelfContained() {
        // No fetched resource: every src/href/url() must be local; the SVG namespace URIs are names, not fetches.
        Matcher m = Pattern.compile("(?i)(src|href)\\s*=\\s*[\"']?\\s*(https?:|//)|url\\(\\s*['\"]?https?:")
                .matcher(html);
        assertFalse(m.find(), () -> "external reference: " + html.substring(Math.max(0, m.start() - 80),
                Math.min(html.length(), m.end() + 80)));
        assertFalse(html.contains("<link"), "no linked stylesheet");
        assertFalse(Pattern.compile("<script[^>]*src").matcher(html).find(), "no external script");
        assertEquals(EXPECTED_CHARTS, count(html, "<figure class=\"chart\""));
        assertEquals(EXPECTED_CHARTS, count(html, "<svg "));
        assertTrue(html.contains("data-charts-expected=\"" + EXPECTED_CHARTS + "\""), "chart count for the script");
    }

    @Test
    void logitHistogramsCoverEveryRecordedLogit() throws IOException {
        long floatLogits = recordedLogits("small/float_forward.json");
        long int8Logits = recordedLogits("small/int8_forward_qnnpack.json");
        assertHistogram(json.path("floatVsTorch").path("value").path("histogram"), floatLogits);
        assertHistogram(json.path("int8VsFloat").path("histogram"), floatLogits);
        assertHistogram(json.path("int8VsTorch").path("value").path("histogram"), int8Logits);
        // Different arithmetic: int8 and float logits are never all bit-identical; the page would hide a mix-up.
        assertTrue(json.path("int8VsFloat").path("histogram").path("max").asDouble() > 0);
    }

    @Test
    void weightErrorsStayWithinHalfAStepForEveryQuantizedTensor() {
        JsonNode weights = json.path("weights");
        assertEquals(2 * 3 + 1, weights.size(), "weight_ih and weight_hh of 3 layers, and the decoder");
        for (JsonNode t : weights) {
            double scale = t.path("scale").asDouble();
            assertEquals(scale / 2, t.path("bound").asDouble(), 0.0);
            assertEquals(0, t.path("zeroPoint").asInt());
            // Rounding to the nearest step errs by at most scale/2; w·f32(1/scale) and f32(q·scale) each add at
            // most an ulp of the largest weight (|w| ≤ 127.5·scale), hence the two ulps of slack.
            double slack = 2 * Math.ulp((float) (127.5 * scale));
            double max = t.path("maxError").asDouble();
            assertTrue(max <= scale / 2 + slack, t.path("name").asText() + ": max error " + max + " > " + scale / 2);
            assertTrue(max > 0 && t.path("rmsError").asDouble() <= max, t.toString());
        }
    }

    @Test
    void chunkLossesAreTheTestSplitsChunksWithPyTorchsOverlaid() throws IOException {
        JsonNode eval = null;
        for (JsonNode e : golden("small/float_eval.json").path("evals")) {
            if ("test".equals(e.path("split").asText()) && e.path("bptt").asInt() == 25
                    && e.path("batch_size").asInt() == 1) {
                eval = e;
            }
        }
        int chunks = eval.path("chunk_losses").size();
        JsonNode c = json.path("chunks");
        assertEquals(chunks, c.path("oursFloat").size());
        assertEquals(chunks, c.path("ours8").size());
        assertEquals(chunks, c.path("torchFloat").path("value").size());
        assertEquals(chunks, c.path("torchInt8").path("value").size());
        assertEquals(eval.path("chunk_losses").get(0).asDouble(), c.path("torchFloat").path("value").get(0).asDouble(),
                0.0, "PyTorch's figures are copied, not recomputed");
    }

    @Test
    void withoutPyTorchTimingsTheSpeedIsOursAndSaysHowToGetPyTorchs() {
        JsonNode s = json.path("speed");
        assertTrue(s.path("floatSeconds").asDouble() > 0 && s.path("int8Seconds").asDouble() > 0, s.toString());
        assertTrue(s.path("torch").path("value").isNull(), s.toString());
        assertTrue(s.path("torch").path("note").asText().contains("reference/bench_torch.py --json (same model, "
                + "--limit-tokens " + json.path("model").path("tokens").asInt() + ")"), s.toString());
    }

    /** bench_torch.py's output for the embedded model and tokens, with chosen timings (the test's own input). */
    private static String torchTimings(String sha, long predictions, String modes) {
        return "{\"torch\": \"1.13.0a0\", \"threads\": 1, \"model_sha256\": \"" + sha + "\", \"tokens\": "
                + predictions + ", \"rounds\": 3, \"modes\": {" + modes + "}}";
    }

    private static final String THREE_MODES = "\"float\": {\"loss\": 5.9, \"median_cpu_seconds\": 1.9, "
            + "\"median_wall_seconds\": 2.0, \"tokens_per_second\": 9.0}, \"int8_qnnpack\": {\"loss\": 5.91, "
            + "\"median_cpu_seconds\": 3.9, \"median_wall_seconds\": 4.0, \"tokens_per_second\": 5.0}, "
            + "\"int8_onednn\": {\"loss\": 5.92, \"median_cpu_seconds\": 2.9, \"median_wall_seconds\": 3.0, "
            + "\"tokens_per_second\": 6.0}";

    @Test
    void pyTorchTimingsAreShownBesideOursWithTheSpeedUps(@TempDir Path dir) throws IOException {
        long predictions = json.path("model").path("tokens").asLong() - 1;
        Path timings = Files.writeString(dir.resolve("torch.json"),
                torchTimings(json.path("model").path("sha256").asText(), predictions, THREE_MODES));
        Path out = dir.resolve("out");
        CliTest.Run r = CliTest.run("report", "--out", out.toString(), "--rounds", "1", "--torch-speed",
                timings.toString());
        assertEquals(0, r.status(), r.err());
        String page = Files.readString(out.resolve("report.html"));
        JsonNode speed = MAPPER.readTree(out.resolve("report.json").toFile()).path("speed");
        JsonNode modes = speed.path("torch").path("value").path("modes");
        assertEquals(List.of("float", "int8 qnnpack", "int8 onednn"),
                List.of(modes.get(0).path("name").asText(), modes.get(1).path("name").asText(),
                        modes.get(2).path("name").asText()));
        assertEquals(3.0, modes.get(2).path("seconds").asDouble(), 0.0, "PyTorch's figures are copied");
        // Each PyTorch row shows its seconds, tokens/s and qlstm's speed-up: float over our float, int8 over our int8.
        double floatSeconds = speed.path("floatSeconds").asDouble();
        double int8Seconds = speed.path("int8Seconds").asDouble();
        for (String[] row : new String[][] {{"float", "2.0", Double.toString(floatSeconds)},
                {"int8 qnnpack", "4.0", Double.toString(int8Seconds)}, {"int8 onednn", "3.0",
                Double.toString(int8Seconds)}}) {
            double theirs = Double.parseDouble(row[1]);
            String expected = String.format(java.util.Locale.ROOT,
                    "<tr><td>PyTorch 1.13.0a0 %s</td><td>%.4f</td><td>%.0f</td><td>%.2fx</td></tr>", row[0], theirs,
                    predictions / theirs, theirs / Double.parseDouble(row[2]));
            assertTrue(page.contains(expected), () -> "missing row " + expected + " in "
                    + between(page, "<h2>Speed</h2>", "</table>"));
        }
        assertTrue(page.contains("PyTorch's timings: " + timings), "names the file the timings came from");
        assertEquals(EXPECTED_CHARTS, count(page, "<svg "), "PyTorch's bars join the speed chart, no new chart");
        assertTrue(between(page, "id=\"chart-speed-figure\"", "</svg>").contains("PyTorch 1.13.0a0"), "legend");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "another model|SHA=0000000000000000000000000000000000000000000000000000000000000000|timed the model with "
                + "sha256 000000000000",
        "other tokens|PREDICTIONS=7|timed 7 predictions, this report evaluates",
        "no modes|MODES=|modes is missing or empty",
        "unknown mode|MODES=\"bf16\": {\"loss\": 1, \"median_wall_seconds\": 1}|modes has an unknown mode 'bf16'",
        "zero seconds|MODES=\"float\": {\"loss\": 1, \"median_wall_seconds\": 0}|modes.float.median_wall_seconds is 0.0",
        "text seconds|MODES=\"float\": {\"loss\": 1, \"median_wall_seconds\": \"2\"}|median_wall_seconds is a string",
        "no loss|MODES=\"float\": {\"median_wall_seconds\": 2}|modes.float.loss is missing",
        "not json|RAW=[1, 2|",
        "missing file|MISSING|no such file",
    })
    void badPyTorchTimingsAreNamedAndExitOneBeforeAnyEvaluation(String what, String change, String expected,
                                                                 @TempDir Path dir) throws IOException {
        String sha = json.path("model").path("sha256").asText();
        long predictions = json.path("model").path("tokens").asLong() - 1;
        String content = change.startsWith("SHA=") ? torchTimings(change.substring(4), predictions, THREE_MODES)
                : change.startsWith("PREDICTIONS=") ? torchTimings(sha, Long.parseLong(change.substring(12)), THREE_MODES)
                : change.startsWith("MODES=") ? torchTimings(sha, predictions, change.substring(6))
                : change.startsWith("RAW=") ? change.substring(4) : null;
        Path timings = dir.resolve("torch.json");
        if (content != null) {
            Files.writeString(timings, content);
        }
        Path out = dir.resolve("out");
        CliTest.Run r = CliTest.run("report", "--out", out.toString(), "--torch-speed", timings.toString());
        assertEquals(Failures.FAILED, r.status(), r.err());
        assertOneLine(r.err(), timings + ": " + (expected == null ? "" : expected));
        try (var files = Files.list(out)) {
            assertEquals(0, files.count(), "nothing is written");
        }
    }

    @Test
    void provenanceListsEveryPackedGoldenAsItRecordsIt() throws IOException {
        List<String> files = new ArrayList<>();
        for (JsonNode p : json.path("provenance")) {
            String file = p.path("file").asText();
            files.add(file);
            JsonNode recorded = golden(file).path("provenance");
            assertEquals(recorded.path("torch").asText(), p.path("torch").asText(), file);
            assertEquals(recorded.path("script").asText(), p.path("script").asText(), file);
            assertTrue(html.contains(">" + file + "<"), file + " in the page's table");
        }
        assertTrue(files.containsAll(List.of("sizes.json", "small/float_eval.json", "small/float_forward.json",
                "small/int8_forward_qnnpack.json", "full/tutorial_float_loss.json")), files.toString());
    }

    @Test
    void headlessChromiumRendersEveryChart(@TempDir Path work) throws Exception {
        String browser = browser();
        if (browser == null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("chromium is not on PATH; .ci/run installs Debian's chromium package");
            }
            Assumptions.abort("chromium is not on PATH (apt-get install chromium): the browser check is skipped");
        }
        String url = reportDir.resolve("report.html").toUri().toString();
        String dom = chromium(browser, work.resolve("profile-dom"), "--dump-dom", url);
        assertTrue(dom.contains("data-charts-rendered=\"" + EXPECTED_CHARTS + "/" + EXPECTED_CHARTS + "\""),
                () -> "charts rendered: " + between(dom, "<body", ">"));

        // The check can fail: a page whose first chart is an empty SVG reports one chart short.
        Path broken = work.resolve("broken.html");
        Files.writeString(broken, html.replaceFirst("(?s)<svg .*?</svg>",
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"340\"></svg>"));
        String brokenDom = chromium(browser, work.resolve("profile-broken"), "--dump-dom", broken.toUri().toString());
        assertTrue(brokenDom.contains("data-charts-rendered=\"" + (EXPECTED_CHARTS - 1) + "/" + EXPECTED_CHARTS
                + "\""), () -> "charts rendered: " + between(brokenDom, "<body", ">"));

        Path png = work.resolve("report.png");
        chromium(browser, work.resolve("profile-png"), "--window-size=900,3000", "--hide-scrollbars",
                "--screenshot=" + png, url);
        assertTrue(Files.size(png) > 50_000, "a screenshot of charts and tables is not tiny: " + Files.size(png));
        BufferedImage image = ImageIO.read(png.toFile());
        long inked = 0;
        long coloured = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (r + g + b < 3 * 235) {
                    inked++;
                }
                if (b > r + 60) {
                    coloured++; // the charts' blue bars and lines, absent from text and tables
                }
            }
        }
        long sampled = (long) ((image.getHeight() + 1) / 2) * ((image.getWidth() + 1) / 2);
        assertTrue(inked > sampled / 50, "at least 2% of the page is drawn on: " + inked + " of " + sampled);
        assertTrue(coloured > sampled / 200, "the charts' colours show: " + coloured + " of " + sampled);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "report|Missing required option: '--out=DIR'",
        "report --out OUT --engine nope|unknown quantization engine 'nope'",
        "report --out OUT --rounds 0|--rounds must be at least 1",
        "report --out OUT --limit-tokens 1|--limit-tokens must be at least 2",
    })
    void badFlagsGiveOneLineAndExitTwo(String args, String expected, @TempDir Path dir) {
        CliTest.Run r = CliTest.run(args.replace("OUT", dir.resolve("out").toString()).split(" "));
        assertEquals(Failures.USAGE, r.status(), r.err());
        assertOneLine(r.err(), expected);
        assertFalse(Files.exists(dir.resolve("out")), "nothing is written on a usage error");
    }

    @Test
    void anOutThatIsAFileIsAUsageError(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        CliTest.Run r = CliTest.run("report", "--out", file.toString());
        assertEquals(Failures.USAGE, r.status(), r.err());
        assertOneLine(r.err(), file + " is a file");
        assertEquals("x", Files.readString(file));
    }

    @Test
    void aMissingModelIsNamedAndExitsOne(@TempDir Path dir) {
        CliTest.Run r = CliTest.run("report", "--out", dir.resolve("out").toString(), "--model",
                dir.resolve("nope.pth").toString());
        assertEquals(Failures.FAILED, r.status(), r.err());
        assertOneLine(r.err(), "nope.pth");
    }

    private static String chromium(String browser, Path profile, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(browser, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-extensions", "--no-first-run",
                "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish in 90 s");
        }
        assertEquals(0, p.exitValue(), "chromium exit status");
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String browser() {
        for (String name : new String[] {"chromium", "chromium-browser"}) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir).resolve(name);
                if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return null;
    }

    private static void assertHistogram(JsonNode h, long expectedTotal) {
        long sum = 0;
        for (JsonNode c : h.path("counts")) {
            sum += c.asLong();
        }
        assertEquals(expectedTotal, h.path("total").asLong(), h.toString());
        assertEquals(expectedTotal, sum, "the bins hold every value: " + h);
        assertEquals(h.path("labels").size(), h.path("counts").size());
    }

    /** Logits PyTorch recorded in a forward golden: steps × batch × vocabulary per case. */
    private static long recordedLogits(String name) throws IOException {
        JsonNode g = golden(name);
        long n = 0;
        for (JsonNode c : g.path("cases")) {
            n += (long) c.path("steps").asInt() * c.path("batch").asInt() * g.path("ntoken").asInt();
        }
        return n;
    }

    private static JsonNode golden(String name) throws IOException {
        try (InputStream in = ReportCommandTest.class.getResourceAsStream(PyTorchRecords.RESOURCE_BASE + name)) {
            if (in == null) {
                throw new IOException(name + " is not packed in the build output");
            }
            return MAPPER.readTree(in);
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }

    private static String between(String text, String from, String to) {
        int a = text.indexOf(from);
        int b = a < 0 ? -1 : text.indexOf(to, a);
        return a < 0 || b < 0 ? "(not found)" : text.substring(a, b + 1);
    }

    private static void assertOneLine(String err, String expected) {
        String trimmed = err.strip();
        assertFalse(trimmed.contains("\n"), "expected one line, got:\n" + err);
        assertTrue(trimmed.startsWith("qlstm: "), err);
        assertTrue(trimmed.contains(expected), "expected '" + expected + "' in: " + err);
    }
}
