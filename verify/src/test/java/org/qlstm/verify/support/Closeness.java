package org.qlstm.verify.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Element-wise comparison of Java results with goldens under an explicit tolerance, printing the achieved error so a
 * tightening or a drift is visible in every build log.
 */
public final class Closeness {

    /** The worst element of a comparison. */
    public record Report(String what, int count, double maxAbsError, int worstIndex, double meanAbsError) {
        @Override
        public String toString() {
            return String.format("%s: %d values, max |error| %.3e at %d, mean |error| %.3e",
                    what, count, maxAbsError, worstIndex, meanAbsError);
        }
    }

    private Closeness() {
    }

    /**
     * Asserts {@code |actual[i] − expected[i]| ≤ tolerance[i]} for all i and prints the achieved error.
     *
     * @param what      name used in messages
     * @param expected  golden values
     * @param actual    Java values
     * @param tolerance the allowed error of each element
     */
    public static Report assertWithin(String what, double[] expected, double[] actual, double[] tolerance) {
        assertEquals(expected.length, actual.length, what + ": length");
        double max = -1;
        int worst = -1;
        double sum = 0;
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(actual[i] - expected[i]);
            if (!(error <= tolerance[i])) {
                fail(String.format("%s[%d]: expected %s, got %s, |error| %.3e > tolerance %.3e",
                        what, i, expected[i], actual[i], error, tolerance[i]));
            }
            sum += error;
            if (error > max) {
                max = error;
                worst = i;
            }
        }
        Report report = new Report(what, expected.length, max, worst, expected.length == 0 ? 0 : sum / expected.length);
        System.out.println(report);
        return report;
    }

    /** {@link #assertWithin(String, double[], double[], double[])} with one absolute tolerance for all elements. */
    public static Report assertWithin(String what, double[] expected, double[] actual, double tolerance) {
        double[] t = new double[expected.length];
        java.util.Arrays.fill(t, tolerance);
        return assertWithin(what, expected, actual, t);
    }

    /** Float array widened to double. */
    public static double[] widen(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** Asserts two float arrays are identical bit for bit, naming the first differing element. */
    public static void assertBitExact(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(String.format("%s[%d]: expected %s (0x%08x), got %s (0x%08x)", what, i, expected[i],
                        Float.floatToRawIntBits(expected[i]), actual[i], Float.floatToRawIntBits(actual[i])));
            }
        }
        System.out.println(what + ": " + expected.length + " values bit-exact (0 ulp)");
    }
}
