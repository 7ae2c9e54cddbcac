package org.qlstm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.qlstm.nn.eval.Evaluator;
import org.qlstm.nn.kernel.FloatKernel;
import org.qlstm.nn.kernel.FloatKernels;
import org.qlstm.nn.kernel.FloatMatrix;
import org.qlstm.nn.kernel.KernelThreads;
import org.qlstm.nn.kernel.Kernels;
import org.qlstm.nn.kernel.LogSoftmax;
import org.qlstm.nn.kernel.LstmGates;
import org.qlstm.nn.model.Embedding;
import org.qlstm.nn.model.InferenceSession;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.Linear;
import org.qlstm.nn.model.LstmLayer;

/**
 * The same shapes as the JMH benchmarks, timed in this thread's CPU time (best of several runs), which holds up on a
 * machine shared with other work where wall-clock averages do not; then a whole chunk of the tutorial's model
 * (random weights of the real shape: 33,278 words, 512 → 256 × 5 layers) through {@link InferenceSession} and the
 * evaluation's cross-entropy, extrapolated to the 9,823 chunks of the WikiText-2 test split.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.qlstm.bench.CpuTimeReport</pre>
 */
public final class CpuTimeReport {

    private static final ThreadMXBean BEAN = ManagementFactory.getThreadMXBean();
    private static final int TEST_CHUNKS = 9823;

    private CpuTimeReport() {
    }

    public static void main(String[] args) {
        System.out.printf("warm-up: %.0f ms%n", Kernels.warmUp() / 1e6);
        int[][] shapes = {{25, 256, 33278}, {25, 512, 1024}, {25, 256, 1024}, {1, 256, 1024}};
        for (int[] s : shapes) {
            for (String kernel : new String[] {"scalar", "dot", "vector"}) {
                gemm(kernel, s[0], s[1], s[2]);
            }
        }
        SplittableRandom random = new SplittableRandom(3);
        float[] logits = Data.gaussian(random, 25 * 33278, 3f);
        double[] sink = new double[1];
        double lse = best(() -> {
            for (int r = 0; r < 25; r++) {
                sink[0] += LogSoftmax.logSumExp(logits, r * 33278, 33278);
            }
        }, 200);
        System.out.printf("log-sum-exp 25x33278: %.1f µs%n", lse / 1e3);
        int hidden = 256;
        float[] gates0 = Data.gaussian(random, 4 * hidden, 2f);
        float[] gates = gates0.clone();
        float[] ih = Data.gaussian(random, 4 * hidden, 2f);
        float[] c = new float[hidden];
        float[] h = new float[hidden];
        float[] out = new float[hidden];
        double gv = best(() -> {
            for (int i = 0; i < 100; i++) {
                System.arraycopy(gates0, 0, gates, 0, gates.length);
                LstmGates.step(gates, 0, ih, 0, c, h, 0, out, 0, hidden);
            }
        }, 200) / 100;
        double gs = best(() -> {
            for (int i = 0; i < 100; i++) {
                System.arraycopy(gates0, 0, gates, 0, gates.length);
                LstmGates.stepScalar(gates, 0, ih, 0, c, h, 0, out, 0, hidden);
            }
        }, 50) / 100;
        System.out.printf("gate step 1x256: vector %.2f µs, scalar %.2f µs%n", gv / 1e3, gs / 1e3);

        for (String kernel : new String[] {"vector", "dot"}) {
            for (int threads : new int[] {1, 2}) {
                if (kernel.equals("dot") && threads == 2) {
                    continue;
                }
                chunk(kernel, threads);
            }
        }
    }

    private static void gemm(String kernel, int rows, int inputs, int outputs) {
        SplittableRandom random = new SplittableRandom(42);
        FloatMatrix m = FloatKernels.choose(kernel).prepare(Data.gaussian(random, outputs * inputs, 0.05f), outputs,
                inputs);
        float[] x = Data.gaussian(random, rows * inputs, 1f);
        float[] b = Data.gaussian(random, outputs, 0.1f);
        float[] y = new float[rows * outputs];
        double flops = 2.0 * rows * inputs * outputs;
        int runs = (int) Math.max(3, Math.min(400, 2e9 / flops / (kernel.equals("scalar") ? 20 : 1)));
        double ns = best(() -> m.multiply(x, rows, b, y), runs);
        System.out.printf("%-6s %2dx%3d→%5d: %9.1f µs  %6.1f GFLOP/s%n", kernel, rows, inputs, outputs, ns / 1e3,
                flops / ns);
    }

    /** A full chunk of 25 tokens: embedding, 5 LSTM layers, decoder, cross-entropy of 25 rows. */
    private static void chunk(String kernelName, int threads) {
        KernelThreads.configure(threads);
        FloatKernel kernel = FloatKernels.choose(kernelName);
        SplittableRandom random = new SplittableRandom(9);
        int tokens = 33278;
        int dim = 512;
        int hidden = 256;
        Embedding embedding = new Embedding(Data.gaussian(random, tokens * dim, 0.1f), tokens, dim);
        List<LstmLayer> layers = new ArrayList<>();
        for (int l = 0; l < 5; l++) {
            int in = l == 0 ? dim : hidden;
            layers.add(new LstmLayer(
                    new Linear(Data.gaussian(random, 4 * hidden * in, 0.06f), Data.gaussian(random, 4 * hidden, 0.1f),
                            4 * hidden, in, kernel),
                    new Linear(Data.gaussian(random, 4 * hidden * hidden, 0.06f),
                            Data.gaussian(random, 4 * hidden, 0.1f), 4 * hidden, hidden, kernel)));
        }
        Linear decoder = new Linear(Data.gaussian(random, tokens * hidden, 0.1f), Data.gaussian(random, tokens, 0.1f),
                tokens, hidden, kernel);
        LanguageModel model = new LanguageModel(embedding, layers, decoder);
        InferenceSession session = model.newSession(1);
        int[] ids = new int[25];
        int[] targets = new int[25];
        double[] sink = new double[1];
        int[] step = {0};
        Runnable oneChunk = () -> {
            for (int i = 0; i < 25; i++) {
                ids[i] = (step[0] * 7919 + i * 104729) % tokens;
                targets[i] = (ids[i] + 1) % tokens;
            }
            step[0]++;
            float[] logits = session.forward(ids, 25);
            sink[0] += Evaluator.meanCrossEntropy(logits, targets, 25, tokens);
        };
        for (int i = 0; i < 30; i++) {
            oneChunk.run();
        }
        int runs = 40;
        long cpu0 = BEAN.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            oneChunk.run();
        }
        double cpu = (BEAN.getCurrentThreadCpuTime() - cpu0) / (double) runs;
        double wall = (System.nanoTime() - wall0) / (double) runs;
        double best = best(oneChunk, 20);
        System.out.printf("chunk of 25 tokens, %s kernel, %d thread(s): best %.2f ms, mean wall %.2f ms (caller CPU "
                        + "%.2f ms) → test set (%d chunks) ≈ %.0f s at the best chunk time%n", kernelName, threads,
                best / 1e6, wall / 1e6, cpu / 1e6, TEST_CHUNKS, best * TEST_CHUNKS / 1e9);
        KernelThreads.configure(1);
    }

    /**
     * Best of {@code runs}: thread CPU time with 1 thread; wall-clock when kernel threads are configured (their
     * work is not this thread's CPU time).
     */
    private static double best(Runnable r, int runs) {
        for (int i = 0; i < Math.max(2, runs / 5); i++) {
            r.run();
        }
        boolean wall = KernelThreads.threads() > 1;
        long best = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t0 = wall ? System.nanoTime() : BEAN.getCurrentThreadCpuTime();
            r.run();
            long t = (wall ? System.nanoTime() : BEAN.getCurrentThreadCpuTime()) - t0;
            best = Math.min(best, t);
        }
        return best;
    }
}
