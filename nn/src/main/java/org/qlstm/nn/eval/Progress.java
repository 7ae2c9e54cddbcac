package org.qlstm.nn.eval;

/** Receives progress of a long run, e.g. to draw a progress bar. */
@FunctionalInterface
public interface Progress {

    /** Ignores every update. */
    Progress NONE = (done, total) -> { };

    /** {@code done} of {@code total} units are finished. */
    void update(long done, long total);
}
