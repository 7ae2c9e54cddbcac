package org.qlstm.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qlstm.nn.model.Embedding;

/** Per-channel weights and the int8 embedding against their definitions (the goldens are in verify). */
class PerChannelTest {

    private static final long SEED = 20261128L;

    @Test
    void everyRowIsQuantizedAsIfItWereItsOwnTensor() {
        Random rng = new Random(SEED);
        for (int trial = 0; trial < 200; trial++) {
            int rows = 1 + rng.nextInt(9);
            int cols = 1 + rng.nextInt(17);
            float[] w = new float[rows * cols];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(5) - 3));
            }
            QuantizedWeight pc = Quantization.quantizeWeightPerChannel(w, rows, cols);
            for (int r = 0; r < rows; r++) {
                float[] row = java.util.Arrays.copyOfRange(w, r * cols, (r + 1) * cols);
                QuantizedWeight alone = Quantization.quantizeWeight(row, 1, cols);
                assertEquals(Float.floatToRawIntBits(alone.scale()), Float.floatToRawIntBits(pc.scale(r)));
                assertArrayEquals(alone.values(), java.util.Arrays.copyOfRange(pc.values(), r * cols,
                        (r + 1) * cols));
            }
        }
    }

    @Test
    void perChannelRequantizationUsesTheScaleOfEachOutput() {
        // With all scales equal, the per-row form must give exactly the per-tensor form, on every engine.
        int rows = 3;
        int outputs = 5;
        int[] acc = {1, -7, 300, 12_345, -99_999, 0, 5, -5, 64, 127, 128, -128, 77_777, -1, 2};
        float[] bias = {0.1f, -0.2f, 0.3f, 0f, 1e-3f};
        for (Engine engine : Engine.all()) {
            float[] perTensor = new float[rows * outputs];
            float[] perRow = new float[rows * outputs];
            engine.requantize(acc, rows, outputs, 0.0123, 0.004f, bias, perTensor);
            engine.requantize(acc, rows, outputs, 0.0123, new float[] {0.004f, 0.004f, 0.004f, 0.004f, 0.004f},
                    bias, perRow);
            assertArrayEquals(perTensor, perRow, engine.name());
            // and output j with scale s_j equals a per-tensor call with s_j, column by column
            float[] scales = {0.004f, 1e-5f, 0.3f, 2f, 0.0625f};
            engine.requantize(acc, rows, outputs, 0.0123, scales, bias, perRow);
            for (int j = 0; j < outputs; j++) {
                engine.requantize(acc, rows, outputs, 0.0123, scales[j], bias, perTensor);
                for (int r = 0; r < rows; r++) {
                    assertEquals(perTensor[r * outputs + j], perRow[r * outputs + j], engine.name() + " " + j);
                }
            }
            assertThrows(IllegalArgumentException.class,
                    () -> engine.requantize(acc, rows, outputs, 0.0123, new float[2], bias, new float[15]));
        }
    }

    @Test
    void warmPerChannelProjectionsAllocateNothing() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Random rng = new Random(SEED);
        float[] w = TinyModels.gaussian(rng, 96 * 40, 0.5f);
        float[] b = TinyModels.gaussian(rng, 96, 0.1f);
        float[] x = TinyModels.gaussian(rng, 5 * 40, 1f);
        float[] y = new float[5 * 96];
        QuantizedWeight q = Quantization.quantizeWeightPerChannel(w, 96, 40);
        for (Engine engine : Engine.all()) {
            DynamicQuantizedLinear layer = new DynamicQuantizedLinear(q, b, engine,
                    new org.qlstm.quant.kernel.ScalarInt8Kernel());
            for (int i = 0; i < 30_000; i++) {
                layer.project(x, 1 + i % 5, y);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                layer.project(x, 1 + i % 5, y);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            // the same bound as AllocationTest's per-tensor check: a few stray bytes, never one array per call
            assertTrue(allocated < 10_000, engine + " per channel allocated " + allocated + " bytes in 10,000 calls");
        }
    }

    @Test
    void int8EmbeddingRowsAreTheFusedMultiplyAddOfTheirParameters() {
        Random rng = new Random(SEED);
        int tokens = 40;
        int dim = 9;
        float[] table = new float[tokens * dim];
        for (int i = 0; i < table.length; i++) {
            table[i] = (float) rng.nextGaussian() * (i % 3 == 0 ? 3f : 0.2f);
        }
        java.util.Arrays.fill(table, 0, dim, 0.25f); // a constant row: scale falls back to 1.0
        QuantizedEmbedding q = QuantizedEmbedding.quantize(new Embedding(table, tokens, dim));
        assertEquals(1.0f, q.scales()[0]);
        int[] ids = {0, 7, 39};
        float[] out = new float[ids.length * dim];
        q.lookup(ids, ids.length, out);
        byte[] values = q.values();
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            float s = q.scales()[id];
            float zp = q.zeroPoints()[id];
            for (int c = 0; c < dim; c++) {
                int v = values[id * dim + c] & 0xFF;
                // the exact v·s + bias, rounded once (BigDecimal.floatValue rounds correctly)
                float expected = new java.math.BigDecimal(v).multiply(new java.math.BigDecimal(s))
                        .add(new java.math.BigDecimal(-(zp * s))).floatValue();
                assertEquals(expected, out[i * dim + c]);
                // within half a step of the float value (the quantization error bound of a per-row affine grid)
                assertTrue(Math.abs(out[i * dim + c] - table[id * dim + c]) <= 0.5 * s * (1 + 1e-5) + 1e-6);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> q.lookup(new int[] {40}, 1, new float[dim]));
    }
}
