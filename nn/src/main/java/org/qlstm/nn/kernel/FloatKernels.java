package org.qlstm.nn.kernel;

import java.util.Locale;

/**
 * Chooses the float kernel: the packed-panel Vector API one ({@link VectorFloatKernel}) by default, the scalar
 * reference when the system property {@code qlstm.kernel} is {@code scalar} (used to cross-check the fast path end
 * to end), or the earlier row-major Vector API kernel ({@code dot}, kept for benchmarks).
 */
public final class FloatKernels {

    /** System property selecting the kernel: {@code vector} (default), {@code scalar} or {@code dot}. */
    public static final String PROPERTY = "qlstm.kernel";

    private static final FloatKernel DEFAULT = choose(System.getProperty(PROPERTY, "vector"));

    private FloatKernels() {
    }

    /** The kernel chosen for this JVM. */
    public static FloatKernel preferred() {
        return DEFAULT;
    }

    /** The kernel with the given name: {@code vector}, {@code scalar} or {@code dot}. */
    public static FloatKernel choose(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "vector" -> new VectorFloatKernel();
            case "scalar" -> new ScalarFloatKernel();
            case "dot" -> new DotFloatKernel();
            default -> throw new IllegalArgumentException(
                    "unknown float kernel '" + name + "' (expected vector, scalar or dot)");
        };
    }
}
