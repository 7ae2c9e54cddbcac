package org.qlstm.quant;

/**
 * Per-tensor affine quantization parameters of an activation tensor: {@code real ≈ (q − zeroPoint) · scale}.
 *
 * <p>The scale is kept in double because that is how PyTorch's {@code ChooseQuantizationParams} returns it, and the
 * onednn engine derives its inverse scale from the double ({@code f32(1.0 / scale)}); qnnpack and fbgemm use
 * {@link #scaleF32()}, the scale rounded to float32.
 *
 * @param scale     the scale as computed in double (positive and finite)
 * @param zeroPoint the zero point, within the quantized range it was chosen for
 */
public record QParams(double scale, int zeroPoint) {

    /** Checks that the scale is positive and finite. */
    public QParams {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("a quantization scale must be positive and finite, got " + scale);
        }
    }

    /** The scale rounded to float32, as the kernels see it. */
    public float scaleF32() {
        return (float) scale;
    }
}
