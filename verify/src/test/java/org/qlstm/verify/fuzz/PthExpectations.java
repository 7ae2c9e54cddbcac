package org.qlstm.verify.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.qlstm.nn.io.ModelFileException;
import org.qlstm.nn.io.StateDict;
import org.qlstm.nn.io.Tensor;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.ModelShape;

/** Oracles for .pth cases whose meaning is known because the generator made it so. */
public final class PthExpectations {

    private static final Pattern SHAPE_MESSAGE =
            Pattern.compile("(\\S+) has shape \\[([0-9, ]*)\\], expected ([0-9?]+(?:x[0-9?]+)?)");

    private PthExpectations() {
    }

    /** {@code PthReader} must return exactly these tensors, in this order, bit for bit. */
    public static Expectation sameTensors(List<Tensor> expected) {
        return (file, result, thrown) -> {
            if (thrown != null) {
                throw new AssertionError("expected " + expected.size() + " tensors, but the file was refused: "
                        + thrown.getMessage());
            }
            StateDict sd = (StateDict) result;
            List<String> names = expected.stream().map(Tensor::name).toList();
            if (!sd.names().equals(names)) {
                throw new AssertionError("tensor names " + sd.names() + ", expected " + names);
            }
            for (Tensor t : expected) {
                Tensor got;
                try {
                    got = sd.get(t.name());
                } catch (ModelFileException e) {
                    throw new AssertionError(e);
                }
                if (!got.equals(t)) {
                    throw new AssertionError("tensor " + t.name() + " read as " + Arrays.toString(got.shape())
                            + " with other values than the " + Arrays.toString(t.shape()) + " written");
                }
            }
        };
    }

    /** {@code ModelLoader} must load a model of this shape. */
    public static Expectation loads(ModelShape shape) {
        return (file, result, thrown) -> {
            if (thrown != null) {
                throw new AssertionError("expected a model " + shape + ", but the file was refused: "
                        + thrown.getMessage());
            }
            ModelShape got = ((LanguageModel) result).shape();
            if (!got.equals(shape)) {
                throw new AssertionError("loaded a model " + got + ", expected " + shape);
            }
        };
    }

    /**
     * What {@code ModelLoader} must do with a file holding exactly {@code tensors}: if they form a valid model of
     * {@code shape} (null if they do not), refuse the first non-finite value in file order, naming the tensor,
     * the index and the value, or else load that shape; if they do not, refuse in the model layer.
     */
    public static Expectation model(List<Tensor> tensors, ModelShape shape) {
        if (shape == null) {
            return rejectedByModel(tensors);
        }
        for (Tensor t : tensors) {
            float[] d = t.data();
            for (int i = 0; i < d.length; i++) {
                if (!Float.isFinite(d[i])) {
                    String fragment = "non-finite weight: " + t.name() + "[" + i + "] = " + d[i];
                    return (file, result, thrown) -> {
                        if (thrown == null || !thrown.getMessage().contains(fragment)) {
                            throw new AssertionError("expected a refusal containing '" + fragment + "', got "
                                    + (thrown == null ? "a model" : thrown.getMessage()));
                        }
                    };
                }
            }
        }
        return loads(shape);
    }

    /**
     * {@code ModelLoader} must refuse in the model layer (so the file itself was read), and a message about a
     * shape must name a tensor of the file with its actual shape and the expected one.
     */
    public static Expectation rejectedByModel(List<Tensor> tensors) {
        return (file, result, thrown) -> {
            if (thrown == null) {
                throw new AssertionError("expected a refusal by the model checks, but a model "
                        + ((LanguageModel) result).shape() + " was loaded");
            }
            Outcome o = PthOutcomes.classify(thrown);
            if (o.depth() != PthOutcomes.MODEL) {
                throw new AssertionError("expected a refusal by the model checks, got '" + o.label() + "': "
                        + thrown.getMessage());
            }
            String message = thrown.getMessage();
            Matcher m = SHAPE_MESSAGE.matcher(message);
            if (message.contains(" has shape ")) {
                if (!m.find()) {
                    throw new AssertionError("a shape refusal must name the tensor, its shape and the expected one: "
                            + message);
                }
                Tensor named = tensors.stream().filter(t -> t.name().equals(m.group(1))).findFirst()
                        .orElseThrow(() -> new AssertionError("names a tensor the file does not have: " + message));
                String actual = Arrays.toString(named.shape());
                if (!("[" + m.group(2) + "]").equals(actual)) {
                    throw new AssertionError("gives the shape of " + named.name() + " as [" + m.group(2)
                            + "], but it is " + actual + ": " + message);
                }
            }
            Set<String> names = Set.copyOf(tensors.stream().map(Tensor::name).toList());
            List<String> problems = new ArrayList<>();
            Matcher unexpected = Pattern.compile("unexpected tensor (\\S+)").matcher(message);
            if (unexpected.find() && !names.contains(unexpected.group(1))) {
                problems.add("calls " + unexpected.group(1) + " unexpected but the file has no such tensor");
            }
            Matcher missing = Pattern.compile("tensor (\\S+) is missing").matcher(message);
            if (missing.find() && names.contains(missing.group(1))) {
                problems.add("calls " + missing.group(1) + " missing but the file has it");
            }
            if (!problems.isEmpty()) {
                throw new AssertionError(problems + ": " + message);
            }
        };
    }
}
