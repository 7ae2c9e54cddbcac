package org.qlstm.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.qlstm.nn.model.InferenceSession;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.Linear;
import org.qlstm.quant.kernel.ScalarInt8Kernel;

class QuantizeDynamicTest {

    private final LanguageModel model = TinyModels.random(7, 20, 6, 5, 2);

    @Test
    void quantizesTheChosenKindsOnly() {
        LanguageModel both = QuantizeDynamic.quantize(model, QuantizeDynamic.LSTM_AND_LINEAR, Engine.QNNPACK);
        assertInstanceOf(DynamicQuantizedLinear.class, both.decoder());
        assertInstanceOf(DynamicQuantizedLinear.class, both.layers().get(1).hiddenProjection());
        assertSame(model.embedding(), both.embedding());

        LanguageModel lstmOnly = QuantizeDynamic.quantize(model, EnumSet.of(QuantizeDynamic.Kind.LSTM), Engine.ONEDNN);
        assertInstanceOf(Linear.class, lstmOnly.decoder());
        assertInstanceOf(DynamicQuantizedLinear.class, lstmOnly.layers().get(0).inputProjection());

        LanguageModel linearOnly = QuantizeDynamic.quantize(model, EnumSet.of(QuantizeDynamic.Kind.LINEAR),
                Engine.ONEDNN);
        assertInstanceOf(DynamicQuantizedLinear.class, linearOnly.decoder());
        assertInstanceOf(Linear.class, linearOnly.layers().get(0).inputProjection());

        LanguageModel none = QuantizeDynamic.quantize(model, Set.of(), Engine.ONEDNN);
        assertSame(model.decoder(), none.decoder());
    }

    @Test
    void alreadyQuantizedProjectionsAreKept() {
        LanguageModel once = QuantizeDynamic.quantize(model, QuantizeDynamic.LSTM_AND_LINEAR, Engine.QNNPACK);
        LanguageModel twice = QuantizeDynamic.quantize(once, QuantizeDynamic.LSTM_AND_LINEAR, Engine.ONEDNN);
        assertSame(once.decoder(), twice.decoder());
    }

    @Test
    void describeLikePyTorch() {
        LanguageModel q = QuantizeDynamic.quantize(model, QuantizeDynamic.LSTM_AND_LINEAR, Engine.QNNPACK);
        String text = q.describe();
        assertTrue(text.contains("(rnn): DynamicQuantizedLSTM(6, 5, num_layers=2, dropout=0.5)"), text);
        assertTrue(text.contains("(decoder): DynamicQuantizedLinear(in_features=5, out_features=20, "
                + "dtype=torch.qint8, qscheme=torch.per_tensor_affine)"), text);
        assertTrue(q.parameterBytes() < model.parameterBytes());
    }

    /** Spec §4: with a zero state the first recurrent call sees zeros (scale 0.1, zp 0) and returns b_hh exactly. */
    @Test
    void zeroStateGivesTheRecurrentBiasExactly() {
        LanguageModel q = QuantizeDynamic.quantize(model, QuantizeDynamic.LSTM_AND_LINEAR, Engine.QNNPACK);
        DynamicQuantizedLinear hh = (DynamicQuantizedLinear) q.layers().get(0).hiddenProjection();
        float[] y = new float[2 * hh.outputSize()];
        QParams p = hh.linearDynamic(new float[2 * hh.inputSize()], 2, true, y);
        assertEquals(new QParams(0.1, 0), p);
        float[] bias = hh.bias();
        for (int i = 0; i < y.length; i++) {
            assertEquals(Float.floatToRawIntBits(bias[i % bias.length]), Float.floatToRawIntBits(y[i]));
        }
    }

    @Test
    void kernelsGiveIdenticalModels() {
        LanguageModel scalar = QuantizeDynamic.quantize(model, QuantizeDynamic.LSTM_AND_LINEAR, Engine.ONEDNN,
                new ScalarInt8Kernel());
        LanguageModel preferred = QuantizeDynamic.quantize(model, QuantizeDynamic.LSTM_AND_LINEAR, Engine.ONEDNN);
        int[] tokens = {1, 5, 19, 0, 3, 3, 7, 2};
        InferenceSession a = scalar.newSession(2);
        InferenceSession b = preferred.newSession(2);
        for (int chunk = 0; chunk < 3; chunk++) {
            assertArrayEquals(a.forward(tokens, 4), b.forward(tokens, 4));
        }
        assertFalse(scalar.describe().isEmpty());
    }

    @Test
    void aLayerKeepsItsWeightOnlyInTheKernelsLayoutAndGivesItBackExactly() {
        Linear linear = (Linear) model.decoder();
        QuantizedWeight expected = Quantization.quantizeWeight(linear.weight(), linear.outputSize(),
                linear.inputSize());
        for (boolean perChannel : new boolean[] {false, true}) {
            QuantizedWeight weight = perChannel ? Quantization.quantizeWeightPerChannel(linear.weight(),
                    linear.outputSize(), linear.inputSize()) : expected;
            DynamicQuantizedLinear layer = new DynamicQuantizedLinear(weight, linear.bias(), Engine.QNNPACK);
            assertEquals(weight, layer.weight(), "rebuilt from " + layer.kernel().name() + "'s packed copy");
            assertEquals(perChannel, layer.perChannel());
            assertArrayEquals(weight.scales(), layer.weightScales());
            assertEquals(weight, layer.withKernel(new ScalarInt8Kernel()).weight());
        }
    }
}
