package org.qlstm.quant;

import java.util.Arrays;
import org.qlstm.nn.model.Embedding;
import org.qlstm.nn.model.TokenEmbedding;

/**
 * PyTorch's {@code torch.ao.nn.quantized.Embedding} with {@code float_qparams_weight_only_qconfig}: a
 * {@code quint8} table quantized per row ({@code per_channel_affine_float_qparams}, axis 0) with a float32 scale
 * and a float32 zero point per row. Measured against PyTorch 1.13 bit for bit ({@code reference/golden_perchannel.py}):
 * <pre>
 *   scale = f32(f32(max − min) / 255),  1.0 if not greater than 2^−23      min, max over the row (0 not included)
 *   zp    = f32(−min / scale)                                              a float, not rounded
 *   q     = clamp(rint(f32(f32(w · f32(1 / scale)) + zp)), 0, 255)
 *   row   = fma(q, scale, f32(−(zp · scale)))                              quantized::embedding_byte
 * </pre>
 * The lookup is one fused multiply-add per value ({@code scale·q + bias} with the per-row bias its prepack
 * computes), which differs in the last bit from {@code Tensor.dequantize()}'s {@code f32((q − zp)·scale)} for
 * about one value in five; the model's forward uses the former.
 *
 * <p>Immutable and thread-safe; a lookup allocates nothing.
 */
public final class QuantizedEmbedding implements TokenEmbedding {

    private final byte[] values;
    private final float[] scales;
    private final float[] zeroPoints;
    private final float[] biases;
    private final int tokens;
    private final int dim;

    /**
     * @param values     {@code tokens × dim} {@code quint8} values, row-major (read as {@code v & 0xFF}; copied)
     * @param scales     one positive finite scale per row (copied)
     * @param zeroPoints one finite float zero point per row (copied)
     * @param tokens     vocabulary size
     * @param dim        embedding width
     * @throws IllegalArgumentException if a length does not match or a parameter is not finite or not positive
     */
    public QuantizedEmbedding(byte[] values, float[] scales, float[] zeroPoints, int tokens, int dim) {
        if (tokens <= 0 || dim <= 0 || (long) tokens * dim != values.length) {
            throw new IllegalArgumentException("an int8 embedding of " + tokens + "x" + dim + " cannot hold "
                    + values.length + " values");
        }
        if (scales.length != tokens || zeroPoints.length != tokens) {
            throw new IllegalArgumentException("an int8 embedding of " + tokens + " rows needs " + tokens
                    + " scales and zero points, got " + scales.length + " and " + zeroPoints.length);
        }
        this.values = values.clone();
        this.scales = scales.clone();
        this.zeroPoints = zeroPoints.clone();
        this.biases = new float[tokens];
        for (int i = 0; i < tokens; i++) {
            if (!(this.scales[i] > 0) || Float.isInfinite(this.scales[i]) || !Float.isFinite(this.zeroPoints[i])) {
                throw new IllegalArgumentException("row " + i + " of the int8 embedding has scale " + this.scales[i]
                        + " and zero point " + this.zeroPoints[i] + "; need a positive finite scale and a finite"
                        + " zero point");
            }
            biases[i] = -(this.zeroPoints[i] * this.scales[i]);
        }
        this.tokens = tokens;
        this.dim = dim;
    }

    /** Quantizes a float embedding as {@code quantize_dynamic} with {@code float_qparams_weight_only_qconfig} does. */
    public static QuantizedEmbedding quantize(Embedding embedding) {
        int tokens = embedding.tokens();
        int dim = embedding.dim();
        float[] table = embedding.table();
        byte[] q = new byte[table.length];
        float[] scales = new float[tokens];
        float[] zeroPoints = new float[tokens];
        for (int r = 0; r < tokens; r++) {
            int base = r * dim;
            float min = table[base];
            float max = table[base];
            for (int c = 0; c < dim; c++) {
                float w = table[base + c];
                if (!Float.isFinite(w)) {
                    throw new IllegalArgumentException("cannot quantize an embedding value that is not finite: "
                            + w + " (row " + r + ")");
                }
                min = Math.min(min, w);
                max = Math.max(max, w);
            }
            float scale = (max - min) / 255f;
            if (!(scale > Quantization.WEIGHT_EPS)) {
                scale = 1.0f;
            }
            float zeroPoint = -min / scale;
            float inverse = 1.0f / scale;
            for (int c = 0; c < dim; c++) {
                q[base + c] = (byte) Quantization.clampRounded(table[base + c] * inverse + zeroPoint, 0, 0,
                        Quantization.UINT8_MAX);
            }
            scales[r] = scale;
            zeroPoints[r] = zeroPoint;
        }
        return new QuantizedEmbedding(q, scales, zeroPoints, tokens, dim);
    }

    @Override
    public int tokens() {
        return tokens;
    }

    @Override
    public int dim() {
        return dim;
    }

    /** Writes {@code fma(q, scale, −(zp·scale))} of each requested row. */
    @Override
    public void lookup(int[] ids, int count, float[] out) {
        for (int i = 0; i < count; i++) {
            int id = ids[i];
            if (id < 0 || id >= tokens) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + tokens);
            }
            float scale = scales[id];
            float bias = biases[id];
            int from = id * dim;
            int to = i * dim;
            for (int c = 0; c < dim; c++) {
                out[to + c] = Math.fma((float) (values[from + c] & 0xFF), scale, bias);
            }
        }
    }

    /** A copy of the {@code quint8} values, row-major (read as {@code v & 0xFF}). */
    public byte[] values() {
        return values.clone();
    }

    /** A copy of the per-row scales. */
    public float[] scales() {
        return scales.clone();
    }

    /** A copy of the per-row float zero points. */
    public float[] zeroPoints() {
        return zeroPoints.clone();
    }

    /** One byte per value and a float32 scale and zero point per row. */
    @Override
    public long parameterBytes() {
        return values.length + 8L * tokens;
    }

    /** As PyTorch prints the module. */
    @Override
    public String describe() {
        return "QuantizedEmbedding(num_embeddings=" + tokens + ", embedding_dim=" + dim
                + ", dtype=torch.quint8, qscheme=torch.per_channel_affine_float_qparams)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantizedEmbedding e && e.tokens == tokens && e.dim == dim
                && Arrays.equals(e.values, values) && Arrays.equals(e.scales, scales)
                && Arrays.equals(e.zeroPoints, zeroPoints);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(values) + Arrays.hashCode(scales)) + Arrays.hashCode(zeroPoints);
    }
}
