package org.qlstm.nn.kernel;

/** A way of computing float matrix products; {@link FloatKernels} chooses one. */
public interface FloatKernel {

    /** Short name for logs and benchmarks, e.g. {@code "scalar"}. */
    String name();

    /**
     * Prepares {@code weight} (row-major {@code outputs × inputs}) for this kernel. The array is copied or packed:
     * later changes to it have no effect.
     */
    FloatMatrix prepare(float[] weight, int outputs, int inputs);
}
