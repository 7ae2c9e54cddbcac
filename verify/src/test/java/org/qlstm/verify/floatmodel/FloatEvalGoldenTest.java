package org.qlstm.verify.floatmodel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.qlstm.nn.eval.EvalResult;
import org.qlstm.nn.eval.Evaluator;
import org.qlstm.nn.eval.Progress;
import org.qlstm.nn.text.Split;
import org.qlstm.verify.support.Closeness;
import org.qlstm.verify.support.GoldenJson;
import org.qlstm.verify.support.SmallModel;

/** The tutorial's evaluate() on the small corpus: chunk layout, per-chunk losses and the total equal PyTorch's. */
class FloatEvalGoldenTest {

    /**
     * Per-chunk mean cross-entropy (values ≈ 1–8): PyTorch rounds log-softmax and the mean to float32 (ulp ≤ 1e-6
     * at 8, a few roundings per value), and the logits themselves differ by ≲ 1e-5 (FloatForwardGoldenTest).
     */
    private static final double CHUNK_TOLERANCE = 2e-5;

    static Stream<JsonNode> evals() {
        List<JsonNode> list = new ArrayList<>();
        GoldenJson.read("small/float_eval.json").get("evals").forEach(list::add);
        return list.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evals")
    void evaluateMatchesPyTorch(JsonNode e) {
        String split = e.get("split").asText();
        int bptt = e.get("bptt").asInt();
        int batch = e.get("batch_size").asInt();
        EvalResult result = Evaluator.evaluate(SmallModel.model(), SmallModel.corpus().split(Split.parse(split)),
                bptt, batch, Progress.NONE);
        String what = split + " bptt " + bptt + " batch " + batch;
        assertArrayEquals(GoldenJson.flatInts(e.get("chunk_lengths")), result.chunkLengths(), what);
        assertEquals(e.get("predictions").asLong(), result.predictions(), what);
        Closeness.assertWithin(what + " chunk losses", GoldenJson.flatDoubles(e.get("chunk_losses")),
                result.chunkLosses(), CHUNK_TOLERANCE);
        // The total is a length-weighted mean of the chunk losses, so it inherits their tolerance.
        Closeness.assertWithin(what + " loss", new double[] {e.get("loss").asDouble()},
                new double[] {result.loss()}, CHUNK_TOLERANCE);
    }
}
