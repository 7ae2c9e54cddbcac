package org.qlstm.cli;

import java.io.IOException;

/**
 * A JSON record file ({@code golden/} as the reference scripts wrote it, read by {@link RecordFiles}) is missing,
 * malformed, too large or too deeply nested, or has a field of the wrong type. The message is one line,
 * {@code file: problem}.
 */
public final class RecordFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String problem;

    /**
     * @param file    the file (a path, or the name of a resource in the jar)
     * @param problem what is wrong, one line
     */
    public RecordFileException(String file, String problem) {
        this(file, problem, null);
    }

    /**
     * @param file    the file (a path, or the name of a resource in the jar)
     * @param problem what is wrong, one line
     * @param cause   the underlying error
     */
    public RecordFileException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file the problem is about. */
    public String file() {
        return file;
    }

    /** What is wrong with it. */
    public String problem() {
        return problem;
    }
}
