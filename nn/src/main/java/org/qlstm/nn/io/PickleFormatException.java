package org.qlstm.nn.io;

/**
 * Thrown while unpickling when {@code data.pkl} holds something we refuse: a global that is not on the
 * allow-list, an opcode torch.save never writes, a malformed tensor description. Unchecked because it
 * must travel through Pyrolite's {@code dispatch}, which only declares {@link java.io.IOException};
 * {@link PthReader} turns it into a {@link ModelFileException} naming the file.
 */
final class PickleFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PickleFormatException(String message) {
        super(message);
    }
}
