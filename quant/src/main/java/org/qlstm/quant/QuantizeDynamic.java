package org.qlstm.quant;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.qlstm.nn.model.Embedding;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.Linear;
import org.qlstm.nn.model.Projection;
import org.qlstm.nn.model.ProjectionSite;
import org.qlstm.quant.kernel.Int8Kernel;
import org.qlstm.quant.kernel.Int8Kernels;

/**
 * {@code torch.quantization.quantize_dynamic(model, {nn.LSTM, nn.Linear}, dtype=torch.qint8)}: every float
 * projection of the chosen kinds becomes a {@link DynamicQuantizedLinear} with a per-tensor symmetric int8 weight;
 * the embedding and all biases stay float32. {@link Options} adds per-channel weights and an int8 embedding. PyTorch's quantized LSTM calls {@code linear_dynamic} for both of a
 * layer's projections (the input projection once over the chunk, the recurrent one once per step) around the same
 * float gate arithmetic, which is exactly what swapping the projections of an {@link org.qlstm.nn.model.LstmLayer}
 * does. Projections that are not a float {@link Linear} (already quantized) are kept, as PyTorch skips modules that
 * are not of the listed types.
 */
public final class QuantizeDynamic {

    /** The module types of {@code quantize_dynamic}'s set. */
    public enum Kind {
        /** {@code nn.LSTM}: both projections of every layer. */
        LSTM,
        /** {@code nn.Linear}: the decoder. */
        LINEAR
    }

    /**
     * What to quantize beyond the tutorial's conversion.
     *
     * @param perChannel    one weight scale per output row ({@code per_channel_dynamic_qconfig}) instead of one
     *                      per tensor ({@code default_dynamic_qconfig})
     * @param int8Embedding also quantize the embedding to {@code quint8} per row
     *                      ({@code {nn.Embedding: float_qparams_weight_only_qconfig}}, {@link QuantizedEmbedding})
     */
    public record Options(boolean perChannel, boolean int8Embedding) {
        /** The tutorial's conversion: per-tensor weights, float embedding. */
        public static final Options TUTORIAL = new Options(false, false);

        /** {@code per_channel=…, embedding=…}, for messages and reports. */
        public String label() {
            return (perChannel ? "per-channel" : "per-tensor") + " weights, " + (int8Embedding ? "int8" : "float")
                    + " embedding";
        }
    }

    /** {@code {nn.LSTM, nn.Linear}}, the tutorial's set. */
    public static final Set<Kind> LSTM_AND_LINEAR = Set.copyOf(EnumSet.allOf(Kind.class));

    private QuantizeDynamic() {
    }

    /** Quantizes the projections of {@code kinds} for {@code engine}, with the preferred int8 kernel. */
    public static LanguageModel quantize(LanguageModel model, Set<Kind> kinds, Engine engine) {
        return quantize(model, kinds, engine, Int8Kernels.preferred());
    }

    /**
     * Quantizes the projections of {@code kinds} for {@code engine}.
     *
     * @param model  the float model (unchanged)
     * @param kinds  which module types to quantize
     * @param engine the engine whose arithmetic the quantized projections reproduce
     * @param kernel the int8 kernel
     * @return a new model sharing the embedding and any projection that is not quantized
     */
    public static LanguageModel quantize(LanguageModel model, Set<Kind> kinds, Engine engine, Int8Kernel kernel) {
        return quantize(model, kinds, engine, kernel, Options.TUTORIAL);
    }

    /**
     * Quantizes the projections of {@code kinds} for {@code engine} with the weight scheme of {@code options}, and
     * the embedding too if {@code options.int8Embedding()} (PyTorch's
     * {@code quantize_dynamic(model, {nn.LSTM: qc, nn.Linear: qc, nn.Embedding: float_qparams_weight_only_qconfig})}
     * with {@code qc} the per-channel or default dynamic qconfig).
     *
     * @return a new model sharing whatever is not quantized
     */
    public static LanguageModel quantize(LanguageModel model, Set<Kind> kinds, Engine engine, Int8Kernel kernel,
                                         Options options) {
        Objects.requireNonNull(options, "options");
        LanguageModel projected = quantizeProjections(model, kinds, engine, kernel, options.perChannel());
        if (options.int8Embedding() && projected.embedding() instanceof Embedding floatEmbedding) {
            return projected.withEmbedding(QuantizedEmbedding.quantize(floatEmbedding));
        }
        return projected;
    }

    private static LanguageModel quantizeProjections(LanguageModel model, Set<Kind> kinds, Engine engine,
                                                     Int8Kernel kernel, boolean perChannel) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(kernel, "kernel");
        Set<Kind> chosen = kinds.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(kinds);
        return model.withProjections((site, projection) -> chosen.contains(kindOf(site)) && projection instanceof Linear
                ? perChannel ? DynamicQuantizedLinear.fromFloatPerChannel((Linear) projection, engine, kernel)
                        : DynamicQuantizedLinear.fromFloat((Linear) projection, engine, kernel)
                : projection);
    }

    /** The module type a projection site belongs to. */
    public static Kind kindOf(ProjectionSite site) {
        return switch (site.kind()) {
            case LSTM_INPUT, LSTM_HIDDEN -> Kind.LSTM;
            case DECODER -> Kind.LINEAR;
        };
    }

    /** Whether {@code projection} is an int8 projection. */
    public static boolean isQuantized(Projection projection) {
        return projection instanceof DynamicQuantizedLinear;
    }
}
