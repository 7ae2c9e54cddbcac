package org.qlstm.quant.kernel;

import java.util.Objects;
import org.qlstm.quant.QuantizedWeight;

/**
 * The reference int8 kernel: the definition {@code acc[r][j] = Σₖ (xq[r][k] − zp)·wq[j][k]} written as plain loops
 * over the row-major weight, in int32 (exact: see {@link Int8Matrix}). Every faster kernel is tested against it.
 */
public final class ScalarInt8Kernel implements Int8Kernel {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public Int8Matrix prepare(QuantizedWeight weight) {
        return new Matrix(weight);
    }

    @Override
    public String toString() {
        return name();
    }

    private static final class Matrix implements Int8Matrix {
        private final byte[] w;
        private final int outputs;
        private final int inputs;

        Matrix(QuantizedWeight weight) {
            Objects.requireNonNull(weight, "weight");
            if (weight.cols() > MAX_INPUTS) {
                throw new IllegalArgumentException("an int8 weight with " + weight.cols()
                        + " inputs could overflow int32 accumulators (at most " + MAX_INPUTS + ")");
            }
            this.w = weight.values();
            this.outputs = weight.rows();
            this.inputs = weight.cols();
        }

        @Override
        public int inputs() {
            return inputs;
        }

        @Override
        public int outputs() {
            return outputs;
        }

        @Override
        public byte[] weights() {
            return w.clone();
        }

        @Override
        public void multiply(byte[] xq, int rows, int zeroPoint, int[] acc) {
            Int8Kernels.checkArguments(this, xq, rows, zeroPoint, acc);
            for (int r = 0; r < rows; r++) {
                int xBase = r * inputs;
                int accBase = r * outputs;
                for (int j = 0; j < outputs; j++) {
                    int wBase = j * inputs;
                    int sum = 0;
                    for (int k = 0; k < inputs; k++) {
                        sum += ((xq[xBase + k] & 0xFF) - zeroPoint) * w[wBase + k];
                    }
                    acc[accBase + j] = sum;
                }
            }
        }
    }
}
