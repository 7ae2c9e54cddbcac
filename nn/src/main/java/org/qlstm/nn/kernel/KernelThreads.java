package org.qlstm.nn.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many threads the float kernels may use, and the fixed pool of daemon threads that runs the extra ones.
 *
 * <p>Set once at start-up, e.g. from the command line's {@code --threads N}, with {@link #configure(int)}; the
 * default is 1, or the system property {@code qlstm.threads}. Only large multi-row products are split, and only
 * over blocks of outputs ("panels"): every output is still computed by one thread in its own fixed order, so
 * results are bit-identical for any thread count. A single-row product (the LSTM's recurrent step) is never split:
 * it is too short for the hand-off to pay.
 *
 * <p>Measured on the 2-core Zen 4 VM (AVX-512), the decoder 25×256 → 33,278: 2.3 ms with 2 threads against 4.3 ms
 * with one (1.9×) whenever the second core was free; no gain while other work kept that core busy
 * ({@code bench/README.md}).
 *
 * <p>One split product runs at a time; a caller that finds the pool busy (another session on another thread)
 * computes its product alone, with the same result.
 */
public final class KernelThreads {

    /** System property giving the default thread count. */
    public static final String PROPERTY = "qlstm.threads";

    /** Below this many multiply-adds a product is not split (hand-off costs some microseconds). */
    public static final long MIN_SPLIT_MACS = 1L << 20;

    private static volatile Pool pool = new Pool(defaultThreads());

    private KernelThreads() {
    }

    /**
     * Sets the number of threads (1 = the caller only). Replaces the pool; products running at that moment finish
     * on the old one. Meant to be called once at start-up.
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public static synchronized void configure(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        }
        if (threads == pool.threads()) {
            return;
        }
        Pool old = pool;
        pool = new Pool(threads);
        old.shutdown();
    }

    /** The configured number of threads. */
    public static int threads() {
        return pool.threads();
    }

    private static int defaultThreads() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return 1;
        }
        try {
            return Math.max(1, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + PROPERTY + " is not a number: " + value, e);
        }
    }

    /**
     * Work that can be done for any contiguous range of indices independently, e.g. the output panels of one matrix
     * product: {@code run(from, to)} computes indices {@code [from, to)}.
     */
    @FunctionalInterface
    public interface RangeTask {
        /** Does the work of indices {@code [from, to)}. */
        void run(int from, int to);
    }

    /**
     * Runs {@code task} over {@code [0, count)} split into one contiguous range per thread, when the work is large
     * enough ({@code multiplyAdds ≥} {@link #MIN_SPLIT_MACS}), there is more than one thread and the pool is free.
     * Returns false, having done nothing, otherwise: the caller then runs {@code task.run(0, count)} itself. Kernels
     * split over output panels only, so every output is computed by one thread in its own fixed order and results
     * are bit-identical for any thread count.
     */
    public static boolean tryParallel(int count, long multiplyAdds, RangeTask task) {
        return multiplyAdds >= MIN_SPLIT_MACS && pool.run(task, count);
    }

    /**
     * The caller plus {@code threads − 1} parked daemon workers. A job's arguments are handed over in fields (no
     * allocation per product); a volatile generation counter publishes them, an atomic countdown reports completion.
     */
    static final class Pool {

        private static final int SPIN_NANOS = 20_000;

        private final int threads;
        private final Thread[] workers;
        private final ReentrantLock lock = new ReentrantLock();
        private final AtomicInteger pending = new AtomicInteger();
        private volatile long generation;
        private volatile boolean shutdown;
        private volatile Thread caller;
        private volatile Throwable failure;
        // The current job, written by the caller before the generation is bumped.
        private RangeTask job;
        private int panels;

        Pool(int threads) {
            this.threads = threads;
            this.workers = new Thread[threads - 1];
            for (int i = 0; i < workers.length; i++) {
                int part = i + 1;
                Thread t = new Thread(() -> work(part), "qlstm-kernel-" + part);
                t.setDaemon(true);
                workers[i] = t;
                t.start();
            }
        }

        int threads() {
            return threads;
        }

        /**
         * Runs {@code job} over {@code panels} panels split between the threads, or returns false (having done
         * nothing) when there is one thread or another product holds the pool.
         */
        boolean run(RangeTask job, int panels) {
            if (threads == 1 || panels < threads || !lock.tryLock()) {
                return false;
            }
            try {
                if (shutdown) {
                    return false;
                }
                this.job = job;
                this.panels = panels;
                this.failure = null;
                this.caller = Thread.currentThread();
                pending.set(workers.length);
                generation = generation + 1;
                for (Thread worker : workers) {
                    LockSupport.unpark(worker);
                }
                job.run(0, split(panels, 0));
                awaitWorkers();
                Throwable f = failure;
                if (f != null) {
                    if (f instanceof RuntimeException re) {
                        throw re;
                    }
                    if (f instanceof Error er) {
                        throw er;
                    }
                    throw new IllegalStateException(f);
                }
                return true;
            } finally {
                this.job = null;
                lock.unlock();
            }
        }

        private int split(int total, int part) {
            return (int) ((long) total * (part + 1) / threads);
        }

        private void awaitWorkers() {
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (pending.get() != 0) {
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }

        private void work(int part) {
            long seen = 0;
            while (true) {
                long deadline = System.nanoTime() + SPIN_NANOS;
                long g;
                while ((g = generation) == seen) {
                    if (shutdown) {
                        return;
                    }
                    if (System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                }
                seen = g;
                try {
                    int from = (int) ((long) panels * part / threads);
                    job.run(from, split(panels, part));
                } catch (Throwable t) {
                    failure = t;
                }
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }

        /** Waits for a product in flight (it holds the lock), then lets the workers exit. */
        void shutdown() {
            lock.lock();
            try {
                shutdown = true;
            } finally {
                lock.unlock();
            }
            for (Thread worker : workers) {
                LockSupport.unpark(worker);
            }
        }
    }
}
