package org.qlstm.cli;

import org.qlstm.nn.kernel.KernelThreads;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --threads}: threads for the large matrix products (never splits one recurrent step). */
final class ThreadOptions {

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "threads for the large matrix products (default: ${DEFAULT-VALUE}, as the tutorial)")
    int threads;

    /** Checks the value and configures the kernels. */
    void apply(CommandSpec spec) {
        Checks.atLeast(spec, "--threads", threads, 1);
        Checks.atMost(spec, "--threads", threads, 256);
        KernelThreads.configure(threads);
    }
}
