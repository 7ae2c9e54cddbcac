package org.qlstm.ffm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.qlstm.nn.kernel.KernelThreads;
import org.qlstm.quant.QuantizedWeight;
import org.qlstm.quant.kernel.Int8Matrix;
import org.qlstm.quant.kernel.ScalarInt8Kernel;

/**
 * The native kernel's accumulators equal {@link ScalarInt8Kernel}'s exactly (integer arithmetic: no tolerance), on
 * both instruction-set paths, over shapes with every kind of tail, all zero points that matter and extreme values.
 */
class NativeInt8KernelTest {

    private static NativeInt8Library library;

    @BeforeAll
    static void load() {
        try {
            library = NativeInt8Library.loadBundled();
        } catch (NativeInt8Library.UnavailableException e) {
            // The build compiles the library whenever cc or gcc is on PATH: then a missing library is a bug.
            if (onPath("cc") || onPath("gcc")) {
                fail("a C compiler is on PATH but the native library is unavailable: " + e.getMessage());
            }
            Assumptions.abort("no native library (built without a C compiler): " + e.getMessage());
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static NativeInt8Kernel kernel(Isa isa) {
        Assumptions.assumeTrue(library.supports(isa), "this CPU lacks " + isa.label() + ": its path is not tested here");
        return new NativeInt8Kernel(library, isa);
    }

    /** int8 weights, a quarter of them at the extremes −128 and 127. */
    private static QuantizedWeight weight(SplittableRandom rnd, int rows, int cols) {
        byte[] w = new byte[rows * cols];
        for (int i = 0; i < w.length; i++) {
            int pick = rnd.nextInt(8);
            w[i] = (byte) (pick == 0 ? -128 : pick == 1 ? 127 : rnd.nextInt(-128, 128));
        }
        return new QuantizedWeight(w, 0.01f, rows, cols);
    }

    /** quint8 activations, a quarter of them at the extremes 0 and 255. */
    private static byte[] activations(SplittableRandom rnd, int count) {
        byte[] x = new byte[count];
        for (int i = 0; i < count; i++) {
            int pick = rnd.nextInt(8);
            x[i] = (byte) (pick == 0 ? 0 : pick == 1 ? 255 : rnd.nextInt(256));
        }
        return x;
    }

    private static void assertSameAsScalar(NativeInt8Kernel kernel, QuantizedWeight w, byte[] x, int rows, int zp) {
        int[] expected = new int[rows * w.rows()];
        new ScalarInt8Kernel().prepare(w).multiply(x, rows, zp, expected);
        int[] actual = new int[rows * w.rows()];
        kernel.prepare(w).multiply(x, rows, zp, actual);
        assertArrayEquals(expected, actual, () -> kernel.name() + " " + rows + "x" + w.cols() + "→" + w.rows()
                + " zp " + zp);
    }

    @ParameterizedTest
    @EnumSource(Isa.class)
    void tailsOfEveryKind(Isa isa) {
        NativeInt8Kernel kernel = kernel(isa);
        SplittableRandom rnd = new SplittableRandom(42);
        int[] zps = {0, 1, 128, 255};
        int[] outputs = {1, 5, 15, 16, 17, 33, 63, 64, 65, 100, 129, 1024};
        int[] inputs = {1, 3, 4, 5, 256, 512, 1000};
        int[] rowCounts = {1, 2, 3, 4, 5, 6, 7, 11, 25, 26};
        int c = 0;
        for (int n : outputs) {
            for (int k : inputs) {
                QuantizedWeight w = weight(rnd, n, k);
                Int8Matrix m = kernel.prepare(w);
                Int8Matrix ref = new ScalarInt8Kernel().prepare(w);
                // The packed off-heap copy is a layer's only copy of its weights: they must come back unchanged.
                assertArrayEquals(w.values(), m.weights(), kernel.name() + ": weights() of " + n + "x" + k);
                for (int rows : rowCounts) {
                    int zp = zps[c++ % zps.length];
                    byte[] x = activations(rnd, rows * k);
                    int[] expected = new int[rows * n];
                    ref.multiply(x, rows, zp, expected);
                    int[] actual = new int[rows * n];
                    m.multiply(x, rows, zp, actual);
                    String what = kernel.name() + " " + rows + "x" + k + "→" + n + " zp " + zp;
                    assertArrayEquals(expected, actual, what);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Isa.class)
    void everyRowCountFrom1To26(Isa isa) {
        NativeInt8Kernel kernel = kernel(isa);
        SplittableRandom rnd = new SplittableRandom(7);
        QuantizedWeight w = weight(rnd, 97, 37);
        for (int rows = 1; rows <= 26; rows++) {
            assertSameAsScalar(kernel, w, activations(rnd, rows * 37), rows, rows * 11 % 256);
        }
    }

    @ParameterizedTest
    @EnumSource(Isa.class)
    void extremesAtTheWidestInput(Isa isa) {
        NativeInt8Kernel kernel = kernel(isa);
        int n = 70;
        int k = 1000;
        for (int xv : new int[] {0, 255}) {
            for (int wv : new int[] {-128, 127}) {
                for (int zp : new int[] {0, 1, 128, 255}) {
                    byte[] wb = new byte[n * k];
                    java.util.Arrays.fill(wb, (byte) wv);
                    byte[] x = new byte[3 * k];
                    java.util.Arrays.fill(x, (byte) xv);
                    QuantizedWeight w = new QuantizedWeight(wb, 1f, n, k);
                    assertSameAsScalar(kernel, w, x, 3, zp);
                    // and the value itself, from the definition: k·(x − zp)·w
                    int[] acc = new int[3 * n];
                    kernel.prepare(w).multiply(x, 3, zp, acc);
                    assertEquals(k * (xv - zp) * wv, acc[3 * n - 1]);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Isa.class)
    void decoderShapeOnOneAndTwoThreads(Isa isa) {
        NativeInt8Kernel kernel = kernel(isa);
        SplittableRandom rnd = new SplittableRandom(33278);
        QuantizedWeight w = weight(rnd, 33278, 256);
        Int8Matrix m = kernel.prepare(w);
        byte[] x = activations(rnd, 25 * 256);
        int[] expected = new int[25 * 33278];
        new ScalarInt8Kernel().prepare(w).multiply(x, 25, 131, expected);
        int before = KernelThreads.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                KernelThreads.configure(threads);
                int[] actual = new int[25 * 33278];
                m.multiply(x, 25, 131, actual);
                assertArrayEquals(expected, actual, kernel.name() + " on " + threads + " threads");
            }
            int[] one = new int[33278];
            m.multiply(x, 1, 131, one);
            assertArrayEquals(java.util.Arrays.copyOf(expected, 33278), one, kernel.name() + " GEMV");
        } finally {
            KernelThreads.configure(before);
        }
    }

    @Test
    void rejectsWeightsThatCouldOverflow() {
        Isa isa = library.supports(Isa.VNNI) ? Isa.VNNI : Isa.AVX2;
        NativeInt8Kernel kernel = kernel(isa);
        QuantizedWeight tooWide = new QuantizedWeight(new byte[Int8Matrix.MAX_INPUTS + 1], 1f, 1,
                Int8Matrix.MAX_INPUTS + 1);
        assertThrows(IllegalArgumentException.class, () -> kernel.prepare(tooWide));
        QuantizedWeight ok = new QuantizedWeight(new byte[16], 1f, 4, 4);
        Int8Matrix m = kernel.prepare(ok);
        assertThrows(IllegalArgumentException.class, () -> m.multiply(new byte[4], 2, 0, new int[8]));
        assertThrows(IllegalArgumentException.class, () -> m.multiply(new byte[8], 2, 256, new int[8]));
        assertTrue(kernel.name().startsWith("native-"));
    }
}
