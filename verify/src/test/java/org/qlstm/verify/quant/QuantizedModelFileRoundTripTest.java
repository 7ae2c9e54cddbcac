package org.qlstm.verify.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qlstm.nn.model.InferenceSession;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.quant.io.QuantizedModelFile;
import org.qlstm.verify.support.SmallModel;

/**
 * Our model file round-trips the quantized small model bit for bit. Damaged files are fuzzed by
 * {@code org.qlstm.verify.fuzz.QuantizedModelFileTarget} in the reader fuzz suite.
 */
class QuantizedModelFileRoundTripTest {

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
}
