package org.qlstm.quant;

/**
 * PyTorch's per-tensor affine quantization arithmetic, reproduced operation by operation ({@code f32(…)} below means
 * "rounded to float32 here"; {@code rint} is round half to even, {@link Math#rint}).
 *
 * <h2>Weights (the default dynamic qconfig's weight observer)</h2>
 * MinMax observer, {@code qint8}, per-tensor symmetric:
 * <pre>
 *   amax  = max(−min(wmin, 0), max(wmax, 0))            over the whole tensor
 *   scale = max(f32(amax / 127.5f), 2^−23)              zero point 0
 *   q     = clamp(rint(f32(w · f32(1 / scale))), −128, 127)
 * </pre>
 * The quotient is a float32 division and the values are multiplied by the float32 reciprocal, never divided:
 * {@code f32(amax · inv)} is exactly 127.5 in about half of all tensors, so −128 is reached and ties matter.
 *
 * <h2>Activations ({@code ChooseQuantizationParams}, once per {@code linear_dynamic} call)</h2>
 * See {@link #chooseQParams(float, float, int, int, boolean)}.
 */
public final class Quantization {

    /** The observer's {@code eps}: {@code torch.finfo(torch.float32).eps = 2^−23}, the smallest weight scale. */
    public static final float WEIGHT_EPS = 0x1p-23f;

    /** {@code ChooseQuantizationParams}' small-scale cutoff, {@code 6.1e-5f}. */
    public static final float SMALL_SCALE_THRESHOLD = 6.1e-5f;

    /** Range of {@code qint8}. */
    public static final int INT8_MIN = -128;
    /** Range of {@code qint8}. */
    public static final int INT8_MAX = 127;
    /** Upper end of {@code quint8} (lower end 0). */
    public static final int UINT8_MAX = 255;

    private Quantization() {
    }

    /**
     * The symmetric per-tensor weight scale of the MinMax observer: {@code max(f32(amax / 127.5f), 2^−23)}.
     *
     * @throws IllegalArgumentException if a weight is NaN or infinite (PyTorch's result would be meaningless)
     */
    public static float weightScale(float[] weight) {
        float min = 0f;
        float max = 0f;
        for (float w : weight) {
            if (!Float.isFinite(w)) {
                throw new IllegalArgumentException("cannot quantize a weight that is not finite: " + w);
            }
            if (w < min) {
                min = w;
            }
            if (w > max) {
                max = w;
            }
        }
        float amax = Math.max(-min, max);
        float scale = amax / 127.5f;
        return Math.max(scale, WEIGHT_EPS);
    }

    /** {@code clamp(rint(f32(w · inverse)), −128, 127)}, with {@code inverse = f32(1 / scale)}. */
    public static int quantizeWeightValue(float w, float inverse) {
        double q = Math.rint(w * inverse);
        return (int) Math.max(INT8_MIN, Math.min(INT8_MAX, q));
    }

    /**
     * Quantizes a row-major {@code rows × cols} weight as {@code quantize_dynamic} does (per-tensor symmetric int8).
     *
     * @throws IllegalArgumentException if the shape does not match or a weight is not finite
     */
    public static QuantizedWeight quantizeWeight(float[] weight, int rows, int cols) {
        if (rows <= 0 || cols <= 0 || (long) rows * cols != weight.length) {
            throw new IllegalArgumentException("a weight of " + rows + "x" + cols + " cannot hold "
                    + weight.length + " values");
        }
        float scale = weightScale(weight);
        float inverse = 1.0f / scale;
        byte[] q = new byte[weight.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = (byte) quantizeWeightValue(weight[i], inverse);
        }
        return new QuantizedWeight(q, scale, rows, cols);
    }

    /**
     * Quantizes a row-major {@code rows × cols} weight per output row, as {@code quantize_dynamic} with
     * {@code per_channel_dynamic_qconfig} does ({@code PerChannelMinMaxObserver}, {@code qint8},
     * {@code per_channel_symmetric}, axis 0): the per-tensor rule above applied to every row on its own
     * ({@code amax} over the row, {@code scale = max(f32(amax / 127.5f), 2^−23)}, values multiplied by the row's
     * float32 reciprocal). Verified bit for bit against PyTorch 1.13 ({@code golden/small/perchannel_*.json}).
     *
     * @throws IllegalArgumentException if the shape does not match or a weight is not finite
     */
    public static QuantizedWeight quantizeWeightPerChannel(float[] weight, int rows, int cols) {
        if (rows <= 0 || cols <= 0 || (long) rows * cols != weight.length) {
            throw new IllegalArgumentException("a weight of " + rows + "x" + cols + " cannot hold "
                    + weight.length + " values");
        }
        float[] scales = new float[rows];
        byte[] q = new byte[weight.length];
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(weight, r * cols, row, 0, cols);
            float scale = weightScale(row);
            float inverse = 1.0f / scale;
            scales[r] = scale;
            for (int c = 0; c < cols; c++) {
                q[r * cols + c] = (byte) quantizeWeightValue(row[c], inverse);
            }
        }
        return new QuantizedWeight(q, scales, rows, cols);
    }

    /**
     * PyTorch's {@code quant_utils::ChooseQuantizationParams} (no sparsity preservation, no power-of-two scale):
     * <ol>
     *   <li>if {@code reduceRange}: {@code qmin /= 2}, {@code qmax /= 2} (integer division: 0..255 → 0..127);</li>
     *   <li>{@code min = min(min, 0)}, {@code max = max(max, 0)} (the range always holds 0);</li>
     *   <li>{@code scale = ((double) max − (double) min) / (qmax − qmin)} in double; if {@code f32(scale) == 0}
     *       or {@code 1f / f32(scale)} is infinite, {@code scale = 0.1};</li>
     *   <li>if {@code scale < 6.1e-5f}: {@code scale = 6.1e-5f}, and the range is widened in float32: if
     *       {@code min == 0}, {@code max = 6.1e-5f·(qmax − qmin)}; else if {@code max == 0},
     *       {@code min = −6.1e-5f·(qmax − qmin)}; else both are multiplied by {@code f32(6.1e-5f / f32(old))};</li>
     *   <li>zero point in double: {@code zpMin = qmin − min/scale}, {@code zpMax = qmax − max/scale},
     *       {@code errMin = |qmin| − |min/scale|}, {@code errMax = |qmax| − |max/scale|}; take {@code zpMin} if
     *       {@code errMin < errMax}, else {@code zpMax}; clamp to {@code [qmin, qmax]}, else {@code rint}.</li>
     * </ol>
     *
     * @param min         the smallest value of the tensor
     * @param max         the largest value of the tensor
     * @param qmin        lower end of the quantized range (0 for {@code quint8})
     * @param qmax        upper end of the quantized range (255 for {@code quint8})
     * @param reduceRange halve the range (PyTorch's {@code reduce_range})
     * @return the scale (double, as PyTorch keeps it) and the zero point
     * @throws IllegalArgumentException if {@code min} or {@code max} is not finite, {@code min > max}, or the range
     *                                  is empty
     */
    public static QParams chooseQParams(float min, float max, int qmin, int qmax, boolean reduceRange) {
        ActivationParams out = new ActivationParams();
        chooseQParams(min, max, qmin, qmax, reduceRange, out);
        return new QParams(out.scale, out.zeroPoint);
    }

    /** {@link #chooseQParams(float, float, int, int, boolean)} into a reusable holder (no allocation). */
    static void chooseQParams(float min, float max, int qmin, int qmax, boolean reduceRange, ActivationParams out) {
        if (!Float.isFinite(min) || !Float.isFinite(max)) {
            throw new IllegalArgumentException("cannot choose quantization parameters for the range [" + min + ", "
                    + max + "]: it is not finite");
        }
        if (min > max) {
            throw new IllegalArgumentException("min " + min + " is greater than max " + max);
        }
        if (reduceRange) {
            qmin = qmin / 2;
            qmax = qmax / 2;
        }
        if (qmin >= qmax) {
            throw new IllegalArgumentException("empty quantized range " + qmin + ".." + qmax);
        }
        // std::min(min, 0.f) and std::max(max, 0.f), including their treatment of −0.
        min = 0f < min ? 0f : min;
        max = max < 0f ? 0f : max;

        double scale = ((double) max - (double) min) / (qmax - qmin);
        if ((float) scale == 0.0f || Float.isInfinite(1.0f / (float) scale)) {
            scale = 0.1;
        }
        if (scale < SMALL_SCALE_THRESHOLD) {
            float originalScale = (float) scale;
            scale = SMALL_SCALE_THRESHOLD;
            if (min == 0.0f) {
                max = SMALL_SCALE_THRESHOLD * (qmax - qmin);
            } else if (max == 0.0f) {
                min = -SMALL_SCALE_THRESHOLD * (qmax - qmin);
            } else {
                float amplifier = SMALL_SCALE_THRESHOLD / originalScale;
                min *= amplifier;
                max *= amplifier;
            }
        }
        double zeroPointFromMin = qmin - min / scale;
        double zeroPointFromMax = qmax - max / scale;
        double zeroPointFromMinError = Math.abs(qmin) - Math.abs(min / scale);
        double zeroPointFromMaxError = Math.abs(qmax) - Math.abs(max / scale);
        double initial = zeroPointFromMinError < zeroPointFromMaxError ? zeroPointFromMin : zeroPointFromMax;
        int zeroPoint;
        if (initial < qmin) {
            zeroPoint = qmin;
        } else if (initial > qmax) {
            zeroPoint = qmax;
        } else {
            zeroPoint = (int) Math.rint(initial);
        }
        out.scale = scale;
        out.zeroPoint = zeroPoint;
    }

    /** Mutable activation parameters, reused per thread on the hot path. */
    static final class ActivationParams {
        double scale;
        int zeroPoint;
    }

    /**
     * {@code torch.quantize_per_tensor} of one value: {@code clamp(zp + rint(f32(x · f32(1 / scale))), qmin, qmax)}
     * with the float32 scale (the zero point added after rounding). This is also qnnpack's activation quantization.
     */
    public static int quantize(float x, float scale, int zeroPoint, int qmin, int qmax) {
        float inverse = 1.0f / scale;
        return clampRounded(x * inverse, zeroPoint, qmin, qmax);
    }

    /** {@code clamp(zp + rint(v), qmin, qmax)}, safe for any float {@code v} (NaN gives {@code qmin}). */
    static int clampRounded(float v, int zeroPoint, int qmin, int qmax) {
        double q = Math.rint(v) + zeroPoint;
        if (!(q >= qmin)) {
            return qmin;
        }
        return q > qmax ? qmax : (int) q;
    }

    /** {@code f32((q − zp) · scale)}, PyTorch's dequantization. */
    public static float dequantize(int q, float scale, int zeroPoint) {
        return (q - zeroPoint) * scale;
    }
}
