package org.qlstm.verify.fuzz;

/**
 * One generated case.
 *
 * @param bytes       the file content
 * @param description how it was made (generator steps), printed with failures
 * @param expectation what the reader must do with it when that is known, else {@code null}
 */
public record Mutant(byte[] bytes, String description, Expectation expectation) {

    public Mutant(byte[] bytes, String description) {
        this(bytes, description, null);
    }
}
