package org.qlstm.quant.io;

import java.nio.file.Path;
import org.qlstm.nn.io.ModelFileException;

/**
 * A qlstm model file ({@link QuantizedModelFile}) could not be read or written: it is missing, truncated, corrupt,
 * of another format or version, or describes an impossible model. The message is one line,
 * {@code file: problem}.
 */
public final class QuantizedModelFileException extends ModelFileException {
    private static final long serialVersionUID = 1L;

    /**
     * @param file    the file the problem is about
     * @param problem what is wrong
     */
    public QuantizedModelFileException(Path file, String problem) {
        super(file, problem);
    }

    /**
     * @param file    the file the problem is about
     * @param problem what is wrong
     * @param cause   the underlying error
     */
    public QuantizedModelFileException(Path file, String problem, Throwable cause) {
        super(file, problem, cause);
    }
}
