package org.qlstm.verify.fuzz;

/**
 * How a case ended: a normal return ({@link #OK}) or a documented exception, named by the layer that
 * refused the input.
 *
 * @param depth how far into the reader the input got: 0 for the first check, larger for later layers;
 *              {@link #OK} is deeper than any refusal
 * @param label short class name printed in the distribution, e.g. {@code "pickle: syntax"}
 */
public record Outcome(int depth, String label) {

    /** A normal return. */
    public static final Outcome OK = new Outcome(Integer.MAX_VALUE, "ok");

    /** A bug by the reader's own account, e.g. its catch-all for unexpected runtime exceptions. */
    public static Outcome bug(String label) {
        return new Outcome(-1, "BUG: " + label);
    }

    /** @return whether this outcome fails the case although the exception type is documented */
    public boolean isBug() {
        return depth < 0;
    }
}
