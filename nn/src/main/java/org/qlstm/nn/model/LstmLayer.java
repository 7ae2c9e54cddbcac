package org.qlstm.nn.model;

import org.qlstm.nn.kernel.LstmGates;

/**
 * One layer of PyTorch's {@code nn.LSTM}, with its two projections as the seam to float or int8 arithmetic.
 *
 * <p>For a chunk of {@code T} steps and {@code B} sequences, with {@code H} hidden units:
 * <pre>
 *   ih      = x · W_ihᵀ + b_ih                       one projection call over all T·B rows
 *   for t in 0..T−1:
 *     gates = (h · W_hhᵀ + b_hh) + ih[t]            one projection call per step, B rows
 *     i = σ(gates[0,H)),  f = σ(gates[H,2H)),  g = tanh(gates[2H,3H)),  o = σ(gates[3H,4H))
 *     c = f·c + i·g
 *     h = o · tanh(c)                               h is also the layer's output at step t
 * </pre>
 * This is PyTorch's CPU order of operations (its {@code FullLayer} precomputes the input projection, the cell adds
 * it to the hidden projection), and exactly the call pattern of its dynamic quantized LSTM, where each projection
 * call chooses one activation scale over all its rows. Every product and sum is rounded to float32
 * ({@code f*c + i*g} is two rounded products and a rounded sum, never fused). The element-wise step runs over
 * whole gate rows in {@link LstmGates#step} (Vector API; σ and tanh identical to the scalar reference on all float inputs).
 */
public final class LstmLayer {

    private final Projection inputProjection;
    private final Projection hiddenProjection;
    private final int hidden;

    /**
     * @param inputProjection  {@code W_ih, b_ih}: {@code in → 4H}
     * @param hiddenProjection {@code W_hh, b_hh}: {@code H → 4H}
     */
    public LstmLayer(Projection inputProjection, Projection hiddenProjection) {
        int gates = hiddenProjection.outputSize();
        if (gates % 4 != 0) {
            throw new IllegalArgumentException("LSTM gate width " + gates + " is not a multiple of 4");
        }
        this.hidden = gates / 4;
        if (hiddenProjection.inputSize() != hidden) {
            throw new IllegalArgumentException("hidden projection takes " + hiddenProjection.inputSize()
                    + " inputs, expected the hidden size " + hidden);
        }
        if (inputProjection.outputSize() != gates) {
            throw new IllegalArgumentException("input projection gives " + inputProjection.outputSize()
                    + " outputs, expected " + gates);
        }
        this.inputProjection = inputProjection;
        this.hiddenProjection = hiddenProjection;
    }

    /** The input-to-hidden projection ({@code weight_ih}, {@code bias_ih}). */
    public Projection inputProjection() {
        return inputProjection;
    }

    /** The hidden-to-hidden projection ({@code weight_hh}, {@code bias_hh}). */
    public Projection hiddenProjection() {
        return hiddenProjection;
    }

    /** Width of this layer's input. */
    public int inputSize() {
        return inputProjection.inputSize();
    }

    /** Number of hidden units {@code H}. */
    public int hiddenSize() {
        return hidden;
    }

    /**
     * Runs the layer over a chunk, updating the state in place.
     *
     * @param input  {@code steps × batch × inputSize()} values
     * @param steps  {@code T}
     * @param batch  {@code B}
     * @param h      hidden state, {@code B × H}, read and overwritten
     * @param c      cell state, {@code B × H}, read and overwritten
     * @param output receives {@code steps × batch × H} values (h at each step)
     * @param ih     scratch for the input projection, at least {@code steps × batch × 4H}
     * @param gates  scratch for one step's gates, at least {@code batch × 4H}
     */
    public void forward(float[] input, int steps, int batch, float[] h, float[] c, float[] output,
                        float[] ih, float[] gates) {
        int width = 4 * hidden;
        inputProjection.project(input, steps * batch, ih);
        for (int t = 0; t < steps; t++) {
            hiddenProjection.project(h, batch, gates);
            int ihBase = t * batch * width;
            for (int b = 0; b < batch; b++) {
                LstmGates.step(gates, b * width, ih, ihBase + b * width, c, h, b * hidden,
                        output, (t * batch + b) * hidden, hidden);
            }
        }
    }
}
