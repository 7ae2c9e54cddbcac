package org.qlstm.quant.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.qlstm.nn.kernel.KernelThreads;
import org.qlstm.quant.QuantizedWeight;

/**
 * {@link VectorInt8Kernel} gives exactly {@link ScalarInt8Kernel}'s accumulators (integer arithmetic: no tolerance),
 * with its float loops, its integer loops and the default choice, over shapes that reach every path: narrower than
 * a panel, a shifted last panel, the model's shapes, K on both sides of the float loops' exactness bound (514), every
 * row count 1..26 (GEMV, clamped and full 5-row blocks), every zero-point class and the extreme operands; and the
 * same with two threads. The surefire execution {@code int8-avx2} reruns this class with {@code -XX:UseAVX=2}, so
 * 256-bit vectors are covered on an AVX-512 machine too.
 */
class VectorInt8KernelTest {

    private static final long SEED = 0x1_e8_ce_e1L;
    private static final int[] ZERO_POINTS = {0, 1, 128, 255};

    private static List<Int8Kernel> kernels() {
        return List.of(new VectorInt8Kernel(), new VectorInt8Kernel(VectorInt8Kernel.Loops.FLOAT),
                new VectorInt8Kernel(VectorInt8Kernel.Loops.INT));
    }

    @AfterAll
    static void oneThread() {
        KernelThreads.configure(1);
    }

    private static byte[] random(SplittableRandom rng, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) rng.nextInt(256);
        }
        return b;
    }

    /** Compares every kernel with the scalar reference on one weight, for the given row counts and zero points. */
    private static void check(String what, byte[] w, int outputs, int inputs, byte[] x, int[] rowCounts) {
        QuantizedWeight weight = new QuantizedWeight(w, 1f, outputs, inputs);
        Int8Matrix reference = new ScalarInt8Kernel().prepare(weight);
        int maxRows = Arrays.stream(rowCounts).max().orElseThrow();
        int[] expected = new int[maxRows * outputs];
        int[] actual = new int[maxRows * outputs + 5];
        for (Int8Kernel kernel : kernels()) {
            Int8Matrix m = kernel.prepare(weight);
            assertEquals(outputs, m.outputs());
            assertEquals(inputs, m.inputs());
            // The prepared matrix is a layer's only copy of its weights: they must come back unchanged.
            org.junit.jupiter.api.Assertions.assertArrayEquals(w, m.weights(),
                    () -> kernel.name() + ": weights() of " + outputs + "x" + inputs);
            for (int rows : rowCounts) {
                for (int zp : ZERO_POINTS) {
                    reference.multiply(x, rows, zp, expected);
                    Arrays.fill(actual, 0x7eadbeef);
                    m.multiply(x, rows, zp, actual);
                    for (int i = 0; i < rows * outputs; i++) {
                        if (expected[i] != actual[i]) {
                            throw new AssertionError(String.format("%s, %s, %d rows, %dx%d→%d, zp %d: acc[%d] = %d, "
                                            + "scalar %d", what, kernel.name(), rows, rows, inputs, outputs, zp, i,
                                    actual[i], expected[i]));
                        }
                    }
                    for (int i = rows * outputs; i < actual.length; i++) {
                        assertEquals(0x7eadbeef, actual[i], kernel.name() + " wrote past its " + rows + " rows");
                    }
                }
            }
        }
    }

    @Test
    void equalsScalarOverTailShapesWidthsAndRowCounts() {
        SplittableRandom rng = new SplittableRandom(SEED);
        int p = VectorInt8Kernel.P;
        int[] allRows = new int[26];
        Arrays.setAll(allRows, i -> i + 1);
        int[] someRows = {1, 2, 5, 7, 25};
        int[] widths = {1, 3, 17, 256, 512, 514, 515, 600};
        int[] outputCounts = {1, p - 1, p, p + 1, 3 * p - 5, 4 * p, 9 * p + 7};
        for (int k : widths) {
            for (int n : outputCounts) {
                byte[] w = random(rng, n * k);
                byte[] x = random(rng, 26 * k);
                check("random", w, n, k, x, k <= 17 || k == 514 ? allRows : someRows);
            }
        }
    }

    @Test
    void equalsScalarAtTheModelsShapes() {
        SplittableRandom rng = new SplittableRandom(SEED + 1);
        int[][] shapes = {{33278, 256}, {1024, 512}, {1024, 256}};
        for (int[] s : shapes) {
            byte[] w = random(rng, s[0] * s[1]);
            byte[] x = random(rng, 26 * s[1]);
            check(s[0] + "x" + s[1], w, s[0], s[1], x, s[0] > 2000 ? new int[] {1, 25} : new int[] {1, 6, 25, 26});
        }
    }

    @Test
    void extremeOperandsAreExactOnBothSidesOfTheFloatBound() {
        // |(xq − zp)·wq| = 255·128 in every product: the accumulators reach ±32,640·K, beyond 2^24 once K > 514,
        // where float loops would round: a correct answer at 515 proves the integer loops take over there.
        for (int k : new int[] {513, 514, 515, 1024}) {
            int n = VectorInt8Kernel.P + 3;
            byte[] w = new byte[n * k];
            for (int j = 0; j < n; j++) {
                Arrays.fill(w, j * k, (j + 1) * k, (byte) (j % 2 == 0 ? -128 : 127));
            }
            w[k - 1] = -127; // an odd total, not representable in float32 beyond 2^24
            byte[] x = new byte[7 * k];
            for (int r = 0; r < 7; r++) {
                Arrays.fill(x, r * k, (r + 1) * k, (byte) (r % 2 == 0 ? 0 : 255));
            }
            check("extremes K=" + k, w, n, k, x, new int[] {1, 2, 5, 7});
            int[] acc = new int[n];
            new VectorInt8Kernel().prepare(new QuantizedWeight(w, 1f, n, k)).multiply(x, 1, 255, acc);
            assertEquals(-255L * (-128L * (k - 1) - 127), acc[0], "K=" + k);
        }
    }

    @Test
    void twoThreadsGiveTheSameAccumulators() {
        SplittableRandom rng = new SplittableRandom(SEED + 2);
        int n = 33278;
        int k = 256;
        byte[] w = random(rng, n * k);
        byte[] x = random(rng, 25 * k);
        QuantizedWeight weight = new QuantizedWeight(w, 1f, n, k);
        int[] expected = new int[25 * n];
        new ScalarInt8Kernel().prepare(weight).multiply(x, 25, 128, expected);
        try {
            for (Int8Kernel kernel : kernels()) {
                Int8Matrix m = kernel.prepare(weight);
                for (int threads : new int[] {1, 2}) {
                    KernelThreads.configure(threads);
                    for (int rows : new int[] {25, 3}) {
                        int[] acc = new int[25 * n];
                        m.multiply(x, rows, 128, acc);
                        assertArrayEquals(Arrays.copyOf(expected, rows * n), Arrays.copyOf(acc, rows * n),
                                kernel.name() + ", " + threads + " threads, " + rows + " rows");
                    }
                }
            }
        } finally {
            KernelThreads.configure(1);
        }
    }

    @Test
    void rejectsBadArguments() {
        QuantizedWeight weight = new QuantizedWeight(new byte[40 * 3], 1f, 40, 3);
        for (Int8Kernel kernel : kernels()) {
            Int8Matrix m = kernel.prepare(weight);
            int[] acc = new int[2 * 40];
            byte[] x = new byte[2 * 3];
            assertThrows(IllegalArgumentException.class, () -> m.multiply(x, 0, 0, acc));
            assertThrows(IllegalArgumentException.class, () -> m.multiply(x, 1, -1, acc));
            assertThrows(IllegalArgumentException.class, () -> m.multiply(x, 1, 256, acc));
            assertThrows(IllegalArgumentException.class, () -> m.multiply(x, 3, 0, new int[3 * 40]));
            assertThrows(IllegalArgumentException.class, () -> m.multiply(new byte[9], 3, 0, new int[3 * 40 - 1]));
            assertThrows(NullPointerException.class, () -> kernel.prepare(null));
            int tooWide = Int8Matrix.MAX_INPUTS + 1;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> kernel.prepare(new QuantizedWeight(new byte[tooWide], 1f, 1, tooWide)));
            assertTrue(e.getMessage().contains("overflow"), e.getMessage());
        }
        assertThrows(NullPointerException.class, () -> new VectorInt8Kernel(null));
    }

    @Test
    void isTheDefaultAndNamesItsWidthAndLoops() {
        assertTrue(Int8Kernels.choose("vector") instanceof VectorInt8Kernel);
        assertTrue(Int8Kernels.preferred().name().startsWith("vector-"), Int8Kernels.preferred().name());
        String bits = String.valueOf(VectorInt8Kernel.F.vectorBitSize());
        assertEquals("vector-int-" + bits, Int8Kernels.choose("vector-int").name());
        assertEquals("vector-float-" + bits, Int8Kernels.choose("Vector-Float").name());
        assertThrows(IllegalArgumentException.class, () -> Int8Kernels.choose("vnni"));
        System.out.println("int8 default kernel: " + Int8Kernels.preferred().name() + ", panel " + VectorInt8Kernel.P
                + " columns");
    }

    /**
     * A performance smoke check: vector code whose intrinsics silently failed runs 10–300× slower, usually slower than
     * scalar code. After the warm-up, the 25×256 → 1,024 product must beat the scalar kernel by 5× in thread CPU time
     * (measured: ~40×), repeating rounds for up to 20 s, which only a real failure or a hopelessly loaded machine
     * exhausts.
     */
    @Test
    void warmUpReachesCompiledSpeed() {
        long nanos = Int8Kernels.warmUp();
        System.out.printf("Int8Kernels.warmUp() took %.0f ms%n", nanos / 1e6);
        assertTrue(nanos < 10_000_000_000L, "warm-up took " + nanos / 1e6 + " ms");
        SplittableRandom rng = new SplittableRandom(SEED + 3);
        QuantizedWeight weight = new QuantizedWeight(random(rng, 1024 * 256), 1f, 1024, 256);
        byte[] x = random(rng, 25 * 256);
        int[] acc = new int[25 * 1024];
        Int8Matrix slow = new ScalarInt8Kernel().prepare(weight);
        Int8Matrix fast = Int8Kernels.preferred().prepare(weight);
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        long scalar = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = bean.getCurrentThreadCpuTime();
            slow.multiply(x, 25, 7, acc);
            scalar = Math.min(scalar, bean.getCurrentThreadCpuTime() - t0);
        }
        long best = Long.MAX_VALUE;
        long start = System.nanoTime();
        while (best * 5 >= scalar && System.nanoTime() - start < 20_000_000_000L) {
            long t0 = bean.getCurrentThreadCpuTime();
            fast.multiply(x, 25, 7, acc);
            best = Math.min(best, bean.getCurrentThreadCpuTime() - t0);
        }
        System.out.printf("int8 GEMM 25x256→1024: %s %.1f µs, scalar %.1f µs (%.1f×)%n", Int8Kernels.preferred().name(),
                best / 1e3, scalar / 1e3, (double) scalar / best);
        assertTrue(best * 5 < scalar, "vector " + best / 1e3 + " µs never beat scalar " + scalar / 1e3 + " µs by 5×");
    }
}
