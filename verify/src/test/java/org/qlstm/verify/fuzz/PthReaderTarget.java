package org.qlstm.verify.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.qlstm.nn.io.ModelFileException;
import org.qlstm.nn.io.PthReader;

/** {@code PthReader.read}: any file gives a {@code StateDict} or a {@code ModelFileException}. */
public final class PthReaderTarget implements FuzzTarget {

    @Override
    public String name() {
        return "pth-reader";
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
        return PthReader.read(file);
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
        return PthMutations.generators(new PthMutations.Weights(25, 25, 15, 20, 15), PthReaderTarget::mutant);
    }

    private static Mutant mutant(PthMutations.PthCase c) {
        return new Mutant(c.bytes(), c.description(),
                c.tensors() == null ? null : PthExpectations.sameTensors(c.tensors()));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(
                new Coverage("past the zip layer", PthOutcomes.PICKLE, 0.50),
                new Coverage("past pickle syntax (to tensor checks)", PthOutcomes.TENSORS, 0.30),
                new Coverage("past the pickle (to storage checks)", PthOutcomes.STORAGE, 0.15),
                new Coverage("through (read normally)", Integer.MAX_VALUE, 0.10));
    }
}
