package org.qlstm.verify.quant;

import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.Linear;
import org.qlstm.nn.model.LstmLayer;
import org.qlstm.quant.Engine;

/**
 * Tolerances of whole-model int8 comparisons with PyTorch, derived from the model.
 *
 * <p>Our int8 linear layers are bit-exact given the same inputs (LinearDynamicGoldenTest); what differs is the float
 * gate arithmetic, where PyTorch's float32 sigmoid/tanh/exp are up to 2 ulp off (spec §4), so h and c differ by a few
 * ulp. Through a quantized projection such a difference has one of two effects: (1) usually none, or a shifted
 * activation min/max that changes the call's scale by ~2^−23 relative, moving outputs by ~1e−7 relative; (2) rarely
 * (an activation within a few ulp of a rounding boundary) one quantized activation flips by one step, moving every
 * output of that row by {@code sa·|w_jk| ≤ sa·max|W|}, where {@code sa = range/qmax} is the call's activation step
 * (range ≤ 2 for hidden states in (−1, 1); the embedding's own range for layer 0). The tolerance allows one such
 * flip plus 1e−5 for the continuous part: {@code state = max over LSTM projections of sa·max|W| + 1e−5},
 * {@code cell = 2·state} (c integrates the gates over the steps, damped by the forget gate < 1),
 * {@code logit = sa·max|W_dec| + 1e−5}. Cross-entropy moves by at most twice the largest logit change (log-sum-exp
 * and the target logit are each 1-Lipschitz in the max norm), so {@code loss = 2·logit}.
 *
 * @param state hidden state and layer outputs
 * @param cell  cell state
 * @param logit logits
 * @param loss  per-chunk and total cross-entropy
 */
record Int8Tolerances(double state, double cell, double logit, double loss) {

    private static final double CONTINUOUS = 1e-5;

    static Int8Tolerances of(LanguageModel floatModel, Engine engine) {
        int qmax = engine.honoursReduceRange() ? 127 : 255;
        float[] table = ((org.qlstm.nn.model.Embedding) floatModel.embedding()).table();
        float min = 0f;
        float max = 0f;
        for (float v : table) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double embeddingStep = ((double) max - min) / qmax;
        double hiddenStep = 2.0 / qmax;
        double state = 0;
        for (int l = 0; l < floatModel.layers().size(); l++) {
            LstmLayer layer = floatModel.layers().get(l);
            double inputStep = l == 0 ? embeddingStep : hiddenStep;
            state = Math.max(state, inputStep * maxAbs((Linear) layer.inputProjection()));
            state = Math.max(state, hiddenStep * maxAbs((Linear) layer.hiddenProjection()));
        }
        double logit = hiddenStep * maxAbs((Linear) floatModel.decoder()) + CONTINUOUS;
        state += CONTINUOUS;
        return new Int8Tolerances(state, 2 * state, logit, 2 * logit);
    }

    private static double maxAbs(Linear linear) {
        double m = 0;
        for (float v : linear.weight()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** Prints how many values are bit-exact as float32. */
    static void report(String what, double[] expected, double[] actual) {
        int exact = 0;
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits((float) expected[i]) == Float.floatToRawIntBits((float) actual[i])) {
                exact++;
            }
        }
        System.out.printf("%s: %d of %d bit-exact%n", what, exact, expected.length);
    }
}
