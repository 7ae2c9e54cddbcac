package org.qlstm.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An interrupted or refused write leaves no partial or temporary file and an existing target untouched. */
class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesAndReplaces() throws IOException {
        Path target = dir.resolve("out.txt");
        AtomicFiles.writeString(target, "first");
        AtomicFiles.writeString(target, "second");
        assertEquals("second", Files.readString(target));
        assertEquals(List.of("out.txt"), names());
    }

    @Test
    void aWriterFailingPartWayLeavesNothingAndTheOldFileIntact() throws IOException {
        Path target = dir.resolve("out.bin");
        Files.writeString(target, "old content");
        byte[] block = new byte[100_000]; // more than the 64 KiB buffer: part of it has reached the temporary file
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(block);
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertEquals("old content", Files.readString(target));
        assertEquals(List.of("out.bin"), names(), "no temporary file may be left");
    }

    @Test
    void aRuntimeFailurePartWayLeavesNothing() throws IOException {
        Path target = dir.resolve("new.bin");
        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[10]);
            throw new UncheckedIOException(new IOException("interrupted"));
        }));
        assertEquals(List.of(), names(), "neither the target nor a temporary file");
    }

    @Test
    void aRefusedMoveLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("adir");
        Files.createDirectories(target.resolve("child"));
        // The target is a directory: refused before anything is written.
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "x"));
        assertEquals(target + ": is a directory, not a file to write", e.getMessage());
        assertEquals(List.of("adir"), names());
        assertTrue(Files.isDirectory(target.resolve("child")));
    }

    @Test
    void aMissingDirectoryIsNamed() {
        Path target = dir.resolve("nodir").resolve("out.txt");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "x"));
        assertTrue(e.getMessage().startsWith(target + ": the directory "), e.getMessage());
    }

    @Test
    void aMoveThatFailsAfterTheContentIsWrittenRemovesTheTemporaryFile() throws IOException {
        Path target = dir.resolve("late");
        // The target becomes a non-empty directory while the content is written, so the final move fails.
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[1000]);
            Files.createDirectories(target.resolve("child"));
        }));
        assertTrue(e.getMessage().startsWith(target + ": cannot write: "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertEquals(List.of("late"), names(), "only the directory, no temporary file");
    }

    @Test
    void aNewFileGetsThePermissionsOfAPlainNewFile() throws IOException {
        Path plain = dir.resolve("plain");
        Files.writeString(plain, "x"); // created with the process's umask, as a shell redirect would
        Path target = dir.resolve("written");
        AtomicFiles.writeString(target, "x");
        // Not 0600 (what a temporary file gets): a report or model the tool writes is as readable as any file.
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(target));
    }

    @Test
    void aReplacedFileKeepsItsPermissions() throws IOException {
        Path target = dir.resolve("model.bin");
        Files.writeString(target, "old");
        Set<PosixFilePermission> chosen = PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(target, chosen);
        AtomicFiles.writeString(target, "new");
        assertEquals("new", Files.readString(target));
        assertEquals(chosen, Files.getPosixFilePermissions(target));
    }
}
