package org.qlstm.verify.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A zip archive as a mutable list of entries, written back byte by byte so that structural mutations
 * (sizes, methods, names, aliases, zip64 claims) produce archives {@link java.util.zip.ZipOutputStream}
 * would refuse to write, while everything not mutated stays consistent (sizes, CRCs, offsets).
 */
public final class ZipModel {

    /** One entry; fields left at their defaults are written honestly. */
    public static final class Entry {
        public String name;
        /** The uncompressed content. */
        public byte[] content;
        /** 0 stored, 8 deflated. */
        public int method;
        /** If set, written as the payload as is (e.g. a precomputed deflate bomb); content is then unused. */
        public byte[] raw;
        /** With {@link #raw}: the uncompressed size and CRC to declare. */
        public long rawSize;
        public long rawCrc;
        /** Sizes the central directory claims instead of the real ones, or -1. */
        public long claimedSize = -1;
        public long claimedCompressedSize = -1;
        /** CRC to declare instead of the real one, or -1. */
        public long claimedCrc = -1;
        /** Declare the central directory sizes through a zip64 extra field. */
        public boolean zip64;
        /** Name in the central directory if it differs from the local header's, or null. */
        public String centralName;

        public Entry(String name, byte[] content) {
            this.name = name;
            this.content = content;
        }

        Entry copy() {
            Entry e = new Entry(name, content);
            e.method = method;
            e.raw = raw;
            e.rawSize = rawSize;
            e.rawCrc = rawCrc;
            e.claimedSize = claimedSize;
            e.claimedCompressedSize = claimedCompressedSize;
            e.claimedCrc = claimedCrc;
            e.zip64 = zip64;
            e.centralName = centralName;
            return e;
        }
    }

    /** A central-directory entry named {@code name} that points at the local entry {@code target}. */
    public record Alias(String name, String target) {
    }

    public final List<Entry> entries = new ArrayList<>();
    public final List<Alias> aliases = new ArrayList<>();
    /** Byte ranges of the parsed archive that hold structure (headers, directory), for steering byte mutations. */
    public final List<int[]> structureRanges = new ArrayList<>();

    /** @return the first entry of that name, or null */
    public Entry find(String name) {
        for (Entry e : entries) {
            if (e.name.equals(name)) {
                return e;
            }
        }
        return null;
    }

    public ZipModel copy() {
        ZipModel m = new ZipModel();
        entries.forEach(e -> m.entries.add(e.copy()));
        m.aliases.addAll(aliases);
        return m;
    }

    /** Parses a sound archive (a seed); stored and deflated entries. */
    public static ZipModel parse(byte[] zip) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = -1;
        for (int i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
            if (b.getInt(i) == 0x06054b50) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new IOException("no end of central directory");
        }
        int count = b.getShort(eocd + 10) & 0xffff;
        int cdSize = b.getInt(eocd + 12);
        int cd = b.getInt(eocd + 16);
        ZipModel m = new ZipModel();
        m.structureRanges.add(new int[] {cd, cd + cdSize});
        m.structureRanges.add(new int[] {eocd, zip.length});
        int p = cd;
        for (int i = 0; i < count; i++) {
            if (b.getInt(p) != 0x02014b50) {
                throw new IOException("bad central directory entry at " + p);
            }
            int method = b.getShort(p + 10) & 0xffff;
            long csize = b.getInt(p + 20) & 0xffffffffL;
            long size = b.getInt(p + 24) & 0xffffffffL;
            int nameLen = b.getShort(p + 28) & 0xffff;
            int extraLen = b.getShort(p + 30) & 0xffff;
            int commentLen = b.getShort(p + 32) & 0xffff;
            int local = b.getInt(p + 42);
            String name = new String(zip, p + 46, nameLen, StandardCharsets.UTF_8);
            p += 46 + nameLen + extraLen + commentLen;
            if (b.getInt(local) != 0x04034b50) {
                throw new IOException("bad local header of " + name);
            }
            int data = local + 30 + (b.getShort(local + 26) & 0xffff) + (b.getShort(local + 28) & 0xffff);
            m.structureRanges.add(new int[] {local, data});
            byte[] payload = java.util.Arrays.copyOfRange(zip, data, Math.toIntExact(data + csize));
            Entry e = new Entry(name, method == 8 ? inflate(payload, size) : payload);
            e.method = method;
            m.entries.add(e);
        }
        return m;
    }

    /** Writes the archive: local entries in order, then the central directory (aliases last), then its end. */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<byte[]> central = new ArrayList<>();
        List<String> localNames = new ArrayList<>();
        List<byte[]> centralOfLocal = new ArrayList<>();
        for (Entry e : entries) {
            byte[] payload;
            long size;
            long crc;
            if (e.raw != null) {
                payload = e.raw;
                size = e.rawSize;
                crc = e.rawCrc;
            } else {
                payload = e.method == 8 ? deflate(e.content) : e.content;
                size = e.content.length;
                CRC32 c = new CRC32();
                c.update(e.content);
                crc = c.getValue();
            }
            if (e.claimedCrc >= 0) {
                crc = e.claimedCrc;
            }
            int offset = out.size();
            byte[] name = e.name.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(le(30).putInt(0x04034b50).putShort((short) 20).putShort((short) 0x0800)
                    .putShort((short) e.method).putShort((short) 0).putShort((short) 0x21).putInt((int) crc)
                    .putInt(payload.length).putInt((int) size).putShort((short) name.length).putShort((short) 0)
                    .array());
            out.writeBytes(name);
            out.writeBytes(payload);
            long claimedSize = e.claimedSize >= 0 ? e.claimedSize : size;
            long claimedCompressed = e.claimedCompressedSize >= 0 ? e.claimedCompressedSize : payload.length;
            byte[] cd = centralEntry(e.centralName != null ? e.centralName : e.name, e.method, crc, claimedCompressed,
                    claimedSize, offset, e.zip64);
            central.add(cd);
            localNames.add(e.name);
            centralOfLocal.add(cd);
        }
        for (Alias a : aliases) {
            int i = localNames.indexOf(a.target());
            if (i < 0) {
                continue;
            }
            byte[] target = centralOfLocal.get(i);
            ByteBuffer t = ByteBuffer.wrap(target).order(ByteOrder.LITTLE_ENDIAN);
            int nameLen = t.getShort(28) & 0xffff;
            int extraLen = t.getShort(30) & 0xffff;
            byte[] name = a.name().getBytes(StandardCharsets.UTF_8);
            ByteBuffer cd = le(46 + name.length + extraLen);
            cd.put(target, 0, 28).putShort((short) name.length).put(target, 30, 16).put(name)
                    .put(target, 46 + nameLen, extraLen);
            central.add(cd.array());
        }
        int cdStart = out.size();
        central.forEach(out::writeBytes);
        int cdSize = out.size() - cdStart;
        out.writeBytes(le(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) central.size()).putShort((short) central.size()).putInt(cdSize).putInt(cdStart)
                .putShort((short) 0).array());
        return out.toByteArray();
    }

    private static byte[] centralEntry(String nameText, int method, long crc, long compressed, long size, int offset,
                                       boolean zip64) {
        byte[] name = nameText.getBytes(StandardCharsets.UTF_8);
        int extraLen = zip64 ? 20 : 0;
        ByteBuffer cd = le(46 + name.length + extraLen).putInt(0x02014b50).putShort((short) (zip64 ? 45 : 20))
                .putShort((short) (zip64 ? 45 : 20)).putShort((short) 0x0800).putShort((short) method)
                .putShort((short) 0).putShort((short) 0x21).putInt((int) crc)
                .putInt(zip64 ? -1 : (int) compressed).putInt(zip64 ? -1 : (int) size)
                .putShort((short) name.length).putShort((short) extraLen).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putInt(0).putInt(offset).put(name);
        if (zip64) {
            cd.putShort((short) 1).putShort((short) 16).putLong(size).putLong(compressed);
        }
        return cd.array();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Raw deflate (no zlib header), as zip entries hold it. */
    public static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte[] buf = new byte[65_536];
            while (!deflater.finished()) {
                b.write(buf, 0, deflater.deflate(buf));
            }
            return b.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** Raw deflate of {@code size} zero bytes, without holding them: the payload of a zip bomb. */
    public static byte[] deflatedZeros(long size) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            byte[] zeros = new byte[1 << 20];
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte[] buf = new byte[65_536];
            for (long left = size; left > 0; left -= zeros.length) {
                deflater.setInput(zeros, 0, (int) Math.min(zeros.length, left));
                while (!deflater.needsInput()) {
                    b.write(buf, 0, deflater.deflate(buf));
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                b.write(buf, 0, deflater.deflate(buf));
            }
            return b.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** CRC-32 of {@code size} zero bytes. */
    public static long crcOfZeros(long size) {
        CRC32 crc = new CRC32();
        byte[] zeros = new byte[1 << 20];
        for (long left = size; left > 0; left -= zeros.length) {
            crc.update(zeros, 0, (int) Math.min(zeros.length, left));
        }
        return crc.getValue();
    }

    private static byte[] inflate(byte[] payload, long size) throws IOException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(payload);
            byte[] out = new byte[Math.toIntExact(size)];
            int n = 0;
            while (n < out.length && !inflater.finished()) {
                n += inflater.inflate(out, n, out.length - n);
                if (n < out.length && inflater.needsInput()) {
                    throw new IOException("truncated deflate data");
                }
            }
            return out;
        } catch (DataFormatException e) {
            throw new IOException(e);
        } finally {
            inflater.end();
        }
    }
}
