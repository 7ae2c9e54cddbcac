package org.qlstm.verify.quant;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Seeded random inputs for the quantization property tests: every test names its seed in failure messages, so a
 * failure is reproduced by running that seed again.
 */
final class QuantRandom {

    private QuantRandom() {
    }

    /** A generator for {@code seed}. */
    static UniformRandomProvider rng(long seed) {
        return RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
    }

    /** A finite float of any kind: normal at any magnitude, subnormal, ±0, huge, or a small integer. */
    static float anyFinite(UniformRandomProvider rng) {
        float sign = rng.nextBoolean() ? 1f : -1f;
        return switch (rng.nextInt(8)) {
            case 0 -> sign * 0f;
            case 1 -> sign * Float.intBitsToFloat(1 + rng.nextInt(0x7fffff)); // subnormal
            case 2 -> sign * (float) Math.pow(10, 30 + 8.5 * rng.nextDouble()); // huge, up to ~3e38
            case 3 -> sign * Float.MAX_VALUE * (float) rng.nextDouble();
            case 4 -> sign * rng.nextInt(300);
            default -> gaussian(rng, (float) Math.pow(10, -8 + 12 * rng.nextDouble()));
        };
    }

    /** A Gaussian float with standard deviation {@code sigma}. */
    static float gaussian(UniformRandomProvider rng, float sigma) {
        // Box–Muller; the generator has no nextGaussian of its own.
        double u = 1.0 - rng.nextDouble();
        double v = rng.nextDouble();
        return (float) (sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
    }

    /**
     * A vector of the kinds met in practice and at the edges: Gaussian around a random offset at a random scale,
     * all equal, all zero, with a few outliers, or mixed special values.
     */
    static float[] vector(UniformRandomProvider rng, int n) {
        float[] x = new float[n];
        int kind = rng.nextInt(6);
        float sigma = (float) Math.pow(10, -7 + 10 * rng.nextDouble());
        float offset = rng.nextBoolean() ? 0f : gaussian(rng, sigma * 3);
        for (int i = 0; i < n; i++) {
            x[i] = switch (kind) {
                case 0 -> offset; // all equal (possibly 0)
                case 1 -> 0f;
                case 2 -> anyFinite(rng);
                case 3 -> rng.nextInt(50) == 0 ? gaussian(rng, sigma * 1000) : gaussian(rng, sigma) + offset;
                default -> gaussian(rng, sigma) + offset;
            };
        }
        return x;
    }

    /** Minimum and maximum of a vector (NaN-free input). */
    static float[] minMax(float[] x) {
        float min = x[0];
        float max = x[0];
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new float[] {min, max};
    }
}
