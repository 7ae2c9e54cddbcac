package org.qlstm.nn.kernel;

/**
 * Start-up for the vector kernels. Vector API code runs 100–1000× slower until C2 has compiled it (before that
 * every vector is a heap object), so a model loader calls {@link #warmUp()} once: it runs every vector path — the
 * GEMM blocks (every row count 1–7), the GEMV, the gate step, sigmoid/tanh with their masked tails and
 * log-sum-exp — on tiny shapes until C2 has compiled them.
 *
 * <p>C2 compiles a method after about 5,000 calls, or after ~600 calls once calls plus loop iterations pass
 * 15,000; until then each vector operation costs microseconds. Tiny shapes (8 inputs, 13 hidden units, 45
 * logits) make each call cheap while still running every branch — a branch never run before compilation would
 * become an uncommon trap and cost a recompile later. Rounds of calls repeat until a round runs at compiled
 * speed, with a 3 s cap.
 *
 * <p>Measured on the 2-core AVX2 machine (JDK 25): 1.1–1.5 s in all, of which ~0.45 s is the Vector API's own
 * class loading and linking on first use (paid by any first vector call) and most of the rest is C2 compiling the
 * vector methods (100–400 ms each on a busy core). That is above the 0.5 s wished for, so a loader should run it
 * in the background while it reads the weights: {@link #warmUpInBackground()}.
 */
public final class Kernels {

    private static final int CALLS_PER_ROUND = 200;
    private static final long MAX_NANOS = 3_000_000_000L;

    private Kernels() {
    }

    /** Starts {@link #warmUp()} on a daemon thread; the future completes with its duration in nanoseconds. */
    public static java.util.concurrent.CompletableFuture<Long> warmUpInBackground() {
        java.util.concurrent.CompletableFuture<Long> done = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                done.complete(warmUp());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "qlstm-kernel-warm-up");
        t.setDaemon(true);
        t.start();
        return done;
    }

    /**
     * Compiles the vector paths of the preferred float kernel, {@link LstmGates}, {@link VectorActivations} and
     * {@link LogSoftmax} by running them on tiny inputs. Safe to call more than once and from any thread.
     *
     * @return the nanoseconds it took
     */
    public static long warmUp() {
        long start = System.nanoTime();
        int k = 8;
        int n = 4 * VectorFloatKernel.P + 8; // 5 panels (72 columns on AVX2, 264 on AVX-512), the last one shifted
        float[] w = new float[n * k];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 7 - 3) * 0.01f;
        }
        float[] x = new float[7 * k];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 5 - 2) * 0.1f;
        }
        float[] bias = new float[n];
        float[] y = new float[7 * n];
        FloatMatrix matrix = FloatKernels.preferred().prepare(w, n, k);
        int hidden = 13; // not a multiple of any vector length: the masked and scalar tails run too
        float[] gates = new float[4 * hidden];
        float[] ih = new float[4 * hidden];
        float[] c = new float[hidden];
        float[] h = new float[hidden];
        float[] out = new float[hidden];
        float[] logits = new float[45];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (i % 13) * 0.25f;
        }
        double sink = 0;
        long first = -1;
        long best = Long.MAX_VALUE;
        int fastRounds = 0;
        for (int round = 0; System.nanoTime() - start < MAX_NANOS; round++) {
            long t0 = System.nanoTime();
            for (int it = 0; it < CALLS_PER_ROUND; it++) {
                // rows 1 = GEMV; 2..4 = clamped block; 5 = block; 6 = block + GEMV row; 7 = block + clamped block
                matrix.multiply(x, 1 + it % 7, bias, y);
                for (int i = 0; i < gates.length; i++) {
                    gates[i] = (i % 9 - 4) * 0.5f;
                }
                LstmGates.step(gates, 0, ih, 0, c, h, 0, out, 0, hidden);
                VectorActivations.sigmoid(ih, 0, out, 0, hidden);
                sink += LogSoftmax.logSumExp(logits, 0, logits.length) + y[it % y.length] + out[it % hidden];
            }
            long t = System.nanoTime() - t0;
            if (round == 1) {
                first = t; // round 0 also pays the Vector API's class loading: compare with round 1
            }
            best = Math.min(best, t);
            // Compiled code runs a round ~100× faster than round 1; stop after two fast rounds in a row.
            fastRounds = round > 1 && t * 25 < first && t < 2 * best ? fastRounds + 1 : 0;
            if (fastRounds >= 2) {
                break;
            }
        }
        if (Double.isNaN(sink)) {
            throw new IllegalStateException("warm-up produced NaN");
        }
        return System.nanoTime() - start;
    }
}
