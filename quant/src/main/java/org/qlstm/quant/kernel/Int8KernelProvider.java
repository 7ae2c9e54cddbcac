package org.qlstm.quant.kernel;

import java.util.Objects;

/**
 * A service ({@link java.util.ServiceLoader}) offering an {@link Int8Kernel} that may not run everywhere, such as the
 * native one in {@code qlstm-native} (it needs Java 22+, a built library and CPU support). {@link Int8Kernels} asks
 * the providers on the class path before falling back to the pure-Java kernel.
 */
public interface Int8KernelProvider {

    /** The name that selects this provider through {@value Int8Kernels#PROPERTY}, e.g. {@code "native"}. */
    String name();

    /**
     * Tries to create the kernel on this machine. Must not throw: any failure becomes an unavailable offer whose
     * reason says what is missing.
     */
    Offer offer();

    /**
     * The result of {@link #offer()}: a kernel with a note on why it was chosen (e.g. the instruction set), or no
     * kernel and the reason.
     *
     * @param kernel the kernel, or null when unavailable
     * @param reason one short phrase for the log line
     */
    record Offer(Int8Kernel kernel, String reason) {

        public Offer {
            Objects.requireNonNull(reason, "reason");
        }

        /** An offer of {@code kernel}. */
        public static Offer of(Int8Kernel kernel, String reason) {
            return new Offer(Objects.requireNonNull(kernel, "kernel"), reason);
        }

        /** No kernel, because of {@code reason}. */
        public static Offer unavailable(String reason) {
            return new Offer(null, reason);
        }

        /** Whether a kernel is offered. */
        public boolean available() {
            return kernel != null;
        }
    }
}
