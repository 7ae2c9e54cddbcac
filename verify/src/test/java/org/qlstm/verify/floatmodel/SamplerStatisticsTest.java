package org.qlstm.verify.floatmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.statistics.inference.ChiSquareTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.qlstm.nn.eval.Sampler;

/**
 * The sampler draws from {@code softmax(logits / temperature)}: a chi-square goodness-of-fit test of seeded samples
 * against the exact distribution, and a check that the test has the power to reject a wrong temperature.
 */
class SamplerStatisticsTest {

    private static final float[] LOGITS = {2.5f, -1f, 0f, 1.25f, 3f, -4f, 0.5f, 2f};
    private static final int DRAWS = 40_000;

    @ParameterizedTest(name = "temperature {0}")
    @ValueSource(doubles = {0.5, 1.0, 2.0})
    void samplesFollowTheTemperedSoftmax(double temperature) {
        long seed = 20261127L + Double.hashCode(temperature);
        long[] counts = sample(temperature, seed);
        double p = ChiSquareTest.withDefaults().test(softmax(LOGITS, temperature), counts).getPValue();
        System.out.printf("temperature %.1f: chi-square p = %.4f (seed %d)%n", temperature, p, seed);
        // Seeded, so deterministic; 1e-3 means a correct sampler fails this for one seed in a thousand.
        assertTrue(p > 1e-3, "sampled counts do not follow softmax(logits/T), p = " + p + ", seed " + seed);
    }

    @Test
    void theTestRejectsTheWrongTemperature() {
        long[] counts = sample(1.0, 99);
        double p = ChiSquareTest.withDefaults().test(softmax(LOGITS, 1.3), counts).getPValue();
        assertTrue(p < 1e-9, "chi-square should reject samples at T=1 against T=1.3, p = " + p);
    }

    @Test
    void hugeLogitsAndTinyTemperatureDoNotOverflow() {
        Sampler sampler = new Sampler(3);
        float[] logits = {1e30f, 3e38f, -3e38f};
        assertEquals(1, sampler.sample(logits, 0, 1e-3, 0.999999));
        assertEquals(1, sampler.sample(logits, 0, 1e-3, 0.0));
    }

    @Test
    void badTemperaturesAreRejected() {
        Sampler sampler = new Sampler(LOGITS.length);
        for (double t : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> sampler.sample(LOGITS, 0, t, 0.5), "T = " + t);
        }
    }

    private static long[] sample(double temperature, long seed) {
        Sampler sampler = new Sampler(LOGITS.length);
        SplittableRandom random = new SplittableRandom(seed);
        long[] counts = new long[LOGITS.length];
        for (int i = 0; i < DRAWS; i++) {
            counts[sampler.sample(LOGITS, 0, temperature, random.nextDouble())]++;
        }
        return counts;
    }

    private static double[] softmax(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
