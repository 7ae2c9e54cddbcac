package org.qlstm.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Warm-up, and a performance smoke check: a Vector API path whose intrinsics silently failed (or that stays in C1
 * code) runs 10–300× slower than it should, usually slower than plain scalar code. Each check repeats rounds,
 * timed in thread CPU time, until the vector path beats the scalar one by a factor far below the measured one
 * (GEMM ~35×, gate step ~2.5×, log-sum-exp ~10× on AVX2) — or fails after 20 s, which only a real failure (or a
 * machine too loaded to run tests) produces.
 */
class KernelsTest {

    private static final ThreadMXBean BEAN = ManagementFactory.getThreadMXBean();
    private static final long PATIENCE_NANOS = 20_000_000_000L;

    @Test
    void warmUpFinishesAndVectorPathsReachCompiledSpeed() {
        long nanos = Kernels.warmUp();
        System.out.printf("Kernels.warmUp() took %.0f ms (first call in this JVM)%n", nanos / 1e6);
        assertTrue(nanos < 10_000_000_000L, "warm-up took " + nanos / 1e6 + " ms");

        SplittableRandom random = new SplittableRandom(1);
        int rows = 25;
        int k = 256;
        int n = 1024;
        float[] w = VectorFloatKernelTest.gaussian(random, n * k, 0.05f);
        float[] b = new float[n];
        float[] x = VectorFloatKernelTest.gaussian(random, rows * k, 1f);
        float[] y = new float[rows * n];
        FloatMatrix fast = new VectorFloatKernel().prepare(w, n, k);
        FloatMatrix slow = new ScalarFloatKernel().prepare(w, n, k);
        double scalarGemm = cpuNanos(() -> slow.multiply(x, rows, b, y));
        reaches("GEMM 25x256→1024", () -> fast.multiply(x, rows, b, y), scalarGemm, 5);

        int hidden = 256;
        float[] gates0 = VectorFloatKernelTest.gaussian(random, 4 * hidden, 3f);
        float[] gates = gates0.clone();
        float[] ih = VectorFloatKernelTest.gaussian(random, 4 * hidden, 3f);
        float[] c = new float[hidden];
        float[] h = new float[hidden];
        float[] out = new float[hidden];
        Runnable scalarSteps = () -> {
            for (int i = 0; i < 100; i++) {
                System.arraycopy(gates0, 0, gates, 0, gates.length);
                LstmGates.stepScalar(gates, 0, ih, 0, c, h, 0, out, 0, hidden);
            }
        };
        Runnable vectorSteps = () -> {
            for (int i = 0; i < 100; i++) {
                System.arraycopy(gates0, 0, gates, 0, gates.length);
                LstmGates.step(gates, 0, ih, 0, c, h, 0, out, 0, hidden);
            }
        };
        for (int i = 0; i < 20; i++) {
            scalarSteps.run();
        }
        reaches("100 gate steps H=256", vectorSteps, cpuNanos(scalarSteps), 1.3);

        float[] logits = VectorFloatKernelTest.gaussian(random, 33278, 3f);
        double[] sink = new double[1];
        Runnable scalarLse = () -> {
            double s = 0;
            for (float v : logits) {
                s += Math.exp(v - 10.0);
            }
            sink[0] += s;
        };
        for (int i = 0; i < 20; i++) {
            scalarLse.run();
        }
        reaches("log-sum-exp 33278", () -> sink[0] += LogSoftmax.logSumExp(logits, 0, logits.length),
                cpuNanos(scalarLse), 3);
    }

    /** Repeats {@code vector} until its best CPU time beats {@code scalarNanos / factor}, or fails. */
    private static void reaches(String what, Runnable vector, double scalarNanos, double factor) {
        long start = System.nanoTime();
        double best = Double.MAX_VALUE;
        while (System.nanoTime() - start < PATIENCE_NANOS) {
            best = Math.min(best, cpuNanos(vector));
            if (best * factor < scalarNanos) {
                System.out.printf("%s: vector %.1f µs, scalar %.1f µs (%.1f×), after %.0f ms%n", what, best / 1e3,
                        scalarNanos / 1e3, scalarNanos / best, (System.nanoTime() - start) / 1e6);
                return;
            }
        }
        assertTrue(false, what + ": vector " + best / 1e3 + " µs never beat scalar " + scalarNanos / 1e3 + " µs by "
                + factor + "×");
    }

    /** Best thread CPU time of 5 runs, in nanoseconds. */
    private static double cpuNanos(Runnable r) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = BEAN.getCurrentThreadCpuTime();
            r.run();
            best = Math.min(best, BEAN.getCurrentThreadCpuTime() - t0);
        }
        return best;
    }
}
