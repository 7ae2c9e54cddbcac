package org.qlstm.cli;

import java.util.Arrays;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Value checks on flags, failing as usage errors that name the flag. */
final class Checks {

    private Checks() {
    }

    static void positive(CommandSpec spec, String flag, long value) {
        atLeast(spec, flag, value, 1);
    }

    static void atLeast(CommandSpec spec, String flag, long value, long minimum) {
        if (value < minimum) {
            throw new ParameterException(spec.commandLine(),
                    flag + " must be at least " + minimum + ", got " + value);
        }
    }

    static void atMost(CommandSpec spec, String flag, long value, long maximum) {
        if (value > maximum) {
            throw new ParameterException(spec.commandLine(),
                    flag + " must be at most " + maximum + ", got " + value);
        }
    }

    static void positiveFinite(CommandSpec spec, String flag, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new ParameterException(spec.commandLine(), flag + " must be positive and finite, got " + value);
        }
    }

    /** The first {@code limit} tokens, or all when {@code limit} is null or larger. */
    static int[] limit(int[] tokens, Integer limit) {
        return limit == null || limit >= tokens.length ? tokens : Arrays.copyOf(tokens, limit);
    }
}
