package org.qlstm.nn.eval;

/**
 * The outcome of {@link Evaluator#evaluate}.
 *
 * @param loss         mean cross-entropy per prediction, as the tutorial's {@code evaluate} returns it
 * @param predictions  number of predicted tokens ({@code (rows − 1) × batch})
 * @param chunkLengths each chunk's length (rows)
 * @param chunkLosses  each chunk's mean cross-entropy
 * @param seconds      wall-clock seconds of the evaluation
 */
public record EvalResult(double loss, long predictions, int[] chunkLengths, double[] chunkLosses, double seconds) {

    /** {@code exp(loss)}. */
    public double perplexity() {
        return Math.exp(loss);
    }
}
