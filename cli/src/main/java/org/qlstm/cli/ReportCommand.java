package org.qlstm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.qlstm.nn.eval.EvalResult;
import org.qlstm.nn.eval.Evaluator;
import org.qlstm.nn.eval.Progress;
import org.qlstm.nn.io.AtomicFiles;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.ModelShape;
import org.qlstm.nn.text.Corpus;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code qlstm report --out DIR}: a self-contained HTML parity report ({@code DIR/report.html}, charts inlined as
 * SVG) and the same numbers as JSON ({@code DIR/report.json}), both written atomically.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Writes DIR/report.html (self-contained, SVG charts) and DIR/report.json: |logit error| "
                + "histograms vs PyTorch, weight quantization error, per-chunk losses, speed, golden provenance.")
final class ReportCommand implements Callable<Integer> {

    /** Inputs of the int8-vs-float histogram when PyTorch recorded no logits for the model. */
    private static final int FALLBACK_LOGIT_TOKENS = 100;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions source = new ModelOptions();

    @Mixin
    Int8Options int8Options = new Int8Options();

    @Mixin
    ThreadOptions threadOptions = new ThreadOptions();

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "directory to write report.html and report.json into (created if absent)")
    Path out;

    @Option(names = "--limit-tokens", paramLabel = "N",
            description = "evaluate only the first N tokens of the test split (default: all)")
    Integer limitTokens;

    @Option(names = "--rounds", paramLabel = "R", defaultValue = "3",
            description = "float/int8 evaluations alternated for the speed figures; medians (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--torch-speed", paramLabel = "FILE",
            description = "PyTorch's timings of the same model and tokens on this machine, as "
                    + "reference/bench_torch.py --json prints them; shown beside ours")
    Path torchSpeed;

    @Override
    public Integer call() throws Exception {
        if (limitTokens != null) {
            Checks.atLeast(spec, "--limit-tokens", limitTokens, 2);
        }
        Checks.positive(spec, "--rounds", rounds);
        threadOptions.apply(spec);
        Engine engine = int8Options.engine(spec);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new ParameterException(spec.commandLine(), "--out " + out + " is a file; it must name a directory");
        }
        LanguageModel floatModel = source.loadFloatModel();
        Corpus corpus = source.loadCorpus();
        source.requireSameVocabulary(floatModel, corpus);
        Files.createDirectories(out);
        LanguageModel int8Model = QuantizeDynamic.quantize(floatModel, QuantizeDynamic.LSTM_AND_LINEAR, engine);

        ReportData data = collect(floatModel, int8Model, corpus, engine);
        List<ReportCharts.Chart> charts = ReportCharts.of(data);
        Path html = out.resolve("report.html");
        Path json = out.resolve("report.json");
        AtomicFiles.writeString(html, ReportHtml.render(data, charts));
        AtomicFiles.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(data) + "\n");
        PrintWriter printer = spec.commandLine().getOut();
        printer.printf("wrote %s (%d charts) and %s%n", html, charts.size(), json);
        printer.flush();
        return 0;
    }

    private ReportData collect(LanguageModel floatModel, LanguageModel int8Model, Corpus corpus, Engine engine)
            throws IOException {
        Path modelFile = source.modelFile();
        String sha = PyTorchRecords.sha256(modelFile);
        ModelShape shape = floatModel.shape();
        int[] test = corpus.test();
        int[] tokens = Checks.limit(test, limitTokens);
        // PyTorch's timings are read (and checked against this model and these tokens) before any evaluation.
        ReportData.Maybe<TorchSpeed> torch = torchSpeed == null
                ? ReportData.Maybe.none("No PyTorch timings given: the goldens record none (they depend on the "
                        + "machine). Measure them here with reference/bench_torch.py --json (same model, --limit-tokens "
                        + tokens.length + ") and pass the file with --torch-speed; reference/compare_speed.sh "
                        + "measures both on the whole test split.")
                : ReportData.Maybe.of(TorchSpeed.read(torchSpeed, sha, tokens.length - 1L, tokens.length));
        ReportData.ModelInfo info = new ReportData.ModelInfo(source.model == null ? "embedded default (golden/small/"
                + "model.pth)" : modelFile.toString(), sha, String.format("vocabulary %d, embedding %d, hidden %d, "
                + "%d LSTM layers", shape.tokens(), shape.embeddingSize(), shape.hiddenSize(), shape.layers()),
                engine.name(), threadOptions.threads, tokens.length, test.length);
        Optional<GoldenRecords> goldens = GoldenRecords.locate();
        String noGoldens = "no PyTorch records found (neither in the jar nor in the repository's golden/)";

        // (a), (b): |logit error| on PyTorch's recorded inputs when it recorded this model, else on the test split.
        var floatGolden = goldens.isPresent() ? goldens.get().forward("small/float_forward.json", sha)
                : Optional.<com.fasterxml.jackson.databind.JsonNode>empty();
        ReportData.Maybe<ReportData.Histogram> floatVsTorch;
        ReportData.Histogram int8VsFloat;
        if (floatGolden.isPresent()) {
            float[] ours = LogitParity.logits(floatModel, floatGolden.get());
            String inputs = "inputs: the " + floatGolden.get().path("cases").size()
                    + " cases of golden/small/float_forward.json";
            floatVsTorch = ReportData.Maybe.of(new ReportData.Histogram("float logits: qlstm vs PyTorch", inputs,
                    LogHistogram.of(LogitParity.absoluteErrors(ours, LogitParity.recordedLogits(floatGolden.get())))));
            int8VsFloat = new ReportData.Histogram("int8 " + engine.name() + " vs float logits (both qlstm)", inputs,
                    LogHistogram.of(LogitParity.absoluteErrors(LogitParity.logits(int8Model, floatGolden.get()),
                            ours)));
        } else {
            floatVsTorch = ReportData.Maybe.none(goldens.isEmpty() ? noGoldens
                    : "no PyTorch logits recorded for this model (sha256 " + sha + ")");
            int[] first = Arrays.copyOf(test, Math.min(test.length, FALLBACK_LOGIT_TOKENS));
            int8VsFloat = new ReportData.Histogram("int8 " + engine.name() + " vs float logits (both qlstm)",
                    "inputs: the first " + first.length + " tokens of the test split from a zero state",
                    LogHistogram.of(LogitParity.absoluteErrors(LogitParity.logitsOnTokens(int8Model, first),
                            LogitParity.logitsOnTokens(floatModel, first))));
        }
        String int8Name = "small/int8_forward_" + engine.name() + ".json";
        var int8Golden = goldens.isPresent() ? goldens.get().forward(int8Name, sha)
                : Optional.<com.fasterxml.jackson.databind.JsonNode>empty();
        ReportData.Maybe<ReportData.Histogram> int8VsTorch = int8Golden.isPresent()
                ? ReportData.Maybe.of(new ReportData.Histogram("int8 " + engine.name() + " logits: qlstm vs PyTorch",
                        "inputs: the " + int8Golden.get().path("cases").size() + " cases of golden/" + int8Name,
                        LogHistogram.of(LogitParity.absoluteErrors(LogitParity.logits(int8Model, int8Golden.get()),
                                LogitParity.recordedLogits(int8Golden.get())))))
                : ReportData.Maybe.none(goldens.isEmpty() ? noGoldens : "no PyTorch int8 " + engine.name()
                        + " logits recorded for this model (sha256 " + sha + ")");

        // (c) weights; (d), (e): evaluations alternated, the first round's chunk losses, median timings.
        List<WeightErrors.TensorError> weights = WeightErrors.of(floatModel, int8Model);
        EvalResult[] first = new EvalResult[2];
        ReportData.Speed speed = measure(floatModel, int8Model, tokens, first, torch);
        ReportData.ChunkLosses chunks = new ReportData.ChunkLosses(first[0].chunkLosses(), first[1].chunkLosses(),
                overlay(goldens, sha, null, first[0], tokens.length < test.length),
                overlay(goldens, sha, engine, first[1], tokens.length < test.length),
                first[0].loss(), first[1].loss());
        List<ReportData.Provenance> provenance = goldens.isPresent() ? goldens.get().provenance() : List.of();
        return new ReportData(info, floatVsTorch, int8VsFloat, int8VsTorch, weights, chunks, speed, provenance,
                goldens.map(GoldenRecords::describe).orElse(noGoldens));
    }

    /**
     * PyTorch's chunk losses for the chunks we evaluated: the same tokens from the same zero state give the same
     * chunks, except a last chunk that {@code --limit-tokens} cut short.
     */
    private ReportData.Maybe<double[]> overlay(Optional<GoldenRecords> goldens, String sha, Engine engine,
                                               EvalResult ours, boolean limited) throws IOException {
        if (goldens.isEmpty()) {
            return ReportData.Maybe.none("no PyTorch records found");
        }
        ReportData.Maybe<double[]> recorded = goldens.get().chunkLosses(sha, engine, source.dataDirectory());
        if (!recorded.present()) {
            return recorded;
        }
        int n = ours.chunkLosses().length;
        int[] lengths = ours.chunkLengths();
        if (limited && n > 0 && lengths[n - 1] < PyTorchRecords.BPTT) {
            n--;
        }
        if (recorded.value().length < n) {
            return ReportData.Maybe.none("PyTorch's record has " + recorded.value().length + " chunks, we evaluated "
                    + n);
        }
        return ReportData.Maybe.of(Arrays.copyOf(recorded.value(), n));
    }

    /** Float and int8 evaluations alternated {@code rounds} times after a warm-up; median wall seconds. */
    private ReportData.Speed measure(LanguageModel floatModel, LanguageModel int8Model, int[] tokens,
                                     EvalResult[] first, ReportData.Maybe<TorchSpeed> torch) {
        int bptt = PyTorchRecords.BPTT;
        // JIT warm-up on a few chunks of each, so neither measurement pays for compilation.
        int[] warm = Arrays.copyOf(tokens, Math.min(tokens.length, 4 * bptt + 1));
        for (int i = 0; i < 2; i++) {
            Evaluator.evaluate(floatModel, warm, bptt, 1, Progress.NONE);
            Evaluator.evaluate(int8Model, warm, bptt, 1, Progress.NONE);
        }
        double[] floatSeconds = new double[rounds];
        double[] int8Seconds = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            EvalResult f = Evaluator.evaluate(floatModel, tokens, bptt, 1, Progress.NONE);
            EvalResult q = Evaluator.evaluate(int8Model, tokens, bptt, 1, Progress.NONE);
            floatSeconds[r] = f.seconds();
            int8Seconds[r] = q.seconds();
            if (r == 0) {
                first[0] = f;
                first[1] = q;
            }
        }
        return new ReportData.Speed(rounds, tokens.length - 1L, median(floatSeconds), median(int8Seconds), torch);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
