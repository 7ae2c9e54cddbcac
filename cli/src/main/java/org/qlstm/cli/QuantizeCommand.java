package org.qlstm.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import org.qlstm.nn.io.AtomicFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.quant.io.QuantizedModelFile;
import org.qlstm.quant.kernel.Int8Kernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code qlstm quantize}: {@code quantize_dynamic(model, {LSTM, Linear}, qint8)} (optionally per-channel weights and
 * an int8 embedding), saved in our file format.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Quantizes a float model dynamically to int8 and writes it in qlstm's model format.")
final class QuantizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "float PyTorch state_dict (.pth)")
    Path model;

    @Option(names = "--out", paramLabel = "FILE", required = true,
            description = "the int8 model file to write (atomically)")
    Path out;

    @Mixin
    Int8Options int8Options = new Int8Options();

    @Mixin
    SchemeOptions schemeOptions = new SchemeOptions();

    @Override
    public Integer call() throws Exception {
        Engine engine = int8Options.engine(spec);
        QuantizeDynamic.Options options = schemeOptions.options(spec);
        AtomicFiles.requireWritableTarget(out); // before the model is read and quantized
        ModelOptions source = new ModelOptions();
        source.model = model;
        LanguageModel floatModel = source.loadFloatModel();
        LanguageModel int8 = QuantizeDynamic.quantize(floatModel, QuantizeDynamic.LSTM_AND_LINEAR, engine,
                Int8Kernels.preferred(), options);
        QuantizedModelFile.write(int8, out);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println(int8.describe());
        stdout.printf("wrote %s: %,d bytes (%s engine, %s; float state_dict %,d bytes, ratio %.4f)%n", out,
                Files.size(out), engine.name(), options.label(), Files.size(model),
                (double) Files.size(out) / Files.size(model));
        stdout.flush();
        return 0;
    }
}
