package org.qlstm.quant;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The arithmetic of one PyTorch quantized engine for dynamic int8 linear layers ({@code quantized::linear_dynamic}):
 * how the activation range is chosen, how activations are quantized, and how int32 accumulators become float
 * outputs. The int8 weights and the accumulation {@code acc = Σₖ (xq − zp)·wq} (exact in int32) are the same for
 * every engine; the bias is never quantized.
 *
 * <p>Three engines, each a small immutable type with its formulas in its Javadoc:
 * <ul>
 *   <li>{@link Qnnpack} — the default; activations use the full 0..255 ({@code reduce_range} is ignored);
 *       reproduced bit for bit (verified against PyTorch 1.13 on millions of outputs);</li>
 *   <li>{@link Onednn} — honours {@code reduce_range} (0..127 from PyTorch's modules); reproduced bit for bit,
 *       without a stale zero-point defect of the real library;</li>
 *   <li>{@link Fbgemm} — PyTorch's x86 default and the tutorial's engine; written from PyTorch's and FBGEMM's
 *       source, <b>not verified</b> against a real fbgemm build (none is available here).</li>
 * </ul>
 * Parse a name with {@link #parse(String)}; all are stateless and thread-safe.
 */
public sealed interface Engine permits Engine.Qnnpack, Engine.Fbgemm, Engine.Onednn {

    /** QNNPACK (see {@link Qnnpack}). */
    Engine QNNPACK = new Qnnpack();
    /** FBGEMM (see {@link Fbgemm}). */
    Engine FBGEMM = new Fbgemm();
    /** oneDNN (see {@link Onednn}). */
    Engine ONEDNN = new Onednn();

    /** The engine used when none is named: {@link #QNNPACK}, the one reproduced bit for bit. */
    static Engine defaultEngine() {
        return QNNPACK;
    }

    /** All engines, in a fixed order. */
    static List<Engine> all() {
        return List.of(QNNPACK, FBGEMM, ONEDNN);
    }

    /**
     * The engine of the given name ({@code qnnpack}, {@code fbgemm}, {@code onednn}), ignoring case and surrounding
     * blanks.
     *
     * @throws IllegalArgumentException naming the valid engines, for any other name
     */
    static Engine parse(String name) {
        String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (Engine engine : all()) {
            if (engine.name().equals(key)) {
                return engine;
            }
        }
        throw new IllegalArgumentException("unknown quantization engine '" + name + "'; valid engines: "
                + all().stream().map(Engine::name).collect(Collectors.joining(", ")));
    }

    /** PyTorch's name of the engine ({@code torch.backends.quantized.engine}), lower case. */
    String name();

    /** Whether the engine halves the activation range when PyTorch passes {@code reduce_range=True}. */
    boolean honoursReduceRange();

    /**
     * The activation parameters of one call: {@link Quantization#chooseQParams} over {@code [min, max]} with
     * {@code quint8}'s 0..255, halved when {@code reduceRange} is asked for and this engine honours it.
     *
     * @param min         the smallest input value of the call (over all its rows)
     * @param max         the largest input value of the call
     * @param reduceRange the {@code reduce_range} argument of {@code linear_dynamic} (PyTorch's dynamic modules
     *                    pass {@code true})
     */
    default QParams chooseActivationParams(float min, float max, boolean reduceRange) {
        return Quantization.chooseQParams(min, max, 0, Quantization.UINT8_MAX, reduceRange && honoursReduceRange());
    }

    /**
     * Quantizes {@code x[0..count)} to {@code quint8} values stored in {@code xq} (read them as {@code xq[i] & 0xFF}).
     */
    default void quantizeActivations(float[] x, int count, QParams activation, byte[] xq) {
        quantizeActivations(x, count, activation.scale(), activation.zeroPoint(), xq);
    }

    /**
     * {@link #quantizeActivations(float[], int, QParams, byte[])} with the parameters unpacked (the allocation-free
     * form the layers use).
     *
     * @param scale     the activation scale as chosen, in double
     * @param zeroPoint the activation zero point
     */
    void quantizeActivations(float[] x, int count, double scale, int zeroPoint, byte[] xq);

    /**
     * Turns int32 accumulators into float outputs: {@code y[r][j]} from {@code acc[r][j]}, the activation and weight
     * scales and the float bias {@code bias[j]}; both matrices are {@code rows × outputs}, row-major.
     */
    default void requantize(int[] acc, int rows, int outputs, QParams activation, float weightScale, float[] bias,
                            float[] y) {
        requantize(acc, rows, outputs, activation.scale(), new float[] {weightScale}, bias, y);
    }

    /**
     * {@link #requantize(int[], int, int, double, float[], float[], float[])} with one per-tensor weight scale (a
     * convenience that allocates the one-element array; the layers call the array form).
     */
    default void requantize(int[] acc, int rows, int outputs, double activationScale, float weightScale,
                            float[] bias, float[] y) {
        requantize(acc, rows, outputs, activationScale, new float[] {weightScale}, bias, y);
    }

    /**
     * Turns int32 accumulators into float outputs with per-tensor or per-output weight scales. A per-channel weight
     * changes only this step (the accumulators do not depend on the scales): each engine's per-tensor formula is
     * applied with the scale of output {@code j}, which is what PyTorch 1.13 does on qnnpack and onednn (verified
     * bit for bit, {@code golden/small/perchannel_linear_*.json}).
     *
     * @param activationScale the activation scale as chosen, in double
     * @param weightScales    one scale for every output, or {@code outputs} scales (output {@code j} uses
     *                        {@code weightScales[j]})
     */
    void requantize(int[] acc, int rows, int outputs, double activationScale, float[] weightScales, float[] bias,
                    float[] y);

    /**
     * {@code y = f32(f32((float) acc · m_j) + b_j)} with {@code m_j = f32(sw_j · sa)}: the loop qnnpack and fbgemm
     * share (qnnpack writes {@code sw·sa}, fbgemm {@code sa·sw}; a float product is commutative, so one loop).
     */
    private static void scaleThenAddBias(int[] acc, int rows, int outputs, float activationScale, float[] weightScales,
                                 float[] bias, float[] y) {
        if (weightScales.length == 1) {
            Requantize.scaleThenAdd(acc, rows, outputs, weightScales[0] * activationScale, bias, y);
            return;
        }
        checkScales(weightScales, outputs);
        Requantize.scaleThenAdd(acc, rows, outputs, weightScales, activationScale, bias, y);
    }

    private static void checkScales(float[] weightScales, int outputs) {
        if (weightScales.length != outputs) {
            throw new IllegalArgumentException("need 1 or " + outputs + " weight scales, got "
                    + weightScales.length);
        }
    }

    /**
     * QNNPACK, as PyTorch 1.13 runs it (verified bit for bit, 0 ulp on 4.8 million outputs):
     * <pre>
     *   activation range  0..255 always (reduce_range is ignored)
     *   s   = f32(scale),  inv = f32(1 / s)
     *   xq  = clamp(zp + rint(f32(x · inv)), 0, 255)          zero point added after rounding
     *   m   = f32(wScale · s)                             wScale of the output's row if per channel
     *   y   = f32(f32((float) acc · m) + b)
     * </pre>
     */
    record Qnnpack() implements Engine {
        @Override
        public String name() {
            return "qnnpack";
        }

        @Override
        public boolean honoursReduceRange() {
            return false;
        }

        @Override
        public void quantizeActivations(float[] x, int count, double scale, int zeroPoint, byte[] xq) {
            float inverse = 1.0f / (float) scale;
            for (int i = 0; i < count; i++) {
                xq[i] = (byte) Quantization.clampRounded(x[i] * inverse, zeroPoint, 0, Quantization.UINT8_MAX);
            }
        }

        @Override
        public void requantize(int[] acc, int rows, int outputs, double activationScale, float[] weightScales,
                               float[] bias, float[] y) {
            Engine.scaleThenAddBias(acc, rows, outputs, (float) activationScale, weightScales, bias, y);
        }

        @Override
        public String toString() {
            return name();
        }
    }

    /**
     * FBGEMM, PyTorch's x86 default (the tutorial's engine). <b>Unverified</b>: Debian's PyTorch has no fbgemm, so
     * these formulas come from PyTorch's {@code qlinear_dynamic.cpp} and FBGEMM's {@code QuantizeAvx2} /
     * {@code requantizeForFloatAvx2}, not from measurements:
     * <pre>
     *   activation range  0..127 when reduce_range (PyTorch's modules pass it), else 0..255
     *   s   = f32(scale),  inv = f32(1 / s)
     *   xq  = clamp(rint(fma(x, inv, zp)), 0, 255)            one rounding of x·inv + zp
     *   y   = f32(f32((float) acc · f32(s · wScale)) + b)
     * </pre>
     */
    record Fbgemm() implements Engine {
        @Override
        public String name() {
            return "fbgemm";
        }

        @Override
        public boolean honoursReduceRange() {
            return true;
        }

        @Override
        public void quantizeActivations(float[] x, int count, double scale, int zeroPoint, byte[] xq) {
            float inverse = 1.0f / (float) scale;
            float zpFloat = zeroPoint;
            for (int i = 0; i < count; i++) {
                xq[i] = (byte) Quantization.clampRounded(Math.fma(x[i], inverse, zpFloat), 0, 0,
                        Quantization.UINT8_MAX);
            }
        }

        @Override
        public void requantize(int[] acc, int rows, int outputs, double activationScale, float[] weightScales,
                               float[] bias, float[] y) {
            Engine.scaleThenAddBias(acc, rows, outputs, (float) activationScale, weightScales, bias, y);
        }

        @Override
        public String toString() {
            return name();
        }
    }

    /**
     * oneDNN (ideep), as PyTorch 1.13 runs it (verified bit for bit); it works with inverse scales:
     * <pre>
     *   activation range  0..127 when reduce_range (PyTorch's modules pass it), else 0..255
     *   inv = f32(1.0 / scale)                                from the double scale
     *   xq  = clamp(rint(f32(f32(x · inv) + zp)), 0, 255)     zero point added before rounding
     *   bs  = f32(inv · f32(1 / wScale))                      the bias scale (per output if per channel)
     *   y   = f32(f32((float) acc + f32(b · bs)) · f32(1 / bs))
     * </pre>
     * The real library has a defect that this class does <b>not</b> reproduce: when a packed weight is called with
     * a row count different from its first call and an activation scale equal to an earlier one, it reuses a stale
     * zero-point compensation (errors up to 4e−2). Here every call is computed from its own parameters.
     * Nor is its {@code reduce_range=False} accumulation reproduced: on this hardware onednn sums pairs of
     * {@code u8·s8} products with int16 saturation ({@code vpmaddubsw}), which 0..255 activations can overflow;
     * here {@code acc} is the exact int32 sum of the spec. PyTorch's modules always pass {@code reduce_range=True}
     * (activations ≤ 127, a pair ≤ 2·127·128 = 32,512), where the two agree.
     */
    record Onednn() implements Engine {
        @Override
        public String name() {
            return "onednn";
        }

        @Override
        public boolean honoursReduceRange() {
            return true;
        }

        @Override
        public void quantizeActivations(float[] x, int count, double scale, int zeroPoint, byte[] xq) {
            float inverse = (float) (1.0 / scale);
            float zpFloat = zeroPoint;
            for (int i = 0; i < count; i++) {
                xq[i] = (byte) Quantization.clampRounded(x[i] * inverse + zpFloat, 0, 0, Quantization.UINT8_MAX);
            }
        }

        @Override
        public void requantize(int[] acc, int rows, int outputs, double activationScale, float[] weightScales,
                               float[] bias, float[] y) {
            float inverse = (float) (1.0 / activationScale);
            if (weightScales.length == 1) {
                float biasScale = inverse * (1.0f / weightScales[0]);
                Requantize.addScaledBiasThenScale(acc, rows, outputs, biasScale, 1.0f / biasScale, bias, y);
                return;
            }
            checkScales(weightScales, outputs);
            Requantize.addScaledBiasThenScale(acc, rows, outputs, inverse, weightScales, bias, y);
        }

        @Override
        public String toString() {
            return name();
        }
    }
}
