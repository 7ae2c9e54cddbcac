package org.qlstm.quant.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32C;
import org.qlstm.nn.io.AtomicFiles;
import org.qlstm.nn.kernel.FloatKernel;
import org.qlstm.nn.kernel.FloatKernels;
import org.qlstm.nn.model.Embedding;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.Linear;
import org.qlstm.nn.model.LstmLayer;
import org.qlstm.nn.model.ModelShape;
import org.qlstm.nn.model.Projection;
import org.qlstm.nn.model.TokenEmbedding;
import org.qlstm.nn.model.ProjectionSite;
import org.qlstm.quant.DynamicQuantizedLinear;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.quant.QuantizedEmbedding;
import org.qlstm.quant.QuantizedWeight;
import org.qlstm.quant.kernel.Int8Kernel;
import org.qlstm.quant.kernel.Int8Kernels;

/**
 * qlstm's own model file: a float or (partly) int8 {@link LanguageModel}, bit for bit. Format version 2 (the
 * writer still writes version 1 for a model version 1 can hold, so older readers read it; this reader reads
 * both), all numbers little-endian. Version 1:
 * <pre>
 *   offset  size         field
 *   0       8            magic  'Q' 'L' 'S' 'T' 'M' 'Q' '8' 0x1A
 *   8       4  int32     format version = 1
 *   12      4  int32     engine of the int8 projections: 0 none (all float), 1 qnnpack, 2 fbgemm, 3 onednn
 *   16      4  int32     ntoken (vocabulary)
 *   20      4  int32     ninp (embedding width)
 *   24      4  int32     nhid (hidden units H)
 *   28      4  int32     nlayers (L ≥ 1)
 *   32      12·(2L+1)    projection table, in model order (weight_ih_l0, weight_hh_l0, …, weight_hh_l(L−1),
 *                        decoder.weight), 12 bytes each:
 *                          int32    encoding: 0 float32, 1 int8 per-tensor affine
 *                          float32  scale (int8; 0 for float32)
 *                          int32    zero point (0: int8 weights are symmetric; 0 for float32)
 *   …                    payload, in order, without padding:
 *                          embedding    float32[ntoken·ninp], row-major
 *                          per projection, in table order:
 *                            weight     float32[rows·cols] or int8[rows·cols], row-major [out][in]
 *                            bias       float32[rows]
 *                        (rows = 4H for LSTM projections and ntoken for the decoder; cols = ninp for
 *                        weight_ih_l0, H otherwise)
 *   end−4   4  uint32    CRC-32C (Castagnoli) of every byte before it
 * </pre>
 * Version 2 adds, after {@code nlayers} (offset 32, so the table starts at 36), an {@code int32} embedding
 * encoding: 0 float32, 2 {@code quint8} per row with float32 scale and zero point ({@link QuantizedEmbedding}),
 * whose payload is {@code float32[ntoken]} scales, {@code float32[ntoken]} zero points, {@code uint8[ntoken·ninp]};
 * and a projection encoding 2, int8 per output row, whose table scale is 0 and whose payload is
 * {@code float32[rows]} scales before the int8 values. See {@code quant/FORMAT.md}.
 * The header fully determines the file length, so the reader checks the length before allocating anything,
 * then the checksum, then that every float is finite and every scale positive. Files are written atomically
 * (a temporary file in the same directory, forced to disk, then moved over the target). Every problem is
 * reported as a {@link QuantizedModelFileException} naming the file; no other exception escapes.
 */
public final class QuantizedModelFile {

    /** The 8 magic bytes. */
    static final byte[] MAGIC = {'Q', 'L', 'S', 'T', 'M', 'Q', '8', 0x1A};
    /** The newest format version this code writes and reads (it reads every version from 1). */
    public static final int VERSION = 2;
    /** The version written when a model needs nothing that version 2 added. */
    static final int VERSION_1 = 1;
    /** Bytes before the projection table (version 1). */
    static final int FIXED_HEADER = 32;
    /** Bytes before the projection table (version 2: the embedding encoding follows {@code nlayers}). */
    static final int FIXED_HEADER_V2 = 36;
    /** Bytes per projection table entry. */
    static final int TABLE_ENTRY = 12;
    /** Bytes of the trailing checksum. */
    static final int CHECKSUM = 4;
    /** The most layers a file may declare (far beyond any real model; bounds the table before it is read). */
    static final int MAX_LAYERS = 1 << 16;

    static final int FLOAT32 = 0;
    static final int INT8 = 1;
    /** Version 2: int8 with one scale per output row (projections); {@code quint8} per row (embedding). */
    static final int INT8_PER_ROW = 2;

    private QuantizedModelFile() {
    }

    /**
     * The exact size in bytes of the file of a model of {@code shape} whose projections of {@code quantized}
     * kinds are int8 (the rest float32).
     */
    public static long fileBytes(ModelShape shape, Set<QuantizeDynamic.Kind> quantized) {
        return fileBytes(shape, quantized, QuantizeDynamic.Options.TUTORIAL);
    }

    /**
     * The exact size in bytes of the file of a model of {@code shape} quantized with {@code quantized} kinds and
     * {@code options} (version 1 if the options are the tutorial's, else version 2).
     */
    public static long fileBytes(ModelShape shape, Set<QuantizeDynamic.Kind> quantized,
                                 QuantizeDynamic.Options options) {
        boolean v2 = options.perChannel() || options.int8Embedding();
        long bytes = (v2 ? FIXED_HEADER_V2 : FIXED_HEADER) + (long) TABLE_ENTRY * (2L * shape.layers() + 1)
                + CHECKSUM;
        long embedding = (long) shape.tokens() * shape.embeddingSize();
        bytes += options.int8Embedding() ? embedding + 8L * shape.tokens() : 4L * embedding;
        long h4 = 4L * shape.hiddenSize();
        boolean lstm = quantized.contains(QuantizeDynamic.Kind.LSTM);
        int weightBytes = lstm ? 1 : 4;
        long lstmScales = lstm && options.perChannel() ? 4 * h4 : 0;
        for (int l = 0; l < shape.layers(); l++) {
            int in = l == 0 ? shape.embeddingSize() : shape.hiddenSize();
            bytes += h4 * in * weightBytes + 4 * h4 + lstmScales;
            bytes += h4 * shape.hiddenSize() * weightBytes + 4 * h4 + lstmScales;
        }
        boolean decoder = quantized.contains(QuantizeDynamic.Kind.LINEAR);
        int decoderBytes = decoder ? 1 : 4;
        bytes += (long) shape.tokens() * shape.hiddenSize() * decoderBytes + 4L * shape.tokens();
        if (decoder && options.perChannel() && shape.tokens() > 1) {
            bytes += 4L * shape.tokens();
        }
        return bytes;
    }

    // ------------------------------------------------------------------------------------------------ writing

    /**
     * Writes {@code model} to {@code file}, atomically.
     *
     * @throws QuantizedModelFileException if a projection is neither a float {@link Linear} nor a
     *                                     {@link DynamicQuantizedLinear}, if int8 projections use different engines,
     *                                     or on any I/O error
     */
    public static void write(LanguageModel model, Path file) throws QuantizedModelFileException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(file, "file");
        List<ProjectionSite> sites = new ArrayList<>();
        List<Projection> projections = new ArrayList<>();
        model.withProjections((site, projection) -> {
            sites.add(site);
            projections.add(projection);
            return projection;
        });
        Engine engine = null;
        for (int i = 0; i < projections.size(); i++) {
            Projection p = projections.get(i);
            if (p instanceof DynamicQuantizedLinear q) {
                if (engine != null && engine != q.engine()) {
                    throw new QuantizedModelFileException(file, "cannot write a model whose int8 projections use "
                            + "different engines (" + engine.name() + " and " + q.engine().name() + ")");
                }
                engine = q.engine();
            } else if (!(p instanceof Linear)) {
                throw new QuantizedModelFileException(file, "cannot write projection " + sites.get(i) + " of type "
                        + p.getClass().getName() + ": only float Linear and DynamicQuantizedLinear are supported");
            }
        }
        ModelShape shape = model.shape();
        int engineId = engine == null ? 0 : engineId(engine);
        QuantizedEmbedding int8Embedding;
        if (model.embedding() instanceof QuantizedEmbedding q) {
            int8Embedding = q;
        } else if (model.embedding() instanceof Embedding) {
            int8Embedding = null;
        } else {
            throw new QuantizedModelFileException(file, "cannot write an embedding of type "
                    + model.embedding().getClass().getName() + ": only Embedding and QuantizedEmbedding are supported");
        }
        boolean perRow = projections.stream().anyMatch(p -> p instanceof DynamicQuantizedLinear q
                && q.perChannel());
        int version = perRow || int8Embedding != null ? VERSION : VERSION_1;
        try {
            AtomicFiles.write(file, raw -> {
                CRC32C crc = new CRC32C();
                LittleEndianWriter out = new LittleEndianWriter(raw, crc);
                out.bytes(MAGIC);
                out.int32(version);
                out.int32(engineId);
                out.int32(shape.tokens());
                out.int32(shape.embeddingSize());
                out.int32(shape.hiddenSize());
                out.int32(shape.layers());
                if (version >= 2) {
                    out.int32(int8Embedding == null ? FLOAT32 : INT8_PER_ROW);
                }
                for (Projection p : projections) {
                    if (p instanceof DynamicQuantizedLinear q && q.perChannel()) {
                        out.int32(INT8_PER_ROW);
                        out.float32(0f);
                        out.int32(0); // qint8 weights are symmetric (QuantizedWeight.zeroPoint() is 0)
                    } else if (p instanceof DynamicQuantizedLinear q) {
                        out.int32(INT8);
                        out.float32(q.weightScales()[0]);
                        out.int32(0);
                    } else {
                        out.int32(FLOAT32);
                        out.float32(0f);
                        out.int32(0);
                    }
                }
                if (int8Embedding == null) {
                    out.floats(((Embedding) model.embedding()).table());
                } else {
                    out.floats(int8Embedding.scales());
                    out.floats(int8Embedding.zeroPoints());
                    out.bytes(int8Embedding.values());
                }
                for (Projection p : projections) {
                    if (p instanceof DynamicQuantizedLinear q) {
                        QuantizedWeight weight = q.weight(); // unpacked from the kernel's layout, once
                        if (weight.perChannel()) {
                            out.floats(weight.scales());
                        }
                        out.bytes(weight.values());
                        out.floats(q.bias());
                    } else {
                        Linear linear = (Linear) p;
                        out.floats(linear.weight());
                        out.floats(linear.bias());
                    }
                }
                out.flush();
                int checksum = (int) crc.getValue();
                raw.write(new byte[] {(byte) checksum, (byte) (checksum >>> 8), (byte) (checksum >>> 16),
                    (byte) (checksum >>> 24)});
            });
        } catch (QuantizedModelFileException e) {
            throw e;
        } catch (IOException e) {
            // AtomicFiles' messages are "file: problem" already; keep only the problem.
            String problem = AtomicFiles.describe(e);
            problem = problem.startsWith(file + ": ") ? problem.substring(file.toString().length() + 2) : problem;
            throw new QuantizedModelFileException(file, "cannot write the model: " + problem, e);
        } catch (RuntimeException e) {
            throw new QuantizedModelFileException(file, "cannot write the model: " + e, e);
        }
    }

    private static int engineId(Engine engine) {
        return switch (engine) {
            case Engine.Qnnpack q -> 1;
            case Engine.Fbgemm f -> 2;
            case Engine.Onednn o -> 3;
        };
    }

    private static Engine engineOf(int id) {
        return switch (id) {
            case 1 -> Engine.QNNPACK;
            case 2 -> Engine.FBGEMM;
            case 3 -> Engine.ONEDNN;
            default -> null;
        };
    }

    // ------------------------------------------------------------------------------------------------ reading

    /**
     * Whether {@code file} starts with this format's magic bytes (so a caller can tell it from a PyTorch
     * {@code .pth}, which is a zip archive). Reads at most 8 bytes; an unreadable or short file is not one.
     */
    public static boolean isQuantizedModelFile(Path file) {
        byte[] head = new byte[MAGIC.length];
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            return in.readNBytes(head, 0, head.length) == head.length && java.util.Arrays.equals(head, MAGIC);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Reads a model with the preferred float and int8 kernels. */
    public static LanguageModel read(Path file) throws QuantizedModelFileException {
        return read(file, FloatKernels.preferred(), Int8Kernels.preferred());
    }

    /**
     * Reads a model written by {@link #write}.
     *
     * @param file        the file
     * @param floatKernel kernel of the float projections
     * @param int8Kernel  kernel of the int8 projections
     * @throws QuantizedModelFileException naming the file and the problem, for every failure
     */
    public static LanguageModel read(Path file, FloatKernel floatKernel, Int8Kernel int8Kernel)
            throws QuantizedModelFileException {
        Objects.requireNonNull(file, "file");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = channel.size();
            Header header = readHeader(file, channel, length);
            // The header accounts for every byte: only now is the whole file allocated and read.
            ByteBuffer all = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
            while (all.hasRemaining()) {
                if (channel.read(all, all.position()) < 0) {
                    throw new QuantizedModelFileException(file, "the file shrank while it was read");
                }
            }
            all.flip();
            CRC32C crc = new CRC32C();
            crc.update(all.array(), 0, (int) length - CHECKSUM);
            int stored = all.getInt((int) length - CHECKSUM);
            if (stored != (int) crc.getValue()) {
                throw new QuantizedModelFileException(file, String.format(
                        "checksum mismatch (stored 0x%08x, computed 0x%08x): the file is corrupt", stored,
                        (int) crc.getValue()));
            }
            all.position(header.payloadOffset);
            return parsePayload(file, header, all, floatKernel, int8Kernel);
        } catch (QuantizedModelFileException e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new QuantizedModelFileException(file, "no such file", e);
        } catch (IOException e) {
            throw new QuantizedModelFileException(file, "cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new QuantizedModelFileException(file, "invalid model: " + e.getMessage(), e);
        }
    }

    /** What the header says, after validation. */
    private record Header(Engine engine, ModelShape shape, int embeddingEncoding, int[] encodings, float[] scales,
                          int payloadOffset) {
    }

    private static Header readHeader(Path file, FileChannel channel, long length) throws IOException {
        if (length < FIXED_HEADER + TABLE_ENTRY + CHECKSUM) {
            throw new QuantizedModelFileException(file, "too short to be a qlstm model file (" + length
                    + " bytes)");
        }
        ByteBuffer fixed = readFully(file, channel, 0, FIXED_HEADER);
        byte[] magic = new byte[MAGIC.length];
        fixed.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new QuantizedModelFileException(file, "not a qlstm model file (bad magic bytes)");
        }
        int version = fixed.getInt();
        if (version < VERSION_1 || version > VERSION) {
            throw new QuantizedModelFileException(file, "unsupported format version " + version
                    + " (this reader knows versions " + VERSION_1 + " to " + VERSION + ")");
        }
        int fixedBytes = version >= 2 ? FIXED_HEADER_V2 : FIXED_HEADER;
        int engineId = fixed.getInt();
        Engine engine = engineOf(engineId);
        if (engine == null && engineId != 0) {
            throw new QuantizedModelFileException(file, "unknown engine id " + engineId
                    + " (0 none, 1 qnnpack, 2 fbgemm, 3 onednn)");
        }
        int tokens = fixed.getInt();
        int embedding = fixed.getInt();
        int hidden = fixed.getInt();
        int layers = fixed.getInt();
        if (tokens <= 0 || embedding <= 0 || hidden <= 0 || layers <= 0 || layers > MAX_LAYERS) {
            throw new QuantizedModelFileException(file, "impossible model sizes: ntoken " + tokens + ", ninp "
                    + embedding + ", nhid " + hidden + ", nlayers " + layers);
        }
        if ((long) hidden * 4 > Integer.MAX_VALUE) {
            throw new QuantizedModelFileException(file, "hidden size " + hidden + " is too large");
        }
        int embeddingEncoding = FLOAT32;
        if (version >= 2) {
            embeddingEncoding = readFully(file, channel, FIXED_HEADER, 4).getInt();
            if (embeddingEncoding != FLOAT32 && embeddingEncoding != INT8_PER_ROW) {
                throw new QuantizedModelFileException(file, "encoder.weight has unknown encoding "
                        + embeddingEncoding + " (0 float32, 2 quint8 per row)");
            }
        }
        int projections = 2 * layers + 1;
        long tableEnd = fixedBytes + (long) TABLE_ENTRY * projections;
        if (tableEnd + CHECKSUM > length) {
            throw new QuantizedModelFileException(file, "truncated: the projection table of " + layers
                    + " layers does not fit in " + length + " bytes");
        }
        ByteBuffer table = readFully(file, channel, fixedBytes, (int) (tableEnd - fixedBytes));
        int[] encodings = new int[projections];
        float[] scales = new float[projections];
        ModelShape shape = new ModelShape(tokens, embedding, hidden, layers);
        long expected = tableEnd + CHECKSUM;
        try {
            long embeddingElements = checkedElements(file, "embedding", tokens, embedding);
            expected = Math.addExact(expected, embeddingEncoding == INT8_PER_ROW
                    ? embeddingElements + 8L * tokens : embeddingElements * 4);
            for (int i = 0; i < projections; i++) {
                String site = siteName(i, layers);
                int encoding = table.getInt();
                float scale = table.getFloat();
                int zeroPoint = table.getInt();
                int rows = rows(i, shape);
                int cols = cols(i, shape);
                long elements = checkedElements(file, site, rows, cols);
                if (encoding == INT8) {
                    if (engine == null) {
                        throw new QuantizedModelFileException(file, site + " is int8 but the header names no engine");
                    }
                    if (!(scale > 0) || !Float.isFinite(scale)) {
                        throw new QuantizedModelFileException(file, site + " has an invalid scale " + scale);
                    }
                    if (zeroPoint != 0) {
                        throw new QuantizedModelFileException(file, site + " has zero point " + zeroPoint
                                + " (int8 weights are symmetric: 0)");
                    }
                    expected = Math.addExact(expected, elements);
                } else if (encoding == INT8_PER_ROW && version >= 2) {
                    if (engine == null) {
                        throw new QuantizedModelFileException(file, site + " is int8 but the header names no engine");
                    }
                    if (Float.floatToRawIntBits(scale) != 0 || zeroPoint != 0) {
                        throw new QuantizedModelFileException(file, site + " is int8 per row but its table entry has"
                                + " a scale or zero point (reserved, must be 0; the scales are in the payload)");
                    }
                    expected = Math.addExact(expected, elements + 4L * rows);
                } else if (encoding == FLOAT32) {
                    if (Float.floatToRawIntBits(scale) != 0 || zeroPoint != 0) {
                        throw new QuantizedModelFileException(file, site
                                + " is float32 but has a scale or zero point (reserved, must be 0)");
                    }
                    expected = Math.addExact(expected, Math.multiplyExact(elements, 4L));
                } else {
                    throw new QuantizedModelFileException(file, site + " has unknown encoding " + encoding
                            + (version >= 2 ? " (0 float32, 1 int8, 2 int8 per row)" : " (0 float32, 1 int8)"));
                }
                expected = Math.addExact(expected, 4L * rows);
                encodings[i] = encoding;
                scales[i] = scale;
            }
        } catch (ArithmeticException e) {
            throw new QuantizedModelFileException(file, "the sizes in the header overflow", e);
        }
        if (expected != length) {
            throw new QuantizedModelFileException(file, "the file is " + length + " bytes but its header describes "
                    + expected + " bytes (" + (length < expected ? "truncated" : "trailing data") + ")");
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new QuantizedModelFileException(file, "too large to read (" + length + " bytes)");
        }
        return new Header(engine, shape, embeddingEncoding, encodings, scales, (int) tableEnd);
    }

    private static ByteBuffer readFully(Path file, FileChannel channel, long position, int count) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(count).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b, position + b.position()) < 0) {
                throw new QuantizedModelFileException(file, "unexpected end of file");
            }
        }
        return b.flip();
    }

    private static long checkedElements(Path file, String what, int rows, int cols) throws QuantizedModelFileException {
        long elements = (long) rows * cols;
        if (elements > Integer.MAX_VALUE - 8) {
            throw new QuantizedModelFileException(file, what + " of " + rows + "x" + cols
                    + " has too many elements for one array");
        }
        return elements;
    }

    private static int rows(int index, ModelShape shape) {
        return index == 2 * shape.layers() ? shape.tokens() : 4 * shape.hiddenSize();
    }

    private static int cols(int index, ModelShape shape) {
        return index == 0 ? shape.embeddingSize() : shape.hiddenSize();
    }

    private static String siteName(int index, int layers) {
        if (index == 2 * layers) {
            return "decoder.weight";
        }
        return (index % 2 == 0 ? "rnn.weight_ih_l" : "rnn.weight_hh_l") + index / 2;
    }

    private static LanguageModel parsePayload(Path file, Header header, ByteBuffer in, FloatKernel floatKernel,
                                              Int8Kernel int8Kernel) throws QuantizedModelFileException {
        ModelShape shape = header.shape;
        TokenEmbedding embedding;
        if (header.embeddingEncoding == INT8_PER_ROW) {
            float[] scales = positive(file, in, shape.tokens(), "encoder.weight scales");
            float[] zeroPoints = floats(file, in, shape.tokens(), "encoder.weight zero points");
            byte[] q = new byte[shape.tokens() * shape.embeddingSize()];
            in.get(q);
            embedding = new QuantizedEmbedding(q, scales, zeroPoints, shape.tokens(), shape.embeddingSize());
        } else {
            float[] table = floats(file, in, shape.tokens() * shape.embeddingSize(), "encoder.weight");
            embedding = new Embedding(table, shape.tokens(), shape.embeddingSize());
        }
        Projection[] projections = new Projection[2 * shape.layers() + 1];
        for (int i = 0; i < projections.length; i++) {
            String site = siteName(i, shape.layers());
            int rows = rows(i, shape);
            int cols = cols(i, shape);
            if (header.encodings[i] == INT8_PER_ROW) {
                float[] scales = positive(file, in, rows, site + " scales");
                byte[] q = new byte[rows * cols];
                in.get(q);
                float[] bias = floats(file, in, rows, site.replace("weight", "bias"));
                projections[i] = new DynamicQuantizedLinear(new QuantizedWeight(q, scales, rows, cols), bias, header.engine, int8Kernel);
            } else if (header.encodings[i] == INT8) {
                byte[] q = new byte[rows * cols];
                in.get(q);
                float[] bias = floats(file, in, rows, site.replace("weight", "bias"));
                projections[i] = new DynamicQuantizedLinear(new QuantizedWeight(q, header.scales[i], rows, cols),
                        bias, header.engine, int8Kernel);
            } else {
                float[] w = floats(file, in, rows * cols, site);
                float[] bias = floats(file, in, rows, site.replace("weight", "bias"));
                projections[i] = new Linear(w, bias, rows, cols, floatKernel);
            }
        }
        List<LstmLayer> layers = new ArrayList<>(shape.layers());
        for (int l = 0; l < shape.layers(); l++) {
            layers.add(new LstmLayer(projections[2 * l], projections[2 * l + 1]));
        }
        return new LanguageModel(embedding, layers, projections[projections.length - 1]);
    }

    private static float[] positive(Path file, ByteBuffer in, int count, String what)
            throws QuantizedModelFileException {
        float[] out = floats(file, in, count, what);
        for (int i = 0; i < count; i++) {
            if (!(out[i] > 0)) {
                throw new QuantizedModelFileException(file, "invalid scale " + out[i] + " in " + what + " at index "
                        + i + " (scales are positive)");
            }
        }
        return out;
    }

    private static float[] floats(Path file, ByteBuffer in, int count, String what)
            throws QuantizedModelFileException {
        float[] out = new float[count];
        in.asFloatBuffer().get(out);
        in.position(in.position() + 4 * count);
        for (int i = 0; i < count; i++) {
            if (!Float.isFinite(out[i])) {
                throw new QuantizedModelFileException(file, "non-finite value " + out[i] + " in " + what
                        + " at index " + i);
            }
        }
        return out;
    }

    /** Buffered little-endian output that feeds a checksum. */
    private static final class LittleEndianWriter {
        private final OutputStream out;
        private final CRC32C crc;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        LittleEndianWriter(OutputStream out, CRC32C crc) {
            this.out = out;
            this.crc = crc;
        }

        void int32(int v) throws IOException {
            room(4);
            buffer.putInt(v);
        }

        void float32(float v) throws IOException {
            room(4);
            buffer.putFloat(v);
        }

        void bytes(byte[] b) throws IOException {
            int offset = 0;
            while (offset < b.length) {
                room(1);
                int n = Math.min(buffer.remaining(), b.length - offset);
                buffer.put(b, offset, n);
                offset += n;
            }
        }

        void floats(float[] f) throws IOException {
            int offset = 0;
            while (offset < f.length) {
                room(4);
                int n = Math.min(buffer.remaining() / 4, f.length - offset);
                buffer.asFloatBuffer().put(f, offset, n);
                buffer.position(buffer.position() + 4 * n);
                offset += n;
            }
        }

        private void room(int bytes) throws IOException {
            if (buffer.remaining() < bytes) {
                flush();
            }
        }

        void flush() throws IOException {
            crc.update(buffer.array(), 0, buffer.position());
            out.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }
    }
}
