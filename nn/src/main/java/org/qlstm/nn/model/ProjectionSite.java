package org.qlstm.nn.model;

/**
 * Where a projection sits in the language model, named as PyTorch names its weight.
 *
 * @param kind  which projection
 * @param layer the LSTM layer, or 0 for the decoder
 */
public record ProjectionSite(Kind kind, int layer) {

    /** The three kinds of projection in the model. */
    public enum Kind {
        /** {@code rnn.weight_ih_lK}: a layer's input projection, called once per chunk. */
        LSTM_INPUT,
        /** {@code rnn.weight_hh_lK}: a layer's recurrent projection, called once per step. */
        LSTM_HIDDEN,
        /** {@code decoder.weight}: the output Linear. */
        DECODER
    }

    /** The PyTorch state_dict key of this projection's weight, e.g. {@code rnn.weight_ih_l0}. */
    public String weightName() {
        return switch (kind) {
            case LSTM_INPUT -> "rnn.weight_ih_l" + layer;
            case LSTM_HIDDEN -> "rnn.weight_hh_l" + layer;
            case DECODER -> "decoder.weight";
        };
    }

    /** The PyTorch state_dict key of this projection's bias, e.g. {@code rnn.bias_ih_l0}. */
    public String biasName() {
        return weightName().replace("weight", "bias");
    }

    @Override
    public String toString() {
        return weightName();
    }
}
