package org.qlstm.nn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Numerically safe log-softmax pieces: the maximum is subtracted before {@code exp}, so no logit overflows.
 *
 * <p>{@code log Σ exp(x − max)} is accumulated in float32 vector lanes (as PyTorch's vectorized CPU kernel does),
 * four vectors at a time, then finished in double. {@code exp} is a float polynomial (Cephes' {@code expf}: a
 * degree-5 polynomial on |r| ≤ ln2/2 after a two-part ln 2 reduction, ≈ 1 ulp) on the arguments {@code x − max ≤ 0},
 * clamped at −87 (so {@code 2ⁿ} stays a normal float; a term below e⁻⁸⁷ ≈ 1.6e-38 counts as that, against a sum of
 * at least 1). The Vector API's own {@code EXP} is not intrinsified for 256-bit floats on AVX2 and was ~10× slower.
 *
 * <p>Error: each term is within ~1 ulp, and a row of {@code n} terms in [0, 1] spread over 32 lanes accumulates at
 * most {@code (n/32)·2⁻²⁴} relative error in the worst case (6.2e-5 for 33,278 words; typically about
 * {@code √(n/32)·2⁻²⁴} ≈ 2e-6); the log-sum-exp is then off by at most that much in absolute terms — far inside the loss tolerances used against
 * PyTorch. Tails (a length not divisible by the vector length) are masked lanes of the same code.
 */
public final class LogSoftmax {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds to an integer, which then sits in the low mantissa bits. */
    private static final float SHIFT = 0x1.8p23f;
    private static final float MIN_ARGUMENT = -87f;

    private LogSoftmax() {
    }

    /** The largest of {@code x[from .. from+n)}; NaN if any is NaN. */
    public static float max(float[] x, int from, int n) {
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector m1 = m0;
        FloatVector m2 = m0;
        FloatVector m3 = m0;
        int i = 0;
        for (; i + 4 * L <= n; i += 4 * L) {
            m0 = m0.max(FloatVector.fromArray(S, x, from + i));
            m1 = m1.max(FloatVector.fromArray(S, x, from + i + L));
            m2 = m2.max(FloatVector.fromArray(S, x, from + i + 2 * L));
            m3 = m3.max(FloatVector.fromArray(S, x, from + i + 3 * L));
        }
        for (; i + L <= n; i += L) {
            m0 = m0.max(FloatVector.fromArray(S, x, from + i));
        }
        if (i < n) {
            VectorMask<Float> mask = S.indexInRange(i, n);
            m1 = m1.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, from + i, mask), mask);
        }
        return m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
    }

    /** {@code log Σ exp(x[i])} over {@code x[from .. from+n)}, computed as {@code max + log Σ exp(x − max)}. */
    public static double logSumExp(float[] x, int from, int n) {
        float max = max(x, from, n);
        FloatVector vmax = FloatVector.broadcast(S, max);
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int i = 0;
        for (; i + 4 * L <= n; i += 4 * L) {
            a0 = a0.add(expNonPositive(FloatVector.fromArray(S, x, from + i).sub(vmax)));
            a1 = a1.add(expNonPositive(FloatVector.fromArray(S, x, from + i + L).sub(vmax)));
            a2 = a2.add(expNonPositive(FloatVector.fromArray(S, x, from + i + 2 * L).sub(vmax)));
            a3 = a3.add(expNonPositive(FloatVector.fromArray(S, x, from + i + 3 * L).sub(vmax)));
        }
        for (; i + L <= n; i += L) {
            a0 = a0.add(expNonPositive(FloatVector.fromArray(S, x, from + i).sub(vmax)));
        }
        if (i < n) {
            VectorMask<Float> mask = S.indexInRange(i, n);
            FloatVector e = expNonPositive(FloatVector.fromArray(S, x, from + i, mask).sub(vmax));
            a1 = a1.lanewise(VectorOperators.ADD, e, mask);
        }
        double sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        return max + Math.log(sum);
    }

    /** Writes {@code out[i] = x[i] − logSumExp(x)} for one row. */
    public static void logSoftmax(float[] x, int from, int n, double[] out) {
        double lse = logSumExp(x, from, n);
        for (int i = 0; i < n; i++) {
            out[i] = x[from + i] - lse;
        }
    }

    private static FloatVector c(float value) {
        return FloatVector.broadcast(S, value);
    }

    /** {@code exp(d)} for {@code d ≤ 0} (NaN stays NaN); below −87 it gives e⁻⁸⁷. */
    static FloatVector expNonPositive(FloatVector d) {
        FloatVector x = d.max(MIN_ARGUMENT);
        FloatVector t = x.fma(LOG2E, SHIFT);
        FloatVector n = t.sub(SHIFT);
        FloatVector r = n.fma(c(-LN2_HI), x);
        r = n.fma(c(-LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, 1.9875691500E-4f);
        p = p.fma(r, c(1.3981999507E-3f));
        p = p.fma(r, c(8.3334519073E-3f));
        p = p.fma(r, c(4.1665795894E-2f));
        p = p.fma(r, c(1.6666665459E-1f));
        p = p.fma(r, c(5.0000001201E-1f));
        FloatVector e = p.fma(r.mul(r), r).add(1f);
        FloatVector scale = t.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return e.mul(scale);
    }
}
