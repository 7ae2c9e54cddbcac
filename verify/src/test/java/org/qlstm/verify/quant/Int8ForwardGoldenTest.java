package org.qlstm.verify.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.qlstm.nn.model.InferenceSession;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.verify.support.Closeness;
import org.qlstm.verify.support.GoldenJson;
import org.qlstm.verify.support.Sha256;
import org.qlstm.verify.support.SmallModel;

/**
 * The quantized small model's forward pass against PyTorch, per engine: every layer's outputs, the final (h, c) and
 * the logits of each recorded case (batch 1 and 3, zero and carried state).
 */
class Int8ForwardGoldenTest {

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        for (String engine : new String[] {"qnnpack", "onednn"}) {
            GoldenJson.read("small/int8_forward_" + engine + ".json").get("cases")
                    .forEach(c -> list.add(Arguments.of(engine, c.get("name").asText(), c)));
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void forwardMatchesPyTorch(String engineName, String name, JsonNode c) {
        JsonNode golden = GoldenJson.read("small/int8_forward_" + engineName + ".json");
        assertEquals(golden.get("model_sha256").asText(), Sha256.of(SmallModel.modelFile()),
                "golden/small/model.pth is not the model of the golden");
        Engine engine = Engine.parse(engineName);
        LanguageModel model = QuantizeDynamic.quantize(SmallModel.model(), QuantizeDynamic.LSTM_AND_LINEAR, engine);
        int batch = c.get("batch").asInt();
        int steps = c.get("steps").asInt();
        int hidden = model.shape().hiddenSize();
        int layers = model.shape().layers();
        InferenceSession session = model.newSession(batch);
        float[] h0 = GoldenJson.flatFloats(c.get("h_0"));
        float[] c0 = GoldenJson.flatFloats(c.get("c_0"));
        int stateSize = batch * hidden;
        for (int l = 0; l < layers; l++) {
            session.setState(l, Arrays.copyOfRange(h0, l * stateSize, (l + 1) * stateSize),
                    Arrays.copyOfRange(c0, l * stateSize, (l + 1) * stateSize));
        }
        float[] logits = session.forward(GoldenJson.flatInts(c.get("tokens")), steps).clone();
        int rows = steps * batch;
        String what = engineName + " " + name;

        double[] expectedOutputs = GoldenJson.flatDoubles(c.get("layer_outputs"));
        double[] expectedH = GoldenJson.flatDoubles(c.get("h_n"));
        double[] expectedC = GoldenJson.flatDoubles(c.get("c_n"));
        // One quantized activation flipping by one step, plus a continuous part (derived in Int8Tolerances).
        Int8Tolerances tol = Int8Tolerances.of(SmallModel.model(), engine);
        System.out.println(what + ": " + tol);
        for (int l = 0; l < layers; l++) {
            double[] expected = Arrays.copyOfRange(expectedOutputs, l * rows * hidden, (l + 1) * rows * hidden);
            double[] actual = Closeness.widen(Arrays.copyOf(session.layerOutput(l), rows * hidden));
            Int8Tolerances.report(what + " layer " + l + " outputs", expected, actual);
            Closeness.assertWithin(what + " layer " + l + " outputs", expected, actual, tol.state());
            Closeness.assertWithin(what + " h_n[" + l + "]",
                    Arrays.copyOfRange(expectedH, l * stateSize, (l + 1) * stateSize),
                    Closeness.widen(session.hidden(l)), tol.state());
            Closeness.assertWithin(what + " c_n[" + l + "]",
                    Arrays.copyOfRange(expectedC, l * stateSize, (l + 1) * stateSize),
                    Closeness.widen(session.cell(l)), tol.cell());
        }
        double[] expectedLogits = GoldenJson.flatDoubles(c.get("logits"));
        Int8Tolerances.report(what + " logits", expectedLogits, Closeness.widen(logits));
        Closeness.assertWithin(what + " logits", expectedLogits, Closeness.widen(logits), tol.logit());
    }
}
