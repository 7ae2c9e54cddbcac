package org.qlstm.verify.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.qlstm.nn.eval.EvalResult;
import org.qlstm.nn.eval.Evaluator;
import org.qlstm.nn.eval.Progress;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.verify.support.SmallModel;

/**
 * The same evaluation in one JVM gives the same bits every time, whatever the JIT has compiled by then: the first
 * run is largely interpreted, later ones run C2 code. Floating-point results that depend on the compilation tier
 * (e.g. a lane reduction whose order the JIT chooses) would make goldens and loss deltas irreproducible; this
 * caught one in log-sum-exp. Exact equality: every kernel documents a fixed summation order.
 */
class EvaluationDeterminismTest {

    private static final int BPTT = 25;
    private static final int ROUNDS = 4;

    @Test
    void floatEvaluationIsBitIdenticalAcrossRuns() {
        assertSameEveryRun(SmallModel.model());
    }

    @Test
    void int8EvaluationIsBitIdenticalAcrossRuns() {
        for (Engine engine : new Engine[] {Engine.QNNPACK, Engine.ONEDNN}) {
            assertSameEveryRun(QuantizeDynamic.quantize(SmallModel.model(), QuantizeDynamic.LSTM_AND_LINEAR, engine));
        }
    }

    private static void assertSameEveryRun(LanguageModel model) {
        int[] tokens = SmallModel.corpus().test();
        EvalResult first = Evaluator.evaluate(model, tokens, BPTT, 1, Progress.NONE);
        for (int round = 1; round < ROUNDS; round++) {
            EvalResult again = Evaluator.evaluate(model, tokens, BPTT, 1, Progress.NONE);
            assertEquals(Double.doubleToRawLongBits(first.loss()), Double.doubleToRawLongBits(again.loss()),
                    "round " + round + ": loss " + again.loss() + " vs first " + first.loss());
            assertArrayEquals(first.chunkLosses(), again.chunkLosses(), "round " + round + ": chunk losses");
        }
    }
}
