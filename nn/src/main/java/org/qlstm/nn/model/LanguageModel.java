package org.qlstm.nn.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The tutorial's word language model, immutable:
 * <pre>
 *   e      = Embedding[token]                        (dropout: identity in evaluation)
 *   h⁽⁰⁾   = e;   h⁽ˡ⁺¹⁾ = LSTM layer l (h⁽ˡ⁾)          (see {@link LstmLayer} for the gate equations)
 *   logits = h⁽ᴸ⁾ · W_decᵀ + b_dec                   (one decoder projection call over the whole chunk)
 * </pre>
 * The state starts at zero. Run it through an {@link InferenceSession}, which owns the state and the buffers.
 */
public final class LanguageModel {

    /** Maps each projection of a model to its replacement; the identity keeps it. */
    @FunctionalInterface
    public interface ProjectionMapper {
        /** Returns the projection to use at {@code site} in place of {@code projection}. */
        Projection map(ProjectionSite site, Projection projection);
    }

    private final TokenEmbedding embedding;
    private final List<LstmLayer> layers;
    private final Projection decoder;
    private final ModelShape shape;

    /**
     * @param embedding the token embedding
     * @param layers    the LSTM layers, first to last; layer 0 takes the embedding width, the others the hidden size
     * @param decoder   the output projection, hidden size → vocabulary
     */
    public LanguageModel(TokenEmbedding embedding, List<LstmLayer> layers, Projection decoder) {
        this.embedding = Objects.requireNonNull(embedding, "embedding");
        this.layers = List.copyOf(layers);
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        if (this.layers.isEmpty()) {
            throw new IllegalArgumentException("a language model needs at least one LSTM layer");
        }
        int hidden = this.layers.get(0).hiddenSize();
        int expectedInput = embedding.dim();
        for (int l = 0; l < this.layers.size(); l++) {
            LstmLayer layer = this.layers.get(l);
            if (layer.inputSize() != expectedInput || layer.hiddenSize() != hidden) {
                throw new IllegalArgumentException("LSTM layer " + l + " is " + layer.inputSize() + "→"
                        + layer.hiddenSize() + ", expected " + expectedInput + "→" + hidden);
            }
            expectedInput = hidden;
        }
        if (decoder.inputSize() != hidden || decoder.outputSize() != embedding.tokens()) {
            throw new IllegalArgumentException("decoder is " + decoder.inputSize() + "→" + decoder.outputSize()
                    + ", expected " + hidden + "→" + embedding.tokens());
        }
        this.shape = new ModelShape(embedding.tokens(), embedding.dim(), hidden, this.layers.size());
    }

    /** The model's sizes. */
    public ModelShape shape() {
        return shape;
    }

    /** The token embedding. */
    public TokenEmbedding embedding() {
        return embedding;
    }

    /** The LSTM layers, first to last. */
    public List<LstmLayer> layers() {
        return layers;
    }

    /** The output projection. */
    public Projection decoder() {
        return decoder;
    }

    /** A model with every projection passed through {@code mapper} (how a model is quantized). */
    public LanguageModel withProjections(ProjectionMapper mapper) {
        List<LstmLayer> mapped = new ArrayList<>(layers.size());
        for (int l = 0; l < layers.size(); l++) {
            LstmLayer layer = layers.get(l);
            mapped.add(new LstmLayer(
                    mapper.map(new ProjectionSite(ProjectionSite.Kind.LSTM_INPUT, l), layer.inputProjection()),
                    mapper.map(new ProjectionSite(ProjectionSite.Kind.LSTM_HIDDEN, l), layer.hiddenProjection())));
        }
        Projection newDecoder = mapper.map(new ProjectionSite(ProjectionSite.Kind.DECODER, 0), decoder);
        return new LanguageModel(embedding, mapped, newDecoder);
    }

    /** The same layers and decoder with another token embedding of the same shape (how an embedding is quantized). */
    public LanguageModel withEmbedding(TokenEmbedding other) {
        if (other.tokens() != embedding.tokens() || other.dim() != embedding.dim()) {
            throw new IllegalArgumentException("embedding is " + other.tokens() + "x" + other.dim() + ", expected "
                    + embedding.tokens() + "x" + embedding.dim());
        }
        return new LanguageModel(other, layers, decoder);
    }

    /** A new session with a zero state, for {@code batch} parallel sequences. */
    public InferenceSession newSession(int batch) {
        return new InferenceSession(this, batch);
    }

    /** Bytes of all parameters in memory. */
    public long parameterBytes() {
        long bytes = embedding.parameterBytes() + decoder.parameterBytes();
        for (LstmLayer layer : layers) {
            bytes += layer.inputProjection().parameterBytes() + layer.hiddenProjection().parameterBytes();
        }
        return bytes;
    }

    /**
     * The structure as the tutorial's {@code print(model)} shows it. Dropout is not stored in a state_dict; the
     * tutorial's 0.5 is shown (it is the identity in evaluation either way).
     */
    public String describe() {
        Projection first = layers.get(0).inputProjection();
        String rnn = first instanceof Linear ? "LSTM" : "DynamicQuantizedLSTM";
        String layersPart = shape.layers() > 1 ? ", num_layers=" + shape.layers() + ", dropout=0.5" : "";
        return "LSTMModel(\n"
                + "  (drop): Dropout(p=0.5, inplace=False)\n"
                + "  (encoder): " + embedding.describe() + "\n"
                + "  (rnn): " + rnn + "(" + shape.embeddingSize() + ", " + shape.hiddenSize() + layersPart + ")\n"
                + "  (decoder): " + decoder.describe() + "\n"
                + ")";
    }
}
