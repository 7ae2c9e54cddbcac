package org.qlstm.verify.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.qlstm.nn.model.ModelShape;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.quant.io.ModelSizes;
import org.qlstm.quant.io.QuantizedModelFile;
import org.qlstm.verify.support.GoldenJson;

/**
 * The size goal for the tutorial architecture: our file with per-channel weights and the int8 embedding over
 * the float model's {@code torch.save} size (the tutorial's baseline, {@code golden/perchannel_sizes.json}) at most
 * 0.26. Also printed: PyTorch's own {@code torch.save} of the same conversion, per engine (measured by the reference
 * script; not computed here).
 */
class PerChannelSizesTest {

    @Test
    void ourPerChannelInt8EmbeddingFileIsAtMost26PercentOfTheFloatTorchSave() {
        JsonNode golden = GoldenJson.read("perchannel_sizes.json");
        JsonNode dims = golden.get("architecture");
        ModelShape shape = new ModelShape(dims.get("ntoken").asInt(), dims.get("ninp").asInt(),
                dims.get("nhid").asInt(), dims.get("nlayers").asInt());
        long torchFloat = golden.get("torch_save_float").asLong();
        // the baseline is the same figure the tutorial's sizes golden holds, computed exactly by ModelSizes
        assertEquals(ModelSizes.of(shape, Engine.QNNPACK).torchFloat().total(), torchFloat);
        long ours = QuantizedModelFile.fileBytes(shape, QuantizeDynamic.LSTM_AND_LINEAR,
                new QuantizeDynamic.Options(true, true));
        double ratio = (double) ours / torchFloat;
        System.out.printf("qlstm file, per-channel + int8 embedding: %,d bytes = %.4f of the float torch.save "
                + "(%,d bytes)%n", ours, ratio, torchFloat);
        golden.get("torch_save_per_channel_int8_embedding").fields().forEachRemaining(e -> System.out.printf(
                "torch.save of the same conversion (%s): %,d bytes = %.4f%n", e.getKey(), e.getValue().asLong(),
                (double) e.getValue().asLong() / torchFloat));
        assertTrue(ratio <= 0.26, "size ratio " + ratio);
        golden.get("torch_save_per_channel_int8_embedding").forEach(v -> assertTrue(ours < v.asLong(),
                "our file is smaller than PyTorch's zip of the same numbers"));
    }
}
