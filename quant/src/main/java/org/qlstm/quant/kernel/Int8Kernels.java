package org.qlstm.quant.kernel;

import java.util.Locale;

/**
 * Chooses the int8 kernel: the system property {@value #PROPERTY} names it: {@code vector} (the default,
 * {@link VectorInt8Kernel}: one byte per weight, widened in-register), {@code vector-float} / {@code vector-int} (the
 * same kernel with its float or integer inner loops forced), {@code widened} ({@link WidenedFloatInt8Kernel} on the
 * preferred float kernel: four bytes per weight) or {@code scalar} ({@link ScalarInt8Kernel}, the reference). Every kernel gives the same
 * accumulators; faster ones are added behind {@link Int8Kernel} and tested against the scalar one.
 */
public final class Int8Kernels {

    /** System property selecting the int8 kernel. */
    public static final String PROPERTY = "qlstm.int8.kernel";

    private static final Int8Kernel DEFAULT = choose(System.getProperty(PROPERTY, "vector"));

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
            case "vector" -> new VectorInt8Kernel();
            case "vector-float" -> new VectorInt8Kernel(VectorInt8Kernel.Loops.FLOAT);
            case "vector-int" -> new VectorInt8Kernel(VectorInt8Kernel.Loops.INT);
            default -> throw new IllegalArgumentException(
                    "unknown int8 kernel '" + name + "'; valid kernels: vector, vector-float, vector-int, widened, "
                            + "scalar");
        };
    }

    /**
     * Compiles the default int8 kernel's vector paths ({@link VectorInt8Kernel#warmUp()}) by running them on tiny
     * inputs; a model loader calls it once, in the background while it reads the weights. Safe to call more than
     * once and from any thread.
     *
     * @return the nanoseconds it took
     */
    public static long warmUp() {
        return VectorInt8Kernel.warmUp();
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
