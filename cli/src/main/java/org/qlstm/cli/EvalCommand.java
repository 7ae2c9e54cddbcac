package org.qlstm.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.qlstm.nn.eval.EvalResult;
import org.qlstm.nn.eval.Evaluator;
import org.qlstm.nn.eval.Progress;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.text.Corpus;
import org.qlstm.nn.text.Split;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code qlstm eval}: the tutorial's evaluation loss on one split. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluates the model's cross-entropy loss on a corpus split, as the tutorial's evaluate().")
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions source = new ModelOptions();

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "test",
            description = "test, valid or train (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--bptt", defaultValue = "25", description = "chunk length (default: ${DEFAULT-VALUE})")
    int bptt;

    @Option(names = "--batch-size", defaultValue = "1", description = "eval batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--limit-tokens", paramLabel = "N",
            description = "evaluate only the first N tokens of the split")
    Integer limitTokens;

    @Option(names = "--json", description = "print one JSON object: loss, perplexity, tokens, seconds, mode")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Split chosen = Split.parse(split);
        Checks.positive(spec, "--bptt", bptt);
        Checks.positive(spec, "--batch-size", batchSize);
        if (limitTokens != null) {
            Checks.atLeast(spec, "--limit-tokens", limitTokens, 2);
        }
        LanguageModel model = source.loadModel();
        Corpus corpus = source.loadCorpus();
        source.requireSameVocabulary(model, corpus);
        int[] tokens = Checks.limit(corpus.split(chosen), limitTokens);
        EvalResult result;
        Progress bar = ProgressBar.forTerminal("eval " + chosen.lowerName());
        result = Evaluator.evaluate(model, tokens, bptt, batchSize, bar);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("loss", result.loss());
            fields.put("perplexity", result.perplexity());
            fields.put("tokens", result.predictions());
            fields.put("seconds", result.seconds());
            fields.put("mode", "float");
            out.println(Json.line(fields));
        } else {
            out.printf("%s split: loss %.6f, perplexity %.3f, %d tokens, %.2f s (float, bptt %d, batch %d)%n",
                    chosen.lowerName(), result.loss(), result.perplexity(), result.predictions(),
                    result.seconds(), bptt, batchSize);
        }
        out.flush();
        return 0;
    }
}
