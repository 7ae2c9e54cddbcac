package org.qlstm.verify.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;
import org.apache.commons.rng.UniformRandomProvider;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.ModelShape;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.quant.io.QuantizedModelFile;
import org.qlstm.quant.io.QuantizedModelFileException;
import org.qlstm.quant.kernel.Int8Kernels;
import org.qlstm.verify.support.SmallModel;

/**
 * {@code QuantizedModelFile.read} (format: {@code quant/FORMAT.md}): any file gives a model or a
 * {@code QuantizedModelFileException} naming it. Seeds are the small model written fully int8 (qnnpack), with
 * only the LSTM int8 (onednn), and all float (format version 1), plus a version-2 file (per-channel weights and an
 * int8 embedding) that only the generic byte and truncation generators use, as the field rewrites address the
 * version-1 layout. Besides generic byte mutations, most cases rewrite one header or
 * table field and then <em>recompute the CRC-32C</em>, so that the structural checks behind the checksum (sizes,
 * table entries, declared length, non-finite payload) are what refuses them, and some resize the file to what a
 * rewritten shape declares so that the payload parser runs on shapes it was not written with.
 */
public final class QuantizedModelFileTarget implements FuzzTarget {

    static final int HEADER = 0;
    static final int TABLE = 1;
    static final int LENGTH = 2;
    static final int CHECKSUM = 3;
    static final int PAYLOAD = 4;

    /** Offsets of the fixed header's int32 fields (FORMAT.md). */
    private static final int VERSION_AT = 8;
    private static final int ENGINE_AT = 12;
    private static final int SIZES_AT = 16; // ntoken, ninp, nhid, nlayers
    private static final int TABLE_AT = 32;
    private static final int ENTRY = 12;

    private static final long[] INTERESTING = {0, -1, 1, 2, 3, 4, Integer.MAX_VALUE, Integer.MIN_VALUE,
        Integer.MAX_VALUE / 4 + 1, 1 << 16, (1 << 16) + 1, 46_341, 0x7fc00000, 0x7f800000, 0xff800000L};

    private static List<byte[]> seeds;
    private static List<byte[]> allSeeds;

    @Override
    public String name() {
        return "quantized-model-file";
    }

    @Override
    public byte[] seed() throws IOException {
        return seeds().get(0);
    }

    @Override
    public String fileName() {
        return "model.qlstm";
    }

    @Override
    public Object read(Path file) throws Exception {
        return QuantizedModelFile.read(file);
    }

    @Override
    public boolean isDocumented(Throwable t) {
        return t instanceof QuantizedModelFileException e && e.file() != null;
    }

    /** Synchronized: the first worker writes the seeds, the others wait for them. */
    static synchronized List<byte[]> seeds() throws IOException {
        if (seeds == null) {
            Path dir = Files.createTempDirectory("qlstm-fuzz-seed");
            try {
                List<byte[]> s = new ArrayList<>();
                s.add(write(dir, QuantizeDynamic.LSTM_AND_LINEAR, Engine.QNNPACK));
                s.add(write(dir, Set.of(QuantizeDynamic.Kind.LSTM), Engine.ONEDNN));
                s.add(write(dir, Set.of(), Engine.QNNPACK));
                seeds = List.copyOf(s);
                Path v2 = dir.resolve("seed-v2.qlstm");
                QuantizedModelFile.write(QuantizeDynamic.quantize(SmallModel.model(), QuantizeDynamic.LSTM_AND_LINEAR,
                        Engine.ONEDNN, Int8Kernels.preferred(), new QuantizeDynamic.Options(true, true)), v2);
                s.add(Files.readAllBytes(v2));
                allSeeds = List.copyOf(s);
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(dir);
            }
        }
        return seeds;
    }

    private static byte[] write(Path dir, Set<QuantizeDynamic.Kind> kinds, Engine engine) throws IOException {
        Path file = dir.resolve("seed.qlstm");
        QuantizedModelFile.write(QuantizeDynamic.quantize(SmallModel.model(), kinds, engine), file);
        return Files.readAllBytes(file);
    }

    @Override
    public List<Generator> generators() {
        return List.of(
                Generator.of("bytes", 20, rng -> {
                    byte[] s = pickAny(rng);
                    Mutant m = ByteMutations.stacked(s, rng, hot(s));
                    return rng.nextBoolean() ? m : new Mutant(fixCrc(m.bytes()), m.description() + " +crc");
                }),
                Generator.of("truncate", 5, rng -> {
                    byte[] s = pickAny(rng);
                    int cut = rng.nextBoolean() ? rng.nextInt(Math.min(s.length, 200)) : rng.nextInt(s.length);
                    return new Mutant(java.util.Arrays.copyOf(s, cut), "truncate@" + cut);
                }),
                Generator.of("header-field", 35, rng -> headerField(pick(rng), rng)),
                Generator.of("resize", 25, rng -> resize(pick(rng), rng)),
                Generator.of("payload", 15, rng -> payload(pick(rng), rng)));
    }

    private static byte[] pick(UniformRandomProvider rng) {
        try {
            List<byte[]> s = seeds();
            return s.get(rng.nextInt(s.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Any seed, the version-2 file included. */
    private static byte[] pickAny(UniformRandomProvider rng) {
        try {
            seeds();
            return allSeeds.get(rng.nextInt(allSeeds.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<int[]> hot(byte[] s) {
        return List.of(new int[] {0, Math.min(s.length, TABLE_AT + ENTRY * (2 * layers(s) + 1))},
                new int[] {s.length - 4, s.length});
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int layers(byte[] s) {
        return le(s).getInt(SIZES_AT + 12);
    }

    /** Recomputes the trailing CRC-32C over every byte before it (a no-op on files too short to have one). */
    static byte[] fixCrc(byte[] b) {
        if (b.length >= 4) {
            CRC32C crc = new CRC32C();
            crc.update(b, 0, b.length - 4);
            le(b).putInt(b.length - 4, (int) crc.getValue());
        }
        return b;
    }

    /** One int32 of the fixed header or the table set to an extreme or nearby value, the CRC mostly recomputed. */
    private static Mutant headerField(byte[] seed, UniformRandomProvider rng) {
        byte[] b = seed.clone();
        int entries = 2 * layers(seed) + 1;
        int fields = 6 + 3 * entries;
        int field = rng.nextInt(fields);
        int at = field < 6 ? VERSION_AT + 4 * field : TABLE_AT + 4 * (field - 6);
        int old = le(b).getInt(at);
        long v = switch (rng.nextInt(4)) {
            case 0 -> old + (rng.nextBoolean() ? 1 : -1) * (1 + rng.nextInt(3));
            case 1 -> (long) old * (rng.nextBoolean() ? 2 : -1);
            case 2 -> rng.nextInt();
            default -> INTERESTING[rng.nextInt(INTERESTING.length)];
        };
        if (field >= 6 && (field - 6) % 3 == 1 && rng.nextBoolean()) { // a scale: an interesting float instead
            float[] scales = {Float.NaN, Float.POSITIVE_INFINITY, -1f, 0f, -0f, Float.MIN_VALUE, Float.MAX_VALUE,
                1e-3f};
            v = Float.floatToRawIntBits(scales[rng.nextInt(scales.length)]);
        }
        le(b).putInt(at, (int) v);
        boolean crc = rng.nextInt(10) != 0;
        return new Mutant(crc ? fixCrc(b) : b, String.format("field@%d %d->%d%s", at, old, (int) v,
                crc ? " +crc" : ""));
    }

    /**
     * ntoken, ninp or nhid rewritten to a small value and the file cut or zero-padded to the length that shape
     * declares, CRC recomputed: a well-formed file of another shape, which must read as exactly that shape.
     * One case in four pads with random bytes instead, which may hold non-finite floats.
     */
    private static Mutant resize(byte[] seed, UniformRandomProvider rng) {
        ByteBuffer h = le(seed);
        int[] sizes = {h.getInt(SIZES_AT), h.getInt(SIZES_AT + 4), h.getInt(SIZES_AT + 8)};
        int layers = h.getInt(SIZES_AT + 12);
        int which = rng.nextInt(3);
        int[] changed = sizes.clone();
        changed[which] = 1 + rng.nextInt(2 * sizes[which]);
        int[] encodings = new int[2 * layers + 1];
        for (int i = 0; i < encodings.length; i++) {
            encodings[i] = h.getInt(TABLE_AT + ENTRY * i);
        }
        long length = TABLE_AT + (long) ENTRY * encodings.length + 4 + 4L * changed[0] * changed[1];
        for (int i = 0; i < encodings.length; i++) {
            long rows = i == encodings.length - 1 ? changed[0] : 4L * changed[2];
            long cols = i == 0 ? changed[1] : changed[2];
            length += rows * cols * (encodings[i] == 1 ? 1 : 4) + 4 * rows;
        }
        byte[] b = java.util.Arrays.copyOf(seed, (int) length); // zero padding when it grows
        boolean random = rng.nextInt(4) == 0;
        if (random) {
            for (int i = Math.min(seed.length, b.length) - 4; i < b.length; i++) {
                b[i] = (byte) rng.nextInt(256);
            }
        }
        le(b).putInt(SIZES_AT + 4 * which, changed[which]);
        fixCrc(b);
        String what = String.format("resize %s %d->%d (%d bytes%s) +crc", new String[] {"ntoken", "ninp", "nhid"}[which],
                sizes[which], changed[which], length, random ? ", random padding" : "");
        ModelShape shape = new ModelShape(changed[0], changed[1], changed[2], layers);
        // A resized shape moves the payload's boundaries: in a file with int8 sections, bytes are then read
        // as floats at any alignment and may form NaN or infinity, which the reader must name. An all-float
        // file stays 4-byte aligned and its padding is zero, so every float is finite and the file must read
        // as the declared shape. Random padding may hold anything.
        boolean allFloat = java.util.Arrays.stream(encodings).allMatch(e -> e == 0);
        Expectation expectation = random ? null : (file, result, thrown) -> {
            if (thrown != null) {
                String problem = ((QuantizedModelFileException) thrown).problem();
                if (allFloat || !problem.startsWith("non-finite value")) {
                    throw new AssertionError("a consistent file of shape " + shape + " was refused: "
                            + thrown.getMessage());
                }
                return;
            }
            ModelShape got = ((LanguageModel) result).shape();
            if (!got.equals(shape)) {
                throw new AssertionError("read shape " + got + ", the header declares " + shape);
            }
        };
        return new Mutant(b, what, expectation);
    }

    /** A payload float set to NaN or an infinity, CRC recomputed: the finiteness scan must name it. */
    private static Mutant payload(byte[] seed, UniformRandomProvider rng) {
        byte[] b = seed.clone();
        int start = TABLE_AT + ENTRY * (2 * layers(seed) + 1);
        int at = start + 4 * rng.nextInt((b.length - 4 - start) / 4);
        int[] bits = {0x7fc00000, 0x7f800000, 0xff800000, 0x7fffffff};
        le(b).putInt(at, bits[rng.nextInt(bits.length)]);
        return new Mutant(fixCrc(b), "payload@" + at + " non-finite +crc");
    }

    @Override
    public Outcome classify(Throwable t) {
        String p = ((QuantizedModelFileException) t).problem();
        if (p.startsWith("invalid model:")) {
            return Outcome.bug("runtime exception caught by the reader's catch-all");
        }
        if (p.startsWith("too short") || p.startsWith("not a qlstm") || p.startsWith("unsupported format version")
                || p.startsWith("unknown engine id") || p.startsWith("impossible model sizes")
                || p.startsWith("hidden size") || p.startsWith("truncated: the projection table")) {
            return new Outcome(HEADER, "header");
        }
        if (p.contains(" is int8 but") || p.contains("invalid scale") || p.contains("zero point")
                || p.contains("unknown encoding") || p.contains("too many elements") || p.contains("overflow")) {
            return new Outcome(TABLE, "table entry or sizes");
        }
        if (p.contains("header describes") || p.startsWith("too large")) {
            return new Outcome(LENGTH, "declared length");
        }
        if (p.startsWith("checksum mismatch")) {
            return new Outcome(CHECKSUM, "checksum");
        }
        if (p.startsWith("non-finite value")) {
            return new Outcome(PAYLOAD, "payload: non-finite");
        }
        return new Outcome(HEADER, "unclassified: " + FuzzReport.clip(p, 200));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(
                new Coverage("past the fixed header", TABLE, 0.50),
                new Coverage("past the declared length (to the checksum)", CHECKSUM, 0.35),
                new Coverage("past the checksum (to the payload scan)", PAYLOAD, 0.25),
                new Coverage("through (read normally)", Integer.MAX_VALUE, 0.10));
    }
}
