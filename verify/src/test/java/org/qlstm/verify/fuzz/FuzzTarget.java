package org.qlstm.verify.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One reader under fuzzing. A minimal target implements the four abstract methods: {@link FuzzDriver} then
 * mutates {@link #seed()} with {@link ByteMutations}, writes each case to a file, calls {@link #read(Path)}
 * and fails the case unless it returns normally or throws an exception {@link #isDocumented documented}
 * for bad input, whose message is one non-empty line naming the file.
 *
 * <p>The defaults can be overridden to aim deeper: format-aware {@link #generators() generators}, an
 * outcome {@link #classify classification} by layer with {@link #coverage() minimum shares} per layer (so a
 * generator that never gets past the first check fails the suite instead of passing vacuously), and an
 * oracle ({@link Mutant#expectation()}) for cases whose result is known.
 */
public interface FuzzTarget {

    /** Short stable name: printed, used for replay ({@code -Dqlstm.fuzz.target}) and mixed into case seeds. */
    String name();

    /** A valid input for the reader (for a reader of a directory: the content of the one file the cases replace). */
    byte[] seed() throws IOException;

    /**
     * Reads a case file as the application would.
     *
     * @return what was read, handed to oracles; may be {@code null}
     */
    Object read(Path file) throws Exception;

    /** Whether the reader documents {@code t} as its way to reject bad input. Anything else fails the case. */
    boolean isDocumented(Throwable t);

    /** The name of the file each case is written to, inside a per-worker scratch directory. */
    default String fileName() {
        return "input";
    }

    /** Prepares a worker's scratch directory once, before its first case (e.g. the other files of a corpus). */
    default void prepare(Path workDir) throws IOException {
    }

    /** The generators of cases, drawn by weight; by default generic byte mutations of {@link #seed()}. */
    default List<Generator> generators() throws IOException {
        return List.of(Generator.of("bytes", 1, rng -> ByteMutations.stacked(seed(), rng, null)));
    }

    /**
     * The outcome class of a documented exception, for the distribution printed per reader and for the
     * coverage checks. {@link Outcome#OK} stands for a normal return and is never passed here.
     */
    default Outcome classify(Throwable documented) {
        return new Outcome(1, documented.getClass().getSimpleName());
    }

    /** Minimum shares of cases whose outcome reaches a depth; checked after the run. */
    default List<Coverage> coverage() {
        return List.of();
    }

    /** Bytes a case may allocate (measured per thread) before it counts as unbounded allocation. */
    default long allocationLimit(long inputBytes) {
        return 64 * inputBytes + (96L << 20);
    }

    /** Longest exception message accepted; messages are shown to users and written to logs. */
    default int maxMessageChars() {
        return 8_192;
    }
}
