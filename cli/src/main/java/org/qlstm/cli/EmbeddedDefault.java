package org.qlstm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The small model and corpus recorded by the reference scripts ({@code golden/small}), packed into the jar so
 * {@code qlstm} runs with no files at all. Extracted once per process into a temporary directory that is deleted
 * at exit.
 */
final class EmbeddedDefault {

    private static final String BASE = "/org/qlstm/cli/default/";
    private static final String[] FILES = {"model.pth", "train.txt", "valid.txt", "test.txt"};
    private static Path directory;

    private EmbeddedDefault() {
    }

    /** The model file of the embedded default. */
    static Path model() {
        return directory().resolve("model.pth");
    }

    /** The corpus directory of the embedded default. */
    static Path data() {
        return directory();
    }

    private static synchronized Path directory() {
        if (directory == null) {
            try {
                Path dir = Files.createTempDirectory("qlstm-default");
                for (String name : FILES) {
                    try (InputStream in = EmbeddedDefault.class.getResourceAsStream(BASE + name)) {
                        if (in == null) {
                            throw new IllegalStateException("the embedded default " + name
                                    + " is missing from the jar (rebuild: mvn -pl cli -am package)");
                        }
                        Path file = dir.resolve(name);
                        // Not through AtomicFiles: the directory is new, private to this process and deleted at
                        // exit, and this run fails if a copy does, so a partial file is never read or left for
                        // anyone; forcing four files to disk would slow every command's start.
                        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                        file.toFile().deleteOnExit();
                    }
                }
                dir.toFile().deleteOnExit();
                directory = dir;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract the embedded default model", e);
            }
        }
        return directory;
    }
}
