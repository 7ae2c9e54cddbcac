package org.qlstm.cli;

import java.util.Locale;
import org.qlstm.quant.QuantizeDynamic;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --per-channel} and {@code --embedding float|int8}: what {@code quantize}, {@code eval --int8} and
 * {@code compare} quantize beyond the tutorial's conversion (see {@link QuantizeDynamic.Options}).
 */
final class SchemeOptions {

    @Option(names = "--per-channel",
            description = "one int8 weight scale per output row (PyTorch's per_channel_dynamic_qconfig) instead of "
                    + "one per tensor")
    boolean perChannel;

    @Option(names = "--embedding", paramLabel = "float|int8",
            description = "the embedding: float (default, as the tutorial) or int8 (quint8 per row, PyTorch's "
                    + "float_qparams_weight_only_qconfig)")
    String embedding;

    /** Whether any of these options was given. */
    boolean given() {
        return perChannel || embedding != null;
    }

    /** The chosen options; an unknown {@code --embedding} is a usage error. */
    QuantizeDynamic.Options options(CommandSpec spec) {
        boolean int8Embedding = false;
        if (embedding != null) {
            switch (embedding.strip().toLowerCase(Locale.ROOT)) {
                case "float" -> int8Embedding = false;
                case "int8" -> int8Embedding = true;
                default -> throw new ParameterException(spec.commandLine(), "invalid --embedding '" + embedding
                        + "'; valid values: float, int8");
            }
        }
        return new QuantizeDynamic.Options(perChannel, int8Embedding);
    }
}
