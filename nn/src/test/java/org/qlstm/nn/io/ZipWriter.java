package org.qlstm.nn.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes zip archives byte by byte, so tests can make ones {@link java.util.zip.ZipOutputStream} refuses
 * to: central-directory entries that alias another entry's data (the trick of non-recursive zip bombs).
 */
final class ZipWriter {
    private record Entry(String name, int method, long crc, int compressedSize, int size, int localOffset) {
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final List<Entry> central = new ArrayList<>();

    /** Adds an entry, stored as torch.save does, or deflated. */
    ZipWriter add(String name, byte[] data, boolean deflate) {
        CRC32 crc = new CRC32();
        crc.update(data);
        byte[] payload = deflate ? deflate(data) : data;
        Entry e = new Entry(name, deflate ? 8 : 0, crc.getValue(), payload.length, data.length, out.size());
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(le(30).putInt(0x04034b50).putShort((short) 20).putShort((short) 0)
                .putShort((short) e.method()).putShort((short) 0).putShort((short) 33).putInt((int) e.crc())
                .putInt(e.compressedSize()).putInt(e.size()).putShort((short) nameBytes.length).putShort((short) 0)
                .array());
        out.writeBytes(nameBytes);
        out.writeBytes(payload);
        entries.put(name, e);
        central.add(e);
        return this;
    }

    /** Makes the central directory claim {@code size} bytes (stored and compressed) for entry {@code name}. */
    ZipWriter claimSize(String name, int size) {
        for (int i = 0; i < central.size(); i++) {
            Entry e = central.get(i);
            if (e.name().equals(name)) {
                central.set(i, new Entry(name, e.method(), e.crc(), size, size, e.localOffset()));
            }
        }
        return this;
    }

    /** Adds a central-directory entry named {@code name} whose data is that of {@code target}. */
    ZipWriter alias(String name, String target) {
        Entry t = entries.get(target);
        central.add(new Entry(name, t.method(), t.crc(), t.compressedSize(), t.size(), t.localOffset()));
        return this;
    }

    byte[] toByteArray() {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        zip.writeBytes(out.toByteArray());
        int centralStart = zip.size();
        for (Entry e : central) {
            byte[] nameBytes = e.name().getBytes(StandardCharsets.UTF_8);
            zip.writeBytes(le(46).putInt(0x02014b50).putShort((short) 20).putShort((short) 20)
                    .putShort((short) 0).putShort((short) e.method()).putShort((short) 0).putShort((short) 33)
                    .putInt((int) e.crc()).putInt(e.compressedSize()).putInt(e.size())
                    .putShort((short) nameBytes.length).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt(e.localOffset()).array());
            zip.writeBytes(nameBytes);
        }
        int centralSize = zip.size() - centralStart;
        zip.writeBytes(le(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) central.size()).putShort((short) central.size()).putInt(centralSize)
                .putInt(centralStart).putShort((short) 0).array());
        return zip.toByteArray();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!deflater.finished()) {
            b.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        return b.toByteArray();
    }
}
