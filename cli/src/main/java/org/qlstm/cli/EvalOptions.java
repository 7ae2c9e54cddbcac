package org.qlstm.cli;

import org.qlstm.nn.eval.EvalResult;
import org.qlstm.nn.eval.Evaluator;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.text.Corpus;
import org.qlstm.nn.text.Split;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The evaluation settings shared by eval, compare and bench: split, bptt, batch size, token limit. */
final class EvalOptions {

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

    /** Checks the values; returns the split. */
    Split validate(CommandSpec spec) {
        Checks.positive(spec, "--bptt", bptt);
        Checks.positive(spec, "--batch-size", batchSize);
        if (limitTokens != null) {
            Checks.atLeast(spec, "--limit-tokens", limitTokens, 2);
        }
        try {
            return Split.parse(split);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The tokens to evaluate: the split, cut to the limit. */
    int[] tokens(Corpus corpus) {
        return Checks.limit(corpus.split(Split.parse(split)), limitTokens);
    }

    /** Evaluates {@code model}, with a progress bar on a terminal. */
    EvalResult evaluate(LanguageModel model, Corpus corpus, String label) {
        ProgressBar bar = ProgressBar.forTerminal(label);
        try {
            return Evaluator.evaluate(model, tokens(corpus), bptt, batchSize, bar);
        } finally {
            bar.close();
        }
    }
}
