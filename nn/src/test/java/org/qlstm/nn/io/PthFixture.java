package org.qlstm.nn.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds torch.save-style zip archives in memory for tests: storages, tensors viewing them, and the
 * pickle torch would write for them (OrderedDict, then SETITEMS, then BUILD with {@code _metadata}).
 * Every part can be replaced, removed or corrupted to make hostile files.
 */
final class PthFixture {
    private final String prefix;
    private final Map<String, byte[]> entries = new LinkedHashMap<>(); // name under the prefix -> bytes
    private final Set<String> deflated = new HashSet<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private final Map<String, Integer> claimedSizes = new LinkedHashMap<>();
    private final Map<String, Integer> storageNumel = new LinkedHashMap<>();
    private final List<Object[]> tensors = new ArrayList<>(); // name, key, offset, size, stride
    private byte[] pickle; // null: generate from the tensors
    private boolean omitPickle;

    private PthFixture(String prefix) {
        this.prefix = prefix;
        entries.put("version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** @param prefix the archive's top-level folder, which torch names after the file */
    static PthFixture archive(String prefix) {
        return new PthFixture(prefix);
    }

    /** Adds storage {@code data/<key>} holding {@code values} as little-endian float32. */
    PthFixture storage(String key, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        entries.put("data/" + key, b.array());
        storageNumel.put(key, values.length);
        return this;
    }

    /** Makes the pickle declare another element count for a storage than its entry holds. */
    PthFixture declareNumel(String key, int numel) {
        storageNumel.put(key, numel);
        return this;
    }

    /** Adds a tensor viewing a storage added before. */
    PthFixture tensor(String name, String key, long offset, long[] size, long[] stride) {
        tensors.add(new Object[] {name, key, offset, size, stride});
        return this;
    }

    /** Adds a contiguous tensor that is all of a new storage named after it. */
    PthFixture contiguous(String name, int[] shape, float... values) {
        long[] size = new long[shape.length];
        long[] stride = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            size[d] = shape[d];
            stride[d] = s;
            s *= shape[d];
        }
        String key = Integer.toString(storageNumel.size());
        return storage(key, values).tensor(name, key, 0, size, stride);
    }

    /** Replaces the generated pickle. */
    PthFixture pickle(byte[] bytes) {
        this.pickle = bytes;
        return this;
    }

    /** Adds or replaces an entry under the prefix. */
    PthFixture entry(String name, byte[] bytes) {
        entries.put(name, bytes);
        return this;
    }

    /** Removes an entry under the prefix; {@code data.pkl} included. */
    PthFixture remove(String name) {
        entries.remove(name);
        omitPickle |= name.equals("data.pkl");
        return this;
    }

    /** Adds a central-directory entry {@code name} sharing the bytes of entry {@code target}. */
    PthFixture alias(String name, String target) {
        aliases.put(name, target);
        return this;
    }

    /** Makes the zip's central directory claim another size for an entry than it holds. */
    PthFixture claimSize(String name, int size) {
        claimedSizes.put(name, size);
        return this;
    }

    /** Stores an entry compressed instead of uncompressed as torch does. */
    PthFixture deflate(String name) {
        deflated.add(name);
        return this;
    }

    /** The pickle torch.save would write for the tensors added so far. */
    byte[] generatedPickle() {
        PickleWriter p = new PickleWriter().proto(2).orderedDict().mark();
        for (Object[] t : tensors) {
            String key = (String) t[1];
            p.unicode((String) t[0]).tensor(key, storageNumel.get(key), (Long) t[2], (long[]) t[3], (long[]) t[4]);
        }
        p.setitems();
        // state: {'_metadata': OrderedDict({'': {'version': 1}})}, as nn.Module.state_dict() adds
        p.emptyDict().unicode("_metadata").orderedDict().unicode("").emptyDict().unicode("version").integer(1)
                .setitem().setitem().setitem().build();
        return p.stop().toByteArray();
    }

    byte[] toZipBytes() {
        Map<String, byte[]> all = new LinkedHashMap<>();
        if (!omitPickle) {
            all.put("data.pkl", pickle != null ? pickle : generatedPickle());
        }
        all.putAll(entries);
        ZipWriter zip = new ZipWriter();
        all.forEach((name, bytes) -> zip.add(prefix + "/" + name, bytes, deflated.contains(name)));
        aliases.forEach((name, target) -> zip.alias(prefix + "/" + name, prefix + "/" + target));
        claimedSizes.forEach((name, size) -> zip.claimSize(prefix + "/" + name, size));
        return zip.toByteArray();
    }

    /** Writes the archive to {@code file} and returns it. */
    Path write(Path file) {
        try {
            Files.write(file, toZipBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
