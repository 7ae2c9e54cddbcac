package org.qlstm.nn.eval;

/**
 * The tutorial's {@code batchify}: a token stream cut to a multiple of {@code batch} and laid out as
 * {@code rows × batch}, column b holding the b-th contiguous slice of the stream (PyTorch's
 * {@code data.narrow(0, 0, rows*batch).view(batch, -1).t()}).
 *
 * @param data  {@code rows × batch} token ids, row-major
 * @param rows  number of rows ({@code len(data_source)} in the tutorial)
 * @param batch number of columns
 */
public record Batches(int[] data, int rows, int batch) {

    /** Checks the layout. */
    public Batches {
        if (batch <= 0 || rows < 0 || (long) rows * batch != data.length) {
            throw new IllegalArgumentException("batches of " + rows + "x" + batch + " cannot hold " + data.length);
        }
    }

    /** Lays {@code tokens} out in {@code batch} columns, dropping the tail that does not fill a row. */
    public static Batches batchify(int[] tokens, int batch) {
        if (batch <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batch);
        }
        int rows = tokens.length / batch;
        int[] data = new int[rows * batch];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < rows; i++) {
                data[i * batch + b] = tokens[b * rows + i];
            }
        }
        return new Batches(data, rows, batch);
    }

    /** The tutorial's {@code get_batch} length: {@code min(bptt, rows − 1 − i)}. */
    public int chunkLength(int i, int bptt) {
        return Math.min(bptt, rows - 1 - i);
    }

    /** Copies rows {@code [i, i+length)} (the chunk's inputs) into {@code out}. */
    public void inputs(int i, int length, int[] out) {
        System.arraycopy(data, i * batch, out, 0, length * batch);
    }

    /** Copies rows {@code [i+1, i+1+length)} (the chunk's targets, flattened) into {@code out}. */
    public void targets(int i, int length, int[] out) {
        System.arraycopy(data, (i + 1) * batch, out, 0, length * batch);
    }
}
