package org.qlstm.verify.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QParams;
import org.qlstm.quant.Quantization;

/**
 * Properties of the dynamic activation quantization of every engine, with and without {@code reduce_range}: the
 * chosen parameters, the quantization of values and its round trip. Seeded random vectors (seed in every failure
 * message) mix normal values at all magnitudes, subnormals, ±0, huge values, constant and all-zero vectors.
 */
class ActivationQuantizationPropertiesTest {

    private static final long SEED = 0x5eed_0002L;
    private static final int VECTORS = 3_000;

    /**
     * Slack beyond half a step, in steps. In quantized units {@code |x/s| ≤ 255} inside the range; the engines form
     * {@code x·inv} with an inverse off by at most 2 roundings of {@code 2^−24} (f32 of the double scale, then of
     * the reciprocal) and round the product once more: {@code ≤ 255·3·2^−24·(1+ε) < 2^−14}; onednn rounds
     * {@code x·inv + zp} (magnitude < 512) once more, {@code ≤ 2^−15}; dequantizing with the float32 scale is off by
     * {@code ≤ 255·2^−24 < 2^−16} of a step. Total below {@code 2^−12} of a step.
     */
    private static final double SLACK_STEPS = 0x1p-12;

    private static int qmax(Engine engine, boolean reduceRange) {
        return reduceRange && engine.honoursReduceRange() ? 127 : 255;
    }

    private static int quantizeOne(Engine engine, float x, QParams p) {
        byte[] out = new byte[1];
        engine.quantizeActivations(new float[] {x}, 1, p, out);
        return out[0] & 0xFF;
    }

    @Test
    void chosenParametersCoverTheRangeAndZero() {
        for (Engine engine : Engine.all()) {
            for (boolean reduceRange : new boolean[] {false, true}) {
                UniformRandomProvider rng = QuantRandom.rng(SEED);
                int qmax = qmax(engine, reduceRange);
                for (int t = 0; t < VECTORS; t++) {
                    float[] x = QuantRandom.vector(rng, 1 + rng.nextInt(64));
                    float[] mm = QuantRandom.minMax(x);
                    QParams p = engine.chooseActivationParams(mm[0], mm[1], reduceRange);
                    String where = String.format("seed %#x, %s, reduce_range=%s, range [%s, %s] → %s", SEED, engine,
                            reduceRange, mm[0], mm[1], p);
                    double s = p.scale();
                    int zp = p.zeroPoint();
                    assertTrue(zp >= 0 && zp <= qmax, where);
                    assertTrue(s >= Quantization.SMALL_SCALE_THRESHOLD && Double.isFinite(s), where);
                    double lo = (0 - zp) * s;
                    double hi = (qmax - zp) * s;
                    double half = s * (0.5 + SLACK_STEPS);
                    assertTrue(lo <= Math.min(mm[0], 0f) + half, where + ": lowest representable " + lo);
                    assertTrue(hi >= Math.max(mm[1], 0f) - half, where + ": highest representable " + hi);
                    // Zero is exact: it quantizes to the zero point, which dequantizes to 0.
                    assertEquals(zp, quantizeOne(engine, 0f, p), where);
                    assertEquals(zp, quantizeOne(engine, -0f, p), where);
                    assertEquals(0f, Quantization.dequantize(zp, p.scaleF32(), zp), where);
                }
            }
        }
    }

    @Test
    void roundTripIsWithinHalfAStepInsideTheRange() {
        for (Engine engine : Engine.all()) {
            for (boolean reduceRange : new boolean[] {false, true}) {
                UniformRandomProvider rng = QuantRandom.rng(SEED + 1);
                double worst = 0;
                long values = 0;
                for (int t = 0; t < VECTORS; t++) {
                    float[] x = QuantRandom.vector(rng, 1 + rng.nextInt(64));
                    float[] mm = QuantRandom.minMax(x);
                    QParams p = engine.chooseActivationParams(mm[0], mm[1], reduceRange);
                    byte[] q = new byte[x.length];
                    engine.quantizeActivations(x, x.length, p, q);
                    double sf = p.scaleF32();
                    for (int i = 0; i < x.length; i++) {
                        double back = ((q[i] & 0xFF) - p.zeroPoint()) * sf;
                        double steps = Math.abs(back - x[i]) / p.scale();
                        int index = i;
                        assertTrue(steps <= 0.5 + SLACK_STEPS, () -> String.format(
                                "seed %#x, %s, reduce_range=%s: x=%s with %s → %d, error %.6f steps", SEED + 1,
                                engine, reduceRange, x[index], p, q[index] & 0xFF, steps));
                        worst = Math.max(worst, steps);
                        values++;
                    }
                }
                System.out.printf("activation round trip %s reduce_range=%s: %d values, worst %.9f steps%n", engine,
                        reduceRange, values, worst);
            }
        }
    }

    @Test
    void everyQuantizedValueSurvivesDequantizeAndQuantize() {
        for (Engine engine : Engine.all()) {
            for (boolean reduceRange : new boolean[] {false, true}) {
                UniformRandomProvider rng = QuantRandom.rng(SEED + 2);
                int qmax = qmax(engine, reduceRange);
                for (int t = 0; t < 2_000; t++) {
                    // Moderate ranges, so that (q − zp)·scale cannot overflow float32.
                    float a = QuantRandom.gaussian(rng, (float) Math.pow(10, -8 + 16 * rng.nextDouble()));
                    float b = QuantRandom.gaussian(rng, (float) Math.pow(10, -8 + 16 * rng.nextDouble()));
                    QParams p = engine.chooseActivationParams(Math.min(a, b), Math.max(a, b), reduceRange);
                    for (int q = 0; q <= qmax; q++) {
                        float x = Quantization.dequantize(q, p.scaleF32(), p.zeroPoint());
                        assertEquals(q, quantizeOne(engine, x, p), String.format("seed %#x, %s, %s, reduce_range=%s",
                                SEED + 2, engine, p, reduceRange));
                    }
                }
            }
        }
    }

    @Test
    void valuesOutsideTheRangeSaturate() {
        for (Engine engine : Engine.all()) {
            UniformRandomProvider rng = QuantRandom.rng(SEED + 3);
            for (int t = 0; t < 20_000; t++) {
                float a = QuantRandom.gaussian(rng, (float) Math.pow(10, -6 + 10 * rng.nextDouble()));
                float b = QuantRandom.gaussian(rng, (float) Math.pow(10, -6 + 10 * rng.nextDouble()));
                QParams p = engine.chooseActivationParams(Math.min(a, b), Math.max(a, b), false);
                double s = p.scale();
                // A thousandth of the distance beyond the last rounding boundary dwarfs the rounding of x·inv.
                float above = (float) ((255.5 - p.zeroPoint()) * s * (1 + 1e-3)
                        + Math.abs(QuantRandom.anyFinite(rng)));
                float below = (float) ((-0.5 - p.zeroPoint()) * s * (1 + 1e-3)
                        - Math.abs(QuantRandom.anyFinite(rng)));
                assertEquals(255, quantizeOne(engine, above, p), "seed " + (SEED + 3) + ": " + above + " with " + p);
                assertEquals(0, quantizeOne(engine, below, p), "seed " + (SEED + 3) + ": " + below + " with " + p);
                assertEquals(255, quantizeOne(engine, Float.MAX_VALUE, p));
                assertEquals(0, quantizeOne(engine, -Float.MAX_VALUE, p));
            }
        }
    }

    @Test
    void quantizationIsMonotone() {
        for (Engine engine : Engine.all()) {
            UniformRandomProvider rng = QuantRandom.rng(SEED + 4);
            for (int t = 0; t < 300; t++) {
                float a = QuantRandom.gaussian(rng, (float) Math.pow(10, -6 + 10 * rng.nextDouble()));
                float b = QuantRandom.gaussian(rng, (float) Math.pow(10, -6 + 10 * rng.nextDouble()));
                QParams p = engine.chooseActivationParams(Math.min(a, b), Math.max(a, b), rng.nextBoolean());
                // Every rounding boundary of the 256 values and the clamps, swept float by float.
                for (int k = -2; k <= 257; k++) {
                    float x = (float) ((k + 0.5 - p.zeroPoint()) * p.scale());
                    for (int i = 0; i < 40; i++) {
                        x = Math.nextDown(x);
                    }
                    int previous = quantizeOne(engine, x, p);
                    for (int i = 0; i < 80; i++) {
                        x = Math.nextUp(x);
                        int q = quantizeOne(engine, x, p);
                        assertTrue(q >= previous, "seed " + (SEED + 4) + ": " + engine + " not monotone at " + x);
                        previous = q;
                    }
                }
                for (int i = 0; i < 500; i++) {
                    float u = QuantRandom.anyFinite(rng);
                    float v = QuantRandom.anyFinite(rng);
                    assertTrue(quantizeOne(engine, Math.min(u, v), p) <= quantizeOne(engine, Math.max(u, v), p),
                            "seed " + (SEED + 4) + ": " + engine + " at " + u + ", " + v);
                }
            }
        }
    }

    @Test
    void specialRanges() {
        assertEquals(new QParams(0.1, 0), Quantization.chooseQParams(0f, 0f, 0, 255, false));
        assertEquals(new QParams(0.1, 0), Quantization.chooseQParams(-0f, -0f, 0, 255, true));
        // Only positive values: zero point 0; only negative values: zero point qmax.
        assertEquals(0, Quantization.chooseQParams(0.2f, 0.9f, 0, 255, false).zeroPoint());
        assertEquals(255, Quantization.chooseQParams(-0.9f, -0.2f, 0, 255, false).zeroPoint());
        assertEquals(127, Quantization.chooseQParams(-0.9f, -0.2f, 0, 255, true).zeroPoint());
        // Constant vectors: the range is [0, c] or [c, 0].
        QParams constant = Quantization.chooseQParams(5f, 5f, 0, 255, false);
        assertEquals(5.0 / 255, constant.scale(), 0.0);
        assertEquals(0, constant.zeroPoint());
        // Tiny ranges are cut off at 6.1e-5f; a one-sided tiny range keeps its zero at the end.
        assertEquals(new QParams(6.1e-5f, 0), Quantization.chooseQParams(0f, 1e-7f, 0, 255, false));
        assertEquals(new QParams(6.1e-5f, 255), Quantization.chooseQParams(-1e-7f, 0f, 0, 255, false));
        assertEquals(new QParams(6.1e-5f, 127), Quantization.chooseQParams(-1e-7f, 0f, 0, 255, true));
        // A range so small that f32(scale) is 0 falls back to 0.1 before the cutoff.
        assertEquals(new QParams(0.1, 0), Quantization.chooseQParams(Float.MIN_VALUE, Float.MIN_VALUE, 0, 255, false));
        // The widest finite range.
        QParams widest = Quantization.chooseQParams(-Float.MAX_VALUE, Float.MAX_VALUE, 0, 255, false);
        assertEquals(2.0 * Float.MAX_VALUE / 255, widest.scale(), 0.0);
        assertEquals(128, widest.zeroPoint());
    }
}
