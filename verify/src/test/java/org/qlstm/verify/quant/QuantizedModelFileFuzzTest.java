package org.qlstm.verify.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qlstm.nn.model.InferenceSession;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.quant.io.QuantizedModelFile;
import org.qlstm.quant.io.QuantizedModelFileException;
import org.qlstm.verify.support.SmallModel;

/**
 * Our model file round-trips the quantized small model bit for bit, and no damaged copy (seeded random byte flips,
 * truncations, extensions and header rewrites, half of them with a repaired checksum so that validation beyond it
 * is reached) makes the reader throw anything but {@link QuantizedModelFileException} or return a model.
 */
class QuantizedModelFileFuzzTest {

    private static final long SEED = 0x5eed_0005L;

    @TempDir
    Path dir;

    @Test
    void roundTripGivesTheSameLogits() throws IOException {
        int[] tokens = SmallModel.corpus().test();
        for (Engine engine : Engine.all()) {
            LanguageModel model = QuantizeDynamic.quantize(SmallModel.model(), QuantizeDynamic.LSTM_AND_LINEAR,
                    engine);
            Path file = dir.resolve("small-" + engine + ".qlstm");
            QuantizedModelFile.write(model, file);
            LanguageModel back = QuantizedModelFile.read(file);
            assertEquals(model.describe(), back.describe());
            InferenceSession a = model.newSession(1);
            InferenceSession b = back.newSession(1);
            for (int chunk = 0; chunk < 4; chunk++) {
                int[] ids = java.util.Arrays.copyOfRange(tokens, chunk * 25, chunk * 25 + 25);
                assertArrayEquals(a.forward(ids, 25), b.forward(ids, 25), engine + " chunk " + chunk);
            }
        }
    }

    @Test
    void damagedFilesOnlyEverGiveTheFileException() throws IOException {
        Path good = dir.resolve("good.qlstm");
        QuantizedModelFile.write(QuantizeDynamic.quantize(SmallModel.model(), QuantizeDynamic.LSTM_AND_LINEAR,
                Engine.QNNPACK), good);
        damagedCopiesOnlyEverGiveTheFileException(Files.readAllBytes(good));
    }

    /** The same for a version-2 file (per-channel weights, int8 embedding). */
    @Test
    void damagedVersion2FilesOnlyEverGiveTheFileException() throws IOException {
        Path good = dir.resolve("good-v2.qlstm");
        QuantizedModelFile.write(QuantizeDynamic.quantize(SmallModel.model(), QuantizeDynamic.LSTM_AND_LINEAR,
                Engine.ONEDNN, org.qlstm.quant.kernel.Int8Kernels.preferred(),
                new QuantizeDynamic.Options(true, true)), good);
        damagedCopiesOnlyEverGiveTheFileException(Files.readAllBytes(good));
    }

    private void damagedCopiesOnlyEverGiveTheFileException(byte[] original) throws IOException {
        UniformRandomProvider rng = QuantRandom.rng(SEED);
        int rejected = 0;
        int accepted = 0;
        Path file = dir.resolve("damaged.qlstm");
        for (int t = 0; t < 400; t++) {
            byte[] bytes = mutate(rng, original);
            if (rng.nextBoolean() && bytes.length >= 4) {
                CRC32C crc = new CRC32C();
                crc.update(bytes, 0, bytes.length - 4);
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 4, (int) crc.getValue());
            }
            Files.write(file, bytes);
            try {
                QuantizedModelFile.read(file);
                accepted++;
            } catch (QuantizedModelFileException e) {
                assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
                rejected++;
            } catch (Throwable e) {
                fail("seed " + SEED + ", case " + t + ": " + e.getClass().getName() + " escaped", e);
            }
        }
        System.out.printf("fuzzed model files: %d rejected with QuantizedModelFileException, %d still valid%n",
                rejected, accepted);
        assertTrue(rejected > 300);
    }

    private static byte[] mutate(UniformRandomProvider rng, byte[] original) {
        byte[] b = original.clone();
        switch (rng.nextInt(5)) {
            case 0 -> {
                for (int i = 1 + rng.nextInt(4); i > 0; i--) {
                    b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, rng.nextInt(b.length));
            case 2 -> b = java.util.Arrays.copyOf(b, b.length + 1 + rng.nextInt(100));
            case 3 -> {
                // A header or table field (offsets 8..32+12·7) set to an extreme or random value.
                int offset = 8 + 4 * rng.nextInt((32 + 12 * 7 - 8) / 4);
                int[] extremes = {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7fc00000, 0x7f800000,
                    rng.nextInt()};
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(offset,
                        extremes[rng.nextInt(extremes.length)]);
            }
            default -> {
                // A payload float set to NaN or infinity.
                int offset = 32 + 12 * 7 + 4 * rng.nextInt(1000);
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(offset,
                        rng.nextBoolean() ? 0x7fc00000 : 0xff800000);
            }
        }
        return b;
    }
}
