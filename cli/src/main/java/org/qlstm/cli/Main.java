package org.qlstm.cli;

import picocli.CommandLine;

/** Entry point of the {@code qlstm} command. */
public final class Main {

    private Main() {
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status (for tests). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new QlstmCommand());
        cli.setParameterExceptionHandler(Failures::onBadParameter);
        cli.setExecutionExceptionHandler(Failures::onFailure);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli.execute(args);
    }
}
