package org.qlstm.nn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The first Vector API kernel, kept as the {@code dot} choice for comparison in benchmarks: it works over the
 * row-major weight: blocks of 2 input rows × 4 outputs share each vector load, with
 * 8 independent accumulator chains (few enough live vectors for AVX2's 16 registers). Lanes are reduced once per
 * output, never inside the k loop. Inputs whose length is not a multiple of the vector length finish with a
 * scalar tail.
 */
public final class DotFloatKernel implements FloatKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override
    public String name() {
        return "dot-" + S.vectorBitSize();
    }

    @Override
    public FloatMatrix prepare(float[] weight, int outputs, int inputs) {
        Shapes.requireMatrix(weight, outputs, inputs);
        return new Matrix(weight.clone(), outputs, inputs);
    }

    private record Matrix(float[] w, int outputs, int inputs) implements FloatMatrix {

        @Override
        public void multiply(float[] x, int rows, float[] bias, float[] y) {
            int r = 0;
            for (; r + 2 <= rows; r += 2) {
                int j = 0;
                for (; j + 4 <= outputs; j += 4) {
                    block2x4(x, r, j, bias, y);
                }
                for (; j < outputs; j++) {
                    y[r * outputs + j] = dot(x, r * inputs, j * inputs) + bias[j];
                    y[(r + 1) * outputs + j] = dot(x, (r + 1) * inputs, j * inputs) + bias[j];
                }
            }
            for (; r < rows; r++) {
                for (int j = 0; j < outputs; j++) {
                    y[r * outputs + j] = dot(x, r * inputs, j * inputs) + bias[j];
                }
            }
        }

        private void block2x4(float[] x, int r, int j, float[] bias, float[] y) {
            int x0 = r * inputs;
            int x1 = x0 + inputs;
            int w0 = j * inputs;
            int w1 = w0 + inputs;
            int w2 = w1 + inputs;
            int w3 = w2 + inputs;
            FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S), a02 = FloatVector.zero(S),
                    a03 = FloatVector.zero(S);
            FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S), a12 = FloatVector.zero(S),
                    a13 = FloatVector.zero(S);
            int bound = S.loopBound(inputs);
            int k = 0;
            for (; k < bound; k += S.length()) {
                FloatVector xa = FloatVector.fromArray(S, x, x0 + k);
                FloatVector xb = FloatVector.fromArray(S, x, x1 + k);
                FloatVector v0 = FloatVector.fromArray(S, w, w0 + k);
                a00 = v0.fma(xa, a00);
                a10 = v0.fma(xb, a10);
                FloatVector v1 = FloatVector.fromArray(S, w, w1 + k);
                a01 = v1.fma(xa, a01);
                a11 = v1.fma(xb, a11);
                FloatVector v2 = FloatVector.fromArray(S, w, w2 + k);
                a02 = v2.fma(xa, a02);
                a12 = v2.fma(xb, a12);
                FloatVector v3 = FloatVector.fromArray(S, w, w3 + k);
                a03 = v3.fma(xa, a03);
                a13 = v3.fma(xb, a13);
            }
            float s00 = a00.reduceLanes(VectorOperators.ADD), s01 = a01.reduceLanes(VectorOperators.ADD);
            float s02 = a02.reduceLanes(VectorOperators.ADD), s03 = a03.reduceLanes(VectorOperators.ADD);
            float s10 = a10.reduceLanes(VectorOperators.ADD), s11 = a11.reduceLanes(VectorOperators.ADD);
            float s12 = a12.reduceLanes(VectorOperators.ADD), s13 = a13.reduceLanes(VectorOperators.ADD);
            for (; k < inputs; k++) {
                float xa = x[x0 + k];
                float xb = x[x1 + k];
                s00 += xa * w[w0 + k];
                s01 += xa * w[w1 + k];
                s02 += xa * w[w2 + k];
                s03 += xa * w[w3 + k];
                s10 += xb * w[w0 + k];
                s11 += xb * w[w1 + k];
                s12 += xb * w[w2 + k];
                s13 += xb * w[w3 + k];
            }
            int y0 = r * outputs + j;
            int y1 = y0 + outputs;
            y[y0] = s00 + bias[j];
            y[y0 + 1] = s01 + bias[j + 1];
            y[y0 + 2] = s02 + bias[j + 2];
            y[y0 + 3] = s03 + bias[j + 3];
            y[y1] = s10 + bias[j];
            y[y1 + 1] = s11 + bias[j + 1];
            y[y1 + 2] = s12 + bias[j + 2];
            y[y1 + 3] = s13 + bias[j + 3];
        }

        private float dot(float[] x, int xBase, int wBase) {
            FloatVector acc = FloatVector.zero(S);
            int bound = S.loopBound(inputs);
            int k = 0;
            for (; k < bound; k += S.length()) {
                acc = FloatVector.fromArray(S, w, wBase + k).fma(FloatVector.fromArray(S, x, xBase + k), acc);
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (; k < inputs; k++) {
                sum += x[xBase + k] * w[wBase + k];
            }
            return sum;
        }
    }
}
