package org.qlstm.quant.kernel;

import org.qlstm.quant.QuantizedWeight;

/**
 * A way of computing the integer part of a dynamic int8 linear layer. {@link Int8Kernels} chooses one; every kernel
 * must give exactly the accumulators of {@link ScalarInt8Kernel}, the reference (integer arithmetic is exact, so
 * there is no tolerance).
 *
 * <p>The weight layout is the kernel's own business: {@link #prepare} may pack, pad, widen or copy off-heap.
 */
public interface Int8Kernel {

    /** Short name for logs and benchmarks, e.g. {@code "scalar"}. */
    String name();

    /**
     * Prepares {@code weight} for this kernel. The result does not depend on later changes to anything passed in.
     *
     * @throws IllegalArgumentException if the weight is too wide for exact int32 accumulation
     *                                  ({@link Int8Matrix#MAX_INPUTS})
     */
    Int8Matrix prepare(QuantizedWeight weight);
}
