package org.qlstm.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.qlstm.quant.kernel.ScalarInt8Kernel;

/** The worked example of {@code quantization-example.txt}: every intermediate and every output bit. */
class EngineTest {

    private static final float[] W = {0.5f, -0.25f, 0.125f, -1.0f, 0.75f, 0.30000001192092896f};
    private static final float[] B = {0.10000000149011612f, -0.20000000298023224f};
    private static final float[] X = {-0.30000001192092896f, 0.0f, 1.7000000476837158f,
        0.8999999761581421f, -0.05000000074505806f, 0.20000000298023224f};

    private static DynamicQuantizedLinear layer(Engine engine) {
        QuantizedWeight q = Quantization.quantizeWeight(W, 2, 3);
        return new DynamicQuantizedLinear(q, B, engine, new ScalarInt8Kernel());
    }

    private static void check(Engine engine, boolean reduceRange, double scale, int zp, int[] xq, int[] bits) {
        DynamicQuantizedLinear linear = layer(engine);
        float[] y = new float[4];
        QParams p = linear.linearDynamic(X, 2, reduceRange, y);
        assertEquals(scale, p.scale(), 0.0);
        assertEquals(zp, p.zeroPoint());
        byte[] q = new byte[6];
        engine.quantizeActivations(X, 6, p, q);
        for (int i = 0; i < 6; i++) {
            assertEquals(xq[i], q[i] & 0xFF, "xq[" + i + "]");
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(bits[i], Float.floatToRawIntBits(y[i]),
                    String.format("%s y[%d] = %s (0x%08x)", engine, i, y[i], Float.floatToRawIntBits(y[i])));
        }
    }

    @Test
    void weights() {
        QuantizedWeight q = Quantization.quantizeWeight(W, 2, 3);
        assertEquals(0x3c008081, Float.floatToRawIntBits(q.scale()));
        int[] expected = {64, -32, 16, -127, 96, 38};
        for (int i = 0; i < 6; i++) {
            assertEquals(expected[i], q.value(i / 3, i % 3));
        }
    }

    @Test
    void qnnpackIgnoresReduceRange() {
        int[] xq = {0, 38, 255, 153, 32, 63};
        int[] bits = {0x3e27e92b, 0x3f1aa7b7, 0x3f16d391, 0xbf89a746};
        check(Engine.QNNPACK, true, 0.007843137488645666, 38, xq, bits);
        check(Engine.QNNPACK, false, 0.007843137488645666, 38, xq, bits);
    }

    @Test
    void onednnWithReduceRange() {
        check(Engine.ONEDNN, true, 0.015748031965390905, 19, new int[] {0, 19, 127, 76, 16, 32},
                new int[] {0x3e27282b, 0x3f1add63, 0x3f168f82, 0xbf88ca4e});
    }

    @Test
    void onednnWithoutReduceRange() {
        check(Engine.ONEDNN, false, 0.007843137488645666, 38, new int[] {0, 38, 255, 153, 32, 64},
                new int[] {0x3e27e92c, 0x3f1aa7b6, 0x3f171412, 0xbf895aad});
    }

    @Test
    void accumulatorsOfTheExample() {
        QuantizedWeight w = Quantization.quantizeWeight(W, 2, 3);
        int[] acc = new int[4];
        new ScalarInt8Kernel().prepare(w).multiply(new byte[] {0, 38, (byte) 255, (byte) 153, 32, 63}, 2, 38, acc);
        assertEquals(1040, acc[0]);
        assertEquals(13072, acc[1]);
        assertEquals(7952, acc[2]);
        assertEquals(-14231, acc[3]);
    }

    @Test
    void fbgemmUsesReducedRangeAndOneRounding() {
        DynamicQuantizedLinear linear = layer(Engine.FBGEMM);
        float[] y = new float[4];
        QParams p = linear.linearDynamic(X, 2, true, y);
        assertEquals(19, p.zeroPoint());
        byte[] q = new byte[6];
        Engine.FBGEMM.quantizeActivations(X, 6, p, q);
        for (byte b : q) {
            assertTrue((b & 0xFF) <= 127);
        }
        // Close to the float reference x·Wᵀ + b.
        double[] reference = {0.16249999403953552, 0.6100000739097595, 0.5874999761581421, -1.0774999856948853};
        for (int i = 0; i < 4; i++) {
            assertEquals(reference[i], y[i], 0.02);
        }
    }

    @Test
    void parseIsCaseInsensitiveAndNamesTheValidEngines() {
        assertSame(Engine.QNNPACK, Engine.parse("QNNPACK"));
        assertSame(Engine.ONEDNN, Engine.parse(" OneDNN "));
        assertSame(Engine.FBGEMM, Engine.parse("fbgemm"));
        assertSame(Engine.QNNPACK, Engine.defaultEngine());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Engine.parse("x86"));
        assertTrue(e.getMessage().contains("'x86'") && e.getMessage().contains("qnnpack, fbgemm, onednn"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Engine.parse(null));
    }

    @Test
    void describeAndSize() {
        DynamicQuantizedLinear linear = layer(Engine.QNNPACK);
        assertEquals("DynamicQuantizedLinear(in_features=3, out_features=2, dtype=torch.qint8, "
                + "qscheme=torch.per_tensor_affine)", linear.describe());
        assertEquals(6 + 4 + 8, linear.parameterBytes());
    }
}
