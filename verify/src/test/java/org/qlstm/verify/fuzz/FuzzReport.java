package org.qlstm.verify.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a {@link FuzzDriver} run did: outcome counts per generator, extremes, failures, coverage. */
public final class FuzzReport {
    /** Failures kept in full: at most this many in all, and at most {@link #FAILURES_KEPT_PER_KIND} alike. */
    private static final int FAILURES_KEPT = 30;
    private static final int FAILURES_KEPT_PER_KIND = 3;

    private final FuzzTarget target;
    private final FuzzDriver.Config config;
    private final List<String> generatorNames = new ArrayList<>();
    /** label -> depth */
    private final Map<String, Integer> depths = new TreeMap<>();
    /** label -> generator -> count */
    private final Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private final Map<String, Integer> failureKinds = new java.util.HashMap<>();
    private long failureCount;
    private long cases;
    private long slowestNanos;
    private long slowestCase = -1;
    private long mostAllocated;
    private long mostAllocatedCase = -1;
    private int longestMessage;
    private long totalNanos;
    private long overheadNanos;
    private long cpuNanos;
    private long wallNanos;

    FuzzReport(FuzzTarget target, FuzzDriver.Config config, List<Generator> generators) {
        this.target = target;
        this.config = config;
        generators.forEach(g -> generatorNames.add(g.name()));
    }

    synchronized void record(long index, String generator, Outcome outcome, long nanos, long allocated,
                             int messageChars) {
        cases++;
        depths.putIfAbsent(outcome.label(), outcome.depth());
        counts.computeIfAbsent(outcome.label(), k -> new LinkedHashMap<>()).merge(generator, 1L, Long::sum);
        totalNanos += nanos;
        if (nanos > slowestNanos) {
            slowestNanos = nanos;
            slowestCase = index;
        }
        if (allocated > mostAllocated) {
            mostAllocated = allocated;
            mostAllocatedCase = index;
        }
        longestMessage = Math.max(longestMessage, messageChars);
    }

    synchronized void recordCpu(long nanos) {
        cpuNanos += nanos;
    }

    synchronized void recordOverhead(long nanos) {
        overheadNanos += nanos;
    }

    synchronized void fail(long index, String generator, String description, byte[] input, String problem,
                           Throwable thrown) {
        failureCount++;
        // Alike: the same problem but for numbers and the file; keeps a few of each kind, not the first 30 of one.
        String kind = clip(problem.replace(config.dumpDir().toString(), "").replaceAll("/[^ :]*", "")
                .replaceAll("[0-9]+", "#"), 60);
        if (failures.size() >= FAILURES_KEPT || failureKinds.merge(kind, 1, Integer::sum) > FAILURES_KEPT_PER_KIND) {
            return;
        }
        String dumped = "";
        try {
            Files.createDirectories(config.dumpDir());
            Path f = config.dumpDir().resolve(target.name() + "-" + Long.toHexString(config.seed()) + "-" + index
                    + ".bin");
            Files.write(f, input);
            dumped = "\n    input written to " + f.toAbsolutePath();
        } catch (IOException | RuntimeException e) {
            dumped = "\n    (could not write the input: " + e + ")";
        }
        failures.add("[" + target.name() + "] case " + index + " (seed 0x" + Long.toHexString(config.seed())
                + ", generator " + generator + "): " + clip(problem, 2_000)
                + "\n    made by: " + clip(description, 600)
                + "\n    replay: -Dqlstm.fuzz.seed=0x" + Long.toHexString(config.seed()) + " -Dqlstm.fuzz.target="
                + target.name() + " -Dqlstm.fuzz.case=" + index
                + dumped
                + (thrown == null ? "" : "\n" + FuzzDriver.stackTrace(thrown, 25)));
    }

    synchronized void finish(long wallNanos) {
        this.wallNanos = wallNanos;
    }

    /** @return the number of cases run */
    public synchronized long cases() {
        return cases;
    }

    /** @return how many cases failed */
    public synchronized long failureCount() {
        return failureCount;
    }

    /** @return the first failures, each with its seed, case index and replay properties */
    public synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    /** @return cases per outcome label */
    public synchronized Map<String, Long> outcomeCounts() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((label, byGen) -> m.put(label, byGen.values().stream().mapToLong(Long::longValue).sum()));
        return m;
    }

    /** @return the share of cases whose outcome is at least this deep */
    public synchronized double shareReaching(int depth) {
        long n = 0;
        for (Map.Entry<String, Map<String, Long>> e : counts.entrySet()) {
            if (depths.get(e.getKey()) >= depth) {
                n += e.getValue().values().stream().mapToLong(Long::longValue).sum();
            }
        }
        return cases == 0 ? 0 : (double) n / cases;
    }

    /** @return the coverage floors of the target that this run missed, as messages; empty if all are met */
    public synchronized List<String> coverageShortfalls() {
        List<String> out = new ArrayList<>();
        if (config.onlyCase().isPresent()) {
            return out;
        }
        for (Coverage c : target.coverage()) {
            double share = shareReaching(c.depth());
            if (share < c.minShare()) {
                out.add(String.format("[%s] only %.1f%% of cases got %s (depth >= %d); at least %.1f%% expected:"
                        + " the generators are too weak", target.name(), 100 * share, c.what(), c.depth(),
                        100 * c.minShare()));
            }
        }
        return out;
    }

    /** A table for the CI log. */
    public synchronized String summary() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("fuzz %s: %d cases, seed 0x%x, %d thread(s), %.1f s wall, %.1f s CPU in the workers"
                        + " (generating, writing, reading, checking); per case %.2f ms reading"
                        + " + %.2f ms generating and writing (avg); slowest case %d: %.1f ms CPU;"
                        + " most allocated case %d: %.1f MiB; longest message %d chars; %d failure(s)%n", target.name(),
                cases, config.seed(), config.onlyCase().isPresent() ? 1 : config.threads(), wallNanos / 1e9,
                cpuNanos / 1e9, totalNanos / 1e6 / Math.max(1, cases),
                overheadNanos / 1e6 / Math.max(1, cases), slowestCase, slowestNanos / 1e6, mostAllocatedCase,
                mostAllocated / 1048576.0, longestMessage, failureCount));
        int width = Math.max(28, counts.keySet().stream().mapToInt(String::length).max().orElse(0) + 2);
        b.append(String.format("  %-" + width + "s %5s %7s %6s", "outcome", "depth", "cases", "share"));
        for (String g : generatorNames) {
            b.append(String.format(" %" + Math.max(7, g.length()) + "s", g));
        }
        b.append('\n');
        List<String> labels = new ArrayList<>(counts.keySet());
        labels.sort(Comparator.comparing((String l) -> depths.get(l)).thenComparing(l -> l));
        for (String label : labels) {
            Map<String, Long> byGen = counts.get(label);
            long n = byGen.values().stream().mapToLong(Long::longValue).sum();
            int d = depths.get(label);
            b.append(String.format("  %-" + width + "s %5s %7d %5.1f%%", label,
                    d == Integer.MAX_VALUE ? "ok" : Integer.toString(d), n, 100.0 * n / Math.max(1, cases)));
            for (String g : generatorNames) {
                b.append(String.format(" %" + Math.max(7, g.length()) + "d", byGen.getOrDefault(g, 0L)));
            }
            b.append('\n');
        }
        for (Coverage c : target.coverage()) {
            double share = shareReaching(c.depth());
            b.append(String.format("  coverage: %.1f%% of cases got %s (depth >= %d; floor %.1f%%)%s%n", 100 * share,
                    c.what(), c.depth(), 100 * c.minShare(), share >= c.minShare() ? "" : "  <-- TOO LOW"));
        }
        return b.toString();
    }

    static String clip(String s, int max) {
        if (s == null) {
            return "null";
        }
        return s.length() <= max ? s : s.substring(0, max) + "... (" + s.length() + " chars)";
    }
}
