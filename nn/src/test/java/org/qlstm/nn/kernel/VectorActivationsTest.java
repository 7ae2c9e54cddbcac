package org.qlstm.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Vectorized sigmoid/tanh against the scalar reference {@link Activations} (double-precision formula rounded once),
 * measured in ulps. The contract is ≤ 2 ulp; the measured maximum is printed.
 *
 * <p>By default a dense sample: every 509th float bit pattern over all 2³² (8.4 million inputs, all exponents:
 * ±0, subnormals, tiny, the active range, ±large, ±∞ and NaNs) plus every float in [−1/16, 1/16] that is a multiple
 * of 2⁻²⁴ and a list of edge values. With {@code -Dqlstm.exhaustive=true} every one of the 2³² floats is checked
 * (about a minute on two cores).
 */
class VectorActivationsTest {

    private static final int MAX_ULP = 2;
    private static final int BATCH = 4096;

    private interface ArrayFunction {
        void apply(float[] x, int from, float[] out, int to, int n);
    }

    private interface ScalarFunction {
        float apply(float x);
    }

    /** Max ulp distance and how many inputs were off by at least one ulp. */
    private record Result(long maxUlp, float worstInput, long inputs, long offByOne) {
        Result merge(Result o) {
            Result worst = o.maxUlp > maxUlp ? o : this;
            return new Result(worst.maxUlp, worst.worstInput, inputs + o.inputs, offByOne + o.offByOne);
        }
    }

    @Test
    void sigmoidWithinTwoUlpOfReference() throws Exception {
        Result r = check(VectorActivations::sigmoid, Activations::sigmoid);
        report("sigmoid", r);
        assertTrue(r.maxUlp <= MAX_ULP, "sigmoid max ulp " + r.maxUlp + " at " + r.worstInput);
    }

    @Test
    void tanhWithinTwoUlpOfReference() throws Exception {
        Result r = check(VectorActivations::tanh, Activations::tanh);
        report("tanh", r);
        assertTrue(r.maxUlp <= MAX_ULP, "tanh max ulp " + r.maxUlp + " at " + r.worstInput);
    }

    @Test
    void specialValues() {
        float[] x = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
                -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-30f, -1e-30f, 20f, -20f, 120f, -120f, -103f};
        float[] s = new float[x.length];
        float[] t = new float[x.length];
        VectorActivations.sigmoid(x, 0, s, 0, x.length);
        VectorActivations.tanh(x, 0, t, 0, x.length);
        assertEquals(0.5f, s[0]);
        assertEquals(0.5f, s[1]);
        assertTrue(Float.isNaN(s[2]));
        assertEquals(1f, s[3]);
        assertEquals(0f, s[4]);
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(t[0]), "tanh(+0) = +0");
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(t[1]), "tanh(−0) = −0");
        assertTrue(Float.isNaN(t[2]));
        assertEquals(1f, t[3]);
        assertEquals(-1f, t[4]);
        assertEquals(Float.MIN_VALUE, t[5]);
        assertEquals(-Float.MIN_VALUE, t[6]);
        assertEquals(1f, t[7]);
        assertEquals(-1f, t[8]);
        for (int i = 0; i < x.length; i++) {
            assertTrue(ulps(s[i], Activations.sigmoid(x[i])) <= MAX_ULP, "sigmoid(" + x[i] + ") = " + s[i]);
            assertTrue(ulps(t[i], Activations.tanh(x[i])) <= MAX_ULP, "tanh(" + x[i] + ") = " + t[i]);
        }
    }

    @Test
    void anyLengthAndOffsetUsesTheSameValues() {
        float[] x = new float[37];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i - 18) * 0.37f;
        }
        float[] whole = new float[x.length];
        VectorActivations.tanh(x, 0, whole, 0, x.length);
        for (int n = 0; n <= 9; n++) {
            float[] part = new float[n + 3];
            VectorActivations.tanh(x, 5, part, 3, n);
            for (int i = 0; i < n; i++) {
                assertEquals(whole[5 + i], part[3 + i]);
            }
            assertEquals(0f, part[0]);
        }
    }

    private static Result check(ArrayFunction vector, ScalarFunction reference) throws Exception {
        boolean exhaustive = Boolean.getBoolean("qlstm.exhaustive");
        int parts = exhaustive ? Runtime.getRuntime().availableProcessors() : 1;
        long stride = exhaustive ? 1 : 509;
        long total = 1L << 32;
        ExecutorService pool = Executors.newFixedThreadPool(parts);
        try {
            List<Future<Result>> futures = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                long from = total * p / parts;
                long to = total * (p + 1) / parts;
                futures.add(pool.submit(() -> scan(vector, reference, from, to, stride)));
            }
            Result result = extras(vector, reference);
            for (Future<Result> f : futures) {
                result = result.merge(f.get());
            }
            return result;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Bit patterns {@code from, from+stride, …} below {@code to} (as unsigned 32-bit values). */
    private static Result scan(ArrayFunction vector, ScalarFunction reference, long from, long to, long stride) {
        float[] x = new float[BATCH];
        float[] out = new float[BATCH];
        Result result = new Result(0, 0f, 0, 0);
        long bits = from;
        while (bits < to) {
            int n = 0;
            while (n < BATCH && bits < to) {
                x[n++] = Float.intBitsToFloat((int) bits);
                bits += stride;
            }
            result = result.merge(compare(vector, reference, x, out, n));
        }
        return result;
    }

    /** Every multiple of 2⁻²⁴ in [−1/16, 1/16] (where tanh and σ−½ are nearly linear) and edge values. */
    private static Result extras(ArrayFunction vector, ScalarFunction reference) {
        Result result = new Result(0, 0f, 0, 0);
        float[] x = new float[BATCH];
        float[] out = new float[BATCH];
        int n = 0;
        for (int i = -(1 << 20); i <= 1 << 20; i++) {
            x[n++] = i * 0x1p-24f;
            if (n == BATCH) {
                result = result.merge(compare(vector, reference, x, out, n));
                n = 0;
            }
        }
        float[] edges = {-104f, -103.97f, -88.72f, -87.33f, -20f, -9.01f, -0.5f, 0.5f, 9.01f, 16.6f, 17.33f, 20f,
                Math.nextDown(20f), Math.nextUp(20f), -Math.nextUp(20f)};
        for (float e : edges) {
            x[n++] = e;
        }
        return result.merge(compare(vector, reference, x, out, n));
    }

    private static Result compare(ArrayFunction vector, ScalarFunction reference, float[] x, float[] out, int n) {
        vector.apply(x, 0, out, 0, n);
        long max = 0;
        float worst = 0f;
        long off = 0;
        for (int i = 0; i < n; i++) {
            long d = ulps(out[i], reference.apply(x[i]));
            if (d > 0) {
                off++;
            }
            if (d > max) {
                max = d;
                worst = x[i];
            }
        }
        return new Result(max, worst, n, off);
    }

    /** Distance in representable floats; 0 for two NaNs, "infinite" for NaN against a number. */
    static long ulps(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
        }
        return Math.abs(ordinal(a) - ordinal(b));
    }

    private static long ordinal(float f) {
        int bits = Float.floatToRawIntBits(f);
        return bits < 0 ? -(long) (bits & 0x7fffffff) : bits;
    }

    private static void report(String name, Result r) {
        System.out.printf("vector %s vs Activations.%s: %s %,d inputs, max %d ulp (at %s), %,d off by ≥ 1 ulp%n",
                name, name, Boolean.getBoolean("qlstm.exhaustive") ? "exhaustive," : "dense sample,", r.inputs,
                r.maxUlp, r.worstInput, r.offByOne);
    }
}
