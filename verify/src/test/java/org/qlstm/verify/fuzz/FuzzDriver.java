package org.qlstm.verify.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Runs a {@link FuzzTarget}: {@link Config#cases()} seeded cases, split over worker threads, each written to
 * the worker's scratch file and read. A case fails if the reader throws anything but a documented exception
 * (any {@link Error} included: OOM, stack overflow, a failed oracle), if the message is empty, not one line,
 * too long or does not start with the file's path, if it takes more than {@link Config#maxCaseMillis()} of
 * CPU time (or five times that elapsed) or allocates more than {@link FuzzTarget#allocationLimit}. A watchdog
 * turns a case that hangs into a failure naming it. Case {@code i} depends only on the seed, the target name
 * and {@code i}, whatever the thread count, so every failure is replayed with {@code -Dqlstm.fuzz.seed=S
 * -Dqlstm.fuzz.target=T -Dqlstm.fuzz.case=i}.
 */
public final class FuzzDriver {

    private static final Pattern LINE_BREAK = Pattern.compile("\\R");
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private FuzzDriver() {
    }

    /**
     * Settings, from system properties so a CI failure can be replayed from the command line.
     *
     * @param seed          {@code qlstm.fuzz.seed}: the run's seed (decimal or 0x-hex)
     * @param cases         {@code qlstm.fuzz.cases}: cases per target
     * @param onlyCase      {@code qlstm.fuzz.case}: run only this case index (replay)
     * @param onlyTarget    {@code qlstm.fuzz.target}: run only the target of this name, or null
     * @param threads       {@code qlstm.fuzz.threads}: worker threads
     * @param maxCaseMillis {@code qlstm.fuzz.maxCaseMillis}: a case using more CPU time fails
     * @param hangSeconds   {@code qlstm.fuzz.hangSeconds}: the watchdog gives up on a case after this long
     * @param dumpDir       {@code qlstm.fuzz.dump}: failing inputs are written here
     */
    public record Config(long seed, int cases, OptionalLong onlyCase, String onlyTarget, int threads,
                         long maxCaseMillis, long hangSeconds, Path dumpDir) {

        public static final long DEFAULT_SEED = 0x5EED_F022_2024L;

        public static Config fromSystemProperties(int defaultCases) {
            String c = System.getProperty("qlstm.fuzz.case");
            return new Config(
                    Long.decode(System.getProperty("qlstm.fuzz.seed", Long.toString(DEFAULT_SEED))),
                    Integer.getInteger("qlstm.fuzz.cases", defaultCases),
                    c == null || c.isBlank() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(c.trim())),
                    System.getProperty("qlstm.fuzz.target"),
                    Integer.getInteger("qlstm.fuzz.threads", Math.max(1, Math.min(2,
                            Runtime.getRuntime().availableProcessors()))),
                    Long.getLong("qlstm.fuzz.maxCaseMillis", 2_000),
                    Long.getLong("qlstm.fuzz.hangSeconds", 30),
                    Paths.get(System.getProperty("qlstm.fuzz.dump", "target/fuzz-failures")));
        }

        /** @return whether {@code target} is selected by {@link #onlyTarget()} */
        public boolean selects(FuzzTarget target) {
            return onlyTarget == null || onlyTarget.isBlank() || onlyTarget.equals(target.name());
        }
    }

    /** The random source of one case. */
    public static UniformRandomProvider caseRng(long seed, String target, long index) {
        long a = mix(seed ^ mix(target.hashCode() * 0x9E3779B97F4A7C15L));
        long b = mix(a + 0x9E3779B97F4A7C15L * (index + 1));
        return RandomSource.XO_RO_SHI_RO_128_PP.create(new long[] {a, b ^ 0x2545F4914F6CDD1DL});
    }

    private static long mix(long z) { // SplitMix64's finalizer
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Runs the target's cases in {@code workDir}; the caller asserts on the report. */
    public static FuzzReport run(FuzzTarget target, Config config, Path workDir) throws Exception {
        List<Generator> generators = target.generators();
        double totalWeight = generators.stream().mapToDouble(Generator::weight).sum();
        FuzzReport report = new FuzzReport(target, config, generators);
        int threads = config.onlyCase().isPresent() ? 1 : config.threads();
        AtomicBoolean stop = new AtomicBoolean();
        List<Worker> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < threads; w++) {
            Path dir = Files.createDirectories(workDir.resolve(target.name() + "-" + w));
            target.prepare(dir);
            Worker worker = new Worker(target, config, report, generators, totalWeight, dir, w, threads, stop);
            workers.add(worker);
            worker.thread.start();
        }
        long hangNanos = config.hangSeconds() * 1_000_000_000L;
        boolean running = true;
        while (running) {
            running = false;
            for (Worker w : workers) {
                w.thread.join(50);
                if (w.thread.isAlive()) {
                    running = true;
                    long started = w.caseStarted;
                    long index = w.currentCase;
                    if (index >= 0 && System.nanoTime() - started > hangNanos && !stop.get()) {
                        stop.set(true);
                        report.fail(index, w.currentGenerator, w.currentDescription, w.currentBytes,
                                "still running after " + config.hangSeconds() + " s (hang or runaway loop);"
                                        + " the worker thread is abandoned", null);
                        report.finish(System.nanoTime() - start);
                        return report;
                    }
                }
            }
        }
        for (Worker w : workers) {
            if (w.crash != null) {
                throw new IllegalStateException("fuzz worker " + w.id + " crashed", w.crash);
            }
        }
        report.finish(System.nanoTime() - start);
        return report;
    }

    private static final class Worker implements Runnable {
        final FuzzTarget target;
        final Config config;
        final FuzzReport report;
        final List<Generator> generators;
        final double totalWeight;
        final Path file;
        final int id;
        final int stride;
        final AtomicBoolean stop;
        final Thread thread;
        volatile long currentCase = -1;
        volatile long caseStarted;
        volatile String currentGenerator;
        volatile String currentDescription;
        volatile byte[] currentBytes;
        volatile Throwable crash;

        Worker(FuzzTarget target, Config config, FuzzReport report, List<Generator> generators, double totalWeight,
               Path dir, int id, int stride, AtomicBoolean stop) {
            this.target = target;
            this.config = config;
            this.report = report;
            this.generators = generators;
            this.totalWeight = totalWeight;
            this.file = dir.resolve(target.fileName());
            this.id = id;
            this.stride = stride;
            this.stop = stop;
            this.thread = new Thread(this, "fuzz-" + target.name() + "-" + id);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                if (config.onlyCase().isPresent()) {
                    runCase(config.onlyCase().getAsLong());
                    return;
                }
                for (long i = id; i < config.cases() && !stop.get(); i += stride) {
                    runCase(i);
                }
            } catch (Throwable t) {
                crash = t;
            }
        }

        private Generator pick(UniformRandomProvider rng) {
            double x = rng.nextDouble() * totalWeight;
            for (Generator g : generators) {
                x -= g.weight();
                if (x < 0) {
                    return g;
                }
            }
            return generators.get(generators.size() - 1);
        }

        private void runCase(long index) throws IOException {
            UniformRandomProvider rng = caseRng(config.seed(), target.name(), index);
            Generator generator = pick(rng);
            Mutant mutant;
            long generateStart = System.nanoTime();
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            try {
                mutant = generator.generate(rng);
            } catch (Exception | StackOverflowError e) { // a bug of the harness, not of the reader
                throw new IllegalStateException("generator " + generator.name() + " failed on case " + index
                        + " (seed " + config.seed() + ")", e);
            }
            currentGenerator = generator.name();
            currentDescription = mutant.description();
            currentBytes = mutant.bytes();
            overwrite(file, mutant.bytes());
            report.recordOverhead(System.nanoTime() - generateStart);

            caseStarted = System.nanoTime();
            currentCase = index;
            long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
            long cpuBefore = THREADS.getCurrentThreadCpuTime();
            Object result = null;
            Throwable thrown = null;
            try {
                result = target.read(file);
            } catch (Throwable t) {
                thrown = t;
            }
            long nanos = System.nanoTime() - caseStarted;
            long cpu = THREADS.getCurrentThreadCpuTime() - cpuBefore;
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
            currentCase = -1;

            String problem = null;
            Throwable shown = thrown;
            Outcome outcome = Outcome.OK;
            if (thrown != null) {
                if (!(thrown instanceof Exception) || !target.isDocumented(thrown)) {
                    problem = "threw " + thrown.getClass().getName() + ", which is not documented: " + thrown;
                } else {
                    outcome = target.classify(thrown);
                    problem = messageProblem(thrown.getMessage(), file);
                    if (problem == null && outcome.isBug()) {
                        problem = "documented exception, but " + outcome.label() + ": " + thrown.getMessage();
                    }
                }
            }
            if (problem == null && mutant.expectation() != null) {
                try {
                    mutant.expectation().check(file, result, thrown);
                } catch (AssertionError e) {
                    problem = "oracle: " + e.getMessage();
                    shown = thrown != null ? thrown : e;
                }
            }
            // CPU time for the bound, since a loaded CI machine stretches elapsed time; elapsed time too, with
            // room for that, so a case that waits on something is caught before the watchdog's limit.
            if (problem == null && (cpu > config.maxCaseMillis() * 1_000_000L
                    || nanos > 5 * config.maxCaseMillis() * 1_000_000L)) {
                problem = "took " + cpu / 1_000_000 + " ms of CPU time (" + nanos / 1_000_000 + " ms elapsed), more"
                        + " than " + config.maxCaseMillis() + " ms of CPU (or 5 times that elapsed)";
                shown = null;
            }
            long limit = target.allocationLimit(mutant.bytes().length);
            if (problem == null && allocated > limit) {
                problem = "allocated " + allocated + " bytes, more than the " + limit + " allowed for "
                        + mutant.bytes().length + " input bytes";
                shown = null;
            }
            if (problem != null) {
                report.fail(index, generator.name(), mutant.description(), mutant.bytes(), problem, shown);
                outcome = new Outcome(-2, "FAILED");
            }
            report.recordCpu(THREADS.getCurrentThreadCpuTime() - cpuStart);
            if (config.onlyCase().isPresent()) { // a replay: say what happened even if it passed
                System.out.println("[" + target.name() + "] case " + index + " made by " + generator.name() + ": "
                        + FuzzReport.clip(mutant.description(), 2_000) + "\n  " + mutant.bytes().length + " bytes; "
                        + outcome.label() + (thrown == null ? "" : ": " + FuzzReport.clip(thrown.toString(), 2_000))
                        + "; " + cpu / 1_000_000 + " ms CPU; " + allocated + " bytes allocated");
            }
            report.record(index, generator.name(), outcome, cpu, allocated,
                    thrown == null || thrown.getMessage() == null ? 0 : thrown.getMessage().length());
        }

        private String messageProblem(String message, Path file) {
            if (message == null || message.isBlank()) {
                return "empty message";
            }
            if (LINE_BREAK.matcher(message).find()) {
                return "message is not one line: " + FuzzReport.clip(message, 300);
            }
            if (message.length() > target.maxMessageChars()) {
                return "message has " + message.length() + " chars, more than " + target.maxMessageChars()
                        + ": " + FuzzReport.clip(message, 300);
            }
            if (message.endsWith(": null")) {
                return "message ends in the null message of an underlying exception: " + FuzzReport.clip(message, 300);
            }
            String prefix = file + ": ";
            if (!message.startsWith(prefix) || message.substring(prefix.length()).isBlank()) {
                return "message does not have the form '" + file + ": problem': " + FuzzReport.clip(message, 300);
            }
            return null;
        }
    }

    /**
     * Writes {@code bytes} over the file's content and then cuts it to length. Not {@link Files#write}: its
     * truncation to 0 of a file with data makes ext4 flush on close (auto_da_alloc), ~4 ms per case.
     */
    static void overwrite(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b, b.position());
            }
            ch.truncate(bytes.length);
        }
    }

    /** The first lines of a stack trace, for failure messages. */
    static String stackTrace(Throwable t, int lines) {
        StringWriter s = new StringWriter();
        t.printStackTrace(new PrintWriter(s));
        String[] all = s.toString().split("\\R");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < all.length && i < lines; i++) {
            b.append("      ").append(FuzzReport.clip(all[i], 300)).append('\n');
        }
        return b.toString();
    }
}
