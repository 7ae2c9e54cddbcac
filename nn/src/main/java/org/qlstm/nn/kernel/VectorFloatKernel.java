package org.qlstm.nn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast float kernel (the {@code vector} choice, the default): the weight is packed once into panels of
 * {@code P = 2·L} output columns ({@code L} = lanes of the preferred vector: 8 floats on AVX2, so 16 columns, one
 * 64-byte line per input index), laid out {@code Wp[panel][k][P]}, so the hot loops have no masks and no tails.
 * When {@code N} is not a multiple of {@code P} the last panel is shifted left to end at column {@code N}
 * (columns {@code [N−P, N)}), overlapping the one before: the overlapping outputs are computed twice with the
 * same bits and stored twice, so every store is a full vector. A matrix narrower than one panel ({@code N < P})
 * is zero-padded and computed by a scalar loop with the same summation order (those are tiny).
 *
 * <ul>
 *   <li><b>GEMM</b> (2 or more rows): for each panel, blocks of 5 rows × 2 vectors keep 10 accumulators in
 *       registers (plus 2 weight vectors and a broadcast: 13 of AVX2's 16); 25 rows are 5 blocks. Measured on this
 *       AVX2 machine the 5×2 block beat 6×2, 4×3, 3×4 and 8..14×1. A last block of 2–4 rows reuses the 5-row block
 *       with clamped row indices (the extra rows are computed and dropped); a single leftover row uses the GEMV.</li>
 *   <li><b>GEMV</b> (1 row, the recurrent step): 4 panels at once, 8 independent accumulator chains.</li>
 *   <li><b>Threads</b>: multi-row products of at least {@link KernelThreads#MIN_SPLIT_MACS} multiply-adds are split
 *       over panels between {@link KernelThreads#threads()} threads.</li>
 * </ul>
 *
 * <p><b>JIT.</b> The hot methods are kept small enough for C1's tier-3 compile to succeed: when it fails
 * ("out of virtual registers") after a tier-2 compile, HotSpot can leave the method at tier 2 — C1 code without
 * vector intrinsics, ~100× slower — for good. {@code KernelsTest} checks the speed after {@link Kernels#warmUp()}.
 *
 * <p><b>Summation order.</b> Every path computes each output as one chain {@code acc = fma(W[j][k], x[k], acc)} for
 * {@code k = 0, 1, …, K−1} from {@code acc = 0}, then {@code acc + bias[j]}. So an output's bits depend only on its
 * own row of {@code x} and of {@code W}: the same for any number of rows in the call, any block it falls in, and
 * any thread count. Against the scalar reference (separate multiply and add) it differs only by rounding: each is
 * within {@code γ_(K+1)·(Σ|x||w| + |b|)} of the exact value, {@code γ_n = n·u/(1−n·u)}, {@code u = 2⁻²⁴}.
 */
public final class VectorFloatKernel implements FloatKernel {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector. */
    static final int L = S.length();
    /** Output columns per panel. */
    static final int P = 2 * L;

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
                gemv(x, 0, bias, y, 0, 0, panels);
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
                    block5x2(x, r, 5, bias, y, p);
                }
                if (rest >= 2) {
                    block5x2(x, full, rest, bias, y, p);
                }
            }
            if (rest == 1) {
                gemv(x, full * inputs, bias, y, full * outputs, fromPanel, toPanel);
            }
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

        /**
         * One row ({@code x[xi ..]} → {@code y[yi ..]}) over panels {@code [fromPanel, toPanel)}: 4 panels at a time,
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
