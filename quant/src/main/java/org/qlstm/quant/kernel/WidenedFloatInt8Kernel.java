package org.qlstm.quant.kernel;

import java.util.Objects;
import org.qlstm.nn.kernel.FloatKernel;
import org.qlstm.nn.kernel.FloatKernels;
import org.qlstm.nn.kernel.FloatMatrix;
import org.qlstm.quant.QuantizedWeight;

/**
 * Exact int8 accumulation on a float kernel: the int8 weights are widened to float32 once, the activations
 * {@code xq − zp} are converted to float32 per call, and a {@link FloatKernel} computes the products.
 *
 * <p><b>Why this is exact.</b> Every operand is an integer ({@code |xq − zp| ≤ 255}, {@code |wq| ≤ 128}), every
 * product is an integer of magnitude ≤ 32,640, and every partial sum of at most {@code K} products, in whatever order
 * or grouping the float kernel uses (fused or not), is an integer of magnitude ≤ {@code 32,640·K}. Integers up to
 * {@code 2^24 = 16,777,216} are exact in float32, so for {@code K ≤ 514} ({@link #MAX_EXACT_INPUTS}:
 * {@code 514·32,640 = 16,776,960}) no operation ever rounds and the float result is the int32 accumulator. The
 * tutorial's widest projection has {@code K = 512}. Wider weights fall back to {@link ScalarInt8Kernel}.
 *
 * <p>It keeps four bytes per weight (the float model's memory) and gains the float kernel's speed; it is a
 * pragmatic bridge until dedicated int8 kernels (Vector API, VNNI through FFM) land behind {@link Int8Kernel}.
 */
public final class WidenedFloatInt8Kernel implements Int8Kernel {

    /** The widest weight for which float32 accumulation is exact: {@code ⌊2^24 / (255·128)⌋ = 514}. */
    public static final int MAX_EXACT_INPUTS = (1 << 24) / (255 * 128);

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final FloatKernel floatKernel;

    /** Widens onto {@code floatKernel}. */
    public WidenedFloatInt8Kernel(FloatKernel floatKernel) {
        this.floatKernel = Objects.requireNonNull(floatKernel, "floatKernel");
    }

    /** Widens onto the float kernel preferred in this JVM. */
    public WidenedFloatInt8Kernel() {
        this(FloatKernels.preferred());
    }

    @Override
    public String name() {
        return "widened-" + floatKernel.name();
    }

    @Override
    public Int8Matrix prepare(QuantizedWeight weight) {
        if (weight.cols() > MAX_EXACT_INPUTS) {
            return new ScalarInt8Kernel().prepare(weight);
        }
        byte[] q = weight.values();
        float[] widened = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            widened[i] = q[i];
        }
        return new Matrix(floatKernel.prepare(widened, weight.rows(), weight.cols()), new float[weight.rows()], q);
    }

    @Override
    public String toString() {
        return name();
    }

    /** {@code values}: the bytes too, for {@link #weights()} (this comparison kernel spends 4 bytes a weight anyway). */
    private record Matrix(FloatMatrix floats, float[] zeroBias, byte[] values) implements Int8Matrix {

        @Override
        public byte[] weights() {
            return values.clone();
        }

        @Override
        public int inputs() {
            return floats.inputs();
        }

        @Override
        public int outputs() {
            return floats.outputs();
        }

        @Override
        public void multiply(byte[] xq, int rows, int zeroPoint, int[] acc) {
            Int8Kernels.checkArguments(this, xq, rows, zeroPoint, acc);
            int inCount = rows * inputs();
            int outCount = rows * outputs();
            Scratch scratch = SCRATCH.get();
            float[] x = scratch.inputs(inCount);
            float[] y = scratch.outputs(outCount);
            for (int i = 0; i < inCount; i++) {
                x[i] = (xq[i] & 0xFF) - zeroPoint;
            }
            floats.multiply(x, rows, zeroBias, y);
            for (int i = 0; i < outCount; i++) {
                acc[i] = (int) y[i];
            }
        }
    }

    private static final class Scratch {
        private float[] inputs = new float[0];
        private float[] outputs = new float[0];

        float[] inputs(int count) {
            if (inputs.length < count) {
                inputs = new float[count];
            }
            return inputs;
        }

        float[] outputs(int count) {
            if (outputs.length < count) {
                outputs = new float[count];
            }
            return outputs;
        }
    }
}
