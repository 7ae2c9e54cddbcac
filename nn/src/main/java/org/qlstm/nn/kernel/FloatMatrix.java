package org.qlstm.nn.kernel;

/**
 * A float weight matrix {@code W[outputs][inputs]} prepared once (packed, padded) for one kernel, applied to blocks of
 * rows as {@code y = x·Wᵀ + b}. Implementations are immutable and thread-safe.
 */
public interface FloatMatrix {

    /** Number of input features (columns of {@code W}). */
    int inputs();

    /** Number of outputs (rows of {@code W}). */
    int outputs();

    /**
     * {@code y[r][j] = bias[j] + Σₖ x[r][k]·W[j][k]} for {@code r < rows}; the summation order is the kernel's own,
     * so results agree with other kernels within a float32 dot-product error bound, not bit for bit.
     */
    void multiply(float[] x, int rows, float[] bias, float[] y);
}
