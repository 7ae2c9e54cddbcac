package org.qlstm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.qlstm.nn.kernel.Kernels;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.ModelLoader;
import org.qlstm.nn.text.Corpus;
import org.qlstm.quant.io.QuantizedModelFile;
import org.qlstm.quant.kernel.Int8Kernels;
import picocli.CommandLine.Option;

/** {@code --model} and {@code --data}, shared by the commands; both default to the embedded small model. */
final class ModelOptions {

    @Option(names = "--model", paramLabel = "FILE",
            description = "PyTorch state_dict (.pth) of the tutorial's model (default: the embedded small model)")
    Path model;

    @Option(names = "--data", paramLabel = "DIR",
            description = "corpus directory with train.txt, valid.txt, test.txt (default: the embedded corpus)")
    Path data;

    /** The model file to read. */
    Path modelFile() {
        return model != null ? model : EmbeddedDefault.model();
    }

    /** The corpus directory to read. */
    Path dataDirectory() {
        return data != null ? data : EmbeddedDefault.data();
    }

    /** Reads the model: a PyTorch state_dict (float) or one of our quantized model files. */
    LoadedModel loadModel() throws IOException {
        Path file = modelFile();
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory, not a model file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such model file");
        }
        if (data != null) { // a bad --data fails before the model is read, not after
            requireCorpusDirectory();
        }
        // Vector code is slow until C2 compiles it: warm the kernels up while the weights are read — the float
        // kernels, then on the same background thread the int8 one (~0.3–0.4 s; used by --int8, compare, bench,
        // tutorial and int8 model files).
        var warmUp = Kernels.warmUpInBackground().thenApply(nanos -> nanos + Int8Kernels.warmUp());
        LanguageModel model = QuantizedModelFile.isQuantizedModelFile(file)
                ? QuantizedModelFile.read(file) : ModelLoader.load(file);
        warmUp.join();
        return new LoadedModel(model, file);
    }

    /** Reads the model and requires it to be float (a quantized file cannot be turned back). */
    LanguageModel loadFloatModel() throws IOException {
        LoadedModel loaded = loadModel();
        if (loaded.quantized()) {
            throw new IllegalArgumentException(loaded.file() + " is an int8 model; this command needs the float "
                    + "PyTorch state_dict it was made from");
        }
        return loaded.model();
    }

    /** Reads the corpus. */
    Corpus loadCorpus() throws IOException {
        requireCorpusDirectory();
        return Corpus.load(dataDirectory());
    }

    private void requireCorpusDirectory() throws IOException {
        Path dir = dataDirectory();
        if (Files.isRegularFile(dir)) {
            throw new IOException(dir + ": is a file, not a corpus directory (train.txt, valid.txt, test.txt)");
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": no such corpus directory");
        }
    }

    /** Checks that the corpus's dictionary fits the model's vocabulary. */
    void requireSameVocabulary(LanguageModel model, Corpus corpus) {
        int words = corpus.dictionary().size();
        int tokens = model.shape().tokens();
        if (words != tokens) {
            throw new IllegalArgumentException(modelFile() + ": the model's vocabulary has " + tokens
                    + " words but the corpus in " + dataDirectory() + " gives a dictionary of " + words);
        }
    }
}
