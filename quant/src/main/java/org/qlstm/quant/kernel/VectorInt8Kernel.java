package org.qlstm.quant.kernel;

import static jdk.incubator.vector.VectorOperators.F2I;

import java.util.Objects;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.qlstm.nn.kernel.KernelThreads;
import org.qlstm.quant.QuantizedWeight;

/**
 * The pure-Java int8 kernel (the {@code vector} choice, the default): the weight is kept as <b>one byte per
 * weight</b>, packed once into panels of {@code P = 2·L} output columns ({@code L} = lanes of the preferred float
 * vector: 16 on AVX-512, 8 on AVX2), laid out {@code Wp[panel][k][P]}; the hot loops load {@code L} bytes, widen them
 * in-register to {@code L} floats ({@code B2F}: sign extension and an exact int → float conversion) and
 * fused-multiply-add them against the broadcast activation {@code (float)(xq − zp)} (or the integer equivalent,
 * below). As in the float {@code VectorFloatKernel}, a last panel that would stick out is shifted left to end at column {@code N} (its
 * overlapping outputs are computed twice, with the same value) and a matrix narrower than one panel goes through a
 * scalar loop.
 *
 * <p><b>Why float accumulation is exact.</b> Every operand is an integer: {@code |xq − zp| ≤ 255}, {@code |wq| ≤ 128},
 * so every product is an integer of magnitude ≤ 32,640, and every partial sum of at most {@code K} products — in the
 * order the kernel uses, fused or not — is an integer of magnitude ≤ {@code 32,640·K}. Integers up to {@code 2^24} are
 * exact in float32, so for {@code K ≤ 514} ({@link #MAX_FLOAT_INPUTS}: {@code 514·32,640 = 16,776,960 < 2^24}) no
 * operation ever rounds and the float accumulator converted back ({@code F2I}) is the int32 accumulator exactly.
 * The tutorial's widest projection has {@code K = 512}.
 *
 * <p>The same loops exist in integer arithmetic ({@code B2I}, {@code IntVector} multiply and add), exact for any
 * {@code K ≤} {@link Int8Matrix#MAX_INPUTS} in any order by {@link Int8Matrix}'s bound. Which is used is
 * {@link Loops}: by default the faster for the vector width — measured on one Zen 4 machine (JDK 25), the integer
 * loops are 5–8% faster with 512-bit vectors and the float loops ~20% faster with 256-bit ones (AVX2's
 * {@code vpmulld}); wider weights ({@code K > 514}) always use the integer loops.
 *
 * <ul>
 *   <li><b>GEMM</b> (2 or more rows, e.g. the 25-token chunk): per panel, blocks of 5 rows × 2 vectors keep 10
 *       accumulators (plus 2 widened weight vectors and a broadcast: 13 live vectors, within AVX2's 16 registers).
 *       A last block of 2–4 rows reuses the 5-row block with clamped row indices; a single leftover row uses the
 *       GEMV.</li>
 *   <li><b>GEMV</b> (1 row, the LSTM's recurrent step): 8 vectors of columns (4 panels) at a time, 8
 *       independent accumulator chains.</li>
 *   <li><b>Threads</b>: multi-row products are split over output panels with
 *       {@link KernelThreads#tryParallel}; every output is computed by one thread, so results (exact anyway) do not
 *       depend on the thread count.</li>
 * </ul>
 *
 * <p>Activations are widened once per call into a per-thread scratch array ({@code rows × K} values), so warm calls
 * allocate nothing (a split product allocates one small task object). Vector code is slow until C2 compiles it:
 * call {@link #warmUp()} at load.
 */
public final class VectorInt8Kernel implements Int8Kernel {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Lanes per vector. */
    static final int L = F.length();
    /** {@code L} bytes: the weights one widened vector holds. */
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * Byte.SIZE));
    /**
     * Vectors per panel. 2 on every width: on AVX-512 (Zen 4) a 5×3 and an 8×2 block were no faster (≤ 3%; the
     * 8×2 one collapsed to 10 GOP/s on the decoder in one JVM) and a 5×4 block (25 live vectors) was scalarized by C2
     * (6× slower), so one layout serves both widths. This Zen 4 core runs 512-bit FMAs at one per cycle (~115
     * GFLOP/s, which the float kernel reaches in cache): the widening instructions then cost the int8 loops ~15%.
     */
    static final int V = 2;
    /** Output columns per panel. */
    static final int P = V * L;

    /** The widest weight for which float32 accumulation is exact: {@code ⌊2^24 / (255·128)⌋ = 514}. */
    public static final int MAX_FLOAT_INPUTS = (1 << 24) / (255 * 128);

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Which inner loops a kernel uses. */
    public enum Loops {
        /** The faster ones measured for this vector width: {@link #INT} on 512-bit vectors, {@link #FLOAT} below. */
        AUTO,
        /** Float loops where exact ({@code K ≤} {@link #MAX_FLOAT_INPUTS}), integer loops for wider weights. */
        FLOAT,
        /** Integer loops for every width. */
        INT
    }

    /**
     * Float loops are faster with 256-bit vectors (AVX2: {@code vpmulld} is slow there), integer loops with 512-bit
     * ones; measured in thread CPU time on the same Zen 4 machine, JDK 25, with and without {@code -XX:UseAVX=2}
     * (the figures are in {@code bench/README.md}).
     */
    private static final boolean FLOAT_FASTER = F.vectorBitSize() < 512;

    private final Loops loops;

    /** The default: {@link Loops#AUTO}. */
    public VectorInt8Kernel() {
        this(Loops.AUTO);
    }

    /** A kernel with the given inner loops (for benchmarks and tests; {@link Loops#AUTO} is the fast choice). */
    public VectorInt8Kernel(Loops loops) {
        this.loops = Objects.requireNonNull(loops, "loops");
    }

    @Override
    public String name() {
        return switch (loops) {
            case AUTO -> "vector-" + F.vectorBitSize() + (FLOAT_FASTER ? "-float" : "-int");
            case FLOAT -> "vector-float-" + F.vectorBitSize();
            case INT -> "vector-int-" + F.vectorBitSize();
        };
    }

    @Override
    public Int8Matrix prepare(QuantizedWeight weight) {
        Objects.requireNonNull(weight, "weight");
        int outputs = weight.rows();
        int inputs = weight.cols();
        if (inputs > Int8Matrix.MAX_INPUTS) {
            throw new IllegalArgumentException("an int8 weight with " + inputs
                    + " inputs could overflow int32 accumulators (at most " + Int8Matrix.MAX_INPUTS + ")");
        }
        boolean floatLoops = loops == Loops.FLOAT || loops == Loops.AUTO && FLOAT_FASTER;
        boolean floats = floatLoops && inputs <= MAX_FLOAT_INPUTS;
        return new Matrix(pack(weight.values(), outputs, inputs), outputs, inputs, floats);
    }

    @Override
    public String toString() {
        return name();
    }

    /**
     * Compiles the vector paths (float and integer loops, every row count 1–7, GEMV, shifted last panel, narrow
     * matrix) by running them on tiny shapes until a round runs at compiled speed, at most 3 s.
     *
     * @return the nanoseconds it took
     */
    public static long warmUp() {
        return Int8WarmUp.run();
    }

    /**
     * {@code wq[outputs][inputs]} row-major → {@code Wp[panel][k][P]}: panel {@code p} holds columns
     * {@code firstColumn(p) ..+P}; with {@code outputs < P} the single panel is zero-padded.
     */
    static byte[] pack(byte[] weight, int outputs, int inputs) {
        int panels = panels(outputs);
        long size = (long) panels * inputs * P;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("int8 matrix of " + outputs + "x" + inputs + " is too large to pack");
        }
        byte[] packed = new byte[(int) size];
        copyPanels(weight, packed, outputs, inputs, true);
        return packed;
    }

    /** The inverse of {@link #pack}: {@code Wp[panel][k][P]} → {@code wq[outputs][inputs]} row-major. */
    static byte[] unpack(byte[] packed, int outputs, int inputs) {
        byte[] weight = new byte[Math.multiplyExact(outputs, inputs)];
        copyPanels(weight, packed, outputs, inputs, false);
        return weight;
    }

    /** The one walk of the panel layout, both ways: {@code weight → packed} when packing, else back. */
    private static void copyPanels(byte[] weight, byte[] packed, int outputs, int inputs, boolean packing) {
        for (int p = 0; p < panels(outputs); p++) {
            int first = firstColumn(p, outputs);
            int width = Math.min(P, outputs - first);
            for (int c = 0; c < width; c++) {
                int row = (first + c) * inputs;
                int base = p * inputs * P + c;
                for (int k = 0; k < inputs; k++) {
                    if (packing) {
                        packed[base + k * P] = weight[row + k];
                    } else {
                        weight[row + k] = packed[base + k * P];
                    }
                }
            }
        }
    }

    /** The first output column of panel {@code p}: {@code p·P}, except a last panel shifted to end at N. */
    static int firstColumn(int p, int outputs) {
        return Math.max(0, Math.min(p * P, outputs - P));
    }

    static int panels(int outputs) {
        return (outputs + P - 1) / P;
    }

    /** Per-thread widened activations {@code xq − zp}, grown on demand. */
    static final class Scratch {
        private float[] floats = new float[0];
        private int[] ints = new int[0];

        float[] floats(int count) {
            if (floats.length < count) {
                floats = new float[count];
            }
            return floats;
        }

        int[] ints(int count) {
            if (ints.length < count) {
                ints = new int[count];
            }
            return ints;
        }
    }

    static final class Matrix implements Int8Matrix {

        private final byte[] wp;
        private final int outputs;
        private final int inputs;
        private final int panels;
        private final boolean floats;

        Matrix(byte[] wp, int outputs, int inputs, boolean floats) {
            this.wp = wp;
            this.outputs = outputs;
            this.inputs = inputs;
            this.panels = panels(outputs);
            this.floats = floats;
        }

        @Override
        public int inputs() {
            return inputs;
        }

        @Override
        public int outputs() {
            return outputs;
        }

        @Override
        public byte[] weights() {
            return unpack(wp, outputs, inputs);
        }

        @Override
        public void multiply(byte[] xq, int rows, int zeroPoint, int[] acc) {
            Int8Kernels.checkArguments(this, xq, rows, zeroPoint, acc);
            if (outputs < P) {
                narrow(xq, rows, zeroPoint, acc);
                return;
            }
            int count = rows * inputs;
            long macs = (long) count * outputs;
            Scratch scratch = SCRATCH.get();
            if (floats) {
                float[] x = scratch.floats(count);
                for (int i = 0; i < count; i++) {
                    x[i] = (xq[i] & 0xFF) - zeroPoint;
                }
                if (rows == 1) {
                    FloatLoops.gemv(this, x, 0, acc, 0, 0, panels);
                } else if (KernelThreads.threads() == 1 || !KernelThreads.tryParallel(panels, macs,
                        (from, to) -> FloatLoops.panels(this, x, rows, acc, from, to))) {
                    FloatLoops.panels(this, x, rows, acc, 0, panels);
                }
            } else {
                int[] x = scratch.ints(count);
                for (int i = 0; i < count; i++) {
                    x[i] = (xq[i] & 0xFF) - zeroPoint;
                }
                if (rows == 1) {
                    IntLoops.gemv(this, x, 0, acc, 0, 0, panels);
                } else if (KernelThreads.threads() == 1 || !KernelThreads.tryParallel(panels, macs,
                        (from, to) -> IntLoops.panels(this, x, rows, acc, from, to))) {
                    IntLoops.panels(this, x, rows, acc, 0, panels);
                }
            }
        }

        /** Fewer outputs than one panel: plain int32 loops over the zero-padded panel (exact in any order). */
        private void narrow(byte[] xq, int rows, int zeroPoint, int[] acc) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < outputs; j++) {
                    int sum = 0;
                    for (int k = 0, wi = j, xi = r * inputs; k < inputs; k++, wi += P, xi++) {
                        sum += ((xq[xi] & 0xFF) - zeroPoint) * wp[wi];
                    }
                    acc[r * outputs + j] = sum;
                }
            }
        }

        byte[] packed() {
            return wp;
        }

        int panelCount() {
            return panels;
        }
    }

    /**
     * The float loops: weights widened {@code B2F}, accumulated by {@code fma}, converted back {@code F2I} (exact for
     * {@code K ≤} {@link #MAX_FLOAT_INPUTS}, see the class comment). The conversion is written out at every store:
     * through a helper method C2 did not always inline, the vector was boxed and every store allocated.
     */
    static final class FloatLoops {

        private FloatLoops() {
        }

        static FloatVector widen(byte[] w, int i) {
            return (FloatVector) ByteVector.fromArray(B, w, i).convertShape(VectorOperators.B2F, F, 0);
        }

        /** All rows, output panels {@code [fromPanel, toPanel)}. */
        static void panels(Matrix m, float[] x, int rows, int[] acc, int fromPanel, int toPanel) {
            int full = rows - rows % 5;
            int rest = rows - full;
            for (int p = fromPanel; p < toPanel; p++) {
                for (int r = 0; r < full; r += 5) {
                    block5x2(m, x, r, 5, acc, p);
                }
                if (rest >= 2) {
                    block5x2(m, x, full, rest, acc, p);
                }
            }
            if (rest == 1) {
                gemv(m, x, full * m.inputs, acc, full * m.outputs, fromPanel, toPanel);
            }
        }

        /**
         * Rows {@code r .. r+count−1} ({@code count ≤ 5}) of panel {@code p}: 5 rows × 2 vectors of accumulators,
         * 2 widened weights and a broadcast (13 live vectors, within AVX2's 16 registers). With fewer than 5 rows
         * the last row is repeated and only {@code count} rows are stored.
         */
        private static void block5x2(Matrix m, float[] x, int r, int count, int[] acc, int p) {
            final int k1 = m.inputs;
            final int last = r + count - 1;
            final int x0 = r * k1;
            final int x1 = Math.min(r + 1, last) * k1;
            final int x2 = Math.min(r + 2, last) * k1;
            final int x3 = Math.min(r + 3, last) * k1;
            final int x4 = Math.min(r + 4, last) * k1;
            final byte[] w = m.wp;
            int wi = p * k1 * P;
            FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F);
            FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F);
            FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F);
            FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F);
            FloatVector a40 = FloatVector.zero(F), a41 = FloatVector.zero(F);
            for (int k = 0; k < k1; k++, wi += P) {
                FloatVector w0 = widen(w, wi);
                FloatVector w1 = widen(w, wi + L);
                FloatVector v = FloatVector.broadcast(F, x[x0 + k]);
                a00 = w0.fma(v, a00);
                a01 = w1.fma(v, a01);
                v = FloatVector.broadcast(F, x[x1 + k]);
                a10 = w0.fma(v, a10);
                a11 = w1.fma(v, a11);
                v = FloatVector.broadcast(F, x[x2 + k]);
                a20 = w0.fma(v, a20);
                a21 = w1.fma(v, a21);
                v = FloatVector.broadcast(F, x[x3 + k]);
                a30 = w0.fma(v, a30);
                a31 = w1.fma(v, a31);
                v = FloatVector.broadcast(F, x[x4 + k]);
                a40 = w0.fma(v, a40);
                a41 = w1.fma(v, a41);
            }
            final int n = m.outputs;
            int yi = r * n + firstColumn(p, n);
            ((IntVector) a00.convert(F2I, 0)).intoArray(acc, yi);
            ((IntVector) a01.convert(F2I, 0)).intoArray(acc, yi + L);
            if (count > 1) {
                yi += n;
                ((IntVector) a10.convert(F2I, 0)).intoArray(acc, yi);
                ((IntVector) a11.convert(F2I, 0)).intoArray(acc, yi + L);
            }
            if (count > 2) {
                yi += n;
                ((IntVector) a20.convert(F2I, 0)).intoArray(acc, yi);
                ((IntVector) a21.convert(F2I, 0)).intoArray(acc, yi + L);
            }
            if (count > 3) {
                yi += n;
                ((IntVector) a30.convert(F2I, 0)).intoArray(acc, yi);
                ((IntVector) a31.convert(F2I, 0)).intoArray(acc, yi + L);
            }
            if (count > 4) {
                yi += n;
                ((IntVector) a40.convert(F2I, 0)).intoArray(acc, yi);
                ((IntVector) a41.convert(F2I, 0)).intoArray(acc, yi + L);
            }
        }

        /**
         * One row ({@code x[xi ..]} → {@code acc[yi ..]}) over panels {@code [fromPanel, toPanel)}: 8 vectors of
         * columns (4 panels) at a time, 8 independent accumulator chains; with fewer than 8
         * vectors left the last one is repeated (computed and stored again with the same value).
         */
        static void gemv(Matrix m, float[] x, int xi, int[] acc, int yi, int fromPanel, int toPanel) {
            final int k1 = m.inputs;
            final int stride = k1 * P;
            final byte[] w = m.wp;
            final int lastVector = toPanel * V - 1;
            for (int t = fromPanel * V; t <= lastVector; t += 8) {
                int t1 = Math.min(t + 1, lastVector);
                int t2 = Math.min(t + 2, lastVector);
                int t3 = Math.min(t + 3, lastVector);
                int t4 = Math.min(t + 4, lastVector);
                int t5 = Math.min(t + 5, lastVector);
                int t6 = Math.min(t + 6, lastVector);
                int t7 = Math.min(t + 7, lastVector);
                int w0 = weightOffset(t, stride);
                int w1 = weightOffset(t1, stride);
                int w2 = weightOffset(t2, stride);
                int w3 = weightOffset(t3, stride);
                int w4 = weightOffset(t4, stride);
                int w5 = weightOffset(t5, stride);
                int w6 = weightOffset(t6, stride);
                int w7 = weightOffset(t7, stride);
                FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
                FloatVector a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
                FloatVector a4 = FloatVector.zero(F), a5 = FloatVector.zero(F);
                FloatVector a6 = FloatVector.zero(F), a7 = FloatVector.zero(F);
                for (int k = 0, o = 0; k < k1; k++, o += P) {
                    FloatVector v = FloatVector.broadcast(F, x[xi + k]);
                    a0 = widen(w, w0 + o).fma(v, a0);
                    a1 = widen(w, w1 + o).fma(v, a1);
                    a2 = widen(w, w2 + o).fma(v, a2);
                    a3 = widen(w, w3 + o).fma(v, a3);
                    a4 = widen(w, w4 + o).fma(v, a4);
                    a5 = widen(w, w5 + o).fma(v, a5);
                    a6 = widen(w, w6 + o).fma(v, a6);
                    a7 = widen(w, w7 + o).fma(v, a7);
                }
                int n = m.outputs;
                ((IntVector) a0.convert(F2I, 0)).intoArray(acc, yi + outputOffset(t, n));
                ((IntVector) a1.convert(F2I, 0)).intoArray(acc, yi + outputOffset(t1, n));
                ((IntVector) a2.convert(F2I, 0)).intoArray(acc, yi + outputOffset(t2, n));
                ((IntVector) a3.convert(F2I, 0)).intoArray(acc, yi + outputOffset(t3, n));
                ((IntVector) a4.convert(F2I, 0)).intoArray(acc, yi + outputOffset(t4, n));
                ((IntVector) a5.convert(F2I, 0)).intoArray(acc, yi + outputOffset(t5, n));
                ((IntVector) a6.convert(F2I, 0)).intoArray(acc, yi + outputOffset(t6, n));
                ((IntVector) a7.convert(F2I, 0)).intoArray(acc, yi + outputOffset(t7, n));
            }
        }
    }

    /** Where column vector {@code t} (panel {@code t / V}, slot {@code t % V}) starts in the packed weight, k = 0. */
    static int weightOffset(int t, int stride) {
        return t / V * stride + t % V * L;
    }

    /** The first output column of column vector {@code t}. */
    static int outputOffset(int t, int outputs) {
        return firstColumn(t / V, outputs) + t % V * L;
    }

    /**
     * The integer loops: weights widened {@code B2I}, multiplied and added in int32 (exact for any allowed K). Same
     * layout, blocking and order of operations as {@link FloatLoops}.
     */
    static final class IntLoops {

        private IntLoops() {
        }

        static IntVector widen(byte[] w, int i) {
            return (IntVector) ByteVector.fromArray(B, w, i).convertShape(VectorOperators.B2I, I, 0);
        }

        /** All rows, output panels {@code [fromPanel, toPanel)}. */
        static void panels(Matrix m, int[] x, int rows, int[] acc, int fromPanel, int toPanel) {
            int full = rows - rows % 5;
            int rest = rows - full;
            for (int p = fromPanel; p < toPanel; p++) {
                for (int r = 0; r < full; r += 5) {
                    block5x2(m, x, r, 5, acc, p);
                }
                if (rest >= 2) {
                    block5x2(m, x, full, rest, acc, p);
                }
            }
            if (rest == 1) {
                gemv(m, x, full * m.inputs, acc, full * m.outputs, fromPanel, toPanel);
            }
        }

        /**
         * Rows {@code r .. r+count−1} ({@code count ≤ 5}) of panel {@code p}: 5 rows × 2 vectors of int32
         * accumulators; with fewer than 5 rows the last row is repeated and only {@code count} rows are stored.
         */
        private static void block5x2(Matrix m, int[] x, int r, int count, int[] acc, int p) {
            final int k1 = m.inputs;
            final int last = r + count - 1;
            final int x0 = r * k1;
            final int x1 = Math.min(r + 1, last) * k1;
            final int x2 = Math.min(r + 2, last) * k1;
            final int x3 = Math.min(r + 3, last) * k1;
            final int x4 = Math.min(r + 4, last) * k1;
            final byte[] w = m.wp;
            int wi = p * k1 * P;
            IntVector a00 = IntVector.zero(I), a01 = IntVector.zero(I);
            IntVector a10 = IntVector.zero(I), a11 = IntVector.zero(I);
            IntVector a20 = IntVector.zero(I), a21 = IntVector.zero(I);
            IntVector a30 = IntVector.zero(I), a31 = IntVector.zero(I);
            IntVector a40 = IntVector.zero(I), a41 = IntVector.zero(I);
            for (int k = 0; k < k1; k++, wi += P) {
                IntVector w0 = widen(w, wi);
                IntVector w1 = widen(w, wi + L);
                IntVector v = IntVector.broadcast(I, x[x0 + k]);
                a00 = a00.add(w0.mul(v));
                a01 = a01.add(w1.mul(v));
                v = IntVector.broadcast(I, x[x1 + k]);
                a10 = a10.add(w0.mul(v));
                a11 = a11.add(w1.mul(v));
                v = IntVector.broadcast(I, x[x2 + k]);
                a20 = a20.add(w0.mul(v));
                a21 = a21.add(w1.mul(v));
                v = IntVector.broadcast(I, x[x3 + k]);
                a30 = a30.add(w0.mul(v));
                a31 = a31.add(w1.mul(v));
                v = IntVector.broadcast(I, x[x4 + k]);
                a40 = a40.add(w0.mul(v));
                a41 = a41.add(w1.mul(v));
            }
            final int n = m.outputs;
            int yi = r * n + firstColumn(p, n);
            a00.intoArray(acc, yi);
            a01.intoArray(acc, yi + L);
            if (count > 1) {
                yi += n;
                a10.intoArray(acc, yi);
                a11.intoArray(acc, yi + L);
            }
            if (count > 2) {
                yi += n;
                a20.intoArray(acc, yi);
                a21.intoArray(acc, yi + L);
            }
            if (count > 3) {
                yi += n;
                a30.intoArray(acc, yi);
                a31.intoArray(acc, yi + L);
            }
            if (count > 4) {
                yi += n;
                a40.intoArray(acc, yi);
                a41.intoArray(acc, yi + L);
            }
        }

        /** As {@link FloatLoops#gemv}, in int32. */
        static void gemv(Matrix m, int[] x, int xi, int[] acc, int yi, int fromPanel, int toPanel) {
            final int k1 = m.inputs;
            final int stride = k1 * P;
            final byte[] w = m.wp;
            final int lastVector = toPanel * V - 1;
            for (int t = fromPanel * V; t <= lastVector; t += 8) {
                int t1 = Math.min(t + 1, lastVector);
                int t2 = Math.min(t + 2, lastVector);
                int t3 = Math.min(t + 3, lastVector);
                int t4 = Math.min(t + 4, lastVector);
                int t5 = Math.min(t + 5, lastVector);
                int t6 = Math.min(t + 6, lastVector);
                int t7 = Math.min(t + 7, lastVector);
                int w0 = weightOffset(t, stride);
                int w1 = weightOffset(t1, stride);
                int w2 = weightOffset(t2, stride);
                int w3 = weightOffset(t3, stride);
                int w4 = weightOffset(t4, stride);
                int w5 = weightOffset(t5, stride);
                int w6 = weightOffset(t6, stride);
                int w7 = weightOffset(t7, stride);
                IntVector a0 = IntVector.zero(I), a1 = IntVector.zero(I);
                IntVector a2 = IntVector.zero(I), a3 = IntVector.zero(I);
                IntVector a4 = IntVector.zero(I), a5 = IntVector.zero(I);
                IntVector a6 = IntVector.zero(I), a7 = IntVector.zero(I);
                for (int k = 0, o = 0; k < k1; k++, o += P) {
                    IntVector v = IntVector.broadcast(I, x[xi + k]);
                    a0 = a0.add(widen(w, w0 + o).mul(v));
                    a1 = a1.add(widen(w, w1 + o).mul(v));
                    a2 = a2.add(widen(w, w2 + o).mul(v));
                    a3 = a3.add(widen(w, w3 + o).mul(v));
                    a4 = a4.add(widen(w, w4 + o).mul(v));
                    a5 = a5.add(widen(w, w5 + o).mul(v));
                    a6 = a6.add(widen(w, w6 + o).mul(v));
                    a7 = a7.add(widen(w, w7 + o).mul(v));
                }
                int n = m.outputs;
                a0.intoArray(acc, yi + outputOffset(t, n));
                a1.intoArray(acc, yi + outputOffset(t1, n));
                a2.intoArray(acc, yi + outputOffset(t2, n));
                a3.intoArray(acc, yi + outputOffset(t3, n));
                a4.intoArray(acc, yi + outputOffset(t4, n));
                a5.intoArray(acc, yi + outputOffset(t5, n));
                a6.intoArray(acc, yi + outputOffset(t6, n));
                a7.intoArray(acc, yi + outputOffset(t7, n));
            }
        }
    }
}
