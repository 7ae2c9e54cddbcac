package org.qlstm.verify.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;

/** Where the repository, its goldens and the shared WikiText-2 data and trained model are. */
public final class Repo {

    private Repo() {
    }

    /**
     * The repository root: the {@code qlstm.root} system property set by the build, else the nearest ancestor of the
     * working directory that holds {@code golden/}.
     */
    public static Path root() {
        String property = System.getProperty("qlstm.root");
        if (property != null && !property.isBlank()) {
            return Paths.get(property).toAbsolutePath().normalize();
        }
        Path dir = Paths.get("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("golden")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root above " + dir);
    }

    /** {@code golden/} in the repository. */
    public static Path golden() {
        return root().resolve("golden");
    }

    /** A file under {@code golden/}, which must exist (a missing golden is a failure, never a skip). */
    public static Path golden(String relative) {
        Path file = golden().resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("golden file " + file + " is missing: run reference/regenerate.sh");
        }
        return file;
    }

    /** {@code ../shared} beside the repository. */
    public static Path shared() {
        return root().resolve("../shared").normalize();
    }

    /** The shared WikiText-2 directory; skips the calling test, naming what is missing, when it is absent. */
    public static Path wikitextOrSkip() {
        Path dir = shared().resolve("data/wikitext-2");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("test.txt")),
                "skipped: WikiText-2 is not at " + dir + " (full-scale checks need ../shared/data/wikitext-2)");
        return dir;
    }

    /** The shared trained tutorial model; skips the calling test, naming what is missing, when it is absent. */
    public static Path tutorialModelOrSkip() {
        Path file = shared().resolve("models/tutorial_lstm.pth");
        Assumptions.assumeTrue(Files.isRegularFile(file),
                "skipped: the trained model is not at " + file + " (full-scale checks need ../shared/models)");
        return file;
    }
}
