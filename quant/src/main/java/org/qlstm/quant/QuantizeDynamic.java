package org.qlstm.quant;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.Linear;
import org.qlstm.nn.model.Projection;
import org.qlstm.nn.model.ProjectionSite;
import org.qlstm.quant.kernel.Int8Kernel;
import org.qlstm.quant.kernel.Int8Kernels;

/**
 * {@code torch.quantization.quantize_dynamic(model, {nn.LSTM, nn.Linear}, dtype=torch.qint8)}: every float
 * projection of the chosen kinds becomes a {@link DynamicQuantizedLinear} with a per-tensor symmetric int8 weight;
 * the embedding and all biases stay float32. PyTorch's quantized LSTM calls {@code linear_dynamic} for both of a
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
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(kernel, "kernel");
        Set<Kind> chosen = kinds.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(kinds);
        return model.withProjections((site, projection) -> chosen.contains(kindOf(site)) && projection instanceof Linear
                ? DynamicQuantizedLinear.fromFloat((Linear) projection, engine, kernel)
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
