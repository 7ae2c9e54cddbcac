package org.qlstm.cli;

import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --engine}: which PyTorch quantized engine's arithmetic to reproduce. */
final class Int8Options {

    @Option(names = "--engine", paramLabel = "ENGINE",
            description = "int8 arithmetic of PyTorch's engine: qnnpack (default; bit-exact), fbgemm or onednn")
    String engine;

    /** The chosen engine, or the default. */
    Engine engine(CommandSpec spec) {
        if (engine == null) {
            return Engine.defaultEngine();
        }
        try {
            return Engine.parse(engine);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * The int8 model: {@code loaded} itself when its file is already quantized (its engine was fixed then; a
     * different {@code --engine} is an error), else {@code quantize_dynamic(model, {LSTM, Linear}, qint8)}.
     */
    LoadedModel int8(LoadedModel loaded, CommandSpec spec) {
        return int8(loaded, spec, new SchemeOptions());
    }

    /**
     * {@link #int8(LoadedModel, CommandSpec)} with {@code --per-channel} / {@code --embedding}; they do not apply to
     * a file that is already quantized (its scheme was fixed when it was written).
     */
    LoadedModel int8(LoadedModel loaded, CommandSpec spec, SchemeOptions scheme) {
        QuantizeDynamic.Options options = scheme.options(spec);
        if (loaded.quantized()) {
            if (scheme.given()) {
                throw new ParameterException(spec.commandLine(), loaded.file() + " is already quantized; "
                        + "--per-channel and --embedding apply only to a float model");
            }
            Engine fixed = loaded.engine().orElseThrow();
            if (engine != null && !engine(spec).equals(fixed)) {
                throw new ParameterException(spec.commandLine(), loaded.file() + " was quantized for "
                        + fixed.name() + "; --engine " + engine + " does not apply");
            }
            return loaded;
        }
        return new LoadedModel(QuantizeDynamic.quantize(loaded.model(), QuantizeDynamic.LSTM_AND_LINEAR,
                engine(spec), org.qlstm.quant.kernel.Int8Kernels.preferred(), options), loaded.file());
    }
}
