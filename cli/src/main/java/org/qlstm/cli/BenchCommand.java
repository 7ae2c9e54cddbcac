package org.qlstm.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.qlstm.nn.eval.Evaluator;
import org.qlstm.nn.eval.Progress;
import org.qlstm.nn.kernel.FloatKernels;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.text.Corpus;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.quant.kernel.Int8Kernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code qlstm bench}: float and int8 evaluation of the same tokens in one process, alternated round by round so
 * that machine noise hits both alike; reports medians of process CPU time and wall time, tokens per second and the
 * int8/float speed ratios.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Times float and int8 evaluation of the same tokens, alternated; prints medians and ratios.")
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions source = new ModelOptions();

    @Mixin
    Int8Options int8Options = new Int8Options();

    @Mixin
    SchemeOptions schemeOptions = new SchemeOptions();

    @Mixin
    ThreadOptions threadOptions = new ThreadOptions();

    @Option(names = "--limit-tokens", paramLabel = "N", defaultValue = "5000",
            description = "time the first N test tokens; 0 for the whole split (default: ${DEFAULT-VALUE})")
    int limitTokens;

    @Option(names = "--rounds", paramLabel = "R", defaultValue = "3",
            description = "alternating rounds; medians are reported (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    private static final int BPTT = 25;

    /** Medians of one mode's rounds. */
    record Timing(double cpuSeconds, double wallSeconds, double loss) {
    }

    @Override
    public Integer call() throws Exception {
        Checks.atLeast(spec, "--limit-tokens", limitTokens, 0);
        if (limitTokens == 1) {
            Checks.atLeast(spec, "--limit-tokens", limitTokens, 2);
        }
        Checks.positive(spec, "--rounds", rounds);
        threadOptions.apply(spec);
        Engine engine = int8Options.engine(spec);
        QuantizeDynamic.Options options = schemeOptions.options(spec);
        LanguageModel floatModel = source.loadFloatModel();
        Corpus corpus = source.loadCorpus();
        source.requireSameVocabulary(floatModel, corpus);
        LanguageModel int8Model = QuantizeDynamic.quantize(floatModel, QuantizeDynamic.LSTM_AND_LINEAR, engine,
                org.qlstm.quant.kernel.Int8Kernels.preferred(), options);
        int[] tokens = limitTokens == 0 ? corpus.test() : Checks.limit(corpus.test(), limitTokens);

        int[] warm = Arrays.copyOf(tokens, Math.min(tokens.length, 4 * BPTT + 1));
        for (int i = 0; i < 2; i++) {
            Evaluator.evaluate(floatModel, warm, BPTT, 1, Progress.NONE);
            Evaluator.evaluate(int8Model, warm, BPTT, 1, Progress.NONE);
        }
        double[][] floatRuns = new double[3][rounds];
        double[][] int8Runs = new double[3][rounds];
        for (int r = 0; r < rounds; r++) {
            measure(floatModel, tokens, floatRuns, r);
            measure(int8Model, tokens, int8Runs, r);
        }
        Timing f = median(floatRuns);
        Timing q = median(int8Runs);
        long predictions = tokens.length - 1L;

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("tokens", predictions);
            fields.put("threads", threadOptions.threads);
            fields.put("rounds", rounds);
            fields.put("engine", engine.name());
            fields.put("float_kernel", FloatKernels.preferred().name());
            fields.put("int8_kernel", Int8Kernels.preferred().name());
            fields.put("float", mode(f, predictions));
            fields.put("int8", mode(q, predictions));
            fields.put("speed_ratio_cpu", f.cpuSeconds() / q.cpuSeconds());
            fields.put("speed_ratio_wall", f.wallSeconds() / q.wallSeconds());
            out.println(Json.line(fields));
        } else {
            out.printf("qlstm bench: %,d tokens, %d round%s alternated, %d thread%s, kernels %s / %s%n", predictions,
                    rounds, rounds == 1 ? "" : "s", threadOptions.threads, threadOptions.threads == 1 ? "" : "s",
                    FloatKernels.preferred().name(), Int8Kernels.preferred().name());
            out.printf("  %-14s %9s %9s %11s %10s%n", "", "cpu s", "wall s", "tokens/s", "loss");
            out.printf("  %-14s %9.3f %9.3f %11.0f %10.6f%n", "float", f.cpuSeconds(), f.wallSeconds(),
                    predictions / f.wallSeconds(), f.loss());
            out.printf("  %-14s %9.3f %9.3f %11.0f %10.6f%n", "int8 " + engine.name(), q.cpuSeconds(),
                    q.wallSeconds(), predictions / q.wallSeconds(), q.loss());
            out.printf("  int8 speed-up: %.2fx CPU time, %.2fx wall time%n", f.cpuSeconds() / q.cpuSeconds(),
                    f.wallSeconds() / q.wallSeconds());
        }
        out.flush();
        return 0;
    }

    private static Map<String, Object> mode(Timing t, long predictions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median_cpu_seconds", t.cpuSeconds());
        m.put("median_wall_seconds", t.wallSeconds());
        m.put("tokens_per_second", predictions / t.wallSeconds());
        m.put("loss", t.loss());
        return m;
    }

    private static void measure(LanguageModel model, int[] tokens, double[][] runs, int round) {
        long cpu0 = processCpuNanos();
        long wall0 = System.nanoTime();
        double loss = Evaluator.evaluate(model, tokens, BPTT, 1, Progress.NONE).loss();
        runs[0][round] = (processCpuNanos() - cpu0) / 1e9;
        runs[1][round] = (System.nanoTime() - wall0) / 1e9;
        runs[2][round] = loss;
    }

    private static Timing median(double[][] runs) {
        return new Timing(median(runs[0]), median(runs[1]), runs[2][0]);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** CPU time of the whole process (all kernel threads), so multi-threaded runs are charged fully. */
    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
