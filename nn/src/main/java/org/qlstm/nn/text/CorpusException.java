package org.qlstm.nn.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A corpus file could not be read or tokenized: it is missing or unreadable, is not valid UTF-8
 * (where Python would raise {@code UnicodeDecodeError}), or holds a word a fixed dictionary lacks.
 *
 * <p>The message always has the form {@code file: problem}, for example
 * {@code data/test.txt: invalid UTF-8 at byte 1234 (0xff)}.
 */
public final class CorpusException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    /**
     * @param file the file concerned
     * @param problem what is wrong with it, without the file name
     */
    public CorpusException(Path file, String problem) {
        this(file, problem, null);
    }

    /**
     * @param file the file concerned
     * @param problem what is wrong with it, without the file name
     * @param cause the underlying exception, or {@code null}
     */
    public CorpusException(Path file, String problem, Throwable cause) {
        super(Objects.requireNonNull(file, "file") + ": " + Objects.requireNonNull(problem, "problem"), cause);
        this.file = file;
        this.problem = problem;
    }

    /** @return the file concerned */
    public Path file() {
        return file;
    }

    /** @return what is wrong with the file, without the file name */
    public String problem() {
        return problem;
    }
}
