package org.qlstm.quant.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.qlstm.nn.model.ModelShape;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;

/** The exact numbers of the quantization spec §5 for the tutorial's architecture. */
class ModelSizesTest {

    private static final ModelShape TUTORIAL = new ModelShape(33_278, 512, 256, 5);

    @Test
    void tutorialArchitectureMatchesTheSpec() {
        ModelSizes onednn = ModelSizes.of(TUTORIAL, Engine.ONEDNN);
        assertEquals(28_484_606, TUTORIAL.parameterCount());
        assertEquals(113_943_637, onednn.torchFloat().total());
        assertEquals(28_484_606L * 4 + 5_213, onednn.torchFloat().total());
        assertEquals(79_738_057, onednn.torchInt8().total());
        assertEquals(68_153_344, onednn.torchInt8().embedding());
        assertEquals(8_519_168, onednn.torchInt8().decoderWeight());
        assertEquals(133_112, onednn.torchInt8().decoderBias());
        assertEquals(2_883_584, onednn.torchInt8().lstmWeights());
        assertEquals(40_960, onednn.torchInt8().lstmBiases());
        assertEquals(12, onednn.torchInt8().decoderScaleAndZeroPoint());
        assertEquals(7_877, onednn.torchInt8().overhead());
        assertEquals(25, onednn.torchInt8().storageRecords());
        assertEquals(0.6998, onednn.torchRatio(), 5e-5);
        assertEquals(0.85, onednn.embeddingShareOfInt8(), 0.005);

        ModelSizes qnnpack = ModelSizes.of(TUTORIAL, Engine.QNNPACK);
        assertEquals(79_780_941, qnnpack.torchInt8().total());
        assertEquals(81_920, qnnpack.torchInt8().lstmBiases());
        assertEquals(35, qnnpack.torchInt8().storageRecords());
        // fbgemm (the tutorial's engine) shares onednn's layout: the tutorial prints 79.738057 MB.
        assertEquals(79_738_057, ModelSizes.of(TUTORIAL, Engine.FBGEMM).torchInt8().total());
    }

    @Test
    void ourFilesAreHeaderPlusPayloadPlusChecksum() {
        ModelSizes sizes = ModelSizes.of(TUTORIAL, Engine.QNNPACK);
        long header = 32 + 12 * 11 + 4;
        assertEquals(header + 4L * TUTORIAL.parameterCount(), sizes.ourFloatFile());
        long lstmInt8 = 2_883_584;
        long biases = 4L * (10 * 1024 + 33_278);
        assertEquals(header + 68_153_344 + lstmInt8 + 8_519_168 + biases, sizes.ourInt8File());
        assertTrue(sizes.ourRatio() < sizes.torchRatio());
        String report = sizes.report();
        assertTrue(report.contains("Size (MB): 113.943637") && report.contains("Size (MB): 79.780941"), report);
    }

    @Test
    void partialQuantizationAndFileNames() {
        ModelSizes lstmOnly = ModelSizes.of(TUTORIAL, EnumSet.of(QuantizeDynamic.Kind.LSTM), Engine.ONEDNN);
        assertEquals(34_076_672, lstmOnly.torchInt8().decoderWeight());
        assertEquals(Set.of(QuantizeDynamic.Kind.LSTM), lstmOnly.quantized());
        assertEquals("temp", TorchSaveSizes.archiveName("temp.p"));
        assertEquals("model", TorchSaveSizes.archiveName("/a/b.c/model.pth"));
        assertEquals("a.b", TorchSaveSizes.archiveName("a.b.c"));
        assertEquals("noext", TorchSaveSizes.archiveName("dir\\noext"));
        assertThrows(IllegalArgumentException.class, () -> TorchSaveSizes.archiveName("dir/"));
        // A longer archive name lengthens every record name (and may move padding): never shorter.
        long temp = TorchSaveSizes.breakdown(TUTORIAL, Set.of(), Engine.ONEDNN, "temp.p").total();
        long longer = TorchSaveSizes.breakdown(TUTORIAL, Set.of(), Engine.ONEDNN, "a_much_longer_name.p").total();
        assertTrue(longer > temp);
    }
}
