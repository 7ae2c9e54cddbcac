package org.qlstm.cli;

import java.util.ArrayList;
import java.util.List;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.Linear;
import org.qlstm.nn.model.Projection;
import org.qlstm.quant.DynamicQuantizedLinear;
import org.qlstm.quant.QuantizedWeight;

/** Per-tensor error of the int8 weights: how far {@code dequant(q) = q · scale} is from the float weight. */
final class WeightErrors {

    /**
     * One quantized tensor.
     *
     * @param name      PyTorch's state_dict name
     * @param rows      rows (outputs)
     * @param cols      columns (inputs)
     * @param scale     the per-tensor scale; for a per-channel weight, the largest row scale
     * @param zeroPoint the zero point (0: symmetric)
     * @param maxError  {@code max |w − dequant(q)|}
     * @param rmsError  root mean square of {@code w − dequant(q)}
     * @param bound     {@code scale / 2}, the rounding bound for values inside the int8 range (for a per-channel
     *                  weight, of the row with the largest scale: every row's error is within its own half scale)
     */
    record TensorError(String name, int rows, int cols, double scale, int zeroPoint, double maxError,
                       double rmsError, double bound) {
    }

    private WeightErrors() {
    }

    /** Every tensor that {@code int8} quantized, compared with the same tensor of {@code floatModel}. */
    static List<TensorError> of(LanguageModel floatModel, LanguageModel int8) {
        List<TensorError> out = new ArrayList<>();
        for (int l = 0; l < floatModel.layers().size(); l++) {
            add(out, "rnn.weight_ih_l" + l, floatModel.layers().get(l).inputProjection(),
                    int8.layers().get(l).inputProjection());
            add(out, "rnn.weight_hh_l" + l, floatModel.layers().get(l).hiddenProjection(),
                    int8.layers().get(l).hiddenProjection());
        }
        add(out, "decoder.weight", floatModel.decoder(), int8.decoder());
        return List.copyOf(out);
    }

    private static void add(List<TensorError> out, String name, Projection original, Projection quantized) {
        if (!(original instanceof Linear f) || !(quantized instanceof DynamicQuantizedLinear q)) {
            return; // not quantized (or not float to begin with): nothing to compare
        }
        QuantizedWeight weight = q.weight();
        float[] w = f.weight();
        float[] dequantized = weight.dequantize();
        double max = 0;
        double sumSquares = 0;
        for (int i = 0; i < w.length; i++) {
            double e = Math.abs((double) w[i] - dequantized[i]);
            max = Math.max(max, e);
            sumSquares += e * e;
        }
        double scale = 0;
        for (int row = 0; row < weight.rows(); row++) {
            scale = Math.max(scale, weight.scale(row));
        }
        out.add(new TensorError(name, weight.rows(), weight.cols(), scale, weight.zeroPoint(), max,
                Math.sqrt(sumSquares / w.length), scale / 2.0));
    }
}
