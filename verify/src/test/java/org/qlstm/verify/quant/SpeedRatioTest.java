package org.qlstm.verify.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.qlstm.nn.eval.Evaluator;
import org.qlstm.nn.eval.Progress;
import org.qlstm.nn.kernel.FloatKernels;
import org.qlstm.nn.kernel.KernelThreads;
import org.qlstm.nn.kernel.Kernels;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.ModelLoader;
import org.qlstm.nn.text.Corpus;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.quant.kernel.Int8Kernel;
import org.qlstm.quant.kernel.Int8Kernels;
import org.qlstm.verify.support.Repo;

/**
 * The speed claim, "int8 faster than float on the same tokens": the trained tutorial-size model
 * ({@code ../shared/models/tutorial_lstm.pth}) evaluates the first {@value #PREDICTIONS} WikiText-2 test predictions
 * (bptt 25, batch 1, one kernel thread) in float and in int8 ({@code qnnpack}, the preferred int8 kernel),
 * alternately, {@value #ROUNDS} rounds in one JVM after a warm-up; the medians of the runs' thread CPU times are
 * compared. Alternating (and swapping which goes first each round) exposes both modes to the same machine noise; CPU
 * time ignores time spent descheduled on a busy machine; the median ignores the odd disturbed run. Measured spread
 * on the loaded 2-core machine: runs within 2–8% of their median. Skips, naming what is missing, without ../shared.
 *
 * <p><b>What the pure-Java kernels can and cannot claim.</b> On the 2-core Zen 4 machine (AVX-512 run as 2×256-bit,
 * one 512-bit FMA per cycle) the float kernel already runs at the FMA peak and {@link VectorInt8Kernel} widens bytes
 * to the same FMAs plus the widening instructions: measured float/int8 = 0.96× and 1.00× in two runs (medians float
 * 0.497 / 0.573 s, int8 0.517 / 0.574 s). The Vector API has no widening int8 dot product, so the claim needs a
 * native VNNI kernel ({@code vpdpbusd}, ~4× the pure-Java int8 in {@code kernel-notes.md}). So: {@link #int8IsNotSlowerThanFloat()} always holds the pure-Java
 * kernels to rough parity, and {@link #int8IsFasterThanFloat()} asserts the claim whenever the preferred int8
 * kernel is not one of them, and reports the measured ratio as its skip reason otherwise.
 */
class SpeedRatioTest {

    private static final int PREDICTIONS = 1_500;
    private static final int BPTT = 25;
    private static final int WARM_UP_ROUNDS = 2;
    private static final int ROUNDS = 7;
    /**
     * The claim's threshold: int8 at least 1.3× faster. A VNNI kernel's estimated whole-model gain is ~2–2.5× (the
     * decoder, ~60% of the float time, 4× faster), and the runs' 2–8% spread cannot bring that near 1.3.
     */
    static final double CLAIMED_RATIO = 1.3;
    /**
     * Rough parity for the pure-Java kernels: measured 0.96–1.00×; 0.8 leaves over twice the noise while any
     * silently scalarized vector path (10–300× slower) or a lost weight layout fails it.
     */
    static final double PARITY_RATIO = 0.8;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static Measurement measured;

    /** Medians of the alternating runs, in CPU seconds. */
    record Measurement(double floatSeconds, double int8Seconds, double[] floatRuns, double[] int8Runs) {
        double ratio() {
            return floatSeconds / int8Seconds;
        }

        @Override
        public String toString() {
            return String.format("%d predictions, %d alternating rounds, 1 thread, kernels %s / %s: float median "
                            + "%.3f s CPU %s, int8 qnnpack median %.3f s CPU %s, float/int8 = %.2f×", PREDICTIONS,
                    ROUNDS, FloatKernels.preferred().name(), Int8Kernels.preferred().name(), floatSeconds,
                    Arrays.toString(rounded(floatRuns)), int8Seconds, Arrays.toString(rounded(int8Runs)), ratio());
        }
    }

    private static synchronized Measurement measure() throws IOException {
        if (measured != null) {
            return measured;
        }
        LanguageModel floatModel = ModelLoader.load(Repo.tutorialModelOrSkip());
        Corpus corpus = Corpus.load(Repo.wikitextOrSkip());
        assertEquals(floatModel.shape().tokens(), corpus.dictionary().size());
        LanguageModel int8Model = QuantizeDynamic.quantize(floatModel, QuantizeDynamic.LSTM_AND_LINEAR,
                Engine.parse("qnnpack"));
        int[] tokens = Arrays.copyOf(corpus.test(), PREDICTIONS + 1);
        int before = KernelThreads.threads();
        KernelThreads.configure(1);
        try {
            Kernels.warmUp();
            Int8Kernels.warmUp();
            for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                cpuSeconds(floatModel, tokens);
                cpuSeconds(int8Model, tokens);
            }
            double[] floatRuns = new double[ROUNDS];
            double[] int8Runs = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                if (r % 2 == 0) {
                    floatRuns[r] = cpuSeconds(floatModel, tokens);
                    int8Runs[r] = cpuSeconds(int8Model, tokens);
                } else {
                    int8Runs[r] = cpuSeconds(int8Model, tokens);
                    floatRuns[r] = cpuSeconds(floatModel, tokens);
                }
            }
            Median median = new Median();
            measured = new Measurement(median.evaluate(floatRuns), median.evaluate(int8Runs), floatRuns, int8Runs);
            System.out.println("speed ratio: " + measured);
            return measured;
        } finally {
            KernelThreads.configure(before);
        }
    }

    /**
     * Only the native VNNI path has the arithmetic throughput for the claim: the pure-Java kernels and the native
     * AVX2 path (int16 widening, as fast as pure Java) run at the float kernel's speed on the CPUs measured.
     */
    private static boolean vnni(Int8Kernel kernel) {
        return kernel.name().startsWith("native-vnni");
    }

    @Test
    void int8IsNotSlowerThanFloat() throws IOException {
        Measurement m = measure();
        assertTrue(m.ratio() >= PARITY_RATIO, "int8 is more than " + PARITY_RATIO + "× slower than float: " + m);
    }

    @Test
    void int8IsFasterThanFloat() throws IOException {
        Measurement m = measure();
        Int8Kernel kernel = Int8Kernels.preferred();
        Assumptions.assumeTrue(vnni(kernel), () -> String.format("skipped: the preferred int8 kernel %s is not the "
                + "native VNNI one (this CPU or build has none), and cannot beat the float kernel by %.1f× "
                + "(measured float/int8 %.2f×)", kernel.name(), CLAIMED_RATIO, m.ratio()));
        assertTrue(m.ratio() >= CLAIMED_RATIO, "int8 is not " + CLAIMED_RATIO + "× faster than float: " + m);
    }

    /** Thread CPU seconds of one evaluation (one kernel thread: all the work is on this thread). */
    private static double cpuSeconds(LanguageModel model, int[] tokens) {
        long t0 = THREADS.getCurrentThreadCpuTime();
        Evaluator.evaluate(model, tokens, BPTT, 1, Progress.NONE);
        return (THREADS.getCurrentThreadCpuTime() - t0) / 1e9;
    }

    private static double[] rounded(double[] seconds) {
        return Arrays.stream(seconds).map(s -> Math.round(s * 1000) / 1000.0).toArray();
    }
}
