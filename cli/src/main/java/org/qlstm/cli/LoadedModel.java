package org.qlstm.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.quant.DynamicQuantizedLinear;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;

/**
 * A model as read from a file: a float state_dict, or one of our quantized model files.
 *
 * @param model the model
 * @param file  where it came from
 */
record LoadedModel(LanguageModel model, Path file) {

    /** The engine of a quantized model; empty for a float one. */
    Optional<Engine> engine() {
        if (model.decoder() instanceof DynamicQuantizedLinear q) {
            return Optional.of(q.engine());
        }
        for (var layer : model.layers()) {
            if (layer.inputProjection() instanceof DynamicQuantizedLinear q) {
                return Optional.of(q.engine());
            }
        }
        return Optional.empty();
    }

    /** Whether any projection is int8. */
    boolean quantized() {
        return QuantizeDynamic.isQuantized(model.decoder())
                || QuantizeDynamic.isQuantized(model.layers().get(0).inputProjection());
    }
}
