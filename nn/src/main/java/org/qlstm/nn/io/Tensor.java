package org.qlstm.nn.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named float32 tensor: its shape and its values, row-major and contiguous (the last index varies
 * fastest), whatever the strides of the view it was saved from.
 *
 * <p>The shape is copied in and out, so it cannot change. The data array is <em>not</em> copied: a model
 * holds tens of millions of floats and the reader hands its freshly filled arrays over without a copy.
 * Treat {@link #data()} as read-only; nothing else holds a reference to it.
 *
 * @param name  the state_dict key, e.g. {@code rnn.weight_ih_l0}
 * @param shape the size of each dimension, outermost first; empty for a scalar (0-d) tensor
 * @param data  the {@code numel()} values in row-major order
 */
public record Tensor(String name, int[] shape, float[] data) {

    /**
     * @throws IllegalArgumentException if a dimension is negative or the data length is not the product
     *                                  of the shape
     */
    public Tensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        shape = Objects.requireNonNull(shape, "shape").clone();
        long numel = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension: "
                        + Arrays.toString(shape));
            }
            numel *= d;
            if (numel > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor '" + name + "' is too large for a Java array: "
                        + Arrays.toString(shape));
            }
        }
        if (data.length != numel) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(shape)
                    + " (" + numel + " elements) but " + data.length + " values");
        }
    }

    /** @return a copy of the shape */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** @return the number of dimensions; 0 for a scalar */
    public int rank() {
        return shape.length;
    }

    /**
     * @param i a dimension index, {@code 0 <= i < rank()}
     * @return the size of dimension {@code i}
     */
    public int dim(int i) {
        return shape[i];
    }

    /** @return the number of elements, the product of the shape (1 for a scalar) */
    public int numel() {
        return data.length;
    }

    /** Equal when name, shape and every value's bits are equal (so NaN equals NaN, 0.0 differs from -0.0). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && name.equals(t.name) && Arrays.equals(shape, t.shape)
                && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    /** Name and shape only: printing millions of values helps nobody. */
    @Override
    public String toString() {
        return "Tensor[" + name + " " + Arrays.toString(shape) + "]";
    }
}
