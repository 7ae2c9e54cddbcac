package org.qlstm.nn.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that an interrupted run never leaves a partial file: the content goes to a temporary file in the
 * same directory, is forced to disk, and is then moved over the target in one step. On any failure (the content
 * callback throwing part-way, a full disk, a move that is refused) the temporary file is removed and an existing
 * target is left as it was. Failures are reported as an {@link IOException} whose message is one line,
 * {@code target: problem}.
 */
public final class AtomicFiles {

    /** Writes the bytes of a file to a stream. */
    @FunctionalInterface
    public interface Content {
        /** Writes everything to {@code out}. */
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes {@code text} as UTF-8 to {@code target}, atomically. */
    public static void writeString(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    /**
     * Checks, before any work is done, that {@code target} can be the target of {@link #write}: its directory
     * exists and it is not itself a directory.
     *
     * @throws IOException {@code target: problem}
     */
    public static void requireWritableTarget(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException(target + ": the directory " + dir + " does not exist");
        }
        if (Files.isDirectory(absolute)) {
            throw new IOException(target + ": is a directory, not a file to write");
        }
    }

    /**
     * Writes {@code content} to {@code target}, atomically; on any failure the temporary file is removed. The file
     * gets the permissions a plain new file gets (the process's umask), or keeps those of the file it replaces.
     */
    public static void write(Path target, Content content) throws IOException {
        requireWritableTarget(target);
        Path absolute = target.toAbsolutePath();
        Path temp = null;
        boolean moved = false;
        try {
            FileChannel channel;
            try {
                temp = absolute.resolveSibling("." + absolute.getFileName() + "." + Long.toUnsignedString(
                        ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
                // CREATE_NEW, not Files.createTempFile: that one makes the file 0600, which the move would keep.
                channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
            } catch (IOException e) {
                temp = null;
                throw new IOException(target + ": cannot create a temporary file beside it: " + describe(e), e);
            }
            try (channel;
                 OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            keepPermissions(absolute, temp);
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } catch (FileSystemException e) {
            throw new IOException(target + ": cannot write: " + describe(e), e);
        } finally {
            if (!moved && temp != null) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** A replaced file keeps its POSIX permissions (e.g. a model file made read-only for a group stays so). */
    private static void keepPermissions(Path existing, Path replacement) throws IOException {
        if (!Files.isRegularFile(existing)
                || !existing.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Files.setPosixFilePermissions(replacement, Files.getPosixFilePermissions(existing));
    }

    /** One line for a file-system failure, without exception class names. */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f) {
            String what = f.getReason() != null ? f.getReason()
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof NoSuchFileException ? "no such file or directory"
                    : e instanceof DirectoryNotEmptyException ? "is a non-empty directory"
                    : "file system error";
            return what + (f.getFile() == null ? "" : " (" + f.getFile()
                    + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ")");
        }
        return e.getMessage() == null ? "I/O error" : e.getMessage().lines().findFirst().orElse("I/O error");
    }
}
