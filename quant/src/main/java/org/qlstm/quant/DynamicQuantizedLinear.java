package org.qlstm.quant;

import java.util.Objects;
import org.qlstm.nn.model.Linear;
import org.qlstm.nn.model.Projection;
import org.qlstm.quant.kernel.Int8Kernel;
import org.qlstm.quant.kernel.Int8Kernels;
import org.qlstm.quant.kernel.Int8Matrix;

/**
 * PyTorch's {@code torch.ao.nn.quantized.dynamic.Linear}: {@code y = x·Wᵀ + b} with an int8 weight and activations
 * quantized on the fly. One {@link #project} call is one {@code quantized::linear_dynamic} call:
 * <ol>
 *   <li>{@code min}, {@code max} over all {@code rows × K} inputs of the call;</li>
 *   <li>activation parameters from {@link Engine#chooseActivationParams} with {@code reduce_range=True} (what
 *       PyTorch's dynamic Linear and LSTM pass; qnnpack ignores it);</li>
 *   <li>activations quantized to {@code quint8} by the engine;</li>
 *   <li>{@code acc = Σₖ (xq − zp)·wq} exactly in int32 by the {@link Int8Kernel};</li>
 *   <li>float outputs from the accumulators, the two scales and the float bias, by the engine.</li>
 * </ol>
 * A per-channel weight ({@link QuantizedWeight#perChannel()}) changes only the last step: output {@code j} uses the
 * scale of weight row {@code j}.
 * Immutable and thread-safe; the activation and accumulator buffers are per thread and grow to the largest call, so
 * warm calls allocate nothing.
 */
public final class DynamicQuantizedLinear implements Projection {

    /** Per-thread scratch: quantized activations and accumulators, grown on demand and shared by all layers. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final float[] bias;
    /** The weight's one or {@code outputs} scales, read by every call (a private copy). */
    private final float[] scales;
    private final Engine engine;
    private final Int8Kernel kernel;
    /** The only copy of the int8 values this layer keeps, in the kernel's layout (one byte a weight). */
    private final Int8Matrix matrix;

    /**
     * @param weight the int8 weight, {@code outputs × inputs} (its values are packed by {@code kernel}, not kept)
     * @param bias   {@code outputs} float values (copied)
     * @param engine the engine whose arithmetic to reproduce
     * @param kernel the kernel that computes the accumulators
     */
    public DynamicQuantizedLinear(QuantizedWeight weight, float[] bias, Engine engine, Int8Kernel kernel) {
        Objects.requireNonNull(weight, "weight");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        if (bias.length != weight.rows()) {
            throw new IllegalArgumentException("bias has " + bias.length + " values, expected " + weight.rows());
        }
        this.bias = bias.clone();
        this.scales = weight.scales();
        this.matrix = kernel.prepare(weight);
    }

    /** {@link #DynamicQuantizedLinear(QuantizedWeight, float[], Engine, Int8Kernel)} with the preferred kernel. */
    public DynamicQuantizedLinear(QuantizedWeight weight, float[] bias, Engine engine) {
        this(weight, bias, engine, Int8Kernels.preferred());
    }

    /** Quantizes a float {@link Linear} as {@code quantize_dynamic} does (per-tensor symmetric int8 weight). */
    public static DynamicQuantizedLinear fromFloat(Linear linear, Engine engine, Int8Kernel kernel) {
        QuantizedWeight q = Quantization.quantizeWeight(linear.weight(), linear.outputSize(), linear.inputSize());
        return new DynamicQuantizedLinear(q, linear.bias(), engine, kernel);
    }

    /**
     * Quantizes a float {@link Linear} with one weight scale per output row, as {@code quantize_dynamic} with
     * {@code per_channel_dynamic_qconfig} does.
     */
    public static DynamicQuantizedLinear fromFloatPerChannel(Linear linear, Engine engine, Int8Kernel kernel) {
        QuantizedWeight q = Quantization.quantizeWeightPerChannel(linear.weight(), linear.outputSize(),
                linear.inputSize());
        return new DynamicQuantizedLinear(q, linear.bias(), engine, kernel);
    }

    /** {@link #fromFloat(Linear, Engine, Int8Kernel)} with the preferred kernel. */
    public static DynamicQuantizedLinear fromFloat(Linear linear, Engine engine) {
        return fromFloat(linear, engine, Int8Kernels.preferred());
    }

    @Override
    public int inputSize() {
        return matrix.inputs();
    }

    @Override
    public int outputSize() {
        return matrix.outputs();
    }

    /**
     * The int8 weight, rebuilt from the kernel's packed copy (the layer keeps no other): each call allocates it, so
     * read it once where it is needed (writing a model file, a report), never per token.
     */
    public QuantizedWeight weight() {
        return new QuantizedWeight(matrix.weights(), scales, matrix.outputs(), matrix.inputs());
    }

    /** A copy of the weight's scales, one (per tensor) or one per output row, without rebuilding the weight. */
    public float[] weightScales() {
        return scales.clone();
    }

    /** Whether the weight has one scale per output row ({@code per_channel_affine}), without rebuilding it. */
    public boolean perChannel() {
        return scales.length != 1;
    }

    /** A copy of the float bias. */
    public float[] bias() {
        return bias.clone();
    }

    /** The engine whose arithmetic this layer reproduces. */
    public Engine engine() {
        return engine;
    }

    /** The kernel computing the accumulators. */
    public Int8Kernel kernel() {
        return kernel;
    }

    /** The same weights and engine on another kernel. */
    public DynamicQuantizedLinear withKernel(Int8Kernel other) {
        return new DynamicQuantizedLinear(weight(), bias, engine, other);
    }

    @Override
    public void project(float[] x, int rows, float[] y) {
        run(x, rows, true, y, SCRATCH.get());
    }

    /**
     * {@code quantized::linear_dynamic(x, packed, reduce_range)}: one call over all rows.
     *
     * @param x           {@code rows × K} inputs
     * @param rows        number of rows, at least 1
     * @param reduceRange PyTorch's {@code reduce_range} argument (its modules pass {@code true})
     * @param y           receives {@code rows × N} outputs
     * @return the activation parameters chosen for this call
     * @throws IllegalArgumentException if an input is NaN or infinite, or the arrays are too short
     */
    public QParams linearDynamic(float[] x, int rows, boolean reduceRange, float[] y) {
        Scratch scratch = SCRATCH.get();
        run(x, rows, reduceRange, y, scratch);
        return new QParams(scratch.params.scale, scratch.params.zeroPoint);
    }

    private void run(float[] x, int rows, boolean reduceRange, float[] y, Scratch scratch) {
        int inputs = matrix.inputs();
        int outputs = matrix.outputs();
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be positive, got " + rows);
        }
        int count = Math.multiplyExact(rows, inputs);
        int outCount = Math.multiplyExact(rows, outputs);
        if (x.length < count || y.length < outCount) {
            throw new IllegalArgumentException(rows + " rows need " + count + " inputs and " + outCount
                    + " outputs, got " + x.length + " and " + y.length);
        }
        float min = x[0];
        float max = x[0];
        for (int i = 1; i < count; i++) {
            float v = x[i];
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        Quantization.ActivationParams params = scratch.params;
        Quantization.chooseQParams(min, max, 0, Quantization.UINT8_MAX, reduceRange && engine.honoursReduceRange(),
                params);
        byte[] xq = scratch.activations(count);
        int[] acc = scratch.accumulators(outCount);
        engine.quantizeActivations(x, count, params.scale, params.zeroPoint, xq);
        matrix.multiply(xq, rows, params.zeroPoint, acc);
        engine.requantize(acc, rows, outputs, params.scale, scales, bias, y);
    }

    /**
     * {@code DynamicQuantizedLinear(in_features=…, out_features=…, dtype=torch.qint8,
     * qscheme=torch.per_tensor_affine)}, as PyTorch prints the module ({@code per_channel_affine} when the weight
     * has a scale per row).
     */
    @Override
    public String describe() {
        return "DynamicQuantizedLinear(in_features=" + inputSize() + ", out_features=" + outputSize()
                + ", dtype=torch.qint8, qscheme=torch." + (perChannel() ? "per_channel_affine"
                : "per_tensor_affine") + ")";
    }

    /** One byte per weight, the float32 scale(s), and the float32 bias. */
    @Override
    public long parameterBytes() {
        return (long) matrix.outputs() * matrix.inputs() + (long) Float.BYTES * scales.length + (long) Float.BYTES * bias.length;
    }

    @Override
    public String toString() {
        return describe() + " [" + engine.name() + ", " + kernel.name() + "]";
    }

    private static final class Scratch {
        private final Quantization.ActivationParams params = new Quantization.ActivationParams();
        private byte[] activations = new byte[0];
        private int[] accumulators = new int[0];

        byte[] activations(int count) {
            if (activations.length < count) {
                activations = new byte[count];
            }
            return activations;
        }

        int[] accumulators(int count) {
            if (accumulators.length < count) {
                accumulators = new int[count];
            }
            return accumulators;
        }
    }
}
