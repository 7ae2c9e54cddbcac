package org.qlstm.nn.eval;

import org.qlstm.nn.kernel.LogSoftmax;
import org.qlstm.nn.model.InferenceSession;
import org.qlstm.nn.model.LanguageModel;

/**
 * The tutorial's {@code evaluate}: the batched stream is cut into chunks of {@code bptt} rows; the state carries over
 * from chunk to chunk; each chunk contributes {@code length × mean cross-entropy}; the total is divided by
 * {@code rows − 1}. Cross-entropy of a row is {@code logΣexp(logits) − logits[target]}, summed in double.
 */
public final class Evaluator {

    private Evaluator() {
    }

    /**
     * Evaluates {@code model} on {@code tokens}.
     *
     * @param model     the model
     * @param tokens    the token stream (e.g. the test split)
     * @param bptt      chunk length (the tutorial uses 25)
     * @param batchSize number of columns (the tutorial uses 1)
     * @param progress  told the number of rows done after each chunk
     * @return the loss, per-chunk losses and timing
     */
    public static EvalResult evaluate(LanguageModel model, int[] tokens, int bptt, int batchSize,
                                      Progress progress) {
        if (bptt <= 0) {
            throw new IllegalArgumentException("bptt must be positive, got " + bptt);
        }
        Batches batches = Batches.batchify(tokens, batchSize);
        if (batches.rows() < 2) {
            throw new IllegalArgumentException("need at least 2 rows of " + batchSize
                    + " tokens to evaluate, got " + tokens.length + " tokens");
        }
        long start = System.nanoTime();
        int chunkCount = (batches.rows() - 1 + bptt - 1) / bptt;
        int[] lengths = new int[chunkCount];
        double[] losses = new double[chunkCount];
        int[] inputs = new int[bptt * batchSize];
        int[] targets = new int[bptt * batchSize];
        int vocabulary = model.shape().tokens();
        InferenceSession session = model.newSession(batchSize);
        double total = 0;
        int chunk = 0;
        for (int i = 0; i < batches.rows() - 1; i += bptt) {
            int length = batches.chunkLength(i, bptt);
            batches.inputs(i, length, inputs);
            batches.targets(i, length, targets);
            float[] logits = session.forward(inputs, length);
            double loss = meanCrossEntropy(logits, targets, length * batchSize, vocabulary);
            lengths[chunk] = length;
            losses[chunk] = loss;
            chunk++;
            total += length * loss;
            progress.update(i + length, batches.rows() - 1);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long predictions = (long) (batches.rows() - 1) * batchSize;
        return new EvalResult(total / (batches.rows() - 1), predictions, lengths, losses, seconds);
    }

    /** Mean over {@code rows} of {@code logΣexp(logits[r]) − logits[r][targets[r]]}. */
    public static double meanCrossEntropy(float[] logits, int[] targets, int rows, int vocabulary) {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            int base = r * vocabulary;
            int target = targets[r];
            if (target < 0 || target >= vocabulary) {
                throw new IllegalArgumentException("target " + target + " is outside the vocabulary of "
                        + vocabulary);
            }
            sum += LogSoftmax.logSumExp(logits, base, vocabulary) - logits[base + target];
        }
        return sum / rows;
    }
}
