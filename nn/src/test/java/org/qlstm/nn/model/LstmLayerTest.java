package org.qlstm.nn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.qlstm.nn.kernel.FloatKernels;

/**
 * The LSTM layer's equations against a direct double-precision evaluation of PyTorch's documented formulas
 * (i, f, g, o gate order; c = f·c + i·g; h = o·tanh(c)).
 */
class LstmLayerTest {

    private static final int IN = 7;
    private static final int H = 5;

    @Test
    void matchesTheEquationsInDouble() {
        SplittableRandom random = new SplittableRandom(42);
        float[] wih = random(random, 4 * H * IN);
        float[] whh = random(random, 4 * H * H);
        float[] bih = random(random, 4 * H);
        float[] bhh = random(random, 4 * H);
        int steps = 6;
        int batch = 2;
        float[] x = random(random, steps * batch * IN);
        LstmLayer layer = new LstmLayer(new Linear(wih, bih, 4 * H, IN, FloatKernels.choose("scalar")),
                new Linear(whh, bhh, 4 * H, H, FloatKernels.choose("scalar")));
        float[] h = new float[batch * H];
        float[] c = new float[batch * H];
        float[] out = new float[steps * batch * H];
        layer.forward(x, steps, batch, h, c, out, new float[steps * batch * 4 * H], new float[batch * 4 * H]);

        double[] hd = new double[batch * H];
        double[] cd = new double[batch * H];
        double maxError = 0;
        for (int t = 0; t < steps; t++) {
            double[] hNext = new double[batch * H];
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < H; j++) {
                    double[] gate = new double[4];
                    for (int q = 0; q < 4; q++) {
                        int row = q * H + j;
                        double s = bih[row] + bhh[row];
                        for (int k = 0; k < IN; k++) {
                            s += wih[row * IN + k] * (double) x[(t * batch + b) * IN + k];
                        }
                        for (int k = 0; k < H; k++) {
                            s += whh[row * H + k] * hd[b * H + k];
                        }
                        gate[q] = s;
                    }
                    double i = sigmoid(gate[0]);
                    double f = sigmoid(gate[1]);
                    double g = Math.tanh(gate[2]);
                    double o = sigmoid(gate[3]);
                    cd[b * H + j] = f * cd[b * H + j] + i * g;
                    hNext[b * H + j] = o * Math.tanh(cd[b * H + j]);
                    maxError = Math.max(maxError, Math.abs(hNext[b * H + j] - out[(t * batch + b) * H + j]));
                }
            }
            hd = hNext;
        }
        // Inputs and weights in [-1, 1), K ≤ 12 terms: float32 rounding stays below 1e-6 per step, |h| < 1.
        assertEquals(0, maxError, 1e-5, "max |h_float - h_double|");
        for (int k = 0; k < batch * H; k++) {
            assertEquals(hd[k], h[k], 1e-5);
            assertEquals(cd[k], c[k], 1e-5);
        }
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static float[] random(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }
}
