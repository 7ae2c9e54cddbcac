package org.qlstm.nn.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A model file could not be used: it is missing, malformed, unsafe, or holds something other than what
 * was expected. The message is always one line of the form {@code file: problem}, so it can be shown to
 * a user as is.
 */
public class ModelFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Longest problem text kept; a hostile file must not be able to flood logs through our messages. */
    private static final int MAX_PROBLEM_CHARS = 2_000;

    private final transient Path file;
    private final String problem;

    /**
     * @param file    the file the problem is about
     * @param problem what is wrong, in one line (line breaks are replaced by spaces)
     */
    public ModelFileException(Path file, String problem) {
        this(file, problem, null);
    }

    /**
     * @param file    the file the problem is about
     * @param problem what is wrong, in one line (line breaks are replaced by spaces)
     * @param cause   the underlying error, kept for debugging; may be {@code null}
     */
    public ModelFileException(Path file, String problem, Throwable cause) {
        super(Objects.requireNonNull(file, "file") + ": " + oneLine(problem), cause);
        this.file = file;
        this.problem = oneLine(problem);
    }

    /** @return the file the problem is about */
    public Path file() {
        return file;
    }

    /** @return the problem without the file name, one line */
    public String problem() {
        return problem;
    }

    private static String oneLine(String text) {
        String s = String.valueOf(text).replaceAll("\\R", " ");
        return s.length() <= MAX_PROBLEM_CHARS ? s : s.substring(0, MAX_PROBLEM_CHARS) + "...";
    }
}
