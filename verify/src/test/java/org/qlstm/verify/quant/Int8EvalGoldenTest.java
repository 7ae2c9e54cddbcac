package org.qlstm.verify.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.qlstm.nn.eval.EvalResult;
import org.qlstm.nn.eval.Evaluator;
import org.qlstm.nn.eval.Progress;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.text.Split;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.verify.support.Closeness;
import org.qlstm.verify.support.GoldenJson;
import org.qlstm.verify.support.SmallModel;

/**
 * The tutorial's evaluate() on the quantized small model against PyTorch, per engine: chunk layout exactly, chunk
 * losses and the total within {@link Int8Tolerances#loss()} (twice the logit tolerance, plus PyTorch's float32
 * rounding of log-softmax and the mean, ≤ 2e−5 as in the float eval test).
 */
class Int8EvalGoldenTest {

    private static final double FLOAT_ROUNDING = 2e-5;

    static Stream<Arguments> evals() {
        List<Arguments> list = new ArrayList<>();
        for (String engine : new String[] {"qnnpack", "onednn"}) {
            GoldenJson.read("small/int8_eval_" + engine + ".json").get("evals").forEach(e -> list.add(Arguments.of(
                    engine, e.get("split").asText() + " bptt " + e.get("bptt").asInt() + " batch "
                            + e.get("batch_size").asInt(), e)));
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("evals")
    void evaluateMatchesPyTorch(String engineName, String name, JsonNode e) {
        Engine engine = Engine.parse(engineName);
        LanguageModel model = QuantizeDynamic.quantize(SmallModel.model(), QuantizeDynamic.LSTM_AND_LINEAR, engine);
        int bptt = e.get("bptt").asInt();
        int batch = e.get("batch_size").asInt();
        EvalResult result = Evaluator.evaluate(model, SmallModel.corpus().split(Split.parse(e.get("split").asText())),
                bptt, batch, Progress.NONE);
        String what = "int8 " + engineName + " " + name;
        assertArrayEquals(GoldenJson.flatInts(e.get("chunk_lengths")), result.chunkLengths(), what);
        assertEquals(e.get("predictions").asLong(), result.predictions(), what);
        double tolerance = Int8Tolerances.of(SmallModel.model(), engine).loss() + FLOAT_ROUNDING;
        Closeness.assertWithin(what + " chunk losses", GoldenJson.flatDoubles(e.get("chunk_losses")),
                result.chunkLosses(), tolerance);
        Closeness.assertWithin(what + " loss", new double[] {e.get("loss").asDouble()},
                new double[] {result.loss()}, tolerance);
    }
}
