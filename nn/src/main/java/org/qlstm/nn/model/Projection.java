package org.qlstm.nn.model;

/**
 * The seam between the model and its arithmetic: an affine map {@code y = x·Wᵀ + b} applied to a block of rows.
 *
 * <p>The float {@link Linear} and the int8 dynamic quantized linear of the {@code quant} module both implement it;
 * an {@link LstmLayer} owns two of them and the gate arithmetic once, so quantizing a model is swapping
 * projections, exactly as PyTorch's quantized LSTM calls {@code linear_dynamic} for both of its projections.
 *
 * <p>Implementations are immutable and safe to share between threads. A call must treat all {@code rows} as one
 * operation: dynamic quantization chooses one activation scale over the whole block, so splitting a block into
 * several calls would change the result.
 */
public interface Projection {

    /** Number of input features {@code K} (the row length of {@code x}). */
    int inputSize();

    /** Number of output features {@code N} (the row length of {@code y}). */
    int outputSize();

    /**
     * Computes {@code y[r][j] = b[j] + Σₖ x[r][k]·W[j][k]} for {@code r < rows}, both matrices row-major and
     * contiguous from index 0.
     *
     * @param x    input, at least {@code rows × inputSize()} values
     * @param rows number of rows, at least 1
     * @param y    output, at least {@code rows × outputSize()} values; overwritten
     */
    void project(float[] x, int rows, float[] y);

    /** A one-line description in the style of PyTorch's module {@code repr}, e.g. {@code Linear(in_features=…)}. */
    String describe();

    /** Bytes this projection's parameters take in memory (weights, scales and biases). */
    long parameterBytes();
}
