package org.qlstm.nn.model;

/** PyTorch's {@code nn.Embedding}: row {@code id} of a {@code [ntoken][dim]} float table. */
public final class Embedding implements TokenEmbedding {

    private final float[] table;
    private final int tokens;
    private final int dim;

    /**
     * @param table  {@code tokens × dim} values, row-major (copied)
     * @param tokens vocabulary size
     * @param dim    embedding width
     */
    public Embedding(float[] table, int tokens, int dim) {
        if (tokens <= 0 || dim <= 0 || (long) tokens * dim != table.length) {
            throw new IllegalArgumentException(
                    "embedding of " + tokens + "x" + dim + " cannot hold " + table.length + " values");
        }
        this.table = table.clone();
        this.tokens = tokens;
        this.dim = dim;
    }

    /** Vocabulary size. */
    @Override
    public int tokens() {
        return tokens;
    }

    /** Embedding width. */
    @Override
    public int dim() {
        return dim;
    }

    /** Copies the rows of {@code ids[0..count)} into {@code out}, one row of {@link #dim()} values per id. */
    @Override
    public void lookup(int[] ids, int count, float[] out) {
        for (int i = 0; i < count; i++) {
            int id = ids[i];
            if (id < 0 || id >= tokens) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + tokens);
            }
            System.arraycopy(table, id * dim, out, i * dim, dim);
        }
    }

    /** A copy of the table. */
    public float[] table() {
        return table.clone();
    }

    /** Bytes the table takes. */
    @Override
    public long parameterBytes() {
        return 4L * table.length;
    }

    /** {@code Embedding(tokens, dim)}, as PyTorch prints it. */
    @Override
    public String describe() {
        return "Embedding(" + tokens + ", " + dim + ")";
    }
}
