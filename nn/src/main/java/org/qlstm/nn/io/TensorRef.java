package org.qlstm.nn.io;

import java.util.Arrays;

/**
 * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a strided view into a storage,
 * starting {@code offset} elements in. Construction checks that every element the view can address lies
 * inside the storage, so {@link #gather} can never index out of bounds and nothing is allocated for a view
 * that lies.
 *
 * @param storage the storage viewed
 * @param offset  index of element [0, ..., 0] in the storage
 * @param shape   sizes, outermost first
 * @param stride  storage elements to step per index of each dimension
 */
record TensorRef(StorageRef storage, int offset, int[] shape, long[] stride) {

    /** Java arrays cannot be longer than this on common JVMs. */
    static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    /**
     * @throws PickleFormatException if the view is malformed or reaches outside the storage
     */
    TensorRef {
        if (shape.length != stride.length) {
            throw new PickleFormatException("size " + Arrays.toString(shape) + " and stride "
                    + Arrays.toString(stride) + " have different lengths");
        }
        long numel = 1;
        long last = offset; // highest storage index the view touches
        try {
            for (int d = 0; d < shape.length; d++) {
                if (shape[d] < 0 || stride[d] < 0) {
                    throw new PickleFormatException("negative size or stride in size " + Arrays.toString(shape)
                            + ", stride " + Arrays.toString(stride));
                }
                numel = Math.multiplyExact(numel, shape[d]);
                if (shape[d] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(shape[d] - 1L, stride[d]));
                }
            }
        } catch (ArithmeticException e) {
            throw new PickleFormatException("size " + Arrays.toString(shape) + " with stride "
                    + Arrays.toString(stride) + " overflows");
        }
        if (numel > MAX_ARRAY_LENGTH) {
            throw new PickleFormatException("size " + Arrays.toString(shape) + " has " + numel
                    + " elements, more than a Java array can hold");
        }
        if (offset < 0 || (numel > 0 && last >= storage.numel())) {
            throw new PickleFormatException("view (offset " + offset + ", size " + Arrays.toString(shape)
                    + ", stride " + Arrays.toString(stride) + ") reaches element " + last + " of storage '"
                    + storage.key() + "', which has only " + storage.numel() + " elements");
        }
    }

    /** @return the number of elements of the view */
    int numel() {
        int n = 1;
        for (int s : shape) {
            n *= s; // cannot overflow: checked at construction
        }
        return n;
    }

    /**
     * @return whether the view is one row-major run of storage elements (sizes of 1 may have any stride,
     *         as in PyTorch's own contiguity test)
     */
    boolean isContiguous() {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** @return whether the view is the whole storage in order, so the storage array can be used as is */
    boolean coversWholeStorage() {
        return offset == 0 && numel() == storage.numel() && isContiguous();
    }

    /**
     * Copies the view's elements out of the storage into a new row-major array.
     *
     * @param data the storage's values, {@code storage().numel()} of them
     * @return a new array of {@link #numel()} values
     */
    float[] gather(float[] data) {
        int numel = numel();
        float[] out = new float[numel];
        if (numel == 0) {
            return out;
        }
        if (isContiguous()) {
            System.arraycopy(data, offset, out, 0, numel);
            return out;
        }
        // Walk all index tuples of the outer dimensions like an odometer; copy the last dimension as a run.
        int rank = shape.length;
        int rowLength = shape[rank - 1];
        long rowStride = stride[rank - 1];
        int[] index = new int[rank - 1];
        long base = offset;
        for (int pos = 0; pos < numel; pos += rowLength) {
            if (rowStride == 1) {
                System.arraycopy(data, (int) base, out, pos, rowLength);
            } else {
                long at = base;
                for (int j = 0; j < rowLength; j++, at += rowStride) {
                    out[pos + j] = data[(int) at];
                }
            }
            for (int d = rank - 2; d >= 0; d--) { // advance the odometer
                base += stride[d];
                if (++index[d] < shape[d]) {
                    break;
                }
                base -= shape[d] * stride[d];
                index[d] = 0;
            }
        }
        return out;
    }
}
