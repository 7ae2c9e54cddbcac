package org.qlstm.verify.fuzz;

import java.nio.file.Path;

/** An oracle for one case: throws {@link AssertionError} if the reader's result or exception is wrong. */
@FunctionalInterface
public interface Expectation {

    /**
     * @param file   the case file
     * @param result what {@link FuzzTarget#read} returned, if it returned
     * @param thrown what it threw, else {@code null}
     */
    void check(Path file, Object result, Throwable thrown);
}
