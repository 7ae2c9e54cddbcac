package org.qlstm.cli;

import java.io.PrintStream;
import java.lang.reflect.Method;
import org.qlstm.nn.eval.Progress;

/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (so logs and pipes stay clean), redrawn
 * at most ten times a second.
 */
final class ProgressBar implements Progress, AutoCloseable {

    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    private ProgressBar(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    /** A bar drawing on stderr when it is a terminal, else one that draws nothing. */
    static ProgressBar forTerminal(String label) {
        return new ProgressBar(isTerminal() ? System.err : null, label);
    }

    @Override
    public void update(long done, long total) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        boolean finished = done >= total;
        if (!finished && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        double fraction = total == 0 ? 1 : (double) done / total;
        int filled = (int) Math.round(fraction * WIDTH);
        double elapsed = (now - start) / 1e9;
        double eta = fraction > 0 ? elapsed / fraction - elapsed : 0;
        out.printf("\r%s [%s%s] %3.0f%% %d/%d  %.0fs elapsed, %.0fs left ", label, "#".repeat(filled),
                " ".repeat(WIDTH - filled), 100 * fraction, done, total, elapsed, eta);
        drawn = true;
        if (finished) {
            close();
        }
    }

    @Override
    public void close() {
        if (drawn) {
            out.print("\r" + " ".repeat(WIDTH + label.length() + 60) + "\r");
            out.flush();
            drawn = false;
        }
    }

    /**
     * Whether the JVM's console is an interactive terminal. JDK 22+ returns a console even when redirected and
     * offers {@code isTerminal()}; on JDK 21 a non-null console means a terminal.
     */
    private static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method m = java.io.Console.class.getMethod("isTerminal");
            return (Boolean) m.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
