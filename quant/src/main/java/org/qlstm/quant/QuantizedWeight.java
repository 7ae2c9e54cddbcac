package org.qlstm.quant;

import java.util.Arrays;

/**
 * A per-tensor symmetric int8 weight matrix, {@code W ≈ values · scale} with zero point 0 (PyTorch's
 * {@code qint8}, {@code per_tensor_affine} with zero point 0, as its dynamic quantization produces it).
 *
 * <p>Immutable: the array is copied in and out.
 *
 * @param values {@code rows × cols} int8 values, row-major (output-major, as PyTorch's {@code [out, in]})
 * @param scale  the per-tensor scale, positive and finite
 * @param rows   number of rows (outputs)
 * @param cols   number of columns (inputs)
 */
public record QuantizedWeight(byte[] values, float scale, int rows, int cols) {

    /** Checks the shape and the scale and copies the values. */
    public QuantizedWeight {
        if (rows <= 0 || cols <= 0 || (long) rows * cols != values.length) {
            throw new IllegalArgumentException("an int8 weight of " + rows + "x" + cols + " cannot hold "
                    + values.length + " values");
        }
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("weight scale must be positive and finite, got " + scale);
        }
        values = values.clone();
    }

    /** A copy of the values. */
    @Override
    public byte[] values() {
        return values.clone();
    }

    /** The value at {@code (row, col)}. */
    public int value(int row, int col) {
        if (row < 0 || row >= rows || col < 0 || col >= cols) {
            throw new IndexOutOfBoundsException("(" + row + ", " + col + ") is outside " + rows + "x" + cols);
        }
        return values[row * cols + col];
    }

    /** The zero point, always 0 for these symmetric weights. */
    public int zeroPoint() {
        return 0;
    }

    /** The dequantized weight {@code f32(q · scale)}, row-major. */
    public float[] dequantize() {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Quantization.dequantize(values[i], scale, 0);
        }
        return out;
    }

    /** Bytes of the int8 values. */
    public long valueBytes() {
        return values.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantizedWeight w && w.rows == rows && w.cols == cols
                && Float.floatToRawIntBits(w.scale) == Float.floatToRawIntBits(scale)
                && Arrays.equals(w.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.hashCode(values) + Float.floatToRawIntBits(scale)) + rows) + cols;
    }

    @Override
    public String toString() {
        return "QuantizedWeight[" + rows + "x" + cols + ", scale=" + scale + "]";
    }
}
