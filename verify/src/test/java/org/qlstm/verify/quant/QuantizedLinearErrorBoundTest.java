package org.qlstm.verify.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.qlstm.quant.DynamicQuantizedLinear;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QParams;
import org.qlstm.quant.Quantization;
import org.qlstm.quant.QuantizedWeight;
import org.qlstm.quant.kernel.ScalarInt8Kernel;

/**
 * The int8 linear layer of every engine stays within an error bound derived from the two scales and the L1 norms
 * of its inputs and weights.
 *
 * <p><b>The bound.</b> Write each input as {@code x_k = sa·a_k + e_k} with {@code a_k = xq_k − zp} and each weight as
 * {@code w_k = sw·q_k + d_k}. The activation round trip gives {@code |e_k| ≤ sa/2·(1+2^−11)} and the weight round
 * trip {@code |d_k| ≤ sw/2·(1+2^−16) + |w_k|·2^−22} (both derived in their property tests). Then
 * <pre>
 *   x_k·w_k − sa·sw·a_k·q_k = x_k·d_k + w_k·e_k − e_k·d_k,
 *   |·| ≤ |x_k|·sw/2 + |w_k|·sa/2 + sa·sw/4          (times 1 + 2^−10, plus |x_k·w_k|·2^−21, for the slack)
 * </pre>
 * and summing over k bounds {@code |(b + sa·sw·acc) − (b + Σ x_k·w_k)|}. The engine's final float operations add at
 * most a few roundings relative to {@code sa·sw·|acc| + |b|}: qnnpack and fbgemm round {@code f32(sa)}, the
 * multiplier, {@code (float) acc} (exact below 2^24), the product and the sum (≤ 5·2^−24); onednn rounds the double
 * scale's inverse, {@code 1/sw}, their product, {@code 1/bs}, {@code b·bs}, the sum and the product (≤ 8·2^−24).
 * The test allows {@code 2^−20·(sa·sw·|acc| + |b|)}, twice the worst of these, plus
 * {@code 4·2^−149·max(1, sa·sw)} because relative bounds do not hold for subnormal results: each rounding there is
 * off by up to half of {@link Float#MIN_VALUE}, and onednn's {@code b·bs} (with {@code bs ≈ 1/(sa·sw)}) can be
 * subnormal, its rounding then scaled back up by {@code 1/bs ≈ sa·sw}. The float reference is computed in double.
 */
class QuantizedLinearErrorBoundTest {

    private static final long SEED = 0x5eed_0004L;

    /** Absolute rounding of a few operations with subnormal results, some scaled by {@code sa·sw}. */
    private static double subnormalSlack(double sa, double sw) {
        return 4.0 * Float.MIN_VALUE * Math.max(1.0, sa * sw);
    }

    /** A vector of the property-test kinds, with magnitudes capped so that no output can overflow float32. */
    private static float[] bounded(UniformRandomProvider rng, int n, float cap) {
        float[] v = QuantRandom.vector(rng, n);
        for (int i = 0; i < n; i++) {
            if (Math.abs(v[i]) > cap) {
                v[i] = Math.copySign(cap * (float) rng.nextDouble(), v[i]);
            }
        }
        return v;
    }

    @Test
    void outputsStayWithinTheDerivedBound() {
        for (Engine engine : Engine.all()) {
            UniformRandomProvider rng = QuantRandom.rng(SEED);
            double worstRatio = 0;
            double worstError = 0;
            long outputs = 0;
            for (int t = 0; t < 400; t++) {
                int rows = 1 + rng.nextInt(6);
                int n = 1 + rng.nextInt(24);
                int k = 1 + rng.nextInt(t % 8 == 0 ? 512 : 64);
                float[] w = bounded(rng, n * k, 1e6f);
                float[] b = bounded(rng, n, 1e6f);
                float[] x = bounded(rng, rows * k, 1e24f);
                QuantizedWeight qw = Quantization.quantizeWeight(w, n, k);
                DynamicQuantizedLinear linear = new DynamicQuantizedLinear(qw, b, engine, new ScalarInt8Kernel());
                float[] y = new float[rows * n];
                QParams p = linear.linearDynamic(x, rows, true, y);
                double sa = p.scale();
                double sw = qw.scale();
                byte[] xq = new byte[x.length];
                engine.quantizeActivations(x, x.length, p, xq);
                byte[] q = qw.values();
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < n; j++) {
                        double reference = b[j];
                        double bound = 0;
                        long acc = 0;
                        for (int i = 0; i < k; i++) {
                            double xi = x[r * k + i];
                            double wi = w[j * k + i];
                            reference += xi * wi;
                            bound += (Math.abs(xi) * sw / 2 + Math.abs(wi) * sa / 2 + sa * sw / 4) * (1 + 0x1p-10)
                                    + Math.abs(xi * wi) * 0x1p-21;
                            acc += (long) ((xq[r * k + i] & 0xFF) - p.zeroPoint()) * q[j * k + i];
                        }
                        bound += 0x1p-20 * (sa * sw * Math.abs(acc) + Math.abs(b[j])) + subnormalSlack(sa, sw);
                        double error = Math.abs(y[r * n + j] - reference);
                        String where = String.format("seed %#x, case %d, %s: y[%d][%d] = %s, reference %s, "
                                + "|error| %.3e > bound %.3e (sa %s, sw %s)", SEED, t, engine, r, j, y[r * n + j],
                                reference, error, bound, sa, sw);
                        assertTrue(error <= bound, where);
                        if (bound > 0) {
                            worstRatio = Math.max(worstRatio, error / bound);
                        }
                        worstError = Math.max(worstError, error);
                        outputs++;
                    }
                }
            }
            System.out.printf("int8 linear %s: %d outputs within the L1 bound, worst |error|/bound %.3f%n", engine,
                    outputs, worstRatio);
        }
    }

    /**
     * On the 256 × 256 grid (every activation value of the quantized range times every int8 weight) there is no
     * quantization error at all: the activations come back as exactly their grid values and the output is
     * {@code b + sa·sw·(xq − zp)·q} up to the final float operations only.
     */
    @Test
    void onTheQuantizationGridOnlyTheFinalRoundingRemains() {
        UniformRandomProvider rng = QuantRandom.rng(SEED + 1);
        byte[] every = new byte[256];
        for (int i = 0; i < 256; i++) {
            every[i] = (byte) (i - 128);
        }
        for (Engine engine : Engine.all()) {
            int qmax = engine.honoursReduceRange() ? 127 : 255;
            double worst = 0;
            for (int t = 0; t < 100; t++) {
                float sw = (float) Math.pow(2, -20 + 30 * rng.nextDouble());
                float[] bias = bounded(rng, 256, 1e3f);
                DynamicQuantizedLinear linear = new DynamicQuantizedLinear(new QuantizedWeight(every, sw, 256, 1),
                        bias, engine, new ScalarInt8Kernel());
                // A grid with a random zero point and scale: x_r = (r − zp)·s for r = 0..qmax.
                int zp = rng.nextInt(qmax + 1);
                float s = (float) Math.pow(2, -10 + 20 * rng.nextDouble());
                float[] x = new float[qmax + 1];
                for (int r = 0; r <= qmax; r++) {
                    x[r] = Quantization.dequantize(r, s, zp);
                }
                float[] y = new float[(qmax + 1) * 256];
                QParams p = linear.linearDynamic(x, qmax + 1, true, y);
                byte[] xq = new byte[x.length];
                engine.quantizeActivations(x, x.length, p, xq);
                for (int r = 0; r <= qmax; r++) {
                    assertEquals(r - zp, (xq[r] & 0xFF) - p.zeroPoint(),
                            "seed " + (SEED + 1) + ": grid value " + r + " with " + p);
                    for (int j = 0; j < 256; j++) {
                        double exact = bias[j] + p.scale() * sw * (r - zp) * (j - 128);
                        double tolerance = 0x1p-20 * (Math.abs(p.scale() * sw * (r - zp) * (j - 128))
                                + Math.abs(bias[j])) + subnormalSlack(p.scale(), sw);
                        double error = Math.abs(y[r * 256 + j] - exact);
                        assertTrue(error <= tolerance, String.format("seed %#x, %s: y = %s, exact %s", SEED + 1,
                                engine, y[r * 256 + j], exact));
                        if (tolerance > 0) {
                            worst = Math.max(worst, error / tolerance);
                        }
                    }
                }
            }
            System.out.printf("int8 linear %s on the 256-value grids: worst |error|/final-rounding bound %.3f%n",
                    engine, worst);
        }
    }
}
