package org.qlstm.verify.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The fuzz driver itself: each way a case can fail is noticed, and runs are reproducible. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FuzzDriverTest {
    @TempDir
    Path work;

    private static FuzzDriver.Config config(int cases, int threads, long hangSeconds) {
        return new FuzzDriver.Config(42, cases, OptionalLong.empty(), null, threads, 2_000, hangSeconds,
                Path.of("target/fuzz-failures-selftest"));
    }

    /** A reader that misbehaves as the first byte of its input says; the generator picks among {@code kinds}. */
    private record Toy(String kinds) implements FuzzTarget {
        @Override
        public String name() {
            return "toy";
        }

        @Override
        public byte[] seed() {
            return new byte[] {'o', 'k'};
        }

        @Override
        public Object read(Path file) throws Exception {
            byte[] b = Files.readAllBytes(file);
            switch (b[0]) {
                case 'N' -> throw new NullPointerException("a bug");
                case 'L' -> throw new IOException(file + ": two\nlines");
                case 'F' -> throw new IOException("a message without the file");
                case 'E' -> throw new IOException(file + ": ");
                case 'A' -> {
                    return new byte[110 << 20]; // beyond the default bound for 2 input bytes, 96 MiB + 128
                }
                case 'S' -> {
                    return recurse(0);
                }
                case 'H' -> Thread.sleep(5_000);
                case 'D' -> throw new IOException(file + ": documented");
                default -> {
                    return b.length;
                }
            }
            return null;
        }

        private static int recurse(int n) {
            return recurse(n + 1) + 1;
        }

        @Override
        public boolean isDocumented(Throwable t) {
            return t instanceof IOException;
        }

        @Override
        public List<Generator> generators() {
            return List.of(Generator.of("kinds", 1, rng -> {
                byte[] b = {(byte) kinds.charAt(rng.nextInt(kinds.length())), (byte) rng.nextInt(256)};
                return new Mutant(b, "kind " + (char) b[0]);
            }));
        }

        @Override
        public Outcome classify(Throwable t) {
            return new Outcome(1, "documented");
        }

        @Override
        public List<Coverage> coverage() {
            return List.of(new Coverage("through", Integer.MAX_VALUE, 0.99));
        }
    }

    private static boolean any(List<String> failures, Predicate<String> p) {
        return failures.stream().anyMatch(p);
    }

    @Test
    void everyKindOfMisbehaviourFailsItsCaseWithTheSeedAndTheCaseIndex() throws Exception {
        FuzzReport r = FuzzDriver.run(new Toy("NLFEASok"), config(100, 2, 30), work);
        List<String> f = r.failures();

        assertEquals(100, r.cases());
        assertTrue(any(f, s -> s.contains("threw java.lang.NullPointerException, which is not documented")),
                r::summary);
        assertTrue(any(f, s -> s.contains("message is not one line")), r::summary);
        assertTrue(any(f, s -> s.contains("message does not have the form")), r::summary);
        assertTrue(any(f, s -> s.contains("allocated ") && s.contains("more than the")), r::summary);
        assertTrue(any(f, s -> s.contains("threw java.lang.StackOverflowError")), r::summary);
        assertTrue(f.stream().allMatch(s -> s.contains("replay: -Dqlstm.fuzz.seed=0x2a -Dqlstm.fuzz.target=toy"
                + " -Dqlstm.fuzz.case=")), () -> String.join("\n", f));
        assertTrue(r.failureCount() > 50 && r.failureCount() < 100, r::summary);
    }

    @Test
    void aMissedCoverageFloorIsReported() throws Exception {
        FuzzReport r = FuzzDriver.run(new Toy("Dok"), config(100, 2, 30), work);
        assertEquals(0, r.failureCount());
        assertEquals(1, r.coverageShortfalls().size(), r::summary);
        assertTrue(r.coverageShortfalls().get(0).contains("the generators are too weak"));
    }

    @Test
    void aHangingCaseIsNamedByTheWatchdog() throws Exception {
        FuzzReport r = FuzzDriver.run(new Toy("H"), config(10, 1, 1), work);
        assertEquals(1, r.failureCount(), r::summary);
        assertTrue(r.failures().get(0).contains("case 0 ") && r.failures().get(0).contains("still running after 1 s"),
                r.failures().get(0));
    }

    @Test
    void casesDependOnTheSeedAndIndexOnlyNotOnTheThreads() throws Exception {
        FuzzTarget t = new FuzzTarget() { // a zip-based reader in a few lines, with the generic zip generators
            final byte[] seed = PthSeeds.all().get(1).bytes();

            @Override
            public String name() {
                return "generic-zip";
            }

            @Override
            public byte[] seed() {
                return seed;
            }

            @Override
            public Object read(Path file) throws Exception {
                return org.qlstm.nn.io.PthReader.read(file);
            }

            @Override
            public boolean isDocumented(Throwable e) {
                return e instanceof org.qlstm.nn.io.ModelFileException;
            }

            @Override
            public List<Generator> generators() {
                return List.of(ZipMutations.structural("zip", 1, seed),
                        ZipMutations.entries("entries", 1, seed, n -> true),
                        Generator.of("bytes", 1, rng -> ByteMutations.stacked(seed, rng, null)));
            }

            @Override
            public Outcome classify(Throwable e) {
                return PthOutcomes.classify(e);
            }
        };
        FuzzReport one = FuzzDriver.run(t, config(300, 1, 30), work.resolve("1"));
        FuzzReport two = FuzzDriver.run(t, config(300, 2, 30), work.resolve("2"));
        assertEquals(0, one.failureCount(), () -> String.join("\n", one.failures()));
        assertEquals(one.outcomeCounts(), two.outcomeCounts());
        assertTrue(one.shareReaching(PthOutcomes.PICKLE) > 0.3, one::summary);
    }
}
