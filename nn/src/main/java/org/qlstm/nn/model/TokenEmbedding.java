package org.qlstm.nn.model;

/**
 * The seam for a model's token embedding: the float {@link Embedding} or an int8 one (quant's
 * {@code QuantizedEmbedding}). Implementations are immutable and thread-safe.
 */
public interface TokenEmbedding {

    /** Vocabulary size. */
    int tokens();

    /** Embedding width. */
    int dim();

    /**
     * Writes the rows of {@code ids[0..count)} into {@code out}, one row of {@link #dim()} values per id.
     *
     * @throws IllegalArgumentException if an id is outside the vocabulary
     */
    void lookup(int[] ids, int count, float[] out);

    /** Bytes the parameters take. */
    long parameterBytes();

    /** The module as PyTorch prints it. */
    String describe();
}
