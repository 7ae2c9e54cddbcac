package org.qlstm.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The worked examples of the quantization spec (§1, §2), bit for bit. */
class QuantizationTest {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void weightExample() {
        float[] w = {0.5f, -1f, 0.25f, 0f, 0.75f, 1f, -0.3f, 0.004f};
        QuantizedWeight q = Quantization.quantizeWeight(w, 2, 4);
        assertEquals(0x3c008081, Float.floatToRawIntBits(q.scale()));
        assertEquals(0.007843137718737125, q.scale(), 0.0);
        assertArrayEquals(bytes(64, -127, 32, 0, 96, 127, -38, 1), q.values());
    }

    @Test
    void weightReachesMinus128() {
        float[] w = {-1.2742863893508911f, 0.6371431946754456f, 0f};
        QuantizedWeight q = Quantization.quantizeWeight(w, 1, 3);
        assertEquals(0x3c23bf91, Float.floatToRawIntBits(q.scale()));
        assertEquals(-127.5f, w[0] * (1.0f / q.scale()));
        assertArrayEquals(bytes(-128, 64, 0), q.values());
    }

    @Test
    void weightTiesGoToEven() {
        float inverse = 1f;
        assertEquals(0, Quantization.quantizeWeightValue(0.5f, inverse));
        assertEquals(2, Quantization.quantizeWeightValue(2.5f, inverse));
        assertEquals(-2, Quantization.quantizeWeightValue(-2.5f, inverse));
        assertEquals(0, Quantization.quantizeWeightValue(-0.5f, inverse));
        assertEquals(127, Quantization.quantizeWeightValue(1e30f, inverse));
        assertEquals(-128, Quantization.quantizeWeightValue(-1e30f, inverse));
    }

    @Test
    void allZeroWeightHasEpsScale() {
        QuantizedWeight q = Quantization.quantizeWeight(new float[6], 2, 3);
        assertEquals(0x1p-23f, q.scale());
        assertArrayEquals(new byte[6], q.values());
    }

    @Test
    void nonFiniteWeightIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> Quantization.quantizeWeight(new float[] {1f, Float.NaN}, 1, 2));
        assertThrows(IllegalArgumentException.class,
                () -> Quantization.quantizeWeight(new float[] {Float.NEGATIVE_INFINITY, 0f}, 1, 2));
    }

    @Test
    void activationExamples() {
        QParams zeros = Quantization.chooseQParams(0f, 0f, 0, 255, false);
        assertEquals(new QParams(0.1, 0), zeros);

        QParams p = Quantization.chooseQParams(-0.3f, 1.7f, 0, 255, false);
        assertEquals(0.007843137488645666, p.scale(), 0.0);
        assertEquals(0x3c008081, Float.floatToRawIntBits(p.scaleF32()));
        assertEquals(38, p.zeroPoint());

        QParams reduced = Quantization.chooseQParams(-0.3f, 1.7f, 0, 255, true);
        assertEquals(0.015748031965390905, reduced.scale(), 0.0);
        assertEquals(0x3c810204, Float.floatToRawIntBits(reduced.scaleF32()));
        assertEquals(19, reduced.zeroPoint());

        assertEquals(0, Quantization.chooseQParams(0.2f, 0.9f, 0, 255, false).zeroPoint());

        QParams tiny = Quantization.chooseQParams(-1e-6f, 2e-6f, 0, 255, false);
        assertEquals((double) 6.1e-5f, tiny.scale(), 0.0);
        assertEquals(85, tiny.zeroPoint());
    }

    @Test
    void invalidRangesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Quantization.chooseQParams(Float.NaN, 1f, 0, 255, false));
        assertThrows(IllegalArgumentException.class,
                () -> Quantization.chooseQParams(0f, Float.POSITIVE_INFINITY, 0, 255, false));
        assertThrows(IllegalArgumentException.class, () -> Quantization.chooseQParams(2f, 1f, 0, 255, false));
    }
}
