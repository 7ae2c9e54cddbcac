package org.qlstm.verify.support;

import java.nio.file.Path;
import org.approvaltests.Approvals;
import org.approvaltests.core.Options;
import org.approvaltests.namer.NamerWrapper;
import org.approvaltests.reporters.QuietReporter;

/**
 * ApprovalTests against approved files that the reference scripts write into {@code golden/}: the Java side renders
 * the same canonical text and it must match to the byte. The reporter is quiet (it never launches a diff tool, so a
 * mismatch in CI simply fails); the {@code .received.} file left beside the golden shows what Java produced, and is
 * git-ignored.
 */
public final class GoldenApprovals {

    private GoldenApprovals() {
    }

    /**
     * Verifies {@code text} against {@code golden/<relativeDir>/<name>.approved.<extension>}.
     *
     * @param text        what Java produced
     * @param relativeDir folder under {@code golden/}, e.g. {@code small}
     * @param name        approved file's base name, e.g. {@code dictionary}
     * @param extension   extension without the dot, e.g. {@code txt}
     */
    public static void verify(String text, String relativeDir, String name, String extension) {
        Path approved = Repo.golden(relativeDir + "/" + name + ".approved." + extension);
        String dir = approved.getParent().toString();
        Options options = new Options()
                .withReporter(QuietReporter.INSTANCE)
                .forFile().withNamer(new NamerWrapper(() -> name, () -> dir))
                .forFile().withExtension("." + extension);
        Approvals.verify(text, options);
    }
}
