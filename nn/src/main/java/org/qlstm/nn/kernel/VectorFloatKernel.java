package org.qlstm.nn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast float kernel (the {@code vector} choice, the default): the weight is packed once into panels of
 * {@code P = V·L} output columns ({@code L} = lanes of the preferred vector, {@code V} = vectors per panel row:
 * AVX2 {@code L = 8, V = 2}, 16 columns; AVX-512 {@code L = 16, V = 4}, 64 columns, four 64-byte lines per input
 * index), laid out {@code Wp[panel][k][P]}, so the hot loops have no masks and no tails.
 * When {@code N} is not a multiple of {@code P} the last panel is shifted left to end at column {@code N}
 * (columns {@code [N−P, N)}), overlapping the one before: the overlapping outputs are computed twice with the
 * same bits and stored twice, so every store is a full vector. A matrix narrower than one panel ({@code N < P})
 * is zero-padded and computed by a scalar loop with the same summation order (those are tiny).
 *
 * <ul>
 *   <li><b>GEMM</b> (2 or more rows): for each panel, blocks of 5 rows × {@code V} vectors of accumulators; 25 rows
 *       are 5 blocks. AVX2: 5×2, 10 accumulators (plus 2 weight vectors and a broadcast: 13 of 16 registers);
 *       measured on an AVX2 machine it beat 6×2, 4×3, 3×4 and 8..14×1. AVX-512: 5×4, 20 accumulators (25 of 32
 *       registers), measured on the 2-core Zen 4 (EPYC, family 25 model 17) VM against 5×2 with 32-column panels:
 *       the same in cache (both ≈ 110–115 GFLOP/s, the core's peak: Zen 4 runs a 512-bit FMA as two 256-bit
 *       halves, 2 × 16 flops a cycle) and ~8–10% faster on the DRAM-fed decoder (87–94 against 81–86 GFLOP/s;
 *       fewer, longer passes per panel). A last block of 2–4 rows reuses the 5-row block with clamped row indices (the extra rows are
 *       computed and dropped); a single leftover row uses the GEMV.</li>
 *   <li><b>GEMV</b> (1 row, the recurrent step): 8 vectors at a time, 8 independent accumulator chains (4 panels
 *       of 2 vectors on AVX2, 2 panels of 4 on AVX-512).</li>
 *   <li><b>Threads</b>: multi-row products of at least {@link KernelThreads#MIN_SPLIT_MACS} multiply-adds are split
 *       over panels between {@link KernelThreads#threads()} threads.</li>
 * </ul>
 *
 * <p><b>JIT.</b> The hot methods are kept small enough for C1's tier-3 compile to succeed: when it fails
 * ("out of virtual registers") after a tier-2 compile, HotSpot can leave the method at tier 2 — C1 code without
 * vector intrinsics, ~100× slower — for good. C2 has a budget too: each Vector API call inlines a long chain of
 * methods, and past the budget the remaining calls are left as calls on boxed vectors (~10× slower, no error). The
 * 5×4 block first had 20 {@code zero()} calls and 20 bias loads and ran at 12 GFLOP/s; with one zero and 4 bias
 * loads it runs at full speed. {@code KernelsTest} checks the speed after {@link Kernels#warmUp()}.
 *
 * <p><b>Summation order.</b> Every path computes each output as one chain {@code acc = fma(W[j][k], x[k], acc)} for
 * {@code k = 0, 1, …, K−1} from {@code acc = 0}, then {@code acc + bias[j]}. So an output's bits depend only on its
 * own row of {@code x} and of {@code W}: the same for any number of rows in the call, any block it falls in, and
 * any thread count — and any vector width, since a fused multiply-add is correctly rounded: 256- and 512-bit
 * vectors give the same bits ({@code VectorFloatKernelTest} checks every output against the chain written with
 * {@link Math#fma}; the build runs the kernel tests a second time with {@code -XX:UseAVX=2}). Against the scalar
 * reference (separate multiply and add) it differs only by rounding: each is
 * within {@code γ_(K+1)·(Σ|x||w| + |b|)} of the exact value, {@code γ_n = n·u/(1−n·u)}, {@code u = 2⁻²⁴}.
 */
public final class VectorFloatKernel implements FloatKernel {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector. */
    static final int L = S.length();
    /**
     * Vectors per panel row, which is also the GEMM block's width: 4 with 512-bit vectors (a 5×4 block, 20
     * accumulators of AVX-512's 32 registers), 2 otherwise (AVX2's 5×2 block, 10 of its 16).
     */
    static final int V = L >= 16 ? 4 : 2;
    /** Output columns per panel. */
    static final int P = V * L;

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public FloatMatrix prepare(float[] weight, int outputs, int inputs) {
        Shapes.requireMatrix(weight, outputs, inputs);
        return new Matrix(pack(weight, outputs, inputs), outputs, inputs);
    }

    /**
     * {@code W[outputs][inputs]} row-major → {@code Wp[panel][k][P]}: panel {@code p} holds columns
     * {@code firstColumn(p) ..+P}; with {@code outputs < P} the single panel is zero-padded.
     */
    static float[] pack(float[] weight, int outputs, int inputs) {
        int panels = panels(outputs);
        long size = (long) panels * inputs * P;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("matrix of " + outputs + "x" + inputs + " is too large to pack");
        }
        float[] packed = new float[(int) size];
        for (int p = 0; p < panels; p++) {
            int first = firstColumn(p, outputs);
            int width = Math.min(P, outputs - first);
            for (int c = 0; c < width; c++) {
                int row = (first + c) * inputs;
                int base = p * inputs * P + c;
                for (int k = 0; k < inputs; k++) {
                    packed[base + k * P] = weight[row + k];
                }
            }
        }
        return packed;
    }

    /** The first output column of panel {@code p}: {@code p·P}, except a last panel shifted to end at N. */
    static int firstColumn(int p, int outputs) {
        return Math.max(0, Math.min(p * P, outputs - P));
    }

    static int panels(int outputs) {
        return (outputs + P - 1) / P;
    }

    static final class Matrix implements FloatMatrix {

        private final float[] wp;
        private final int outputs;
        private final int inputs;
        private final int panels;

        Matrix(float[] wp, int outputs, int inputs) {
            this.wp = wp;
            this.outputs = outputs;
            this.inputs = inputs;
            this.panels = panels(outputs);
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
        public void multiply(float[] x, int rows, float[] bias, float[] y) {
            if (rows <= 0) {
                if (rows < 0) {
                    throw new IllegalArgumentException("rows must not be negative, got " + rows);
                }
                return;
            }
            if (x.length < (long) rows * inputs || y.length < (long) rows * outputs || bias.length < outputs) {
                throw new IllegalArgumentException("multiply " + rows + "x" + inputs + " → " + outputs
                        + ": x has " + x.length + ", y " + y.length + ", bias " + bias.length + " values");
            }
            if (outputs < P) {
                narrow(x, rows, bias, y);
                return;
            }
            if (rows == 1) {
                gemvRow(x, 0, bias, y, 0, 0, panels);
                return;
            }
            // One small task object per split product (not per panel): the price of a generic pool.
            if (KernelThreads.threads() > 1 && KernelThreads.tryParallel(panels, (long) rows * inputs * outputs,
                    (from, to) -> multiplyPanels(x, rows, bias, y, from, to))) {
                return;
            }
            multiplyPanels(x, rows, bias, y, 0, panels);
        }

        /** All rows, output panels {@code [fromPanel, toPanel)}; called by the pool for its part. */
        void multiplyPanels(float[] x, int rows, float[] bias, float[] y, int fromPanel, int toPanel) {
            int full = rows - rows % 5;
            int rest = rows - full;
            for (int p = fromPanel; p < toPanel; p++) {
                for (int r = 0; r < full; r += 5) {
                    block(x, r, 5, bias, y, p);
                }
                if (rest >= 2) {
                    block(x, full, rest, bias, y, p);
                }
            }
            if (rest == 1) {
                gemvRow(x, full * inputs, bias, y, full * outputs, fromPanel, toPanel);
            }
        }

        /** One GEMM block of panel {@code p}; {@code V} is a constant, so C2 keeps one branch. */
        private void block(float[] x, int r, int count, float[] bias, float[] y, int p) {
            if (V == 4) {
                block5x4(x, r, count, bias, y, p);
            } else {
                block5x2(x, r, count, bias, y, p);
            }
        }

        /**
         * Rows {@code r .. r+count−1} ({@code count ≤ 5}) of panel {@code p}: 5 rows × 4 vectors of accumulators
         * (20, plus 4 weight vectors and a broadcast: 25 of AVX-512's 32). With fewer than 5 rows the last row is
         * repeated and only {@code count} rows are stored.
         */
        private void block5x4(float[] x, int r, int count, float[] bias, float[] y, int p) {
            final int k1 = inputs;
            final int last = r + count - 1;
            final int x0 = r * k1;
            final int x1 = Math.min(r + 1, last) * k1;
            final int x2 = Math.min(r + 2, last) * k1;
            final int x3 = Math.min(r + 3, last) * k1;
            final int x4 = Math.min(r + 4, last) * k1;
            final float[] w = wp;
            int wi = p * k1 * P;
            // One zero for all 20 and one bias load per column vector: every Vector API call inlines a long chain,
            // and past C2's inlining budget the rest are calls on boxed vectors (~10× slower, see the class note).
            final FloatVector z = FloatVector.zero(S);
            FloatVector a00 = z, a01 = z, a02 = z, a03 = z;
            FloatVector a10 = z, a11 = z, a12 = z, a13 = z;
            FloatVector a20 = z, a21 = z, a22 = z, a23 = z;
            FloatVector a30 = z, a31 = z, a32 = z, a33 = z;
            FloatVector a40 = z, a41 = z, a42 = z, a43 = z;
            for (int k = 0; k < k1; k++, wi += P) {
                FloatVector w0 = FloatVector.fromArray(S, w, wi);
                FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
                FloatVector w2 = FloatVector.fromArray(S, w, wi + 2 * L);
                FloatVector w3 = FloatVector.fromArray(S, w, wi + 3 * L);
                FloatVector v = FloatVector.broadcast(S, x[x0 + k]);
                a00 = w0.fma(v, a00);
                a01 = w1.fma(v, a01);
                a02 = w2.fma(v, a02);
                a03 = w3.fma(v, a03);
                v = FloatVector.broadcast(S, x[x1 + k]);
                a10 = w0.fma(v, a10);
                a11 = w1.fma(v, a11);
                a12 = w2.fma(v, a12);
                a13 = w3.fma(v, a13);
                v = FloatVector.broadcast(S, x[x2 + k]);
                a20 = w0.fma(v, a20);
                a21 = w1.fma(v, a21);
                a22 = w2.fma(v, a22);
                a23 = w3.fma(v, a23);
                v = FloatVector.broadcast(S, x[x3 + k]);
                a30 = w0.fma(v, a30);
                a31 = w1.fma(v, a31);
                a32 = w2.fma(v, a32);
                a33 = w3.fma(v, a33);
                v = FloatVector.broadcast(S, x[x4 + k]);
                a40 = w0.fma(v, a40);
                a41 = w1.fma(v, a41);
                a42 = w2.fma(v, a42);
                a43 = w3.fma(v, a43);
            }
            final int j = firstColumn(p, outputs);
            final FloatVector b0 = FloatVector.fromArray(S, bias, j);
            final FloatVector b1 = FloatVector.fromArray(S, bias, j + L);
            final FloatVector b2 = FloatVector.fromArray(S, bias, j + 2 * L);
            final FloatVector b3 = FloatVector.fromArray(S, bias, j + 3 * L);
            int yi = r * outputs + j;
            a00.add(b0).intoArray(y, yi);
            a01.add(b1).intoArray(y, yi + L);
            a02.add(b2).intoArray(y, yi + 2 * L);
            a03.add(b3).intoArray(y, yi + 3 * L);
            if (count > 1) {
                yi += outputs;
                a10.add(b0).intoArray(y, yi);
                a11.add(b1).intoArray(y, yi + L);
                a12.add(b2).intoArray(y, yi + 2 * L);
                a13.add(b3).intoArray(y, yi + 3 * L);
            }
            if (count > 2) {
                yi += outputs;
                a20.add(b0).intoArray(y, yi);
                a21.add(b1).intoArray(y, yi + L);
                a22.add(b2).intoArray(y, yi + 2 * L);
                a23.add(b3).intoArray(y, yi + 3 * L);
            }
            if (count > 3) {
                yi += outputs;
                a30.add(b0).intoArray(y, yi);
                a31.add(b1).intoArray(y, yi + L);
                a32.add(b2).intoArray(y, yi + 2 * L);
                a33.add(b3).intoArray(y, yi + 3 * L);
            }
            if (count > 4) {
                yi += outputs;
                a40.add(b0).intoArray(y, yi);
                a41.add(b1).intoArray(y, yi + L);
                a42.add(b2).intoArray(y, yi + 2 * L);
                a43.add(b3).intoArray(y, yi + 3 * L);
            }
        }

        /** {@code y[yi + c] = a[c] + bias[j + c]} for the 4 vectors of one panel row. */
        private static void store4(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3, float[] bias,
                                   int j, float[] y, int yi) {
            a0.add(FloatVector.fromArray(S, bias, j)).intoArray(y, yi);
            a1.add(FloatVector.fromArray(S, bias, j + L)).intoArray(y, yi + L);
            a2.add(FloatVector.fromArray(S, bias, j + 2 * L)).intoArray(y, yi + 2 * L);
            a3.add(FloatVector.fromArray(S, bias, j + 3 * L)).intoArray(y, yi + 3 * L);
        }

        /**
         * Rows {@code r .. r+count−1} ({@code count ≤ 5}) of panel {@code p}: 5 rows × 2 vectors of accumulators.
         * With fewer than 5 rows the last row is repeated and only {@code count} rows are stored.
         */
        private void block5x2(float[] x, int r, int count, float[] bias, float[] y, int p) {
            final int k1 = inputs;
            final int last = r + count - 1;
            final int x0 = r * k1;
            final int x1 = Math.min(r + 1, last) * k1;
            final int x2 = Math.min(r + 2, last) * k1;
            final int x3 = Math.min(r + 3, last) * k1;
            final int x4 = Math.min(r + 4, last) * k1;
            final float[] w = wp;
            int wi = p * k1 * P;
            FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S);
            FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S);
            FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S);
            FloatVector a30 = FloatVector.zero(S), a31 = FloatVector.zero(S);
            FloatVector a40 = FloatVector.zero(S), a41 = FloatVector.zero(S);
            for (int k = 0; k < k1; k++, wi += P) {
                FloatVector w0 = FloatVector.fromArray(S, w, wi);
                FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
                FloatVector v = FloatVector.broadcast(S, x[x0 + k]);
                a00 = w0.fma(v, a00);
                a01 = w1.fma(v, a01);
                v = FloatVector.broadcast(S, x[x1 + k]);
                a10 = w0.fma(v, a10);
                a11 = w1.fma(v, a11);
                v = FloatVector.broadcast(S, x[x2 + k]);
                a20 = w0.fma(v, a20);
                a21 = w1.fma(v, a21);
                v = FloatVector.broadcast(S, x[x3 + k]);
                a30 = w0.fma(v, a30);
                a31 = w1.fma(v, a31);
                v = FloatVector.broadcast(S, x[x4 + k]);
                a40 = w0.fma(v, a40);
                a41 = w1.fma(v, a41);
            }
            final int n = outputs;
            final int j = firstColumn(p, n);
            FloatVector b0 = FloatVector.fromArray(S, bias, j);
            FloatVector b1 = FloatVector.fromArray(S, bias, j + L);
            int yi = r * n + j;
            a00.add(b0).intoArray(y, yi);
            a01.add(b1).intoArray(y, yi + L);
            if (count > 1) {
                yi += n;
                a10.add(b0).intoArray(y, yi);
                a11.add(b1).intoArray(y, yi + L);
            }
            if (count > 2) {
                yi += n;
                a20.add(b0).intoArray(y, yi);
                a21.add(b1).intoArray(y, yi + L);
            }
            if (count > 3) {
                yi += n;
                a30.add(b0).intoArray(y, yi);
                a31.add(b1).intoArray(y, yi + L);
            }
            if (count > 4) {
                yi += n;
                a40.add(b0).intoArray(y, yi);
                a41.add(b1).intoArray(y, yi + L);
            }
        }

        /** One row over panels {@code [fromPanel, toPanel)}: 8 vectors (2 or 4 panels) at a time. */
        private void gemvRow(float[] x, int xi, float[] bias, float[] y, int yi, int fromPanel, int toPanel) {
            if (V == 4) {
                gemv2x4(x, xi, bias, y, yi, fromPanel, toPanel);
            } else {
                gemv(x, xi, bias, y, yi, fromPanel, toPanel);
            }
        }

        /**
         * One row ({@code x[xi ..]} → {@code y[yi ..]}) over panels {@code [fromPanel, toPanel)} of 4 vectors: 2
         * panels at a time, 8 independent accumulator chains. When one panel is left it is done twice (the same
         * bits stored twice).
         */
        private void gemv2x4(float[] x, int xi, float[] bias, float[] y, int yi, int fromPanel, int toPanel) {
            final int k1 = inputs;
            final int stride = k1 * P;
            final float[] w = wp;
            final int lastPanel = toPanel - 1;
            for (int p = fromPanel; p < toPanel; p += 2) {
                int p1 = Math.min(p + 1, lastPanel);
                int w0 = p * stride;
                int w1 = p1 * stride;
                FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
                FloatVector a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
                FloatVector a4 = FloatVector.zero(S), a5 = FloatVector.zero(S);
                FloatVector a6 = FloatVector.zero(S), a7 = FloatVector.zero(S);
                for (int k = 0, o = 0; k < k1; k++, o += P) {
                    FloatVector v = FloatVector.broadcast(S, x[xi + k]);
                    a0 = FloatVector.fromArray(S, w, w0 + o).fma(v, a0);
                    a1 = FloatVector.fromArray(S, w, w0 + o + L).fma(v, a1);
                    a2 = FloatVector.fromArray(S, w, w0 + o + 2 * L).fma(v, a2);
                    a3 = FloatVector.fromArray(S, w, w0 + o + 3 * L).fma(v, a3);
                    a4 = FloatVector.fromArray(S, w, w1 + o).fma(v, a4);
                    a5 = FloatVector.fromArray(S, w, w1 + o + L).fma(v, a5);
                    a6 = FloatVector.fromArray(S, w, w1 + o + 2 * L).fma(v, a6);
                    a7 = FloatVector.fromArray(S, w, w1 + o + 3 * L).fma(v, a7);
                }
                int j0 = firstColumn(p, outputs);
                int j1 = firstColumn(p1, outputs);
                store4(a0, a1, a2, a3, bias, j0, y, yi + j0);
                store4(a4, a5, a6, a7, bias, j1, y, yi + j1);
            }
        }

        /**
         * One row ({@code x[xi ..]} → {@code y[yi ..]}) over panels {@code [fromPanel, toPanel)} of 2 vectors: 4 panels at a time,
         * 8 independent accumulator chains. When fewer than 4 panels are left the last one is repeated (computed
         * and stored again with the same bits), so there is one loop and no tail code.
         */
        private void gemv(float[] x, int xi, float[] bias, float[] y, int yi, int fromPanel, int toPanel) {
            final int k1 = inputs;
            final int stride = k1 * P;
            final float[] w = wp;
            final int lastPanel = toPanel - 1;
            for (int p = fromPanel; p < toPanel; p += 4) {
                int p1 = Math.min(p + 1, lastPanel);
                int p2 = Math.min(p + 2, lastPanel);
                int p3 = Math.min(p + 3, lastPanel);
                int w0 = p * stride;
                int w1 = p1 * stride;
                int w2 = p2 * stride;
                int w3 = p3 * stride;
                FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
                FloatVector a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
                FloatVector a4 = FloatVector.zero(S), a5 = FloatVector.zero(S);
                FloatVector a6 = FloatVector.zero(S), a7 = FloatVector.zero(S);
                for (int k = 0, o = 0; k < k1; k++, o += P) {
                    FloatVector v = FloatVector.broadcast(S, x[xi + k]);
                    a0 = FloatVector.fromArray(S, w, w0 + o).fma(v, a0);
                    a1 = FloatVector.fromArray(S, w, w0 + o + L).fma(v, a1);
                    a2 = FloatVector.fromArray(S, w, w1 + o).fma(v, a2);
                    a3 = FloatVector.fromArray(S, w, w1 + o + L).fma(v, a3);
                    a4 = FloatVector.fromArray(S, w, w2 + o).fma(v, a4);
                    a5 = FloatVector.fromArray(S, w, w2 + o + L).fma(v, a5);
                    a6 = FloatVector.fromArray(S, w, w3 + o).fma(v, a6);
                    a7 = FloatVector.fromArray(S, w, w3 + o + L).fma(v, a7);
                }
                int j0 = firstColumn(p, outputs);
                int j1 = firstColumn(p1, outputs);
                int j2 = firstColumn(p2, outputs);
                int j3 = firstColumn(p3, outputs);
                a0.add(FloatVector.fromArray(S, bias, j0)).intoArray(y, yi + j0);
                a1.add(FloatVector.fromArray(S, bias, j0 + L)).intoArray(y, yi + j0 + L);
                a2.add(FloatVector.fromArray(S, bias, j1)).intoArray(y, yi + j1);
                a3.add(FloatVector.fromArray(S, bias, j1 + L)).intoArray(y, yi + j1 + L);
                a4.add(FloatVector.fromArray(S, bias, j2)).intoArray(y, yi + j2);
                a5.add(FloatVector.fromArray(S, bias, j2 + L)).intoArray(y, yi + j2 + L);
                a6.add(FloatVector.fromArray(S, bias, j3)).intoArray(y, yi + j3);
                a7.add(FloatVector.fromArray(S, bias, j3 + L)).intoArray(y, yi + j3 + L);
            }
        }

        /**
         * Fewer outputs than one panel: a scalar loop over the zero-padded panel with the vector paths' summation
         * order ({@code Math.fma} over k from 0, then the bias), so results are the same bits.
         */
        private void narrow(float[] x, int rows, float[] bias, float[] y) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < outputs; j++) {
                    float acc = 0f;
                    for (int k = 0, wi = j; k < inputs; k++, wi += P) {
                        acc = Math.fma(wp[wi], x[r * inputs + k], acc);
                    }
                    y[r * outputs + j] = acc + bias[j];
                }
            }
        }
    }
}
