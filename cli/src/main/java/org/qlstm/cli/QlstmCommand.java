package org.qlstm.cli;

import picocli.CommandLine.Command;

/** {@code qlstm}: the tutorial's LSTM language model in Java, float and int8. */
@Command(name = "qlstm",
        mixinStandardHelpOptions = true,
        version = "qlstm 0.1.0",
        description = "An LSTM word language model with PyTorch-exact dynamic int8 quantization.",
        subcommands = {EvalCommand.class, GenerateCommand.class, InfoCommand.class, QuantizeCommand.class,
                CompareCommand.class, BenchCommand.class, TutorialCommand.class, ReportCommand.class})
final class QlstmCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "missing command: eval, generate, info, quantize, compare, bench, tutorial or report");
    }
}
