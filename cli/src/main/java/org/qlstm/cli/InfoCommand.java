package org.qlstm.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.ModelShape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code qlstm info}: the model's structure, as the tutorial's {@code print(model)}, and its parameter counts. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Prints the model's structure and parameter counts.")
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions source = new ModelOptions();

    @Override
    public Integer call() throws Exception {
        LanguageModel model = source.loadModel().model();
        ModelShape shape = model.shape();
        PrintWriter out = spec.commandLine().getOut();
        out.println(model.describe());
        long embedding = (long) shape.tokens() * shape.embeddingSize();
        long decoder = (long) shape.tokens() * shape.hiddenSize() + shape.tokens();
        long total = shape.parameterCount();
        out.printf("parameters: %,d (embedding %,d, LSTM %,d, decoder %,d)%n", total, embedding,
                total - embedding - decoder, decoder);
        out.printf("float32 parameter bytes: %,d (%.2f MB)%n", model.parameterBytes(), model.parameterBytes() / 1e6);
        out.flush();
        return 0;
    }
}
