package org.qlstm.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vectorized gate step against the same step with the scalar reference activations. */
class LstmGatesTest {

    private static final double U = 0x1p-24;

    @Test
    void matchesScalarStepForManyWidthsAndMagnitudes() {
        SplittableRandom random = new SplittableRandom(5);
        long values = 0;
        long identical = 0;
        for (int hidden : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 31, 255, 256, 1000}) {
            for (double scale : new double[] {0.01, 1, 4, 30, 200}) {
                int width = 4 * hidden;
                int offset = 3;
                float[] hh = new float[offset + width];
                float[] ih = new float[offset + 2 * width];
                for (int i = 0; i < hh.length; i++) {
                    hh[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
                }
                for (int i = 0; i < ih.length; i++) {
                    ih[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
                }
                float[] c0 = new float[offset + hidden];
                for (int i = 0; i < c0.length; i++) {
                    c0[i] = (float) ((random.nextDouble() * 2 - 1) * Math.min(scale, 10));
                }
                float[] cv = c0.clone();
                float[] cs = c0.clone();
                float[] hv = new float[offset + hidden];
                float[] hs = new float[offset + hidden];
                float[] ov = new float[2 * offset + hidden];
                float[] os = new float[2 * offset + hidden];
                LstmGates.step(hh.clone(), offset, ih, width, cv, hv, offset, ov, 2 * offset, hidden);
                LstmGates.stepScalar(hh, offset, ih, width, cs, hs, offset, os, 2 * offset, hidden);
                for (int j = 0; j < hidden; j++) {
                    int s = offset + j;
                    float f = Activations.sigmoid(hh[offset + hidden + j] + ih[width + hidden + j]);
                    float in = Activations.sigmoid(hh[offset + j] + ih[width + j]);
                    float g = Activations.tanh(hh[offset + 2 * hidden + j] + ih[width + 2 * hidden + j]);
                    // Each activation within 2 ulp (relative 2·2u each), then two products and a sum.
                    double tolC = 8 * U * (Math.abs(f * c0[s]) + Math.abs(in * g)) + Float.MIN_VALUE;
                    double tolH = 8 * U * Math.abs(hs[s]) + tolC + Float.MIN_VALUE;
                    if (Math.abs(cv[s] - cs[s]) > tolC || Math.abs(hv[s] - hs[s]) > tolH) {
                        fail("H=" + hidden + " scale=" + scale + " unit " + j + ": c " + cv[s] + " vs " + cs[s]
                                + ", h " + hv[s] + " vs " + hs[s]);
                    }
                    assertEquals(hv[s], ov[2 * offset + j], "output is a copy of h");
                    values++;
                    if (cv[s] == cs[s] && hv[s] == hs[s]) {
                        identical++;
                    }
                }
                for (int i = 0; i < offset; i++) {
                    assertEquals(c0[i], cv[i], "cell state before the row untouched");
                    assertEquals(0f, hv[i]);
                    assertEquals(0f, ov[i]);
                }
            }
        }
        System.out.printf("gate step: %d units, %d bit-identical to the scalar step%n", values, identical);
        assertTrue(identical > values * 9 / 10, "expected nearly all units bit-identical");
    }
}
