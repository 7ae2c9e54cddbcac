package org.qlstm.verify.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.qlstm.nn.io.ModelFileException;
import org.qlstm.nn.model.ModelLoader;

/**
 * {@code ModelLoader.load}: any file gives a model or a {@code ModelFileException}. Weighted towards files
 * that read fine but do not form the tutorial's model, so the shape cross-checks and the non-finite scan
 * are exercised.
 */
public final class ModelLoaderTarget implements FuzzTarget {

    @Override
    public String name() {
        return "model-loader";
    }

    @Override
    public byte[] seed() throws java.io.IOException {
        return Files.readAllBytes(org.qlstm.verify.support.SmallModel.modelFile());
    }

    @Override
    public String fileName() {
        return "model.pth";
    }

    @Override
    public Object read(Path file) throws Exception {
        return ModelLoader.load(file);
    }

    @Override
    public boolean isDocumented(Throwable t) {
        return t instanceof ModelFileException e && e.file() != null;
    }

    @Override
    public Outcome classify(Throwable t) {
        return PthOutcomes.classify(t);
    }

    @Override
    public List<Generator> generators() {
        return PthMutations.generators(new PthMutations.Weights(10, 20, 5, 15, 50), ModelLoaderTarget::mutant);
    }

    private static Mutant mutant(PthMutations.PthCase c) {
        return new Mutant(c.bytes(), c.description(),
                c.model() ? PthExpectations.model(c.tensors(), c.shape()) : null);
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(
                new Coverage("past the zip layer", PthOutcomes.PICKLE, 0.60),
                new Coverage("to the model checks", PthOutcomes.MODEL, 0.35),
                new Coverage("through (a model loaded)", Integer.MAX_VALUE, 0.10));
    }
}
