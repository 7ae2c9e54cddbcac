package org.qlstm.nn.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the shared WikiText-2 data outside the repository. */
final class TestData {
    private static final String WIKITEXT2 = "shared/data/wikitext-2";

    private TestData() {
    }

    /**
     * {@code ${qlstm.root}/../shared/data/wikitext-2} (the build sets {@code qlstm.root} to the
     * repository root), else the first {@code shared/data/wikitext-2} found walking up from the
     * working directory.
     */
    static Optional<Path> wikitext2() {
        String root = System.getProperty("qlstm.root");
        if (root != null && !root.isBlank()) {
            Path p = Path.of(root).toAbsolutePath().normalize().resolve("..").resolve(WIKITEXT2).normalize();
            if (Files.isDirectory(p)) {
                return Optional.of(p);
            }
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve(WIKITEXT2);
            if (Files.isDirectory(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Where the data was looked for, for skip messages. */
    static String searched() {
        return "${qlstm.root}/../" + WIKITEXT2 + " (qlstm.root=" + System.getProperty("qlstm.root")
                + ") or " + WIKITEXT2 + " above " + Path.of("").toAbsolutePath();
    }
}
