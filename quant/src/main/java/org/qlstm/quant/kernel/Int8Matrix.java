package org.qlstm.quant.kernel;

/**
 * An int8 weight matrix {@code wq[outputs][inputs]} prepared once for one {@link Int8Kernel}, applied to blocks of
 * {@code quint8} activation rows. Immutable and thread-safe.
 *
 * <p><b>No overflow.</b> {@code xq ∈ [0, 255]} and {@code zp ∈ [0, 255]}, so {@code |xq − zp| ≤ 255}; {@code wq ∈
 * [−128, 127]}, so every product has {@code |(xq − zp)·wq| ≤ 255·128 = 32,640}. A sum of {@code K} of them is
 * bounded by {@code 32,640·K}, which is at most {@code 2^31 − 1 = 2,147,483,647} for {@code K ≤ 65,793}
 * ({@link #MAX_INPUTS}). Every partial sum obeys the same bound, so int32 accumulation is exact in any order. The
 * tutorial's model has {@code K ≤ 512} (embedding 512, hidden 256): {@code |acc| ≤ 16,711,680 < 2^24}.
 */
public interface Int8Matrix {

    /** The widest weight whose int32 accumulators cannot overflow: {@code ⌊(2^31 − 1) / (255·128)⌋}. */
    int MAX_INPUTS = Integer.MAX_VALUE / (255 * 128);

    /** Number of input features {@code K} (columns of {@code wq}). */
    int inputs();

    /** Number of outputs {@code N} (rows of {@code wq}). */
    int outputs();

    /**
     * A fresh copy of the int8 weights {@code wq}, {@code N × K} row-major, exactly as given to
     * {@link Int8Kernel#prepare}: the prepared matrix is the only copy a quantized layer keeps, so writing a model
     * file or a report unpacks it from here.
     */
    byte[] weights();

    /**
     * {@code acc[r·N + j] = Σₖ ((xq[r·K + k] & 0xFF) − zeroPoint) · wq[j][k]} for {@code r < rows}, exact.
     *
     * @param xq        {@code rows × K} {@code quint8} activations stored in bytes (unsigned), row-major
     * @param rows      number of rows, at least 1
     * @param zeroPoint the activations' zero point, 0..255
     * @param acc       receives {@code rows × N} accumulators, row-major
     */
    void multiply(byte[] xq, int rows, int zeroPoint, int[] acc);
}
