package org.qlstm.nn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Numerically safe log-softmax pieces: the maximum is subtracted before {@code exp}, so no logit overflows.
 *
 * <p>{@code log Σ exp(x − max)} is accumulated in float32 vector lanes (as PyTorch's vectorized CPU kernel does),
 * then finished in double, lane 0 first: exactly specified, so every JIT tier and run gives the same bits (the
 * float {@code reduceLanes(ADD)} used before has no fixed order, and the interpreter's and C2's differed, so the
 * evaluation's loss changed in its last digits from run to run). The lane count is part of the specification:
 * 256- and 512-bit vectors give different last bits. {@code exp} is a float polynomial (Cephes' {@code expf}: a
 * degree-5 polynomial on |r| ≤ ln2/2 after a two-part ln 2 reduction, ≈ 1 ulp) on the arguments {@code x − max ≤ 0},
 * clamped at −87 (so {@code 2ⁿ} stays a normal float; a term below e⁻⁸⁷ ≈ 1.6e-38 counts as that, against a sum of
 * at least 1). The Vector API's own {@code EXP} (the JDK's vector math stub on x86) measured about 10% faster here
 * (21.6 against 24 µs per 33,278-word row); this polynomial is kept because it is exactly specified arithmetic —
 * the same bits on every platform and JIT tier — and measured within 1 ulp of {@code Math.exp} on every 97th float
 * of its domain [−87, 0] ({@code LogSoftmaxTest}).
 *
 * <p>Error: each term is within ~1 ulp, and a row of {@code n} terms in [0, 1] spread over 8 lanes accumulates at
 * most {@code (n/8)·2⁻²⁴} relative error in the worst case on AVX2 (2.5e-4 for 33,278 words; typically about
 * {@code √(n/8)·2⁻²⁴} ≈ 4e-6); the log-sum-exp is then off by at most that much in absolute terms — far inside the
 * loss tolerances used against PyTorch. Tails (a length not divisible by the vector length) are masked lanes of the same code.
 */
public final class LogSoftmax {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final int L = S.length();

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds to an integer, which then sits in the low mantissa bits. */
    private static final float SHIFT = 0x1.8p23f;
    private static final float MIN_ARGUMENT = -87f;
    /** Cephes {@code expf}: {@code e^r ≈ 1 + r + r²·(P5 + r·(P4 + … + r·P0))} on |r| ≤ ln2/2. */
    private static final float P0 = 1.9875691500E-4f;
    private static final float P1 = 1.3981999507E-3f;
    private static final float P2 = 8.3334519073E-3f;
    private static final float P3 = 4.1665795894E-2f;
    private static final float P4 = 1.6666665459E-1f;
    private static final float P5 = 5.0000001201E-1f;

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
        // The exp is written out here with its constants hoisted: as a helper method it was ~3× slower (C2 gives
        // up inlining large Vector API methods, and a call that is not inlined boxes its vectors).
        FloatVector lowest = FloatVector.broadcast(S, MIN_ARGUMENT);
        FloatVector log2e = FloatVector.broadcast(S, LOG2E);
        FloatVector shift = FloatVector.broadcast(S, SHIFT);
        FloatVector ln2Hi = FloatVector.broadcast(S, -LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(S, -LN2_LO);
        FloatVector p0 = FloatVector.broadcast(S, P0);
        FloatVector p1 = FloatVector.broadcast(S, P1);
        FloatVector p2 = FloatVector.broadcast(S, P2);
        FloatVector p3 = FloatVector.broadcast(S, P3);
        FloatVector p4 = FloatVector.broadcast(S, P4);
        FloatVector p5 = FloatVector.broadcast(S, P5);
        FloatVector one = FloatVector.broadcast(S, 1f);
        IntVector bias = IntVector.broadcast(I, 127);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector d = FloatVector.fromArray(S, x, from + i).sub(vmax).max(lowest);
            FloatVector t = d.fma(log2e, shift);
            FloatVector k = t.sub(shift);
            FloatVector r = k.fma(ln2Hi, d);
            r = k.fma(ln2Lo, r);
            FloatVector p = p0.fma(r, p1).fma(r, p2).fma(r, p3).fma(r, p4).fma(r, p5);
            FloatVector e = p.fma(r.mul(r), r).add(one);
            FloatVector scale = t.reinterpretAsInts().add(bias).lanewise(VectorOperators.LSHL, 23)
                    .reinterpretAsFloats();
            acc = acc.add(e.mul(scale));
        }
        double sum = sumLanes(acc);
        if (i < n) {
            sum += tail(x, from + i, n - i, vmax);
        }
        return max + Math.log(sum);
    }

    private static double tail(float[] x, int from, int count, FloatVector vmax) {
        VectorMask<Float> mask = S.indexInRange(0, count);
        FloatVector e = expNonPositive(FloatVector.fromArray(S, x, from, mask).sub(vmax));
        return sumLanes(FloatVector.zero(S).lanewise(VectorOperators.ADD, e, mask));
    }

    /**
     * The lanes summed in double, lane 0 first. Not {@code reduceLanes(ADD)}: its float order is unspecified and
     * differed between the Java fallback (interpreter, C1) and C2's code, so the same row gave different bits
     * before and after compilation — and the evaluation's loss changed from run to run.
     */
    private static double sumLanes(FloatVector v) {
        double sum = 0;
        for (int lane = 0; lane < L; lane++) {
            sum += v.lane(lane);
        }
        return sum;
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

    /**
     * {@code exp(d)} for {@code d ≤ 0} (NaN stays NaN); below −87 it gives about e⁻⁸⁷. The same arithmetic as the
     * loop in {@link #logSumExp}, for the tail and for tests.
     */
    static FloatVector expNonPositive(FloatVector d) {
        FloatVector x = d.max(c(MIN_ARGUMENT));
        FloatVector t = x.fma(c(LOG2E), c(SHIFT));
        FloatVector n = t.sub(c(SHIFT));
        FloatVector r = n.fma(c(-LN2_HI), x);
        r = n.fma(c(-LN2_LO), r);
        FloatVector p = c(P0).fma(r, c(P1)).fma(r, c(P2)).fma(r, c(P3)).fma(r, c(P4)).fma(r, c(P5));
        FloatVector e = p.fma(r.mul(r), r).add(c(1f));
        FloatVector scale = t.reinterpretAsInts().add(IntVector.broadcast(I, 127)).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return e.mul(scale);
    }
}
