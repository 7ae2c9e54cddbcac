package org.qlstm.verify.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.ModelShape;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.quant.io.ModelSizes;
import org.qlstm.quant.io.QuantizedModelFile;
import org.qlstm.quant.io.TorchSaveSizes;
import org.qlstm.verify.support.GoldenJson;
import org.qlstm.verify.support.SmallModel;

/**
 * The {@code torch.save} sizes computed from the zip and pickle layout ({@link TorchSaveSizes}) equal the sizes
 * PyTorch wrote ({@code golden/sizes.json}) to the byte, component by component, for the tutorial's architecture and
 * the small model, float and int8 per engine; and our own files are exactly {@link QuantizedModelFile#fileBytes}.
 */
class SizesGoldenTest {

    @TempDir
    Path dir;

    private static ModelShape shape(JsonNode dims) {
        return new ModelShape(dims.get("ntoken").asInt(), dims.get("ninp").asInt(), dims.get("nhid").asInt(),
                dims.get("nlayers").asInt());
    }

    private static void assertBreakdown(String what, JsonNode expected, TorchSaveSizes.Breakdown actual) {
        assertEquals(expected.get("bytes").asLong(), actual.total(), what + ": total bytes");
        JsonNode b = expected.get("breakdown");
        assertEquals(b.get("storage_records").asInt(), actual.storageRecords(), what + ": storage records");
        JsonNode bytes = b.get("bytes");
        Map<String, Long> ours = new java.util.HashMap<>();
        ours.put("embedding_f32", actual.embedding());
        boolean int8 = actual.decoderScaleAndZeroPoint() > 0;
        ours.put(int8 ? "decoder_weight_int8" : "decoder_weight_f32", actual.decoderWeight());
        ours.put("decoder_bias_f32", actual.decoderBias());
        ours.put(int8 ? "lstm_weights_int8" : "lstm_weights_f32", actual.lstmWeights());
        ours.put("lstm_biases_f32", actual.lstmBiases());
        if (int8) {
            ours.put("decoder_scale_and_zero_point", actual.decoderScaleAndZeroPoint());
        }
        ours.put("overhead_zip_pickle_padding", actual.overhead());
        int fields = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = bytes.fields(); it.hasNext(); fields++) {
            Map.Entry<String, JsonNode> e = it.next();
            assertEquals(e.getValue().asLong(), ours.get(e.getKey()), what + ": " + e.getKey());
        }
        assertEquals(ours.size(), fields, what + ": components");
    }

    @Test
    void torchSaveSizesEqualPyTorchs() {
        JsonNode golden = GoldenJson.read("sizes.json");
        int checked = 0;
        for (String architecture : new String[] {"tutorial_architecture", "small_model"}) {
            JsonNode a = golden.get(architecture);
            ModelShape shape = shape(a.get("dims"));
            assertEquals(a.get("parameters").asLong(), shape.parameterCount(), architecture);
            JsonNode engines = a.get("int8");
            for (Iterator<String> it = engines.fieldNames(); it.hasNext(); ) {
                String engineName = it.next();
                ModelSizes sizes = ModelSizes.of(shape, Engine.parse(engineName));
                assertBreakdown(architecture + " float", a.get("float"), sizes.torchFloat());
                assertBreakdown(architecture + " int8 " + engineName, engines.get(engineName), sizes.torchInt8());
                assertEquals(engines.get(engineName).get("ratio_to_float").asDouble(), sizes.torchRatio(), 0.0);
                System.out.println(architecture + " " + engineName + ":\n" + sizes.report());
                checked++;
            }
        }
        assertEquals(4, checked, "expected qnnpack and onednn for both architectures");
    }

    @Test
    void ourFilesOfTheSmallModelHaveTheComputedSize() throws IOException {
        LanguageModel model = SmallModel.model();
        Path floatFile = dir.resolve("small-float.qlstm");
        QuantizedModelFile.write(model, floatFile);
        assertEquals(QuantizedModelFile.fileBytes(model.shape(), Set.of()), Files.size(floatFile));
        for (Engine engine : Engine.all()) {
            Path file = dir.resolve("small-" + engine + ".qlstm");
            QuantizedModelFile.write(QuantizeDynamic.quantize(model, QuantizeDynamic.LSTM_AND_LINEAR, engine), file);
            ModelSizes sizes = ModelSizes.of(model.shape(), engine);
            assertEquals(sizes.ourInt8File(), Files.size(file));
            assertEquals(sizes.ourFloatFile(), Files.size(floatFile));
        }
    }
}
