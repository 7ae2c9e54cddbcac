package org.qlstm.nn.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The zip archive {@code torch.save} writes (PyTorch 1.6 and later): {@code <prefix>/data.pkl},
 * {@code <prefix>/data/<key>} raw storages, {@code <prefix>/version}, and in newer versions
 * {@code <prefix>/byteorder}. Every size is checked against what the pickle needs before anything is
 * allocated, and nothing is read beyond it, so a lying or hostile archive cannot exhaust memory.
 */
final class PthArchive implements Closeable {

    /** data.pkl of a state_dict is ~100 bytes per tensor; 4 MiB allows tens of thousands of tensors. */
    static final int MAX_PICKLE_BYTES = 4 << 20;

    /** Bytes converted per bulk read: large enough to be fast, small enough not to double peak memory. */
    private static final int CHUNK_BYTES = 1 << 20;

    /** The first bytes of a legacy (pre-1.6) torch.save file: PROTO 2, LONG1 with torch's magic number. */
    private static final byte[] LEGACY_MAGIC = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc,
            (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};

    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    private final Path file;
    private final long fileSize;
    private final ZipFile zip;
    private final String prefix;

    private PthArchive(Path file, long fileSize, ZipFile zip, String prefix) {
        this.file = file;
        this.fileSize = fileSize;
        this.zip = zip;
        this.prefix = prefix;
    }

    /**
     * Opens the archive, finds its single {@code <prefix>/data.pkl} and checks the byte order.
     *
     * @throws ModelFileException if the file is missing, not a torch.save zip, or big-endian
     */
    static PthArchive open(Path file) throws ModelFileException {
        long size = sniff(file);
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new ModelFileException(file, "truncated or corrupt zip archive (" + reason(e) + ")", e);
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot open: " + reason(e), e);
        }
        try {
            PthArchive archive = new PthArchive(file, size, zip, findPrefix(file, zip));
            archive.checkByteOrder();
            return archive;
        } catch (ModelFileException | RuntimeException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    /** Tells a legacy torch.save file, or any non-zip, apart before the zip reader gives a vaguer error. */
    private static long sniff(Path file) throws ModelFileException {
        if (!Files.isRegularFile(file)) {
            throw new ModelFileException(file, Files.exists(file) ? "not a regular file" : "no such file");
        }
        byte[] head;
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            head = in.readNBytes(LEGACY_MAGIC.length);
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot read: " + reason(e), e);
        }
        if (Arrays.equals(head, LEGACY_MAGIC)) {
            throw new ModelFileException(file, "legacy torch.save format (PyTorch before 1.6, or"
                    + " _use_new_zipfile_serialization=False); re-save it with a newer PyTorch");
        }
        if (head.length < ZIP_MAGIC.length
                || !Arrays.equals(head, 0, ZIP_MAGIC.length, ZIP_MAGIC, 0, ZIP_MAGIC.length)) {
            throw new ModelFileException(file, "not a zip archive, so not a torch.save file from PyTorch 1.6"
                    + " or later (" + size + " bytes)");
        }
        return size;
    }

    /** torch.save puts everything under one folder, named after the file; we accept any name. */
    private static String findPrefix(Path file, ZipFile zip) throws ModelFileException {
        List<String> prefixes = new ArrayList<>();
        boolean torchScript = false;
        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
            String name = e.nextElement().getName();
            int slash = name.indexOf('/');
            if (slash > 0 && name.indexOf('/', slash + 1) < 0 && name.endsWith("/data.pkl")
                    && name.length() == slash + "/data.pkl".length()) {
                prefixes.add(name.substring(0, slash));
            }
            torchScript |= slash > 0 && (name.startsWith("code/", slash + 1) || name.endsWith("/constants.pkl"));
        }
        if (torchScript) {
            throw new ModelFileException(file, "a TorchScript archive (torch.jit.save), not a state_dict;"
                    + " save model.state_dict() with torch.save instead");
        }
        if (prefixes.isEmpty()) {
            throw new ModelFileException(file, "zip archive without <folder>/data.pkl: not a torch.save file");
        }
        if (prefixes.size() > 1) {
            throw new ModelFileException(file, "zip archive with several data.pkl entries, under " + prefixes);
        }
        return prefixes.get(0);
    }

    /** Storages are raw native-order bytes; newer PyTorch records that order, older ones are little-endian. */
    private void checkByteOrder() throws ModelFileException {
        ZipEntry entry = zip.getEntry(prefix + "/byteorder");
        if (entry == null) {
            return;
        }
        String order = new String(readSmallEntry(entry, 16), StandardCharsets.US_ASCII).strip();
        if (order.equals("big")) {
            throw new ModelFileException(file, "storages are big-endian (byteorder 'big'); only little-endian"
                    + " files can be read");
        }
        if (!order.equals("little")) {
            throw new ModelFileException(file, "unrecognized byteorder entry " + Text.quote(order));
        }
    }

    /** @return the size of the archive file in bytes */
    long fileSize() {
        return fileSize;
    }

    /** @return the bytes of {@code data.pkl}, at most {@link #MAX_PICKLE_BYTES} */
    byte[] readPickle() throws ModelFileException {
        return readSmallEntry(zip.getEntry(prefix + "/data.pkl"), MAX_PICKLE_BYTES);
    }

    private byte[] readSmallEntry(ZipEntry entry, int limit) throws ModelFileException {
        if (entry.getSize() > limit) {
            throw new ModelFileException(file, "entry " + Text.quote(entry.getName()) + " declares "
                    + entry.getSize() + " bytes, more than the " + limit + " allowed");
        }
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
            bytes = in.readNBytes(limit + 1); // one more than allowed, to notice an entry that lied
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot read entry " + Text.quote(entry.getName()) + ": "
                    + reason(e), e);
        }
        if (bytes.length > limit || (entry.getSize() >= 0 && bytes.length != entry.getSize())) {
            throw new ModelFileException(file, "entry " + Text.quote(entry.getName()) + " holds "
                    + (bytes.length > limit ? "more than " + limit : bytes.length) + " bytes, but declares "
                    + entry.getSize());
        }
        return bytes;
    }

    /**
     * Checks, without reading it, that a storage's entry exists, is stored uncompressed (as torch.save
     * writes it; this also bounds what we allocate by the file's real size) and declares exactly the
     * bytes the pickle's element count needs.
     *
     * @param storage the storage as the pickle declares it
     * @param user    a tensor using it, named in messages
     */
    void checkStorage(StorageRef storage, String user) throws ModelFileException {
        ZipEntry entry = storageEntry(storage, user);
        if (entry.getMethod() != ZipEntry.STORED) {
            throw new ModelFileException(file, "storage entry " + Text.quote(entry.getName())
                    + " is compressed; torch.save writes storages uncompressed");
        }
        long declared = entry.getSize();
        if (declared > fileSize) {
            throw new ModelFileException(file, "storage entry " + Text.quote(entry.getName()) + " declares "
                    + declared + " bytes, more than the whole file's " + fileSize + " (truncated file?)");
        }
        if (declared != storage.byteLength() || entry.getCompressedSize() != declared) {
            throw new ModelFileException(file, "storage entry " + Text.quote(entry.getName()) + " has "
                    + declared + " bytes, but tensor " + Text.quote(user) + " declares a storage of "
                    + storage.numel() + " float32 elements (" + storage.byteLength() + " bytes)");
        }
    }

    /**
     * Reads a storage checked by {@link #checkStorage}, converting little-endian floats in bulk.
     *
     * @return a new array of {@code storage.numel()} floats
     */
    float[] readStorage(StorageRef storage, String user) throws ModelFileException {
        ZipEntry entry = storageEntry(storage, user);
        float[] out = new float[storage.numel()];
        byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, storage.byteLength())];
        int done = 0; // floats filled
        try (InputStream in = zip.getInputStream(entry)) {
            while (done < out.length) {
                int want = (int) Math.min(chunk.length, (long) (out.length - done) * Float.BYTES);
                int got = in.readNBytes(chunk, 0, want);
                if (got != want) {
                    throw new ModelFileException(file, "storage entry " + Text.quote(entry.getName())
                            + " is truncated: " + ((long) done * Float.BYTES + got) + " of "
                            + storage.byteLength() + " bytes");
                }
                ByteBuffer.wrap(chunk, 0, got).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                        .get(out, done, got / Float.BYTES);
                done += got / Float.BYTES;
            }
            if (in.read() != -1) {
                throw new ModelFileException(file, "storage entry " + Text.quote(entry.getName())
                        + " holds more than the " + storage.byteLength() + " bytes it declares");
            }
        } catch (IOException e) {
            if (e instanceof ModelFileException m) {
                throw m;
            }
            throw new ModelFileException(file, "cannot read storage entry " + Text.quote(entry.getName())
                    + ": " + reason(e), e);
        }
        return out;
    }

    private ZipEntry storageEntry(StorageRef storage, String user) throws ModelFileException {
        String name = prefix + "/data/" + storage.key();
        ZipEntry entry = zip.getEntry(name);
        if (entry == null || entry.isDirectory()) {
            throw new ModelFileException(file, "missing storage entry " + Text.quote(name) + " used by tensor "
                    + Text.quote(user));
        }
        return entry;
    }

    /**
     * The message of an I/O error for ours; some carry none (ZipFile's EOFException when a local header points
     * past the end of the file), and "null" would tell the user nothing.
     */
    private static String reason(IOException e) {
        if (e.getMessage() != null && !e.getMessage().isBlank()) {
            return e.getMessage();
        }
        return e instanceof java.io.EOFException ? "unexpected end of file" : e.getClass().getSimpleName();
    }

    @Override
    public void close() {
        closeQuietly(zip);
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // Nothing was written; a failing close cannot lose data.
        }
    }
}
