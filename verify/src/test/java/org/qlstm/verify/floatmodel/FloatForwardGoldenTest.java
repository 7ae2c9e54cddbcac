package org.qlstm.verify.floatmodel;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.qlstm.nn.model.InferenceSession;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.Linear;
import org.qlstm.verify.support.Closeness;
import org.qlstm.verify.support.ErrorBounds;
import org.qlstm.verify.support.GoldenJson;
import org.qlstm.verify.support.Sha256;
import org.qlstm.verify.support.SmallModel;

/**
 * The float small model's forward pass against PyTorch: each LSTM layer's outputs, the final (h, c), the logits and
 * the teacher-forced next-word log-probabilities, for every recorded case (batch 1 and 3, zero and carried state).
 */
class FloatForwardGoldenTest {

    /**
     * Hidden and cell values: each step adds at most γ_K·Σ|x·w| to a gate pre-activation (K ≤ 81, |x|,|w| ≲ 1:
     * ≈ 5e-6 worst case, ~1e-7 typically) plus ≤ 2 ulp from PyTorch's sigmoid/tanh; σ' ≤ 1/4, tanh' ≤ 1 and the
     * forget gate < 1 keep the recurrence from amplifying, so 30 steps × 3 layers stay below 2e-5.
     */
    private static final double STATE_TOLERANCE = 2e-5;

    static Stream<JsonNode> cases() {
        List<JsonNode> list = new ArrayList<>();
        GoldenJson.read("small/float_forward.json").get("cases").forEach(list::add);
        return list.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardMatchesPyTorch(JsonNode c) {
        Assertions.assertEquals(GoldenJson.read("small/float_forward.json").get("model_sha256").asText(),
                Sha256.of(SmallModel.modelFile()), "golden/small/model.pth is not the model of the golden");
        LanguageModel model = SmallModel.model();
        String name = c.get("name").asText();
        int batch = c.get("batch").asInt();
        int steps = c.get("steps").asInt();
        int hidden = model.shape().hiddenSize();
        int layers = model.shape().layers();
        int vocabulary = model.shape().tokens();
        InferenceSession session = model.newSession(batch);
        float[] h0 = GoldenJson.flatFloats(c.get("h_0"));
        float[] c0 = GoldenJson.flatFloats(c.get("c_0"));
        int stateSize = batch * hidden;
        for (int l = 0; l < layers; l++) {
            session.setState(l, java.util.Arrays.copyOfRange(h0, l * stateSize, (l + 1) * stateSize),
                    java.util.Arrays.copyOfRange(c0, l * stateSize, (l + 1) * stateSize));
        }
        float[] logits = session.forward(GoldenJson.flatInts(c.get("tokens")), steps).clone();
        int rows = steps * batch;

        double[] expectedOutputs = GoldenJson.flatDoubles(c.get("layer_outputs"));
        double[] expectedH = GoldenJson.flatDoubles(c.get("h_n"));
        double[] expectedC = GoldenJson.flatDoubles(c.get("c_n"));
        double[] topDelta = null;
        for (int l = 0; l < layers; l++) {
            double[] expected = java.util.Arrays.copyOfRange(expectedOutputs, l * rows * hidden,
                    (l + 1) * rows * hidden);
            double[] actual = Closeness.widen(java.util.Arrays.copyOf(session.layerOutput(l), rows * hidden));
            Closeness.assertWithin(name + " layer " + l + " outputs", expected, actual, STATE_TOLERANCE);
            Closeness.assertWithin(name + " h_n[" + l + "]",
                    java.util.Arrays.copyOfRange(expectedH, l * stateSize, (l + 1) * stateSize),
                    Closeness.widen(session.hidden(l)), STATE_TOLERANCE);
            Closeness.assertWithin(name + " c_n[" + l + "]",
                    java.util.Arrays.copyOfRange(expectedC, l * stateSize, (l + 1) * stateSize),
                    Closeness.widen(session.cell(l)), STATE_TOLERANCE);
            if (l == layers - 1) {
                topDelta = new double[expected.length];
                for (int i = 0; i < expected.length; i++) {
                    topDelta[i] = Math.abs(actual[i] - expected[i]);
                }
            }
        }

        // Logits: the decoder's own float32 error (twice the dot-product bound: two implementations) plus how far
        // the measured difference of its input (the top layer's output) can move it.
        Linear decoder = (Linear) model.decoder();
        float[] w = decoder.weight();
        float[] top = java.util.Arrays.copyOf(session.layerOutput(layers - 1), rows * hidden);
        double[] own = ErrorBounds.twoImplementationsLinear(top, rows, w, decoder.bias(), vocabulary, hidden);
        double[] moved = ErrorBounds.propagated(topDelta, rows, w, vocabulary, hidden);
        double[] logitTolerance = new double[own.length];
        for (int i = 0; i < own.length; i++) {
            logitTolerance[i] = own[i] + moved[i];
        }
        double[] expectedLogits = GoldenJson.flatDoubles(c.get("logits"));
        Closeness.assertWithin(name + " logits", expectedLogits, Closeness.widen(logits), logitTolerance);

        // log_softmax is 1-Lipschitz per element plus the row's largest logit error (log-sum-exp is 1-Lipschitz
        // in the max norm), plus PyTorch's own float32 rounding: 4 ulp of the larger of |logit| and |log-prob|.
        double[] expectedLogProbs = GoldenJson.flatDoubles(c.get("log_probs"));
        double[] actualLogProbs = new double[expectedLogProbs.length];
        double[] logProbTolerance = new double[expectedLogProbs.length];
        double[] row = new double[vocabulary];
        for (int r = 0; r < rows; r++) {
            org.qlstm.nn.kernel.LogSoftmax.logSoftmax(logits, r * vocabulary, vocabulary, row);
            double rowMax = 0;
            for (int j = 0; j < vocabulary; j++) {
                rowMax = Math.max(rowMax, logitTolerance[r * vocabulary + j]);
            }
            for (int j = 0; j < vocabulary; j++) {
                int i = r * vocabulary + j;
                actualLogProbs[i] = row[j];
                double magnitude = Math.max(Math.abs(logits[i]), Math.abs(row[j]));
                logProbTolerance[i] = logitTolerance[i] + rowMax + 4 * Math.ulp((float) magnitude);
            }
        }
        Closeness.assertWithin(name + " log_probs", expectedLogProbs, actualLogProbs, logProbTolerance);
    }
}
