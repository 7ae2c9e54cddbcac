package org.qlstm.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.qlstm.nn.eval.EvalResult;
import org.qlstm.nn.text.Corpus;
import org.qlstm.nn.text.Split;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code qlstm eval}: the tutorial's evaluation loss on one split, float or int8. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluates the model's cross-entropy loss on a corpus split, as the tutorial's evaluate().")
final class EvalCommand implements Callable<Integer> {

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

    @Option(names = "--int8", description = "quantize dynamically to int8 first (implied by an int8 model file)")
    boolean int8;

    @Option(names = "--json", description = "print one JSON object: loss, perplexity, tokens, seconds, mode, engine")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Split split = evalOptions.validate(spec);
        threadOptions.apply(spec);
        LoadedModel loaded = source.loadModel();
        if (int8 || loaded.quantized()) {
            loaded = int8Options.int8(loaded, spec, schemeOptions);
        } else if (int8Options.engine != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--engine needs --int8");
        } else if (schemeOptions.given()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--per-channel and --embedding need --int8");
        }
        Corpus corpus = source.loadCorpus();
        source.requireSameVocabulary(loaded.model(), corpus);
        EvalResult result = evalOptions.evaluate(loaded.model(), corpus, "eval " + split.lowerName());
        String mode = loaded.quantized() ? "int8" : "float";
        String engine = loaded.engine().map(e -> e.name()).orElse(null);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("loss", result.loss());
            fields.put("perplexity", result.perplexity());
            fields.put("tokens", result.predictions());
            fields.put("seconds", result.seconds());
            fields.put("mode", mode);
            fields.put("engine", engine);
            out.println(Json.line(fields));
        } else {
            out.printf("%s split: loss %.6f, perplexity %.3f, %d tokens, %.2f s (%s%s, bptt %d, batch %d, %d thread%s)%n",
                    split.lowerName(), result.loss(), result.perplexity(), result.predictions(), result.seconds(),
                    mode, engine == null ? "" : " " + engine, evalOptions.bptt, evalOptions.batchSize,
                    threadOptions.threads, threadOptions.threads == 1 ? "" : "s");
        }
        out.flush();
        return 0;
    }
}
