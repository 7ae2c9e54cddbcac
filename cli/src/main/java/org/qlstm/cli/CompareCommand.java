package org.qlstm.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.qlstm.nn.eval.EvalResult;
import org.qlstm.nn.eval.Evaluator;
import org.qlstm.nn.eval.Progress;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.text.Corpus;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.quant.io.ModelSizes;
import org.qlstm.quant.io.QuantizedModelFile;
import org.qlstm.quant.kernel.Int8Kernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code qlstm compare}: float vs int8 side by side, like the tutorial's closing comparison. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Float vs dynamic int8: model sizes, loss and its delta, seconds and the speed ratio.")
final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions source = new ModelOptions();

    @Mixin
    EvalOptions evalOptions = new EvalOptions();

    @Mixin
    Int8Options int8Options = new Int8Options();

    @Mixin
    SchemeOptions schemeOptions = new SchemeOptions();

    @Mixin
    ThreadOptions threadOptions = new ThreadOptions();

    @Option(names = "--json", description = "print one JSON object: float_loss, int8_loss, loss_delta, float_bytes, "
            + "int8_bytes, size_ratio, float_seconds, int8_seconds, speed_ratio, engine, per_channel, embedding, "
            + "qlstm_int8_file_bytes, file_size_ratio")
    boolean json;

    @Override
    public Integer call() throws Exception {
        evalOptions.validate(spec);
        threadOptions.apply(spec);
        Engine engine = int8Options.engine(spec);
        QuantizeDynamic.Options options = schemeOptions.options(spec);
        LanguageModel floatModel = source.loadFloatModel();
        Corpus corpus = source.loadCorpus();
        source.requireSameVocabulary(floatModel, corpus);
        LanguageModel int8Model = QuantizeDynamic.quantize(floatModel, QuantizeDynamic.LSTM_AND_LINEAR, engine,
                Int8Kernels.preferred(), options);
        // JIT warm-up on a few chunks of each, so neither measurement pays for compilation.
        int[] tokens = evalOptions.tokens(corpus);
        int[] warm = Arrays.copyOf(tokens, Math.min(tokens.length, 3 * evalOptions.bptt * evalOptions.batchSize + 1));
        Evaluator.evaluate(floatModel, warm, evalOptions.bptt, evalOptions.batchSize, Progress.NONE);
        Evaluator.evaluate(int8Model, warm, evalOptions.bptt, evalOptions.batchSize, Progress.NONE);
        EvalResult f = evalOptions.evaluate(floatModel, corpus, "float");
        EvalResult q = evalOptions.evaluate(int8Model, corpus, "int8 ");
        ModelSizes sizes = ModelSizes.of(floatModel.shape(), engine);
        long floatBytes = sizes.torchFloat().total();
        // torch.save of the quantized model is computed (exactly) for the tutorial's scheme only; for per-channel
        // weights or an int8 embedding the size compared is our own file's, against the float torch.save.
        boolean tutorial = options.equals(QuantizeDynamic.Options.TUTORIAL);
        Long int8Bytes = tutorial ? sizes.torchInt8().total() : null;
        long ourInt8 = QuantizedModelFile.fileBytes(floatModel.shape(), QuantizeDynamic.LSTM_AND_LINEAR, options);
        double fileRatio = (double) ourInt8 / floatBytes;

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("float_loss", f.loss());
            fields.put("int8_loss", q.loss());
            fields.put("loss_delta", q.loss() - f.loss());
            fields.put("float_bytes", floatBytes);
            fields.put("int8_bytes", int8Bytes);
            fields.put("size_ratio", tutorial ? (double) int8Bytes / floatBytes : fileRatio);
            fields.put("float_seconds", f.seconds());
            fields.put("int8_seconds", q.seconds());
            fields.put("speed_ratio", f.seconds() / q.seconds());
            fields.put("engine", engine.name());
            fields.put("tokens", f.predictions());
            fields.put("threads", threadOptions.threads);
            fields.put("per_channel", options.perChannel());
            fields.put("embedding", options.int8Embedding() ? "int8" : "float");
            fields.put("qlstm_int8_file_bytes", ourInt8);
            fields.put("file_size_ratio", fileRatio);
            out.println(Json.line(fields));
        } else {
            out.printf("%-26s %14s %14s%n", "", "float", "int8 " + engine.name());
            if (tutorial) {
                out.printf("%-26s %14.2f %14.2f   ratio %.4f%n", "Size (MB, torch.save)", floatBytes / 1e6,
                        int8Bytes / 1e6, (double) int8Bytes / floatBytes);
            } else {
                out.printf("%-26s %14.2f %14s   (%s)%n", "Size (MB, torch.save)", floatBytes / 1e6, "n/a",
                        options.label());
            }
            out.printf("%-26s %14s %14.2f   ratio %.4f (qlstm file / float torch.save)%n",
                    "Size (MB, qlstm int8 file)", "", ourInt8 / 1e6, fileRatio);
            out.printf("%-26s %14.6f %14.6f   delta %+.6f%n", "loss", f.loss(), q.loss(), q.loss() - f.loss());
            out.printf("%-26s %14.2f %14.2f   speed-up %.2fx%n", "seconds (" + threadOptions.threads + " thread"
                    + (threadOptions.threads == 1 ? ")" : "s)"), f.seconds(), q.seconds(), f.seconds() / q.seconds());
            out.printf("%,d tokens of the %s split, bptt %d, batch %d%n", f.predictions(), evalOptions.split,
                    evalOptions.bptt, evalOptions.batchSize);
        }
        out.flush();
        return 0;
    }
}
