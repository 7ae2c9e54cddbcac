package org.qlstm.verify.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fuzz suite: every reader gets {@value #CASES} seeded cases per run (override with
 * {@code -Dqlstm.fuzz.cases}); see {@link FuzzDriver} for what fails a case and how to replay one. The
 * outcome distribution is printed for the CI log.
 */
class ReaderFuzzTest {
    static final int CASES = 10_000;

    /** Every reader under fuzzing. To add one, implement {@link FuzzTarget} and list it here. */
    static Stream<FuzzTarget> targets() {
        return Stream.of(new PthReaderTarget(), new ModelLoaderTarget(), new CorpusLoadTarget(),
                new CorpusTokenizeTarget(), new QuantizedModelFileTarget(),
                new GoldenRecordsTarget("small/float_eval.json"), new GoldenRecordsTarget("sizes.json"));
    }

    static Stream<Named<FuzzTarget>> named() {
        return targets().map(t -> Named.of(t.name(), t));
    }

    @TempDir
    Path work;

    @ParameterizedTest(name = "{0}")
    @MethodSource("named")
    @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fuzz(FuzzTarget target) throws Exception {
        FuzzDriver.Config config = FuzzDriver.Config.fromSystemProperties(CASES);
        assumeTrue(config.selects(target), "not selected by -Dqlstm.fuzz.target");
        FuzzReport report = FuzzDriver.run(target, config, work);
        System.out.println(report.summary());
        List<String> problems = new ArrayList<>(report.failures());
        if (report.failureCount() > problems.size()) {
            problems.add("... and " + (report.failureCount() - problems.size()) + " more failing cases");
        }
        problems.addAll(report.coverageShortfalls());
        assertTrue(problems.isEmpty(), () -> report.failureCount() + " failing case(s) of " + report.cases()
                + " for " + target.name() + "\n" + String.join("\n\n", problems));
    }
}
