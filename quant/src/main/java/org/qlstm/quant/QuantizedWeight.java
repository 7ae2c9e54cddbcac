package org.qlstm.quant;

import java.util.Arrays;

/**
 * A symmetric int8 weight matrix with zero point 0 (PyTorch's {@code qint8}), {@code W[r][c] ≈ values[r][c] ·
 * scale(r)}: either one scale for the whole tensor ({@code per_tensor_affine}, what {@code quantize_dynamic}'s
 * default qconfig produces) or one per output row ({@code per_channel_affine} on axis 0, what
 * {@code per_channel_dynamic_qconfig} produces).
 *
 * <p>Immutable: the arrays are copied in and out.
 *
 * @param values {@code rows × cols} int8 values, row-major (output-major, as PyTorch's {@code [out, in]})
 * @param scales one scale (per tensor) or {@code rows} scales (per output row), each positive and finite; a
 *               one-row weight has one scale either way (the two schemes are the same arithmetic there)
 * @param rows   number of rows (outputs)
 * @param cols   number of columns (inputs)
 */
public record QuantizedWeight(byte[] values, float[] scales, int rows, int cols) {

    /** Checks the shape and the scales and copies the arrays. */
    public QuantizedWeight {
        if (rows <= 0 || cols <= 0 || (long) rows * cols != values.length) {
            throw new IllegalArgumentException("an int8 weight of " + rows + "x" + cols + " cannot hold "
                    + values.length + " values");
        }
        if (scales.length != 1 && scales.length != rows) {
            throw new IllegalArgumentException("an int8 weight of " + rows + " rows needs 1 or " + rows
                    + " scales, got " + scales.length);
        }
        for (float scale : scales) {
            if (!(scale > 0) || Float.isInfinite(scale)) {
                throw new IllegalArgumentException("weight scale must be positive and finite, got " + scale);
            }
        }
        values = values.clone();
        scales = scales.clone();
    }

    /** A per-tensor weight with the single {@code scale}. */
    public QuantizedWeight(byte[] values, float scale, int rows, int cols) {
        this(values, new float[] {scale}, rows, cols);
    }

    /** A copy of the values. */
    @Override
    public byte[] values() {
        return values.clone();
    }

    /** A copy of the scales: one (per tensor) or one per row. */
    @Override
    public float[] scales() {
        return scales.clone();
    }

    /** Whether there is one scale per output row ({@code per_channel_affine}, axis 0). */
    public boolean perChannel() {
        return scales.length != 1;
    }

    /**
     * The per-tensor scale.
     *
     * @throws IllegalStateException if the weight has one scale per row
     */
    public float scale() {
        if (scales.length != 1) {
            throw new IllegalStateException("this int8 weight has one scale per row; use scale(row)");
        }
        return scales[0];
    }

    /** The scale of output row {@code row} (the per-tensor scale for every row of a per-tensor weight). */
    public float scale(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " is outside " + rows);
        }
        return scales.length == 1 ? scales[0] : scales[row];
    }

    /** The scale of every output row, {@code rows} values (the per-tensor scale repeated if per tensor). */
    public float[] rowScales() {
        float[] out = new float[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = scale(r);
        }
        return out;
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

    /** The dequantized weight {@code f32(q · scale(row))}, row-major. */
    public float[] dequantize() {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Quantization.dequantize(values[i], scale(i / cols), 0);
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
                && Arrays.equals(w.scales, scales) && Arrays.equals(w.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.hashCode(values) + Arrays.hashCode(scales)) + rows) + cols;
    }

    @Override
    public String toString() {
        return "QuantizedWeight[" + rows + "x" + cols + (perChannel() ? ", " + scales.length + " row scales"
                : ", scale=" + scales[0]) + "]";
    }
}
