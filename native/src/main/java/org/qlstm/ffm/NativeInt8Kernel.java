package org.qlstm.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Objects;
import org.qlstm.nn.kernel.KernelThreads;
import org.qlstm.quant.QuantizedWeight;
import org.qlstm.quant.kernel.Int8Kernel;
import org.qlstm.quant.kernel.Int8Kernels;
import org.qlstm.quant.kernel.Int8Matrix;

/**
 * The int8 kernel in C ({@code qlstm_int8.c}), called through the Foreign Function and Memory API: AVX-512 VNNI
 * {@code vpdpbusd} or AVX2 {@code vpmaddwd}, both exact (see the C source for the int32 bounds), both giving the
 * accumulators of {@link org.qlstm.quant.kernel.ScalarInt8Kernel}.
 *
 * <p>{@link #prepare} packs the weights once into 64-byte-aligned off-heap memory in the layout {@code vpdpbusd}
 * wants (16 outputs × 4 inputs per 512-bit vector, outputs padded to 64, inputs to a multiple of 4 with zero
 * weights) and precomputes each output's weight sum: the kernel computes {@code Σ xq·w − zp·Σw}. Activations are
 * copied per call into a padded off-heap per-thread scratch; the int32 accumulators are written straight into the
 * caller's array. Multi-row products are split over blocks of 64 outputs with {@link KernelThreads}.
 */
public final class NativeInt8Kernel implements Int8Kernel {

    /** Outputs per block: 4 panels of 16 int32 lanes. */
    static final int BLOCK = 64;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final NativeInt8Library library;
    private final Isa isa;

    /**
     * A kernel running {@code isa} from {@code library}.
     *
     * @throws IllegalArgumentException if the CPU does not support {@code isa}
     */
    public NativeInt8Kernel(NativeInt8Library library, Isa isa) {
        this.library = Objects.requireNonNull(library, "library");
        this.isa = Objects.requireNonNull(isa, "isa");
        if (!library.supports(isa)) {
            throw new IllegalArgumentException("this CPU does not support " + isa.label());
        }
    }

    @Override
    public String name() {
        return "native-" + isa.label();
    }

    /** The instruction set this kernel runs. */
    public Isa isa() {
        return isa;
    }

    @Override
    public Int8Matrix prepare(QuantizedWeight weight) {
        Objects.requireNonNull(weight, "weight");
        if (weight.cols() > Int8Matrix.MAX_INPUTS) {
            throw new IllegalArgumentException("an int8 weight with " + weight.cols()
                    + " inputs could overflow int32 accumulators (at most " + Int8Matrix.MAX_INPUTS + ")");
        }
        return new Matrix(library.gemm(isa), weight);
    }

    @Override
    public String toString() {
        return name();
    }

    private static final class Matrix implements Int8Matrix {
        private final MethodHandle gemm;
        private final int outputs;
        private final int inputs;
        private final int paddedInputs;
        private final int blocks;
        private final MemorySegment weights;
        private final MemorySegment colsum;

        Matrix(MethodHandle gemm, QuantizedWeight weight) {
            this.gemm = gemm;
            this.outputs = weight.rows();
            this.inputs = weight.cols();
            this.paddedInputs = (inputs + 3) & ~3;
            this.blocks = (outputs + BLOCK - 1) / BLOCK;
            int groups = paddedInputs / 4;
            byte[] w = weight.values();
            byte[] packed = new byte[Math.multiplyExact(blocks * BLOCK, paddedInputs)];
            int[] sums = new int[blocks * BLOCK];
            for (int n = 0; n < outputs; n++) {
                int sum = 0;
                for (int k = 0; k < inputs; k++) {
                    byte v = w[n * inputs + k];
                    sum += v;
                    packed[packedIndex(n, k, groups)] = v;
                }
                sums[n] = sum;
            }
            // Auto arena: freed with the matrix. 64-byte alignment lets the kernel use aligned vector loads.
            Arena arena = Arena.ofAuto();
            this.weights = arena.allocate(packed.length, 64);
            MemorySegment.copy(packed, 0, weights, ValueLayout.JAVA_BYTE, 0, packed.length);
            this.colsum = arena.allocate(4L * sums.length, 64);
            MemorySegment.copy(sums, 0, colsum, ValueLayout.JAVA_INT, 0, sums.length);
        }

        @Override
        public int inputs() {
            return inputs;
        }

        @Override
        public int outputs() {
            return outputs;
        }

        /**
         * Where weight {@code (n, k)} sits in the packed layout of the C source, {@code (((b·G + g)·4 + p)·16 + j)·4
         * + i}: block {@code b} of 64 outputs, input group {@code g = k/4} of {@code G}, 16-output panel {@code p},
         * lane {@code j}, byte {@code i = k mod 4} of the lane's dword.
         */
        private static int packedIndex(int n, int k, int groups) {
            int b = n / BLOCK;
            int p = (n % BLOCK) / 16;
            int j = n % 16;
            return (((b * groups + k / 4) * 4 + p) * 16 + j) * 4 + (k & 3);
        }

        @Override
        public byte[] weights() {
            byte[] packed = weights.toArray(ValueLayout.JAVA_BYTE);
            int groups = paddedInputs / 4;
            byte[] w = new byte[Math.multiplyExact(outputs, inputs)];
            for (int n = 0; n < outputs; n++) {
                for (int k = 0; k < inputs; k++) {
                    w[n * inputs + k] = packed[packedIndex(n, k, groups)];
                }
            }
            return w;
        }

        @Override
        public void multiply(byte[] xq, int rows, int zeroPoint, int[] acc) {
            Int8Kernels.checkArguments(this, xq, rows, zeroPoint, acc);
            Scratch scratch = SCRATCH.get();
            MemorySegment x = scratch.activations((long) rows * paddedInputs);
            for (int r = 0; r < rows; r++) {
                // Padding bytes after each row keep whatever they held: their weights are zero.
                MemorySegment.copy(xq, r * inputs, x, ValueLayout.JAVA_BYTE, (long) r * paddedInputs, inputs);
            }
            MemorySegment out = MemorySegment.ofArray(acc);
            if (rows > 1 && KernelThreads.threads() > 1) {
                Split split = scratch.split;
                split.set(this, x, rows, zeroPoint, out);
                try {
                    if (KernelThreads.tryParallel(blocks, (long) rows * inputs * outputs, split)) {
                        return;
                    }
                } finally {
                    split.clear();
                }
            }
            run(x, rows, zeroPoint, out, 0, blocks);
        }

        void run(MemorySegment x, int rows, int zeroPoint, MemorySegment out, int fromBlock, int toBlock) {
            try {
                gemm.invokeExact(x, rows, paddedInputs, weights, colsum, zeroPoint, out, outputs, fromBlock, toBlock);
            } catch (Throwable e) {
                if (e instanceof RuntimeException re) {
                    throw re;
                }
                if (e instanceof Error er) {
                    throw er;
                }
                throw new IllegalStateException(e);
            }
        }
    }

    /** One split product's arguments, reused per thread so that a split allocates nothing. */
    private static final class Split implements KernelThreads.RangeTask {
        private Matrix matrix;
        private MemorySegment x;
        private int rows;
        private int zeroPoint;
        private MemorySegment out;

        void set(Matrix m, MemorySegment x, int rows, int zeroPoint, MemorySegment out) {
            this.matrix = m;
            this.x = x;
            this.rows = rows;
            this.zeroPoint = zeroPoint;
            this.out = out;
        }

        void clear() {
            matrix = null;
            x = null;
            out = null;
        }

        @Override
        public void run(int from, int to) {
            matrix.run(x, rows, zeroPoint, out, from, to);
        }
    }

    /** A thread's padded off-heap activation buffer, grown on demand. */
    private static final class Scratch {
        private MemorySegment activations = MemorySegment.NULL;
        final Split split = new Split();

        MemorySegment activations(long bytes) {
            if (activations.byteSize() < bytes) {
                activations = Arena.ofAuto().allocate(Math.max(bytes, 4096), 64);
            }
            return activations;
        }
    }
}
