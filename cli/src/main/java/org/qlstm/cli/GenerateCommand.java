package org.qlstm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.qlstm.nn.eval.TextGenerator;
import org.qlstm.nn.io.AtomicFiles;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.text.Corpus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code qlstm generate}: the tutorial's text generation. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generates text as the tutorial does: a random first word, then sampled words.")
final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions source = new ModelOptions();

    @Option(names = "--words", defaultValue = "1000", description = "number of words (default: ${DEFAULT-VALUE})")
    int words;

    @Option(names = "--temperature", defaultValue = "1.0",
            description = "sampling temperature > 0; lower is more conservative (default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--seed", defaultValue = "1111", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", paramLabel = "FILE",
            description = "write the text to FILE (atomically) instead of standard output")
    Path out;

    @Override
    public Integer call() throws Exception {
        Checks.atLeast(spec, "--words", words, 0);
        Checks.positiveFinite(spec, "--temperature", temperature);
        if (out != null) {
            AtomicFiles.requireWritableTarget(out); // before the words are generated
        }
        LanguageModel model = source.loadModel().model();
        Corpus corpus = source.loadCorpus();
        source.requireSameVocabulary(model, corpus);
        PrintWriter stdout = spec.commandLine().getOut();
        // Progress goes where the text does not: stdout when the text goes to a file (as in the tutorial).
        PrintWriter progress = out != null ? stdout : spec.commandLine().getErr();
        TextGenerator generator = new TextGenerator(model, corpus.dictionary().words());
        TextGenerator.Generated generated = generator.generate(words, temperature, seed,
                i -> progress.printf("| Generated %d/%d words%n", i, words).flush());
        if (out != null) {
            AtomicFiles.writeString(out, generated.text());
        } else {
            stdout.print(generated.text());
            if (!generated.text().endsWith("\n")) {
                stdout.println();
            }
        }
        stdout.flush();
        return 0;
    }
}
