package org.qlstm.verify.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.ProjectionSite;
import org.qlstm.quant.DynamicQuantizedLinear;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.quant.QuantizedWeight;
import org.qlstm.verify.support.GoldenApprovals;
import org.qlstm.verify.support.SmallModel;

/**
 * The int8 weights and scales of the quantized small model, bit for bit: Java renders the same text as
 * {@code reference/golden_int8.py} and it must match {@code golden/small/int8_weights.approved.txt} to the byte.
 * Weights do not depend on the engine; every engine must give the same text.
 */
class Int8WeightsGoldenTest {

    /** Header {@code <name> shape=<rows>x<cols> scale=<repr> bits=0x…….. zero_point=0}, then one line per row. */
    static String render(LanguageModel quantized) {
        StringBuilder text = new StringBuilder();
        quantized.withProjections((site, projection) -> {
            QuantizedWeight w = ((DynamicQuantizedLinear) projection).weight();
            appendTensor(text, site, w);
            return projection;
        });
        return text.toString();
    }

    private static void appendTensor(StringBuilder text, ProjectionSite site, QuantizedWeight w) {
        text.append(site.weightName()).append(" shape=").append(w.rows()).append('x').append(w.cols())
                .append(" scale=").append(PythonFloatRepr.repr(w.scale()))
                .append(String.format(" bits=0x%08x", Float.floatToRawIntBits(w.scale())))
                .append(" zero_point=").append(w.zeroPoint()).append('\n');
        byte[] q = w.values();
        for (int r = 0; r < w.rows(); r++) {
            for (int c = 0; c < w.cols(); c++) {
                if (c > 0) {
                    text.append(' ');
                }
                text.append(q[r * w.cols() + c]);
            }
            text.append('\n');
        }
    }

    @Test
    void weightsAndScalesMatchPyTorch() {
        String expected = null;
        for (Engine engine : Engine.all()) {
            String text = render(QuantizeDynamic.quantize(SmallModel.model(), QuantizeDynamic.LSTM_AND_LINEAR,
                    engine));
            if (expected == null) {
                expected = text;
            }
            assertEquals(expected, text, engine + " quantizes weights differently");
        }
        GoldenApprovals.verify(expected, "small", "int8_weights", "txt");
        System.out.println("int8 weights: " + expected.lines().count() + " lines identical to the golden");
    }
}
