package org.qlstm.nn.model;

/**
 * Runs a {@link LanguageModel} over consecutive chunks, carrying the LSTM state from one chunk to the next (as the
 * tutorial's evaluation does). Owns every buffer, so repeated calls allocate nothing once the largest chunk has
 * been seen. Not thread-safe: use one session per thread.
 */
public final class InferenceSession {

    private final LanguageModel model;
    private final ModelShape shape;
    private final int batch;
    private final float[][] h;
    private final float[][] c;
    private final float[] gates;
    private int capacitySteps;
    private float[] embedded;
    private float[][] layerOutputs;
    private float[] inputProjection;
    private float[] logits;

    InferenceSession(LanguageModel model, int batch) {
        if (batch <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batch);
        }
        this.model = model;
        this.shape = model.shape();
        this.batch = batch;
        int layers = shape.layers();
        int stateSize = batch * shape.hiddenSize();
        this.h = new float[layers][stateSize];
        this.c = new float[layers][stateSize];
        this.gates = new float[batch * 4 * shape.hiddenSize()];
        this.layerOutputs = new float[layers][];
        ensureCapacity(1);
    }

    /** The number of parallel sequences. */
    public int batch() {
        return batch;
    }

    /** The model this session runs. */
    public LanguageModel model() {
        return model;
    }

    /** Sets the state back to zero. */
    public void reset() {
        for (int l = 0; l < shape.layers(); l++) {
            java.util.Arrays.fill(h[l], 0f);
            java.util.Arrays.fill(c[l], 0f);
        }
    }

    /**
     * Runs one chunk and returns its logits.
     *
     * @param tokens {@code steps × batch} token ids, step-major (row t holds the B tokens of step t)
     * @param steps  the chunk length {@code T}
     * @return {@code steps × batch × tokens} logits, step-major; the array is reused by the next call
     */
    public float[] forward(int[] tokens, int steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException("a chunk needs at least one step, got " + steps);
        }
        int rows = steps * batch;
        if (tokens.length < rows) {
            throw new IllegalArgumentException("chunk of " + steps + "x" + batch + " needs " + rows
                    + " token ids, got " + tokens.length);
        }
        ensureCapacity(steps);
        model.embedding().lookup(tokens, rows, embedded);
        float[] input = embedded;
        for (int l = 0; l < shape.layers(); l++) {
            model.layers().get(l).forward(input, steps, batch, h[l], c[l], layerOutputs[l], inputProjection, gates);
            input = layerOutputs[l];
        }
        model.decoder().project(input, rows, logits);
        return logits;
    }

    /**
     * Sets layer {@code l}'s state, e.g. to continue from a state recorded elsewhere.
     *
     * @param h hidden state, {@code batch × hidden} values (copied)
     * @param c cell state, {@code batch × hidden} values (copied)
     */
    public void setState(int l, float[] h, float[] c) {
        if (h.length != this.h[l].length || c.length != this.c[l].length) {
            throw new IllegalArgumentException("layer " + l + " state needs " + this.h[l].length
                    + " values for h and c, got " + h.length + " and " + c.length);
        }
        System.arraycopy(h, 0, this.h[l], 0, h.length);
        System.arraycopy(c, 0, this.c[l], 0, c.length);
    }

    /** A copy of layer {@code l}'s hidden state, {@code batch × hidden}. */
    public float[] hidden(int l) {
        return h[l].clone();
    }

    /** A copy of layer {@code l}'s cell state, {@code batch × hidden}. */
    public float[] cell(int l) {
        return c[l].clone();
    }

    /**
     * Layer {@code l}'s outputs of the last chunk, {@code steps × batch × hidden} (a view; reused by the next
     * call; longer than the chunk when an earlier chunk was longer).
     */
    public float[] layerOutput(int l) {
        return layerOutputs[l];
    }

    private void ensureCapacity(int steps) {
        if (steps <= capacitySteps) {
            return;
        }
        int rows = steps * batch;
        embedded = new float[rows * shape.embeddingSize()];
        for (int l = 0; l < shape.layers(); l++) {
            layerOutputs[l] = new float[rows * shape.hiddenSize()];
        }
        inputProjection = new float[rows * 4 * shape.hiddenSize()];
        logits = new float[Math.multiplyExact(rows, shape.tokens())];
        capacitySteps = steps;
    }
}
