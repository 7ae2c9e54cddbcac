package org.qlstm.quant.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qlstm.nn.model.InferenceSession;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.Linear;
import org.qlstm.nn.model.Projection;
import org.qlstm.nn.kernel.ScalarFloatKernel;
import org.qlstm.quant.kernel.Int8Kernels;
import org.qlstm.quant.DynamicQuantizedLinear;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.quant.TinyModels;

class QuantizedModelFileTest {

    @TempDir
    Path dir;

    private final LanguageModel floatModel = TinyModels.random(11, 30, 7, 5, 3);

    /** Every number of two models, bit for bit, and the same logits on a few chunks. */
    static void assertSameModel(LanguageModel expected, LanguageModel actual) {
        if (expected.embedding() instanceof org.qlstm.nn.model.Embedding e) {
            assertArrayEquals(e.table(), org.junit.jupiter.api.Assertions.assertInstanceOf(
                    org.qlstm.nn.model.Embedding.class, actual.embedding()).table());
        } else {
            assertEquals(expected.embedding(), actual.embedding(), "int8 embedding, bit for bit");
        }
        java.util.List<Projection> a = new java.util.ArrayList<>();
        java.util.List<Projection> b = new java.util.ArrayList<>();
        expected.withProjections((s, p) -> {
            a.add(p);
            return p;
        });
        actual.withProjections((s, p) -> {
            b.add(p);
            return p;
        });
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).getClass(), b.get(i).getClass());
            if (a.get(i) instanceof DynamicQuantizedLinear q) {
                DynamicQuantizedLinear r = (DynamicQuantizedLinear) b.get(i);
                assertEquals(q.weight(), r.weight());
                assertArrayEquals(q.bias(), r.bias());
                assertEquals(q.engine(), r.engine());
            } else {
                assertArrayEquals(((Linear) a.get(i)).weight(), ((Linear) b.get(i)).weight());
                assertArrayEquals(((Linear) a.get(i)).bias(), ((Linear) b.get(i)).bias());
            }
        }
        int[] tokens = {1, 2, 3, 29, 0, 17};
        InferenceSession x = expected.newSession(2);
        InferenceSession y = actual.newSession(2);
        for (int c = 0; c < 2; c++) {
            assertArrayEquals(x.forward(tokens, 3), y.forward(tokens, 3));
        }
    }

    @Test
    void roundTripPreservesEveryBit() throws IOException {
        for (Set<QuantizeDynamic.Kind> kinds : java.util.List.of(Set.<QuantizeDynamic.Kind>of(),
                EnumSet.of(QuantizeDynamic.Kind.LSTM), EnumSet.of(QuantizeDynamic.Kind.LINEAR),
                QuantizeDynamic.LSTM_AND_LINEAR)) {
            for (Engine engine : Engine.all()) {
                LanguageModel model = QuantizeDynamic.quantize(floatModel, kinds, engine);
                Path file = dir.resolve("m-" + engine + "-" + kinds.size() + ".qlstm");
                QuantizedModelFile.write(model, file);
                assertEquals(QuantizedModelFile.fileBytes(model.shape(), kinds), Files.size(file));
                // Read back with the kernel the test model was built with: another float kernel sums in another order.
                LanguageModel back = QuantizedModelFile.read(file, new ScalarFloatKernel(), Int8Kernels.preferred());
                assertSameModel(model, back);
                // Writing again gives the same bytes.
                Path again = dir.resolve("again.qlstm");
                QuantizedModelFile.write(back, again);
                assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again));
            }
        }
        try (var listing = Files.list(dir)) {
            assertTrue(listing.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary files left");
        }
    }

    @Test
    void writeReplacesAnExistingFile() throws IOException {
        Path file = dir.resolve("model.qlstm");
        Files.writeString(file, "old content");
        QuantizedModelFile.write(floatModel, file);
        assertSameModel(floatModel, QuantizedModelFile.read(file, new ScalarFloatKernel(), Int8Kernels.preferred()));
    }

    @Test
    void aTargetThatCannotBeWrittenIsOneLineAndLeavesNothing() throws IOException {
        Path target = dir.resolve("adir");
        Files.createDirectories(target);
        QuantizedModelFileException e = assertThrows(QuantizedModelFileException.class,
                () -> QuantizedModelFile.write(floatModel, target));
        assertEquals(target + ": cannot write the model: is a directory, not a file to write", e.getMessage());
        Path missing = dir.resolve("nodir").resolve("m.qlstm");
        e = assertThrows(QuantizedModelFileException.class, () -> QuantizedModelFile.write(floatModel, missing));
        assertTrue(e.getMessage().startsWith(missing + ": cannot write the model: the directory "), e.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(java.util.List.of(target), files.toList(), "no temporary file is left");
        }
    }

    private Path valid() throws IOException {
        Path file = dir.resolve("valid.qlstm");
        QuantizedModelFile.write(QuantizeDynamic.quantize(floatModel, QuantizeDynamic.LSTM_AND_LINEAR,
                Engine.ONEDNN), file);
        return file;
    }

    /** Writes {@code bytes} with a recomputed checksum, so that validation beyond the checksum is exercised. */
    private Path withChecksum(byte[] bytes, String name) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 4, (int) crc.getValue());
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private static String problem(Path file) {
        QuantizedModelFileException e = assertThrows(QuantizedModelFileException.class,
                () -> QuantizedModelFile.read(file));
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        return e.problem();
    }

    @Test
    void corruptFilesAreRejectedWithAClearMessage() throws IOException {
        byte[] good = Files.readAllBytes(valid());

        assertTrue(problem(dir.resolve("missing.qlstm")).contains("no such file"));
        assertTrue(problem(Files.write(dir.resolve("empty"), new byte[0])).contains("too short"));
        assertTrue(problem(Files.writeString(dir.resolve("text"), "x".repeat(200))).contains("bad magic"));

        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        assertTrue(problem(Files.write(dir.resolve("truncated"), truncated)).contains("truncated"));
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
        assertTrue(problem(Files.write(dir.resolve("longer"), longer)).contains("trailing data"));

        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        assertTrue(problem(Files.write(dir.resolve("flipped"), flipped)).contains("checksum mismatch"));

        byte[] version = good.clone();
        version[8] = 3;
        assertTrue(problem(withChecksum(version, "version")).contains("unsupported format version 3"));

        byte[] engine = good.clone();
        engine[12] = 9;
        assertTrue(problem(withChecksum(engine, "engine")).contains("unknown engine id 9"));

        byte[] noEngine = good.clone();
        noEngine[12] = 0;
        assertTrue(problem(withChecksum(noEngine, "noengine")).contains("names no engine"));

        byte[] layers = good.clone();
        ByteBuffer.wrap(layers).order(ByteOrder.LITTLE_ENDIAN).putInt(28, 1 << 20);
        assertTrue(problem(withChecksum(layers, "layers")).contains("impossible model sizes"));

        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(16, Integer.MAX_VALUE)
                .putInt(20, Integer.MAX_VALUE);
        assertTrue(problem(withChecksum(huge, "huge")).contains("too many elements"));

        byte[] tokens = good.clone();
        ByteBuffer.wrap(tokens).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 31);
        assertTrue(problem(withChecksum(tokens, "tokens")).contains("header describes"));

        byte[] encoding = good.clone();
        ByteBuffer.wrap(encoding).order(ByteOrder.LITTLE_ENDIAN).putInt(32, 7);
        assertTrue(problem(withChecksum(encoding, "encoding")).contains("unknown encoding 7"));

        byte[] scale = good.clone();
        ByteBuffer.wrap(scale).order(ByteOrder.LITTLE_ENDIAN).putFloat(36, Float.NaN);
        assertTrue(problem(withChecksum(scale, "scale")).contains("invalid scale"));

        byte[] zero = good.clone();
        ByteBuffer.wrap(zero).order(ByteOrder.LITTLE_ENDIAN).putFloat(36, 0f);
        assertTrue(problem(withChecksum(zero, "zeroscale")).contains("invalid scale"));

        byte[] zp = good.clone();
        ByteBuffer.wrap(zp).order(ByteOrder.LITTLE_ENDIAN).putInt(40, 3);
        assertTrue(problem(withChecksum(zp, "zp")).contains("zero point 3"));

        int payload = 32 + 12 * 7;
        byte[] nan = good.clone();
        ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(payload + 4 * 5, Float.POSITIVE_INFINITY);
        assertTrue(problem(withChecksum(nan, "nan")).contains("non-finite value Infinity in encoder.weight at index 5"));

        assertTrue(problem(dir).startsWith("cannot read"));
    }

    private LanguageModel perChannelInt8Embedding(Engine engine) {
        return QuantizeDynamic.quantize(floatModel, QuantizeDynamic.LSTM_AND_LINEAR, engine, Int8Kernels.preferred(),
                new QuantizeDynamic.Options(true, true));
    }

    @Test
    void version2RoundTripsPerChannelWeightsAndTheInt8Embedding() throws IOException {
        for (QuantizeDynamic.Options options : new QuantizeDynamic.Options[] {new QuantizeDynamic.Options(true, false),
            new QuantizeDynamic.Options(false, true), new QuantizeDynamic.Options(true, true)}) {
            for (Engine engine : Engine.all()) {
                LanguageModel model = QuantizeDynamic.quantize(floatModel, QuantizeDynamic.LSTM_AND_LINEAR, engine,
                        Int8Kernels.preferred(), options);
                Path file = dir.resolve("v2-" + engine.name() + options.perChannel() + options.int8Embedding());
                QuantizedModelFile.write(model, file);
                byte[] bytes = Files.readAllBytes(file);
                assertEquals(2, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(8), "version");
                assertEquals(QuantizedModelFile.fileBytes(model.shape(), QuantizeDynamic.LSTM_AND_LINEAR, options),
                        bytes.length, "fileBytes predicts the length");
                assertSameModel(model, QuantizedModelFile.read(file, new ScalarFloatKernel(), Int8Kernels.preferred()));
            }
        }
    }

    @Test
    void theTutorialSchemeIsStillWrittenAsVersion1() throws IOException {
        byte[] bytes = Files.readAllBytes(valid());
        assertEquals(1, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(8),
                "a model version 1 can hold stays readable by version-1 readers");
        assertEquals(QuantizedModelFile.fileBytes(floatModel.shape(), QuantizeDynamic.LSTM_AND_LINEAR), bytes.length);
    }

    @Test
    void corruptVersion2FilesAreRejectedWithAClearMessage() throws IOException {
        Path file = dir.resolve("v2.qlstm");
        QuantizedModelFile.write(perChannelInt8Embedding(Engine.QNNPACK), file);
        byte[] good = Files.readAllBytes(file);
        ByteBuffer view = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2, view.getInt(32), "embedding encoding: quint8 per row");
        assertEquals(2, view.getInt(36), "weight_ih_l0: int8 per row");

        byte[] embedding = good.clone();
        ByteBuffer.wrap(embedding).order(ByteOrder.LITTLE_ENDIAN).putInt(32, 5);
        assertTrue(problem(withChecksum(embedding, "emb")).contains("encoder.weight has unknown encoding 5"));

        byte[] tableScale = good.clone();
        ByteBuffer.wrap(tableScale).order(ByteOrder.LITTLE_ENDIAN).putFloat(40, 0.5f);
        assertTrue(problem(withChecksum(tableScale, "tablescale")).contains("scales are in the payload"));

        int payload = 36 + 12 * 7;
        byte[] embeddingScale = good.clone();
        ByteBuffer.wrap(embeddingScale).order(ByteOrder.LITTLE_ENDIAN).putFloat(payload + 4 * 3, 0f);
        assertTrue(problem(withChecksum(embeddingScale, "escale")).contains("invalid scale 0.0 in encoder.weight "
                + "scales at index 3"));

        byte[] zeroPoint = good.clone();
        ByteBuffer.wrap(zeroPoint).order(ByteOrder.LITTLE_ENDIAN).putFloat(payload + 4 * 30 + 4, Float.NaN);
        assertTrue(problem(withChecksum(zeroPoint, "ezp")).contains("non-finite value NaN in encoder.weight zero "
                + "points at index 1"));

        int firstRowScales = payload + 8 * 30 + 30 * 7;
        byte[] rowScale = good.clone();
        ByteBuffer.wrap(rowScale).order(ByteOrder.LITTLE_ENDIAN).putFloat(firstRowScales + 4 * 2, -1f);
        assertTrue(problem(withChecksum(rowScale, "rowscale")).contains("invalid scale -1.0 in rnn.weight_ih_l0 "
                + "scales at index 2"));

        byte[] v1WithPerRow = good.clone();
        ByteBuffer.wrap(v1WithPerRow).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 1);
        assertTrue(problem(withChecksum(v1WithPerRow, "v1perrow")).contains("unknown encoding 2 (0 float32, 1 int8)"));
    }

    @Test
    void unsupportedProjectionsAreNotWritten() {
        Projection odd = new Projection() {
            @Override
            public int inputSize() {
                return 5;
            }

            @Override
            public int outputSize() {
                return 30;
            }

            @Override
            public void project(float[] x, int rows, float[] y) {
            }

            @Override
            public String describe() {
                return "odd";
            }

            @Override
            public long parameterBytes() {
                return 0;
            }
        };
        LanguageModel model = floatModel.withProjections((s, p) -> s.kind()
                == org.qlstm.nn.model.ProjectionSite.Kind.DECODER ? odd : p);
        Path file = dir.resolve("odd.qlstm");
        QuantizedModelFileException e = assertThrows(QuantizedModelFileException.class,
                () -> QuantizedModelFile.write(model, file));
        assertTrue(e.getMessage().contains("decoder.weight"), e.getMessage());
        assertInstanceOf(IOException.class, e);
        assertTrue(Files.notExists(file));
    }
}
