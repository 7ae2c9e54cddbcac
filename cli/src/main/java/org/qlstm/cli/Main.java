package org.qlstm.cli;

import picocli.CommandLine;

/** Entry point of the {@code qlstm} command. */
public final class Main {

    private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

    private Main() {
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        // Library log records (e.g. which int8 kernel runs) as one "qlstm: ..." line on stderr, like our errors,
        // instead of java.util.logging's two-line default; an explicit -D setting wins.
        if (System.getProperty(LOG_FORMAT) == null) {
            System.setProperty(LOG_FORMAT, "qlstm: %5$s%6$s%n");
        }
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
