package org.qlstm.quant;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.qlstm.nn.kernel.ScalarFloatKernel;
import org.qlstm.nn.model.Embedding;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.Linear;
import org.qlstm.nn.model.LstmLayer;

/** Small random float models built from arrays, for unit tests. */
public final class TinyModels {

    private TinyModels() {
    }

    /** A model of the given sizes with Gaussian weights (seeded). */
    public static LanguageModel random(long seed, int tokens, int embedding, int hidden, int layers) {
        Random rng = new Random(seed);
        ScalarFloatKernel kernel = new ScalarFloatKernel();
        List<LstmLayer> lstm = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? embedding : hidden;
            lstm.add(new LstmLayer(linear(rng, 4 * hidden, in, kernel), linear(rng, 4 * hidden, hidden, kernel)));
        }
        return new LanguageModel(new Embedding(gaussian(rng, tokens * embedding, 1f), tokens, embedding), lstm,
                linear(rng, tokens, hidden, kernel));
    }

    private static Linear linear(Random rng, int out, int in, ScalarFloatKernel kernel) {
        return new Linear(gaussian(rng, out * in, 0.3f), gaussian(rng, out, 0.1f), out, in, kernel);
    }

    static float[] gaussian(Random rng, int n, float sigma) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian() * sigma;
        }
        return v;
    }
}
