package org.qlstm.cli;

import java.util.List;

/**
 * Everything {@code qlstm report} shows, computed before anything is drawn: the page and the JSON are two views of
 * this one value.
 *
 * @param model          what was evaluated
 * @param floatVsTorch   |logit error| of our float model against PyTorch's recorded float logits
 * @param int8VsFloat    |logit error| of our int8 model against our float model, on the same inputs
 * @param int8VsTorch    |logit error| of our int8 model against PyTorch's recorded int8 logits (same engine)
 * @param weights        per-tensor weight quantization error
 * @param chunks         per-chunk losses along the evaluated tokens of the test split
 * @param speed          our tokens per second, float and int8, and PyTorch's when given
 * @param provenance     every golden file found, with what produced it
 * @param goldenSource   where the goldens were read from, or a note that none were found
 */
record ReportData(ModelInfo model, Maybe<Histogram> floatVsTorch, Histogram int8VsFloat,
                  Maybe<Histogram> int8VsTorch, List<WeightErrors.TensorError> weights, ChunkLosses chunks,
                  Speed speed, List<Provenance> provenance, String goldenSource) {

    /** A value, or why there is none. */
    record Maybe<T>(T value, String note) {
        static <T> Maybe<T> of(T value) {
            return new Maybe<>(value, null);
        }

        static <T> Maybe<T> none(String note) {
            return new Maybe<>(null, note);
        }

        boolean present() {
            return value != null;
        }
    }

    /**
     * The evaluated model.
     *
     * @param file      the model file
     * @param sha256    its sha256
     * @param shape     vocabulary, embedding, hidden size and layers, as text
     * @param engine    the int8 engine
     * @param threads   kernel threads
     * @param tokens    test tokens evaluated (predictions + 1)
     * @param testTokens tokens of the whole test split
     */
    record ModelInfo(String file, String sha256, String shape, String engine, int threads, int tokens,
                     int testTokens) {
    }

    /**
     * A |logit error| histogram and what it compares.
     *
     * @param title     what against what
     * @param inputs    which inputs the logits were computed on
     * @param histogram the binned errors
     */
    record Histogram(String title, String inputs, LogHistogram histogram) {
    }

    /**
     * Per-chunk losses (bptt 25, batch 1) along the test split.
     *
     * @param ours8      our int8 chunk losses
     * @param oursFloat  our float chunk losses
     * @param torchFloat PyTorch's recorded float chunk losses (the same chunks), or why not
     * @param torchInt8  PyTorch's recorded int8 chunk losses (the same engine and chunks), or why not
     * @param floatLoss  our float loss over the evaluated tokens
     * @param int8Loss   our int8 loss over the evaluated tokens
     */
    record ChunkLosses(double[] oursFloat, double[] ours8, Maybe<double[]> torchFloat, Maybe<double[]> torchInt8,
                       double floatLoss, double int8Loss) {
    }

    /**
     * Our speed, measured by alternating float and int8 evaluations of the same tokens, and PyTorch's on the same
     * model and tokens when the user measured it on this machine ({@code --torch-speed}).
     *
     * @param rounds            alternating rounds
     * @param predictions       predictions per evaluation
     * @param floatSeconds      median wall seconds of a float evaluation
     * @param int8Seconds       median wall seconds of an int8 evaluation
     * @param torch             PyTorch's timings, or how to get them (the goldens record no timings)
     */
    record Speed(int rounds, long predictions, double floatSeconds, double int8Seconds, Maybe<TorchSpeed> torch) {
        double floatTokensPerSecond() {
            return predictions / floatSeconds;
        }

        double int8TokensPerSecond() {
            return predictions / int8Seconds;
        }
    }

    /**
     * Where one golden file came from, as it records it.
     *
     * @param file        its name under golden/
     * @param torch       PyTorch's version
     * @param engine      the quantized engine (null for float goldens)
     * @param seed        the seed (null when none was used)
     * @param script      the reference script that wrote it
     * @param modelSha256 the sha256 of the model it was made from
     */
    record Provenance(String file, String torch, String engine, String seed, String script, String modelSha256) {
    }

    /** How many charts the page draws: one per histogram present, weights, chunk losses and speed. */
    int chartCount() {
        return (floatVsTorch.present() ? 1 : 0) + 1 + (int8VsTorch.present() ? 1 : 0) + (weights.isEmpty() ? 0 : 1)
                + 1 + 1;
    }
}
