package org.qlstm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on stderr and a non-zero exit status: bad flags exit 2, bad input (missing or
 * malformed files, mismatched sizes, unknown words) exit 1, and nothing prints a stack trace.
 */
final class Failures {

    /** Exit status of a usage error. */
    static final int USAGE = 2;
    /** Exit status of bad input or a failed run. */
    static final int FAILED = 1;

    private Failures() {
    }

    static int onBadParameter(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        cmd.getErr().println("qlstm: " + e.getMessage() + " (see: qlstm " + subcommandName(cmd) + "--help)");
        return USAGE;
    }

    static int onFailure(Exception e, CommandLine cmd, ParseResult parseResult) {
        cmd.getErr().println("qlstm: " + describe(e));
        return e instanceof IllegalArgumentException ? USAGE : FAILED;
    }

    /** One line for an exception: our exceptions' messages already name the file and the problem. */
    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException u) {
            return describe(u.getCause());
        }
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file";
        }
        if (e instanceof IOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory (raise -Xmx through JAVA_OPTS)";
        }
        return "internal error: " + e;
    }

    private static String subcommandName(CommandLine cmd) {
        return cmd.getParent() == null ? "" : cmd.getCommandName() + " ";
    }
}
