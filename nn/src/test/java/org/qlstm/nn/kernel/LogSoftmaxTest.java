package org.qlstm.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * Log-sum-exp against a double-precision reference. Bound: each exp term is within 2 ulp (checked below), the
 * terms of a row of {@code n} are spread over {@code m} float lanes (8 on AVX2), so a lane sums
 * at most {@code ⌈n/m⌉} terms, then the {@code m} lanes are added; every term is in [0, 1] and the sum is at least 1,
 * so the sum's relative error is below {@code (⌈n/m⌉ + m + 2)·u} (first order) and log-sum-exp's absolute error
 * below that.
 */
class LogSoftmaxTest {

    private static final double U = 0x1p-24;

    @Test
    void expWithinTwoUlpOnItsDomain() {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        float[] x = new float[lanes];
        float[] out = new float[lanes];
        long maxUlp = 0;
        float worst = 0;
        long count = 0;
        // Every float in [−87, 0]: bit patterns of negative floats from −0 up to −87.
        int last = Float.floatToRawIntBits(-87f);
        for (long bits = Float.floatToRawIntBits(-0f) & 0xffffffffL; bits <= (last & 0xffffffffL); bits += 97) {
            for (int i = 0; i < lanes; i++) {
                x[i] = Float.intBitsToFloat((int) Math.min(bits + i, last & 0xffffffffL));
            }
            LogSoftmax.expNonPositive(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, 0)).intoArray(out, 0);
            for (int i = 0; i < lanes; i++) {
                long d = VectorActivationsTest.ulps(out[i], (float) Math.exp(x[i]));
                if (d > maxUlp) {
                    maxUlp = d;
                    worst = x[i];
                }
                count++;
            }
        }
        System.out.printf("log-softmax exp on [−87, 0]: %,d inputs, max %d ulp (at %s) vs (float) Math.exp%n",
                count, maxUlp, worst);
        assertTrue(maxUlp <= 2, "exp max ulp " + maxUlp + " at " + worst);
    }

    @Test
    void logSumExpWithinBoundForManyLengths() {
        SplittableRandom random = new SplittableRandom(17);
        double worstRatio = 0;
        for (int n : new int[] {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1000, 33278}) {
            for (double scale : new double[] {0.1, 3, 30, 300}) {
                int from = 5;
                float[] x = new float[from + n + 4];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (random.nextGaussian() * scale);
                }
                // Neighbours outside the row must not count.
                x[from - 1] = 1e4f;
                x[from + n] = 1e4f;
                double expected = reference(x, from, n);
                double actual = LogSoftmax.logSumExp(x, from, n);
                int lanes = FloatVector.SPECIES_PREFERRED.length();
                double bound = ((n + lanes - 1) / lanes + lanes + 2) * U * 1.01;
                double diff = Math.abs(actual - expected);
                if (!(diff <= bound)) {
                    fail("n=" + n + " scale=" + scale + ": " + actual + " vs " + expected + ", diff " + diff
                            + " > " + bound);
                }
                worstRatio = Math.max(worstRatio, diff / bound);
                assertEquals(referenceMax(x, from, n), LogSoftmax.max(x, from, n));
            }
        }
        System.out.printf("log-sum-exp vs double reference: worst |diff|/bound = %.4f%n", worstRatio);
    }

    /**
     * Log-sum-exp is exactly specified arithmetic, so it must give the same bits in every JIT tier and run (the
     * evaluation's loss depends on it): checked bit for bit against the algorithm written out in scalar code —
     * lane {@code j} accumulates, in float, the terms {@code i ≡ j (mod L)} of the full vectors; these lanes are
     * added in double from lane 0; then the tail (one masked vector), its lanes also added in double. Lengths
     * cover no tail, a tail only, and long rows; the first calls run before C2 has compiled the method.
     */
    @Test
    void logSumExpIsItsSpecifiedArithmeticBitForBit() {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        SplittableRandom random = new SplittableRandom(77);
        int[] lengths = {1, lanes - 1, lanes, lanes + 3, 4 * lanes, 1000, 33278};
        for (int round = 0; round < 300; round++) {
            int n = lengths[round % lengths.length];
            float[] x = new float[n + 2];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (random.nextDouble() * 60 - 40);
            }
            double actual = LogSoftmax.logSumExp(x, 1, n);
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, x[1 + i]);
            }
            float[] acc = new float[lanes];
            int full = n - n % lanes;
            for (int i = 0; i < full; i++) {
                acc[i % lanes] += scalarExp(x[1 + i] - max);
            }
            double sum = 0;
            for (float a : acc) {
                sum += a;
            }
            if (full < n) {
                double tail = 0;
                for (int i = full; i < n; i++) {
                    tail += scalarExp(x[1 + i] - max);
                }
                sum += tail;
            }
            double expected = max + Math.log(sum);
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
                    "row of " + n + " (call " + round + "): " + actual + " vs the specified " + expected);
        }
    }

    /** {@link LogSoftmax}'s exp polynomial for one float, operation for operation. */
    private static float scalarExp(float d) {
        float x = Math.max(d, -87f);
        float t = Math.fma(x, 1.44269504088896341f, 0x1.8p23f);
        float k = t - 0x1.8p23f;
        float r = Math.fma(k, -0.693359375f, x);
        r = Math.fma(k, 2.12194440e-4f, r);
        float p = Math.fma(1.9875691500E-4f, r, 1.3981999507E-3f);
        p = Math.fma(p, r, 8.3334519073E-3f);
        p = Math.fma(p, r, 4.1665795894E-2f);
        p = Math.fma(p, r, 1.6666665459E-1f);
        p = Math.fma(p, r, 5.0000001201E-1f);
        float e = Math.fma(p, r * r, r) + 1f;
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) + 127) << 23);
        return e * scale;
    }

    @Test
    void edgeCases() {
        float[] equal = new float[33278];
        java.util.Arrays.fill(equal, 2.5f);
        assertEquals(2.5 + Math.log(33278), LogSoftmax.logSumExp(equal, 0, equal.length), 33278 / 32.0 * U * 2);
        float[] withInf = {1f, Float.NEGATIVE_INFINITY, 3f, -1e30f, 2f};
        assertEquals(reference(withInf, 0, withInf.length), LogSoftmax.logSumExp(withInf, 0, withInf.length), 1e-6);
        float[] withNan = new float[40];
        withNan[37] = Float.NaN;
        assertTrue(Double.isNaN(LogSoftmax.logSumExp(withNan, 0, withNan.length)));
        assertTrue(Float.isNaN(LogSoftmax.max(withNan, 0, withNan.length)));
        double[] out = new double[3];
        LogSoftmax.logSoftmax(new float[] {0f, 0f, 0f}, 0, 3, out);
        for (double v : out) {
            assertEquals(-Math.log(3), v, 1e-6);
        }
    }

    private static float referenceMax(float[] x, int from, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, x[from + i]);
        }
        return m;
    }

    private static double reference(float[] x, int from, int n) {
        double m = referenceMax(x, from, n);
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.exp(x[from + i] - m);
        }
        return m + Math.log(s);
    }
}
