package org.qlstm.nn.model;

import java.util.Objects;
import org.qlstm.nn.kernel.FloatKernel;
import org.qlstm.nn.kernel.FloatMatrix;

/**
 * The float affine map {@code y = x·Wᵀ + b} of PyTorch's {@code nn.Linear}: {@code W} is {@code [out][in]}
 * row-major, {@code b} has {@code out} values. The original weight is kept (for conversion to int8) beside the
 * kernel's prepared copy.
 */
public final class Linear implements Projection {

    private final float[] weight;
    private final float[] bias;
    private final FloatMatrix matrix;

    /**
     * @param weight  {@code outputs × inputs} values, row-major (copied)
     * @param bias    {@code outputs} values (copied)
     * @param outputs number of outputs
     * @param inputs  number of inputs
     * @param kernel  the kernel that computes products
     */
    public Linear(float[] weight, float[] bias, int outputs, int inputs, FloatKernel kernel) {
        Objects.requireNonNull(kernel, "kernel");
        if (bias.length != outputs) {
            throw new IllegalArgumentException("bias has " + bias.length + " values, expected " + outputs);
        }
        this.matrix = kernel.prepare(weight, outputs, inputs);
        this.weight = weight.clone();
        this.bias = bias.clone();
    }

    @Override
    public int inputSize() {
        return matrix.inputs();
    }

    @Override
    public int outputSize() {
        return matrix.outputs();
    }

    @Override
    public void project(float[] x, int rows, float[] y) {
        matrix.multiply(x, rows, bias, y);
    }

    /** A copy of the weight, {@code [out][in]} row-major. */
    public float[] weight() {
        return weight.clone();
    }

    /** A copy of the bias. */
    public float[] bias() {
        return bias.clone();
    }

    @Override
    public String describe() {
        return "Linear(in_features=" + inputSize() + ", out_features=" + outputSize() + ", bias=True)";
    }

    @Override
    public long parameterBytes() {
        return 4L * (weight.length + bias.length);
    }
}
