package org.qlstm.verify.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.qlstm.quant.Quantization;
import org.qlstm.quant.QuantizedWeight;

/**
 * Properties of the per-tensor symmetric int8 weight quantization, over seeded random tensors (the seed is in every
 * failure message) and exhaustively over the 256 int8 values.
 */
class WeightQuantizationPropertiesTest {

    private static final long SEED = 0x5eed_0001L;
    private static final int TENSORS = 2_000;

    /**
     * The round-trip bound. With {@code inv = f32(1/s) = (1/s)(1+δ₁)}, {@code p = f32(w·inv) = (w/s)(1+δ₁)(1+δ₂)}
     * and {@code |δᵢ| ≤ 2^−24}: {@code s·|p − w/s| ≤ |w|·2^−23·(1+2^−25)}; rounding p to q costs at most
     * {@code s/2} (also after clamping, since {@code |w/s| ≤ 127.5} inside the range, where clamping moves 127.5 →
     * 128 back to 127); dequantizing {@code f32(q·s)} costs {@code ≤ 128·s·2^−24 = s·2^−17}. So
     * {@code |f32(q·s) − w| ≤ s/2 + s·2^−17 + |w|·2^−22}.
     */
    private static double roundTripBound(float w, float s) {
        return s / 2.0 + s * 0x1p-17 + Math.abs(w) * 0x1p-22;
    }

    @Test
    void roundTripErrorIsWithinHalfAStepInsideTheRange() {
        UniformRandomProvider rng = QuantRandom.rng(SEED);
        long values = 0;
        long strictlyWithinHalf = 0;
        double worstRatio = 0;
        for (int t = 0; t < TENSORS; t++) {
            int rows = 1 + rng.nextInt(8);
            int cols = 1 + rng.nextInt(64);
            float[] w = QuantRandom.vector(rng, rows * cols);
            QuantizedWeight q = Quantization.quantizeWeight(w, rows, cols);
            float s = q.scale();
            byte[] ints = q.values();
            for (int i = 0; i < w.length; i++) {
                float wi = w[i];
                // Dequantized in double: near Float.MAX_VALUE, f32(−128·s) overflows (as in PyTorch) although q is
                // the right value.
                double bi = ints[i] * (double) s;
                double error = Math.abs(bi - wi);
                double bound = roundTripBound(wi, s);
                assertTrue(error <= bound, () -> String.format(
                        "seed %#x: w=%s scale=%s → %s, |error| %.3e > bound %.3e", SEED, wi, s, bi, error, bound));
                worstRatio = Math.max(worstRatio, error / s);
                if (error <= s / 2.0) {
                    strictlyWithinHalf++;
                }
                values++;
            }
        }
        System.out.printf("weight round trip: %d values, worst |error|/scale %.9f, %d within exactly scale/2%n",
                values, worstRatio, strictlyWithinHalf);
    }

    @Test
    void scaleIsTheObserversAndTheExtremesAreUsed() {
        UniformRandomProvider rng = QuantRandom.rng(SEED + 1);
        for (int t = 0; t < TENSORS; t++) {
            float[] w = QuantRandom.vector(rng, 1 + rng.nextInt(100));
            float amax = 0f;
            for (float v : w) {
                amax = Math.max(amax, Math.abs(v));
            }
            float expected = Math.max(amax / 127.5f, 0x1p-23f);
            QuantizedWeight q = Quantization.quantizeWeight(w, 1, w.length);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(q.scale()), "seed " + SEED + 1);
            int maxAbs = 0;
            float inverse = 1f / q.scale();
            for (int i = 0; i < w.length; i++) {
                int v = q.value(0, i);
                assertEquals(Quantization.quantizeWeightValue(w[i], inverse), v);
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
            if (amax / 127.5f >= 0x1p-23f) {
                assertTrue(maxAbs == 127 || maxAbs == 128, "seed " + (SEED + 1) + ": largest |q| is " + maxAbs);
            }
        }
    }

    @Test
    void valuesOutsideTheRangeSaturate() {
        UniformRandomProvider rng = QuantRandom.rng(SEED + 2);
        for (int t = 0; t < 100_000; t++) {
            float s = (float) Math.pow(2, -23 + 30 * rng.nextDouble());
            float inverse = 1f / s;
            // Beyond 127.5 steps (by more than the rounding of the product) everything is 127, below −128.5 −128.
            float above = (float) (127.5 * s * (1 + 0x1p-20) + Math.abs(QuantRandom.anyFinite(rng)));
            float below = (float) (-128.5 * s * (1 + 0x1p-20) - Math.abs(QuantRandom.anyFinite(rng)));
            assertEquals(127, Quantization.quantizeWeightValue(above, inverse), "seed " + (SEED + 2) + ": " + above);
            assertEquals(-128, Quantization.quantizeWeightValue(below, inverse), "seed " + (SEED + 2) + ": " + below);
        }
        assertEquals(127, Quantization.quantizeWeightValue(Float.POSITIVE_INFINITY, 1f));
        assertEquals(-128, Quantization.quantizeWeightValue(Float.NEGATIVE_INFINITY, 1f));
        assertEquals(127, Quantization.quantizeWeightValue(Float.MAX_VALUE, 1e30f));
    }

    @Test
    void zeroIsExact() {
        for (float s : new float[] {0x1p-23f, 1e-3f, 0.0078431377f, 1f, 1e30f}) {
            float inverse = 1f / s;
            assertEquals(0, Quantization.quantizeWeightValue(0f, inverse));
            assertEquals(0, Quantization.quantizeWeightValue(-0f, inverse));
            assertEquals(0f, Quantization.dequantize(0, s, 0));
        }
    }

    @Test
    void everyInt8ValueSurvivesDequantizeAndQuantize() {
        UniformRandomProvider rng = QuantRandom.rng(SEED + 3);
        for (int t = 0; t < 2_000; t++) {
            float s = t == 0 ? 0x1p-23f : (float) Math.pow(2, -23 + 40 * rng.nextDouble());
            float inverse = 1f / s;
            for (int q = -128; q <= 127; q++) {
                float w = Quantization.dequantize(q, s, 0);
                assertEquals(q, Quantization.quantizeWeightValue(w, inverse), "seed " + (SEED + 3) + ", scale " + s);
            }
        }
    }

    @Test
    void quantizationIsMonotone() {
        UniformRandomProvider rng = QuantRandom.rng(SEED + 4);
        for (int t = 0; t < 200; t++) {
            float s = (float) Math.pow(2, -23 + 30 * rng.nextDouble());
            float inverse = 1f / s;
            // Around every rounding boundary (k + ½)·s, all 256 of them and the clamps, sweep consecutive floats.
            for (int k = -130; k <= 129; k++) {
                float w = (k + 0.5f) * s;
                for (int i = 0; i < 40; i++) {
                    w = Math.nextDown(w);
                }
                int previous = Quantization.quantizeWeightValue(w, inverse);
                for (int i = 0; i < 80; i++) {
                    w = Math.nextUp(w);
                    int q = Quantization.quantizeWeightValue(w, inverse);
                    assertTrue(q >= previous, "seed " + (SEED + 4) + ": not monotone at " + w + ", scale " + s);
                    previous = q;
                }
            }
            for (int i = 0; i < 1_000; i++) {
                float a = QuantRandom.anyFinite(rng);
                float b = QuantRandom.anyFinite(rng);
                float lo = Math.min(a, b);
                float hi = Math.max(a, b);
                assertTrue(Quantization.quantizeWeightValue(lo, inverse)
                        <= Quantization.quantizeWeightValue(hi, inverse), "seed " + (SEED + 4) + ": " + lo + ", " + hi);
            }
        }
    }
}
