package org.qlstm.nn.kernel;

/**
 * The LSTM's float32 nonlinearities, evaluated in double and rounded once, so each result is the float nearest the
 * exact value except in rare double-rounding cases. PyTorch's own float32 sigmoid and tanh are not correctly rounded
 * (up to 2 and 1 ulp), so parity with it is within a few ulps, never bit for bit.
 */
public final class Activations {

    private Activations() {
    }

    /** {@code σ(x) = 1 / (1 + e^(−x))}. */
    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-(double) x)));
    }

    /** {@code tanh(x)}. */
    public static float tanh(float x) {
        return (float) Math.tanh(x);
    }
}
