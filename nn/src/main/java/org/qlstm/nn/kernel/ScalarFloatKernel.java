package org.qlstm.nn.kernel;

/**
 * The plain reference kernel: one dot product per output, summed in index order in float32, then the bias added.
 * Every fast kernel is tested against it.
 */
public final class ScalarFloatKernel implements FloatKernel {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public FloatMatrix prepare(float[] weight, int outputs, int inputs) {
        Shapes.requireMatrix(weight, outputs, inputs);
        return new Matrix(weight.clone(), outputs, inputs);
    }

    private record Matrix(float[] w, int outputs, int inputs) implements FloatMatrix {
        @Override
        public void multiply(float[] x, int rows, float[] bias, float[] y) {
            for (int r = 0; r < rows; r++) {
                int xBase = r * inputs;
                int yBase = r * outputs;
                for (int j = 0; j < outputs; j++) {
                    int wBase = j * inputs;
                    float sum = 0f;
                    for (int k = 0; k < inputs; k++) {
                        sum += x[xBase + k] * w[wBase + k];
                    }
                    y[yBase + j] = sum + bias[j];
                }
            }
        }
    }
}
