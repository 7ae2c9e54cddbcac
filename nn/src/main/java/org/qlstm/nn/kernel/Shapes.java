package org.qlstm.nn.kernel;

/** Argument checks shared by the kernels, so every kernel rejects a bad shape with the same message. */
public final class Shapes {

    private Shapes() {
    }

    /** Checks that {@code weight} holds exactly {@code outputs × inputs} values, both positive. */
    public static void requireMatrix(float[] weight, int outputs, int inputs) {
        if (outputs <= 0 || inputs <= 0) {
            throw new IllegalArgumentException("matrix dimensions must be positive: " + outputs + "x" + inputs);
        }
        if ((long) outputs * inputs != weight.length) {
            throw new IllegalArgumentException(
                    "matrix of " + outputs + "x" + inputs + " needs " + (long) outputs * inputs
                            + " values, got " + weight.length);
        }
    }
}
