package org.qlstm.nn.eval;

import org.qlstm.nn.kernel.LogSoftmax;

/**
 * Draws from the distribution {@code p ∝ exp(logits / temperature)} (the tutorial's
 * {@code torch.multinomial(output.div(temperature).exp(), 1)}), numerically safe: the maximum is subtracted before
 * {@code exp}, so large logits or small temperatures never overflow.
 */
public final class Sampler {

    private final double[] weights;

    /** A sampler for a vocabulary of {@code size} words; reuses its weight buffer between draws. */
    public Sampler(int size) {
        this.weights = new double[size];
    }

    /**
     * Returns the sampled index.
     *
     * @param logits      the row of logits, from {@code from}, {@link #size()} values
     * @param from        where the row starts
     * @param temperature positive; 1 samples the model's distribution, smaller sharpens it
     * @param uniform     a uniform draw in [0, 1)
     */
    public int sample(float[] logits, int from, double temperature, double uniform) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
        }
        int n = weights.length;
        double max = LogSoftmax.max(logits, from, n);
        double total = 0;
        for (int i = 0; i < n; i++) {
            double w = Math.exp((logits[from + i] - max) / temperature);
            weights[i] = w;
            total += w;
        }
        double threshold = uniform * total;
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            cumulative += weights[i];
            if (threshold < cumulative) {
                return i;
            }
        }
        // Rounding can leave the threshold at the very top: take the last word with non-zero weight.
        for (int i = n - 1; i >= 0; i--) {
            if (weights[i] > 0) {
                return i;
            }
        }
        throw new IllegalStateException("no word has positive weight (non-finite logits?)");
    }

    /** The vocabulary size. */
    public int size() {
        return weights.length;
    }
}
