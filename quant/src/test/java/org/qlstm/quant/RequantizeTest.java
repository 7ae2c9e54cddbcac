package org.qlstm.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vectorized requantization loops give exactly the bits of the scalar formulas they document, for widths
 * below, at and above the vector length (tails) and accumulators over the whole exact-int8 range.
 */
class RequantizeTest {

    private static final long SEED = 20261128L;

    @Test
    void everyLoopMatchesItsScalarFormulaBitForBit() {
        SplittableRandom random = new SplittableRandom(SEED);
        long checked = 0;
        for (int trial = 0; trial < 400; trial++) {
            int outputs = 1 + random.nextInt(trial < 200 ? 70 : 1100);
            int rows = 1 + random.nextInt(3);
            int[] acc = new int[rows * outputs];
            for (int i = 0; i < acc.length; i++) {
                acc[i] = random.nextInt(-16_711_680, 16_711_681); // |acc| ≤ 255·128·512
            }
            float[] bias = new float[outputs];
            float[] scales = new float[outputs];
            for (int j = 0; j < outputs; j++) {
                bias[j] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-3, 3)));
                scales[j] = (float) Math.scalb(1.0 + random.nextDouble(), -random.nextInt(4, 14));
            }
            float sa = (float) Math.scalb(1.0 + random.nextDouble(), -random.nextInt(2, 12));
            float inverse = (float) (1.0 / sa);
            float[] y = new float[acc.length];

            Requantize.scaleThenAdd(acc, rows, outputs, scales[0] * sa, bias, y);
            for (int i = 0; i < acc.length; i++) {
                assertBits((float) acc[i] * (scales[0] * sa) + bias[i % outputs], y[i], "scaleThenAdd", i);
            }
            Requantize.scaleThenAdd(acc, rows, outputs, scales, sa, bias, y);
            for (int i = 0; i < acc.length; i++) {
                int j = i % outputs;
                assertBits((float) acc[i] * (scales[j] * sa) + bias[j], y[i], "scaleThenAdd per channel", i);
            }
            float bs = inverse * (1.0f / scales[0]);
            Requantize.addScaledBiasThenScale(acc, rows, outputs, bs, 1.0f / bs, bias, y);
            for (int i = 0; i < acc.length; i++) {
                assertBits(((float) acc[i] + bias[i % outputs] * bs) * (1.0f / bs), y[i], "addScaledBiasThenScale", i);
            }
            Requantize.addScaledBiasThenScale(acc, rows, outputs, inverse, scales, bias, y);
            for (int i = 0; i < acc.length; i++) {
                int j = i % outputs;
                float b = inverse * (1.0f / scales[j]);
                assertBits(((float) acc[i] + bias[j] * b) * (1.0f / b), y[i], "addScaledBiasThenScale per channel", i);
            }
            checked += 4L * acc.length;
        }
        System.out.println("requantize: " + checked + " outputs bit-identical to the scalar formulas");
    }

    private static void assertBits(float expected, float actual, String loop, int i) {
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                () -> loop + " y[" + i + "]: expected " + expected + ", got " + actual);
    }
}
