package org.qlstm.verify.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.ModelLoader;
import org.qlstm.nn.text.Corpus;

/** The small golden model and corpus written by {@code reference/make_small.py}, loaded once per JVM. */
public final class SmallModel {

    private static LanguageModel model;
    private static Corpus corpus;

    private SmallModel() {
    }

    /** {@code golden/small/model.pth}. */
    public static Path modelFile() {
        return Repo.golden("small/model.pth");
    }

    /** {@code golden/small}, the corpus directory. */
    public static Path dataDirectory() {
        return Repo.golden().resolve("small");
    }

    /** The float model. */
    public static synchronized LanguageModel model() {
        if (model == null) {
            try {
                model = ModelLoader.load(modelFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return model;
    }

    /** The corpus. */
    public static synchronized Corpus corpus() {
        if (corpus == null) {
            try {
                corpus = Corpus.load(dataDirectory());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return corpus;
    }
}
