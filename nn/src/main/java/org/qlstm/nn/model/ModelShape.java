package org.qlstm.nn.model;

/**
 * The sizes of the tutorial's language model: {@code Embedding(tokens, embeddingSize) → LSTM(embeddingSize,
 * hiddenSize, layers) → Linear(hiddenSize, tokens)}.
 *
 * @param tokens        vocabulary size ({@code ntoken})
 * @param embeddingSize embedding width ({@code ninp})
 * @param hiddenSize    LSTM hidden units ({@code nhid})
 * @param layers        LSTM layers ({@code nlayers})
 */
public record ModelShape(int tokens, int embeddingSize, int hiddenSize, int layers) {

    /** Checks that every size is positive. */
    public ModelShape {
        if (tokens <= 0 || embeddingSize <= 0 || hiddenSize <= 0 || layers <= 0) {
            throw new IllegalArgumentException("model sizes must be positive: " + tokens + ", " + embeddingSize
                    + ", " + hiddenSize + ", " + layers);
        }
    }

    /** Number of float parameters, as PyTorch counts them. */
    public long parameterCount() {
        long h4 = 4L * hiddenSize;
        long lstm = h4 * embeddingSize + (layers - 1) * h4 * hiddenSize + layers * (h4 * hiddenSize + 2 * h4);
        return (long) tokens * embeddingSize + lstm + (long) tokens * hiddenSize + tokens;
    }
}
