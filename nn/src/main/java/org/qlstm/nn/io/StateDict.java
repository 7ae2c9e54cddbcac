package org.qlstm.nn.io;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The tensors of a PyTorch {@code state_dict}, by name, in the order the file lists them. Immutable: no
 * tensor can be added, removed or replaced (see {@link Tensor} about its data array).
 *
 * <p>Lookups that fail throw {@link ModelFileException} naming the file, because a missing or misshapen
 * tensor is a problem of the file the user gave us, and should be reported as such.
 */
public final class StateDict {
    /** How many names a "missing tensor" message lists before eliding the rest. */
    private static final int NAMES_IN_MESSAGES = 12;

    private final Path file;
    private final Map<String, Tensor> tensors;

    private StateDict(Path file, Map<String, Tensor> tensors) {
        this.file = file;
        this.tensors = tensors;
    }

    /**
     * Makes a state dict from tensors already in memory, e.g. for tests or converted models.
     *
     * @param file    the file the tensors came from (or stand for), named in error messages
     * @param tensors the tensors, in order
     * @return the state dict
     * @throws IllegalArgumentException if two tensors have the same name
     */
    public static StateDict of(Path file, Collection<Tensor> tensors) {
        Objects.requireNonNull(file, "file");
        Map<String, Tensor> map = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            if (map.putIfAbsent(t.name(), t) != null) {
                throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
            }
        }
        return new StateDict(file, Collections.unmodifiableMap(map));
    }

    /** @return the file this state dict was read from */
    public Path file() {
        return file;
    }

    /** @return the tensor names in file order, unmodifiable */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    /** @return the number of tensors */
    public int size() {
        return tensors.size();
    }

    /**
     * @param name a tensor name
     * @return whether there is a tensor of that name
     */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /**
     * @param name a tensor name, e.g. {@code encoder.weight}
     * @return the tensor
     * @throws ModelFileException if the file has no tensor of that name; the message lists the names it has
     */
    public Tensor get(String name) throws ModelFileException {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new ModelFileException(file, "no tensor named '" + name + "' in the state_dict (it has "
                    + describeNames() + ")");
        }
        return t;
    }

    /**
     * @param name         a tensor name
     * @param expectedRank the number of dimensions it must have
     * @return the tensor
     * @throws ModelFileException if it is missing or has another rank
     */
    public Tensor tensor(String name, int expectedRank) throws ModelFileException {
        Tensor t = get(name);
        if (t.rank() != expectedRank) {
            throw new ModelFileException(file, "tensor '" + name + "' has " + t.rank() + " dimensions "
                    + Arrays.toString(t.shape()) + ", expected " + expectedRank);
        }
        return t;
    }

    /**
     * @param name          a tensor name
     * @param expectedShape the exact shape it must have
     * @return the tensor
     * @throws ModelFileException if it is missing or has another shape
     */
    public Tensor tensorWithShape(String name, int... expectedShape) throws ModelFileException {
        Tensor t = get(name);
        if (!Arrays.equals(t.shape(), expectedShape)) {
            throw new ModelFileException(file, "tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(expectedShape));
        }
        return t;
    }

    /**
     * Finds the first NaN or infinite value, scanning tensors in file order. Reading does not reject such
     * values (a file may legitimately be inspected), so a model builder should call this and refuse.
     *
     * @return the first non-finite value, or empty if every value is finite
     */
    public Optional<NonFinite> findNonFinite() {
        for (Tensor t : tensors.values()) {
            float[] data = t.data();
            for (int i = 0; i < data.length; i++) {
                if (!Float.isFinite(data[i])) {
                    return Optional.of(new NonFinite(t.name(), i, data[i]));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Where a non-finite value sits.
     *
     * @param name  the tensor's name
     * @param index the row-major index into the tensor's data
     * @param value the value: NaN, +Infinity or -Infinity
     */
    public record NonFinite(String name, int index, float value) {
        /** @return e.g. {@code rnn.bias_ih_l0[17] = NaN} */
        @Override
        public String toString() {
            return name + "[" + index + "] = " + value;
        }
    }

    private String describeNames() {
        if (tensors.isEmpty()) {
            return "no tensors";
        }
        List<String> names = names();
        String shown = String.join(", ", names.subList(0, Math.min(NAMES_IN_MESSAGES, names.size())));
        return names.size() + " tensors: " + shown + (names.size() > NAMES_IN_MESSAGES ? ", ..." : "");
    }

    @Override
    public String toString() {
        return "StateDict[" + file + ", " + tensors.size() + " tensors]";
    }
}
