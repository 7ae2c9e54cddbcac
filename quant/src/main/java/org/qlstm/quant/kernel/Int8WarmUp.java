package org.qlstm.quant.kernel;

import org.qlstm.quant.QuantizedWeight;

/**
 * Start-up for {@link VectorInt8Kernel}, as {@code org.qlstm.nn.kernel.Kernels.warmUp()} does for the float kernels:
 * Vector API code runs 100–1000× slower until C2 has compiled it, so the float loops (the only ones the tutorial's
 * shapes use, {@code K ≤ 514}) are run on tiny shapes — every row count 1–7 (GEMV, clamped block, full block,
 * block + GEMV row, block + clamped block) and a shifted last panel — in rounds until a round runs at compiled
 * speed, with a 3 s cap. The integer loops (only for {@code K > 514}) are not warmed: no model here has them.
 */
final class Int8WarmUp {

    private static final int CALLS_PER_ROUND = 200;
    private static final long MAX_NANOS = 3_000_000_000L;

    private Int8WarmUp() {
    }

    static long run() {
        long start = System.nanoTime();
        int k = 8;
        int n = 72; // 3 panels of 32 on AVX-512 (5 of 16 on AVX2), the last one shifted
        byte[] w = new byte[n * k];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) (i * 37);
        }
        byte[] x = new byte[7 * k];
        for (int i = 0; i < x.length; i++) {
            x[i] = (byte) (i * 11);
        }
        int[] acc = new int[7 * n];
        Int8Matrix matrix = new VectorInt8Kernel().prepare(new QuantizedWeight(w, 1f, n, k));
        long sink = 0;
        long first = -1;
        long best = Long.MAX_VALUE;
        int fastRounds = 0;
        for (int round = 0; System.nanoTime() - start < MAX_NANOS; round++) {
            long t0 = System.nanoTime();
            for (int it = 0; it < CALLS_PER_ROUND; it++) {
                matrix.multiply(x, 1 + it % 7, it & 0xFF, acc);
                sink += acc[it % acc.length];
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
        if (sink == Long.MIN_VALUE) {
            throw new IllegalStateException("unreachable: keeps the warm-up's results alive");
        }
        return System.nanoTime() - start;
    }
}
