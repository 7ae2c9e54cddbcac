package org.qlstm.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.qlstm.nn.eval.EvalResult;
import org.qlstm.nn.eval.Evaluator;
import org.qlstm.nn.eval.Progress;
import org.qlstm.nn.eval.TextGenerator;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.text.Corpus;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.quant.io.ModelSizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qlstm tutorial}: the steps of PyTorch's tutorial "(beta) Dynamic Quantization on an LSTM Word Language
 * Model", in its order and printed in its shape, followed by a table of our figures, PyTorch's recorded figures for
 * the same model and the tutorial's published figures.
 * <ol>
 *   <li>{@code print(model)};</li>
 *   <li>text generation with the float model: {@code | Generated i/N words} every 100 words, then the whole
 *       generated text (20 words a line), as the tutorial prints its {@code out.txt};</li>
 *   <li>{@code print(quantized_model)} after {@code quantize_dynamic(model, {LSTM, Linear}, qint8)};</li>
 *   <li>{@code print_size_of_model} of both: {@code Size (MB): …} with the exact {@code torch.save} sizes
 *       ({@link ModelSizes}, computed from the shape), and the size of qlstm's own int8 file;</li>
 *   <li>{@code time_model_evaluation} of both: {@code loss: …} and {@code elapsed time (seconds): …} on the test
 *       split, bptt 25, batch 1, one thread by default; each model first runs untimed on the first
 *       {@value #WARM_UP_TOKENS} test tokens so that the JIT's compilation is not timed;</li>
 *   <li>the closing table (see {@link PyTorchRecords} for when PyTorch's figures apply).</li>
 * </ol>
 * With {@code --json} nothing but one JSON object is printed.
 */
@Command(name = "tutorial", mixinStandardHelpOptions = true,
        description = {"Runs the steps of PyTorch's dynamic quantization tutorial in order: print(model), text "
                + "generation (progress every 100 words, then the whole text), print(quantized_model), Size (MB) "
                + "of both, loss and elapsed seconds of both on the test split (bptt 25, batch 1), then a table: "
                + "ours, PyTorch's recorded figures for this model (golden/, matched by sha256) and the "
                + "tutorial's published figures."})
final class TutorialCommand implements Callable<Integer> {

    /** The tutorial's published figures, for its own trained model on its own machine. */
    static final double TUTORIAL_FLOAT_MB = 113.94;
    static final double TUTORIAL_INT8_MB = 79.74;
    static final double TUTORIAL_FLOAT_LOSS = 5.167;
    static final double TUTORIAL_INT8_LOSS = 5.168;
    static final double TUTORIAL_FLOAT_SECONDS = 210;
    static final double TUTORIAL_INT8_SECONDS = 114;

    /** Why the PyTorch seconds are n/a. */
    static final String SECONDS_NOTE = "n/a (PyTorch's seconds are not recorded): no golden records timings, they "
            + "depend on the machine; reference/compare_speed.sh measures qlstm and PyTorch here on the same tokens";

    /** Test tokens each model evaluates untimed before the timed run. */
    static final int WARM_UP_TOKENS = 2000;

    private static final int BPTT = PyTorchRecords.BPTT;
    private static final int BATCH_SIZE = PyTorchRecords.BATCH_SIZE;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions source = new ModelOptions();

    @Mixin
    Int8Options int8Options = new Int8Options();

    @Mixin
    ThreadOptions threadOptions = new ThreadOptions();

    @Option(names = "--words", defaultValue = "1000",
            description = "words to generate in step 2 (default: ${DEFAULT-VALUE}, as the tutorial)")
    int words;

    @Option(names = "--seed", defaultValue = "1111", description = "generation seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--temperature", defaultValue = "1.0",
            description = "generation temperature > 0 (default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--limit-tokens", paramLabel = "N",
            description = "evaluate only the first N test tokens (PyTorch's whole-split losses are then n/a)")
    Integer limitTokens;

    @Option(names = "--json", description = "print one JSON object with the figures instead of the steps")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Checks.atLeast(spec, "--words", words, 0);
        Checks.positiveFinite(spec, "--temperature", temperature);
        if (limitTokens != null) {
            Checks.atLeast(spec, "--limit-tokens", limitTokens, 2);
        }
        threadOptions.apply(spec);
        Engine engine = int8Options.engine(spec);
        PrintWriter out = spec.commandLine().getOut();
        Path modelFile = source.modelFile();
        LanguageModel floatModel = source.loadFloatModel();
        Corpus corpus = source.loadCorpus();
        source.requireSameVocabulary(floatModel, corpus);
        boolean text = !json;
        if (text) {
            out.println("qlstm tutorial: the steps of PyTorch's \"(beta) Dynamic Quantization on an LSTM Word "
                    + "Language Model\"");
            out.println("model: " + (source.model == null ? "the embedded small model (golden/small/model.pth)"
                    : modelFile) + "; corpus: " + (source.data == null ? "the embedded small corpus (golden/small)"
                    : source.dataDirectory()));
        }

        // 1. print(model)
        if (text) {
            heading(out, "1. print(model)");
            out.println(floatModel.describe());
        }

        // 2. text generation with the float model
        if (text) {
            heading(out, String.format(Locale.ROOT, "2. generate %d words (seed %d, temperature %s)", words, seed,
                    temperature));
        }
        TextGenerator generator = new TextGenerator(floatModel, corpus.dictionary().words());
        TextGenerator.Generated generated = generator.generate(words, temperature, seed, i -> {
            if (text) {
                out.printf("| Generated %d/%d words%n", i, words).flush();
            }
        });
        if (text) {
            out.print(generated.text());
            if (!generated.text().isEmpty() && !generated.text().endsWith("\n")) {
                out.println();
            }
        }

        // 3. quantize_dynamic, print(quantized_model)
        LanguageModel int8Model = QuantizeDynamic.quantize(floatModel, QuantizeDynamic.LSTM_AND_LINEAR, engine);
        if (text) {
            heading(out, "3. quantize_dynamic(model, {nn.LSTM, nn.Linear}, dtype=torch.qint8), engine "
                    + engine.name() + "; print(quantized_model)");
            out.println(int8Model.describe());
        }

        // 4. print_size_of_model
        ModelSizes sizes = ModelSizes.of(floatModel.shape(), engine);
        long floatBytes = sizes.torchFloat().total();
        long int8Bytes = sizes.torchInt8().total();
        if (text) {
            heading(out, "4. print_size_of_model(model); print_size_of_model(quantized_model)");
            out.println("Size (MB): " + megabytes(floatBytes));
            out.println("Size (MB): " + megabytes(int8Bytes));
            out.printf("(torch.save(state_dict) sizes, computed exactly from the shape; qlstm's own int8 file "
                    + "(qlstm quantize): Size (MB): %s)%n", megabytes(sizes.ourInt8File()));
            out.flush();
        }

        // 5. time_model_evaluation
        int[] test = corpus.test();
        int[] tokens = Checks.limit(test, limitTokens);
        if (text) {
            heading(out, String.format(Locale.ROOT, "5. time_model_evaluation(model); "
                    + "time_model_evaluation(quantized_model): test split%s, bptt %d, batch %d, %d thread%s",
                    tokens.length < test.length ? " (first " + tokens.length + " tokens)" : "", BPTT, BATCH_SIZE,
                    threadOptions.threads, threadOptions.threads == 1 ? "" : "s"));
            out.flush();
        }
        int[] warm = Arrays.copyOf(tokens, Math.min(tokens.length, WARM_UP_TOKENS));
        Evaluator.evaluate(floatModel, warm, BPTT, BATCH_SIZE, Progress.NONE);
        Evaluator.evaluate(int8Model, warm, BPTT, BATCH_SIZE, Progress.NONE);
        EvalResult f = evaluate(floatModel, tokens, "float");
        if (text) {
            printTimed(out, f);
        }
        EvalResult q = evaluate(int8Model, tokens, "int8 ");
        if (text) {
            printTimed(out, q);
        }

        // 6. the closing table
        String sha = PyTorchRecords.sha256(modelFile);
        PyTorchRecords.Figures torch = PyTorchRecords.lookup(new PyTorchRecords.Run(sha, source.dataDirectory(),
                floatModel.shape(), engine, tokens.length, test.length));
        if (json) {
            out.println(Json.line(jsonFields(engine, sha, generated, tokens.length, test.length, floatBytes,
                    int8Bytes, sizes.ourInt8File(), f, q, torch)));
        } else {
            heading(out, "6. ours vs PyTorch vs the tutorial");
            printTable(out, engine, sha, test.length, floatBytes, int8Bytes, f, q, torch);
        }
        out.flush();
        return 0;
    }

    private static void heading(PrintWriter out, String title) {
        out.println();
        out.println("=== " + title + " ===");
    }

    private static EvalResult evaluate(LanguageModel model, int[] tokens, String label) {
        ProgressBar bar = ProgressBar.forTerminal(label);
        try {
            return Evaluator.evaluate(model, tokens, BPTT, BATCH_SIZE, bar);
        } finally {
            bar.close();
        }
    }

    /** The tutorial's {@code 'loss: {0:.3f}\nelapsed time (seconds): {1:.1f}'}. */
    private static void printTimed(PrintWriter out, EvalResult r) {
        out.printf(Locale.ROOT, "loss: %.3f%nelapsed time (seconds): %.1f%n", r.loss(), r.seconds());
        out.flush();
    }

    /** {@code bytes / 1e6} as Python prints it ({@code 113.943637}, {@code 1.0}). */
    static String megabytes(long bytes) {
        String s = new BigDecimal(bytes).movePointLeft(6).stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".0";
    }

    private void printTable(PrintWriter out, Engine engine, String sha, int testTokens, long floatBytes,
                            long int8Bytes, EvalResult f, EvalResult q, PyTorchRecords.Figures torch) {
        Footnotes notes = new Footnotes();
        String pySizeRatio = torch.floatBytes().present() && torch.int8Bytes().present()
                ? ratio(torch.int8Bytes().value() / torch.floatBytes().value()) : null;
        String pyLossDelta = torch.floatLoss().present() && torch.int8Loss().present()
                ? delta(torch.int8Loss().value() - torch.floatLoss().value()) : null;

        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"", "ours", "PyTorch (recorded)", "tutorial (published)"});
        rows.add(new String[] {"Size (MB) float", megabytes(floatBytes),
                cell(torch.floatBytes(), v -> megabytes(v.longValue()), notes), "113.94"});
        rows.add(new String[] {"Size (MB) int8 " + engine.name(), megabytes(int8Bytes),
                cell(torch.int8Bytes(), v -> megabytes(v.longValue()), notes), "79.74"});
        rows.add(new String[] {"loss float", loss(f.loss()), cell(torch.floatLoss(), TutorialCommand::loss, notes),
                "5.167"});
        rows.add(new String[] {"loss int8", loss(q.loss()), cell(torch.int8Loss(), TutorialCommand::loss, notes),
                "5.168"});
        String secondsNote = notes.mark(SECONDS_NOTE);
        rows.add(new String[] {"seconds float", seconds(f.seconds()), "n/a " + secondsNote, "210"});
        rows.add(new String[] {"seconds int8", seconds(q.seconds()), "n/a " + secondsNote, "114"});
        rows.add(new String[] {"size int8/float", ratio((double) int8Bytes / floatBytes),
                pySizeRatio != null ? pySizeRatio : "n/a", ratio(TUTORIAL_INT8_MB / TUTORIAL_FLOAT_MB)});
        rows.add(new String[] {"loss int8 - float", delta(q.loss() - f.loss()),
                pyLossDelta != null ? pyLossDelta : "n/a", "+0.001"});
        rows.add(new String[] {"speed-up float/int8", speedUp(f.seconds() / q.seconds()), "n/a",
                speedUp(TUTORIAL_FLOAT_SECONDS / TUTORIAL_INT8_SECONDS)});
        int[] widths = new int[4];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(pad(row[0], widths[0]));
            for (int c = 1; c < row.length; c++) {
                line.append("   ").append(padLeft(row[c], widths[c]));
            }
            out.println(line.toString().stripTrailing());
        }
        out.printf("ours: measured now, %,d predictions of the test split's %,d tokens (bptt %d, batch %d), "
                + "%d thread%s; Size (MB) is torch.save's exact size for this shape%n", f.predictions(), testTokens,
                BPTT, BATCH_SIZE, threadOptions.threads, threadOptions.threads == 1 ? "" : "s");
        if (torch.matched()) {
            out.printf("PyTorch (recorded): %s (torch %s) in %s, for this model (sha256 %s)%n", torch.record(),
                    torch.torch() == null ? "?" : torch.torch(), torch.source(), PyTorchRecords.abbreviate(sha));
        }
        out.println("tutorial (published): the figures printed in the tutorial, for its own trained model "
                + "(WikiText-2, 5 epochs) on its own machine; not this model's");
        for (String line : notes.lines()) {
            out.println(line);
        }
    }

    /** A PyTorch figure, or "n/a [k]" with its reason as footnote k. */
    private static String cell(PyTorchRecords.Figure figure, java.util.function.Function<Double, String> format,
                               Footnotes notes) {
        return figure.present() ? format.apply(figure.value()) : "n/a " + notes.mark(figure.note());
    }

    private static String loss(double value) {
        return String.format(Locale.ROOT, "%.6f", value);
    }

    private static String seconds(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String ratio(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static String delta(double value) {
        return String.format(Locale.ROOT, "%+.6f", value);
    }

    private static String speedUp(double value) {
        return String.format(Locale.ROOT, "%.2fx", value);
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private static String padLeft(String s, int width) {
        return " ".repeat(Math.max(0, width - s.length())) + s;
    }

    /** Numbered notes, each distinct text once. */
    private static final class Footnotes {
        private final List<String> texts = new ArrayList<>();

        String mark(String text) {
            int i = texts.indexOf(text);
            if (i < 0) {
                texts.add(text);
                i = texts.size() - 1;
            }
            return "[" + (i + 1) + "]";
        }

        List<String> lines() {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                lines.add("[" + (i + 1) + "] " + texts.get(i));
            }
            return lines;
        }
    }

    private Map<String, Object> jsonFields(Engine engine, String sha, TextGenerator.Generated generated,
                                           int evaluatedTokens, int testTokens, long floatBytes, long int8Bytes,
                                           long ourInt8FileBytes, EvalResult f, EvalResult q,
                                           PyTorchRecords.Figures torch) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("engine", engine.name());
        fields.put("threads", threadOptions.threads);
        fields.put("model_sha256", sha);
        fields.put("words", words);
        fields.put("seed", seed);
        fields.put("temperature", temperature);
        fields.put("generated_text", generated.text());
        fields.put("split", "test");
        fields.put("bptt", BPTT);
        fields.put("batch_size", BATCH_SIZE);
        fields.put("tokens", f.predictions());
        fields.put("test_tokens", testTokens);
        fields.put("limited", evaluatedTokens < testTokens);
        fields.put("float_bytes", floatBytes);
        fields.put("int8_bytes", int8Bytes);
        fields.put("size_ratio", (double) int8Bytes / floatBytes);
        fields.put("qlstm_int8_file_bytes", ourInt8FileBytes);
        fields.put("float_loss", f.loss());
        fields.put("int8_loss", q.loss());
        fields.put("loss_delta", q.loss() - f.loss());
        fields.put("float_seconds", f.seconds());
        fields.put("int8_seconds", q.seconds());
        fields.put("speed_ratio", f.seconds() / q.seconds());
        if (torch.matched()) {
            Map<String, Object> py = new LinkedHashMap<>();
            py.put("record", torch.record());
            py.put("torch", torch.torch());
            py.put("float_bytes", asLong(torch.floatBytes()));
            py.put("int8_bytes", asLong(torch.int8Bytes()));
            py.put("size_ratio", torch.floatBytes().present() && torch.int8Bytes().present()
                    ? torch.int8Bytes().value() / torch.floatBytes().value() : null);
            py.put("float_loss", torch.floatLoss().value());
            py.put("int8_loss", torch.int8Loss().value());
            py.put("loss_delta", torch.floatLoss().present() && torch.int8Loss().present()
                    ? torch.int8Loss().value() - torch.floatLoss().value() : null);
            py.put("float_seconds", null);
            py.put("int8_seconds", null);
            fields.put("pytorch", py);
        } else {
            fields.put("pytorch", null);
        }
        List<String> notes = new ArrayList<>(torch.notes());
        notes.add(SECONDS_NOTE);
        fields.put("pytorch_notes", notes);
        Map<String, Object> tutorial = new LinkedHashMap<>();
        tutorial.put("float_mb", TUTORIAL_FLOAT_MB);
        tutorial.put("int8_mb", TUTORIAL_INT8_MB);
        tutorial.put("float_loss", TUTORIAL_FLOAT_LOSS);
        tutorial.put("int8_loss", TUTORIAL_INT8_LOSS);
        tutorial.put("float_seconds", TUTORIAL_FLOAT_SECONDS);
        tutorial.put("int8_seconds", TUTORIAL_INT8_SECONDS);
        tutorial.put("note", "the tutorial's published figures, for its own trained model on its own machine");
        fields.put("tutorial", tutorial);
        return fields;
    }

    private static Long asLong(PyTorchRecords.Figure figure) {
        return figure.present() ? figure.value().longValue() : null;
    }
}
