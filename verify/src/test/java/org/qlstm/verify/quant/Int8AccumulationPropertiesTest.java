package org.qlstm.verify.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.qlstm.nn.kernel.ScalarFloatKernel;
import org.qlstm.nn.kernel.VectorFloatKernel;
import org.qlstm.quant.QuantizedWeight;
import org.qlstm.quant.kernel.Int8Kernel;
import org.qlstm.quant.kernel.Int8Matrix;
import org.qlstm.quant.kernel.ScalarInt8Kernel;
import org.qlstm.quant.kernel.VectorInt8Kernel;
import org.qlstm.quant.kernel.WidenedFloatInt8Kernel;

/**
 * Every int8 kernel's accumulators equal a {@code long} reference: exhaustively for single products (all 256 × 256
 * activation/weight pairs, at several zero points), on seeded random blocks for sums, and on the extreme vectors
 * that reach the int32 bound.
 */
class Int8AccumulationPropertiesTest {

    private static final long SEED = 0x5eed_0003L;

    private static List<Int8Kernel> kernels() {
        return List.of(new ScalarInt8Kernel(), new WidenedFloatInt8Kernel(new ScalarFloatKernel()),
                new WidenedFloatInt8Kernel(new VectorFloatKernel()), new VectorInt8Kernel(),
                new VectorInt8Kernel(VectorInt8Kernel.Loops.FLOAT), new VectorInt8Kernel(VectorInt8Kernel.Loops.INT));
    }

    /** The definition, in 64-bit arithmetic. */
    private static long[] reference(byte[] xq, int rows, int zp, byte[] w, int outputs, int inputs) {
        long[] acc = new long[rows * outputs];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < outputs; j++) {
                long sum = 0;
                for (int k = 0; k < inputs; k++) {
                    sum += (long) ((xq[r * inputs + k] & 0xFF) - zp) * w[j * inputs + k];
                }
                acc[r * outputs + j] = sum;
            }
        }
        return acc;
    }

    private static void assertAccumulators(String what, long[] expected, int[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                throw new AssertionError(what + ": acc[" + i + "] expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }

    @Test
    void everySingleProductIsExact() {
        // A 256×1 weight holding every int8 value and 256 rows of one activation each: one call covers all pairs.
        byte[] w = new byte[256];
        byte[] x = new byte[256];
        for (int i = 0; i < 256; i++) {
            w[i] = (byte) (i - 128);
            x[i] = (byte) i;
        }
        QuantizedWeight weight = new QuantizedWeight(w, 1f, 256, 1);
        for (Int8Kernel kernel : kernels()) {
            Int8Matrix m = kernel.prepare(weight);
            int[] acc = new int[256 * 256];
            for (int zp = 0; zp <= 255; zp++) {
                m.multiply(x, 256, zp, acc);
                for (int xq = 0; xq < 256; xq++) {
                    for (int j = 0; j < 256; j++) {
                        int wq = j - 128;
                        if (acc[xq * 256 + j] != (xq - zp) * wq) {
                            throw new AssertionError(kernel.name() + ": (" + xq + " − " + zp + ")·" + wq + " gave "
                                    + acc[xq * 256 + j]);
                        }
                    }
                }
            }
        }
        System.out.println("int8 single products: 256 × 256 pairs × 256 zero points exact on " + kernels().size()
                + " kernels");
    }

    @Test
    void randomSumsAreExact() {
        UniformRandomProvider rng = QuantRandom.rng(SEED);
        for (int t = 0; t < 300; t++) {
            int rows = 1 + rng.nextInt(30);
            int outputs = 1 + rng.nextInt(70);
            int inputs = 1 + rng.nextInt(t % 10 == 0 ? 2_000 : 600);
            byte[] w = new byte[outputs * inputs];
            byte[] x = new byte[rows * inputs];
            int mode = rng.nextInt(4);
            for (int i = 0; i < w.length; i++) {
                w[i] = (byte) (mode == 0 ? -128 : mode == 1 ? 127 : rng.nextInt(256));
            }
            for (int i = 0; i < x.length; i++) {
                x[i] = (byte) (mode == 0 ? 255 : mode == 1 ? 0 : rng.nextInt(256));
            }
            int zp = mode == 1 ? 255 : rng.nextInt(256);
            long[] expected = reference(x, rows, zp, w, outputs, inputs);
            QuantizedWeight weight = new QuantizedWeight(w, 1f, outputs, inputs);
            for (Int8Kernel kernel : kernels()) {
                int[] acc = new int[rows * outputs + 3];
                Arrays.fill(acc, 0x7eadbeef);
                kernel.prepare(weight).multiply(x, rows, zp, acc);
                assertAccumulators(String.format("seed %#x, case %d, %s, %dx%d→%d, zp %d", SEED, t, kernel.name(),
                        rows, inputs, outputs, zp), expected, acc);
                for (int i = rows * outputs; i < acc.length; i++) {
                    assertEquals(0x7eadbeef, acc[i], kernel.name() + " wrote past its output");
                }
            }
        }
    }

    @Test
    void extremeVectorsReachTheInt32BoundWithoutOverflow() {
        int k = Int8Matrix.MAX_INPUTS;
        assertEquals(65_793, k);
        byte[] w = new byte[k];
        Arrays.fill(w, (byte) -128);
        byte[] all255 = new byte[k];
        Arrays.fill(all255, (byte) 255);
        byte[] all0 = new byte[k];
        QuantizedWeight weight = new QuantizedWeight(w, 1f, 1, k);
        for (Int8Kernel kernel : kernels()) {
            Int8Matrix m = kernel.prepare(weight);
            int[] acc = new int[1];
            m.multiply(all255, 1, 0, acc);
            assertEquals(-255L * 128 * k, acc[0], kernel.name());
            m.multiply(all0, 1, 255, acc);
            assertEquals(255L * 128 * k, acc[0], kernel.name());
        }
        QuantizedWeight tooWide = new QuantizedWeight(new byte[k + 1], 1f, 1, k + 1);
        assertThrows(IllegalArgumentException.class, () -> new ScalarInt8Kernel().prepare(tooWide));
    }

    @Test
    void widenedKernelIsExactUpToItsBoundAndFallsBackBeyond() {
        assertEquals(514, WidenedFloatInt8Kernel.MAX_EXACT_INPUTS);
        // Every product is (0 − 255)·wq; with wq = −128 everywhere but the last input (−127), the total is odd and,
        // beyond K = 514, above 2^24: float32 could not hold it, so a correct answer there proves the fallback.
        for (int k : new int[] {WidenedFloatInt8Kernel.MAX_EXACT_INPUTS, WidenedFloatInt8Kernel.MAX_EXACT_INPUTS + 1}) {
            byte[] w = new byte[2 * k];
            Arrays.fill(w, 0, k, (byte) -128);
            w[k - 1] = -127;
            Arrays.fill(w, k, 2 * k, (byte) 127);
            byte[] x = new byte[k];
            long[] expected = reference(x, 1, 255, w, 2, k);
            QuantizedWeight weight = new QuantizedWeight(w, 1f, 2, k);
            for (Int8Kernel kernel : kernels()) {
                int[] acc = new int[2];
                kernel.prepare(weight).multiply(x, 1, 255, acc);
                assertAccumulators(kernel.name() + " K=" + k, expected, acc);
            }
        }
    }
}
