package org.qlstm.nn.text;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/** The three parts of a {@link Corpus}, in the order they are read. */
public enum Split {
    /** {@code train.txt}. */
    TRAIN,
    /** {@code valid.txt}. */
    VALID,
    /** {@code test.txt}. */
    TEST;

    /** @return the lowercase name: {@code train}, {@code valid} or {@code test} */
    public String lowerName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the file name in a corpus directory, e.g. {@code train.txt} */
    public String fileName() {
        return lowerName() + ".txt";
    }

    /**
     * The split with this lowercase name.
     *
     * @param name {@code train}, {@code valid} or {@code test}
     * @return the split
     * @throws IllegalArgumentException naming the valid choices for any other string
     */
    public static Split parse(String name) {
        Objects.requireNonNull(name, "name");
        for (Split s : values()) {
            if (s.lowerName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown split " + Words.quote(name) + "; expected one of: "
                + Arrays.stream(values()).map(Split::lowerName).collect(Collectors.joining(", ")));
    }
}
