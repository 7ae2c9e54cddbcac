package org.qlstm.quant.io;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.qlstm.nn.model.ModelShape;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;

/**
 * The tutorial's {@code print_size_of_model} comparison for one architecture, exactly: the bytes of
 * {@code torch.save(state_dict, "temp.p")} of the float and of the dynamically quantized model
 * ({@link TorchSaveSizes}), and the bytes of our own files of the same two models ({@link QuantizedModelFile}).
 * All numbers are computed from the shape; nothing is measured.
 *
 * @param shape           the architecture
 * @param quantized       the kinds {@code quantize_dynamic} was given
 * @param engine          the quantized engine (qnnpack's file stores the quantized projections' biases twice)
 * @param torchFloat      {@code torch.save} of the float model
 * @param torchInt8       {@code torch.save} of the quantized model
 * @param ourFloatFile    our file of the float model
 * @param ourInt8File     our file of the quantized model
 */
public record ModelSizes(ModelShape shape, Set<QuantizeDynamic.Kind> quantized, Engine engine,
                         TorchSaveSizes.Breakdown torchFloat, TorchSaveSizes.Breakdown torchInt8,
                         long ourFloatFile, long ourInt8File) {

    /** Copies the set of kinds. */
    public ModelSizes {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(engine, "engine");
        quantized = quantized.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(quantized));
    }

    /** The sizes of {@code shape} quantized as the tutorial does ({@code {LSTM, Linear}}) on {@code engine}. */
    public static ModelSizes of(ModelShape shape, Engine engine) {
        return of(shape, QuantizeDynamic.LSTM_AND_LINEAR, engine);
    }

    /** The sizes of {@code shape} with the {@code quantized} kinds on {@code engine}. */
    public static ModelSizes of(ModelShape shape, Set<QuantizeDynamic.Kind> quantized, Engine engine) {
        return new ModelSizes(shape, quantized, engine,
                TorchSaveSizes.breakdown(shape, Set.of(), engine, TorchSaveSizes.TUTORIAL_FILE_NAME),
                TorchSaveSizes.breakdown(shape, quantized, engine, TorchSaveSizes.TUTORIAL_FILE_NAME),
                QuantizedModelFile.fileBytes(shape, Set.of()), QuantizedModelFile.fileBytes(shape, quantized));
    }

    /** {@code torch.save} bytes, quantized over float (the tutorial's comparison). */
    public double torchRatio() {
        return (double) torchInt8.total() / torchFloat.total();
    }

    /** Our file bytes, quantized over float. */
    public double ourRatio() {
        return (double) ourInt8File / ourFloatFile;
    }

    /** The share of the quantized {@code torch.save} file taken by the float embedding. */
    public double embeddingShareOfInt8() {
        return (double) torchInt8.embedding() / torchInt8.total();
    }

    /** The tutorial's two lines ({@code Size (MB): …}) followed by our files' sizes and the ratios. */
    public String report() {
        return String.format(Locale.ROOT, "torch.save float: Size (MB): %s%n"
                        + "torch.save int8 (%s): Size (MB): %s%n"
                        + "ratio %.4f (the float embedding is %.0f%% of the int8 file)%n"
                        + "qlstm file float: %d bytes, int8: %d bytes, ratio %.4f",
                megabytes(torchFloat.total()), engine.name(), megabytes(torchInt8.total()), torchRatio(),
                100 * embeddingShareOfInt8(), ourFloatFile, ourInt8File, ourRatio());
    }

    /** {@code bytes / 1e6} as Python prints it ({@code 113.943637}). */
    static String megabytes(long bytes) {
        return new java.math.BigDecimal(bytes).movePointLeft(6).stripTrailingZeros().toPlainString();
    }
}
