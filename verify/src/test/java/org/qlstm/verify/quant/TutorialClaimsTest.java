package org.qlstm.verify.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.qlstm.nn.eval.EvalResult;
import org.qlstm.nn.eval.Evaluator;
import org.qlstm.nn.eval.Progress;
import org.qlstm.nn.model.InferenceSession;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.ModelLoader;
import org.qlstm.nn.model.ModelShape;
import org.qlstm.nn.text.Corpus;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.quant.io.ModelSizes;
import org.qlstm.quant.io.QuantizedModelFile;
import org.qlstm.verify.support.Closeness;
import org.qlstm.verify.support.GoldenJson;
import org.qlstm.verify.support.Repo;
import org.qlstm.verify.support.Sha256;

/**
 * The tutorial's claims on the trained tutorial-size model ({@code ../shared/models/tutorial_lstm.pth}) and the
 * WikiText-2 test set: dynamic int8 quantization barely changes the loss, Java's int8 loss is PyTorch's (same
 * engine), and the model shrinks by the exact byte arithmetic of the two files. Skips, naming what is missing, when
 * ../shared lacks the model or the data.
 *
 * <p>Each engine's full evaluation (9,823 chunks of 25 tokens) runs once for the whole class: the first test to
 * need one starts both (qnnpack and onednn) on two threads, the others wait for theirs.
 */
class TutorialClaimsTest {

    /** The brief's bound for Java's int8 full-test loss against PyTorch's, same engine. */
    private static final double GOLDEN_LOSS_TOLERANCE = 1e-4;
    /** The tutorial's claim, as the brief words it: int8 − float loss within 0.002. */
    private static final double CLAIMED_DELTA = 0.002;
    /** PyTorch's float32 rounding of log-softmax and the mean of a chunk (as in the float eval test). */
    private static final double FLOAT_ROUNDING = 2e-5;

    private static final String[] ENGINES = {"qnnpack", "onednn"};
    private static LanguageModel floatModel;
    private static Map<String, CompletableFuture<EvalResult>> evaluations;

    @TempDir
    Path dir;

    private static synchronized LanguageModel floatModel() throws IOException {
        if (floatModel == null) {
            Path file = Repo.tutorialModelOrSkip();
            assertEquals(GoldenJson.read("full/tutorial_float_loss.json").get("model_sha256").asText(),
                    Sha256.of(file), file + " is not the model the goldens were made from");
            floatModel = ModelLoader.load(file);
        }
        return floatModel;
    }

    private static synchronized CompletableFuture<EvalResult> evaluation(String engine) throws IOException {
        if (evaluations == null) {
            LanguageModel model = floatModel();
            Corpus corpus = Corpus.load(Repo.wikitextOrSkip());
            assertEquals(model.shape().tokens(), corpus.dictionary().size());
            int[] test = corpus.test();
            ExecutorService pool = Executors.newFixedThreadPool(ENGINES.length, r -> {
                Thread t = new Thread(r, "full-int8-eval");
                t.setDaemon(true);
                return t;
            });
            evaluations = new LinkedHashMap<>();
            for (String name : ENGINES) {
                evaluations.put(name, CompletableFuture.supplyAsync(() -> Evaluator.evaluate(
                        QuantizeDynamic.quantize(model, QuantizeDynamic.LSTM_AND_LINEAR, Engine.parse(name)), test,
                        25, 1, Progress.NONE), pool));
            }
            pool.shutdown();
        }
        return evaluations.get(engine);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"qnnpack", "onednn"})
    void int8LossEqualsPyTorchsAndStaysCloseToTheFloatLoss(String engineName) throws Exception {
        Repo.tutorialModelOrSkip();
        Repo.wikitextOrSkip();
        JsonNode golden = GoldenJson.read("full/tutorial_int8_loss_" + engineName + ".json");
        EvalResult result = evaluation(engineName).get();
        double expected = golden.get("loss").asDouble();
        double floatLoss = golden.get("float_loss").asDouble();
        double delta = result.loss() - floatLoss;
        System.out.printf("full test, int8 %s: Java %.9f, PyTorch %.9f, |difference| %.3e; float (PyTorch) %.9f, "
                        + "int8 − float %+.3e (PyTorch's own: %+.3e); %d predictions in %.0f s%n", engineName,
                result.loss(), expected, Math.abs(result.loss() - expected), floatLoss, delta,
                golden.get("loss_minus_float_loss").asDouble(), result.predictions(), result.seconds());
        assertEquals(245_568, result.predictions());
        assertEquals(golden.get("chunks").asInt(), result.chunkLosses().length);
        // Chunk by chunk: a rare quantized activation flip moves one chunk's loss by at most the derived bound.
        double chunkTolerance = Int8Tolerances.of(floatModel(), Engine.parse(engineName)).loss() + FLOAT_ROUNDING;
        Closeness.assertWithin("full test int8 " + engineName + " chunk losses",
                GoldenJson.flatDoubles(golden.get("chunk_losses")), result.chunkLosses(), chunkTolerance);
        assertEquals(expected, result.loss(), GOLDEN_LOSS_TOLERANCE, "int8 loss differs from PyTorch's");
        assertTrue(Math.abs(delta) <= CLAIMED_DELTA, "int8 − float loss " + delta + " exceeds " + CLAIMED_DELTA);
    }

    @Test
    void sizesFollowTheExactByteArithmetic() throws IOException {
        LanguageModel model = floatModel();
        JsonNode tutorial = GoldenJson.read("sizes.json").get("tutorial_architecture");
        JsonNode dims = tutorial.get("dims");
        assertEquals(new ModelShape(dims.get("ntoken").asInt(), dims.get("ninp").asInt(), dims.get("nhid").asInt(),
                dims.get("nlayers").asInt()), model.shape());
        Path floatFile = dir.resolve("tutorial-float.qlstm");
        QuantizedModelFile.write(model, floatFile);
        for (String engineName : ENGINES) {
            Engine engine = Engine.parse(engineName);
            ModelSizes sizes = ModelSizes.of(model.shape(), engine);
            JsonNode measured = tutorial.get("int8").get(engineName);
            assertEquals(tutorial.get("float").get("bytes").asLong(), sizes.torchFloat().total());
            assertEquals(measured.get("bytes").asLong(), sizes.torchInt8().total());
            assertEquals(measured.get("ratio_to_float").asDouble(), sizes.torchRatio(), 0.0);

            LanguageModel quantized = QuantizeDynamic.quantize(model, QuantizeDynamic.LSTM_AND_LINEAR, engine);
            Path int8File = dir.resolve("tutorial-" + engineName + ".qlstm");
            QuantizedModelFile.write(quantized, int8File);
            assertEquals(sizes.ourFloatFile(), Files.size(floatFile));
            assertEquals(sizes.ourInt8File(), Files.size(int8File));
            assertEquals(QuantizedModelFile.fileBytes(model.shape(), Set.of()), Files.size(floatFile));
            System.out.println("tutorial model, " + engineName + ":\n" + sizes.report());

            // The file gives back the same model: identical logits on a chunk.
            LanguageModel back = QuantizedModelFile.read(int8File);
            int[] tokens = new int[25];
            Arrays.setAll(tokens, i -> (i * 7919) % model.shape().tokens());
            InferenceSession a = quantized.newSession(1);
            InferenceSession b = back.newSession(1);
            assertArrayEquals(a.forward(tokens, 25), b.forward(tokens, 25));
            Files.delete(int8File);
        }
    }
}
