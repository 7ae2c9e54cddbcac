package org.qlstm.quant.kernel;

import java.util.Locale;

/**
 * Chooses the int8 kernel: the system property {@value #PROPERTY} names it: {@code widened} (the default,
 * {@link WidenedFloatInt8Kernel} on the preferred float kernel) or {@code scalar} ({@link ScalarInt8Kernel}, the
 * reference). Every kernel gives the same accumulators; faster ones are added behind {@link Int8Kernel} and tested
 * against the scalar one.
 */
public final class Int8Kernels {

    /** System property selecting the int8 kernel. */
    public static final String PROPERTY = "qlstm.int8.kernel";

    private static final Int8Kernel DEFAULT = choose(System.getProperty(PROPERTY, "widened"));

    private Int8Kernels() {
    }

    /** The kernel chosen for this JVM. */
    public static Int8Kernel preferred() {
        return DEFAULT;
    }

    /** The kernel with the given name (case-insensitive). */
    public static Int8Kernel choose(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "scalar" -> new ScalarInt8Kernel();
            case "widened" -> new WidenedFloatInt8Kernel();
            default -> throw new IllegalArgumentException(
                    "unknown int8 kernel '" + name + "'; valid kernels: widened, scalar");
        };
    }

    /** Checks the arguments of {@link Int8Matrix#multiply} (shared by every kernel). */
    public static void checkArguments(Int8Matrix m, byte[] xq, int rows, int zeroPoint, int[] acc) {
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be positive, got " + rows);
        }
        if (zeroPoint < 0 || zeroPoint > 255) {
            throw new IllegalArgumentException("activation zero point " + zeroPoint + " is outside 0..255");
        }
        if ((long) rows * m.inputs() > xq.length) {
            throw new IllegalArgumentException(rows + " rows of " + m.inputs() + " activations need "
                    + (long) rows * m.inputs() + " values, got " + xq.length);
        }
        if ((long) rows * m.outputs() > acc.length) {
            throw new IllegalArgumentException(rows + " rows of " + m.outputs() + " accumulators need "
                    + (long) rows * m.outputs() + " values, got " + acc.length);
        }
    }
}
