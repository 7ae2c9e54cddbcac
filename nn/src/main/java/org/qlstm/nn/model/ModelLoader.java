package org.qlstm.nn.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.qlstm.nn.io.ModelFileException;
import org.qlstm.nn.io.PthReader;
import org.qlstm.nn.io.StateDict;
import org.qlstm.nn.io.Tensor;
import org.qlstm.nn.kernel.FloatKernel;
import org.qlstm.nn.kernel.FloatKernels;

/**
 * Builds a {@link LanguageModel} from a PyTorch {@code state_dict} of the tutorial's model. Sizes are inferred from
 * the shapes and cross-checked: {@code encoder.weight [ntoken, ninp]}, {@code rnn.weight_ih_l0 [4H, ninp]},
 * {@code rnn.weight_ih_lK [4H, H]} for K ≥ 1, {@code rnn.weight_hh_lK [4H, H]}, {@code rnn.bias_{ih,hh}_lK [4H]},
 * {@code decoder.weight [ntoken, H]}, {@code decoder.bias [ntoken]}. Unknown keys, missing layers and non-finite
 * values are rejected with a message naming the file and the tensor.
 */
public final class ModelLoader {

    private ModelLoader() {
    }

    /** Reads {@code file} (a {@code torch.save}d state_dict) with the preferred float kernel. */
    public static LanguageModel load(Path file) throws ModelFileException {
        return fromStateDict(PthReader.read(file), file, FloatKernels.preferred());
    }

    /**
     * Builds the model from an already read state_dict.
     *
     * @param stateDict the tensors
     * @param source    the file they came from, for messages
     * @param kernel    the float kernel the projections use
     */
    public static LanguageModel fromStateDict(StateDict stateDict, Path source, FloatKernel kernel)
            throws ModelFileException {
        var nonFinite = stateDict.findNonFinite();
        if (nonFinite.isPresent()) {
            throw new ModelFileException(source, "non-finite weight: " + nonFinite.get());
        }
        Checker check = new Checker(stateDict, source);
        Tensor encoder = check.matrix("encoder.weight", -1, -1);
        int tokens = encoder.shape()[0];
        int embedding = encoder.shape()[1];
        int layers = 0;
        while (stateDict.contains("rnn.weight_ih_l" + layers)) { // not names().contains(): names() copies
            layers++;
        }
        if (layers == 0) {
            throw new ModelFileException(source, "no LSTM layer: key rnn.weight_ih_l0 is missing");
        }
        int gates = check.matrix("rnn.weight_hh_l0", -1, -1).shape()[0];
        if (gates % 4 != 0) {
            throw new ModelFileException(source, "rnn.weight_hh_l0 has " + gates + " rows, not a multiple of 4");
        }
        int hidden = gates / 4;
        List<LstmLayer> lstm = new ArrayList<>(layers);
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? embedding : hidden;
            Tensor wih = check.matrix("rnn.weight_ih_l" + l, gates, in);
            Tensor whh = check.matrix("rnn.weight_hh_l" + l, gates, hidden);
            Tensor bih = check.vector("rnn.bias_ih_l" + l, gates);
            Tensor bhh = check.vector("rnn.bias_hh_l" + l, gates);
            lstm.add(new LstmLayer(new Linear(wih.data(), bih.data(), gates, in, kernel),
                    new Linear(whh.data(), bhh.data(), gates, hidden, kernel)));
        }
        Tensor decoderWeight = check.matrix("decoder.weight", tokens, hidden);
        Tensor decoderBias = check.vector("decoder.bias", tokens);
        check.noOtherKeys();
        return new LanguageModel(new Embedding(encoder.data(), tokens, embedding), lstm,
                new Linear(decoderWeight.data(), decoderBias.data(), tokens, hidden, kernel));
    }

    /** Fetches tensors, checking shapes and finiteness, and remembers which keys were used. */
    private static final class Checker {
        private final StateDict stateDict;
        private final Path source;
        private final Set<String> used = new HashSet<>();

        Checker(StateDict stateDict, Path source) {
            this.stateDict = stateDict;
            this.source = source;
        }

        Tensor matrix(String name, int rows, int cols) throws ModelFileException {
            Tensor t = fetch(name);
            int[] s = t.shape();
            // A zero size would pass the cross-checks and fail later, in the layers' constructors.
            boolean empty = s.length == 2 && (s[0] == 0 || s[1] == 0);
            if (s.length != 2 || empty || (rows >= 0 && s[0] != rows) || (cols >= 0 && s[1] != cols)) {
                throw new ModelFileException(source, name + " has shape " + shape(s) + ", expected "
                        + (rows < 0 ? "?" : rows) + "x" + (cols < 0 ? "?" : cols)
                        + (empty ? " with no size 0" : ""));
            }
            return t;
        }

        Tensor vector(String name, int length) throws ModelFileException {
            Tensor t = fetch(name);
            if (t.shape().length != 1 || t.shape()[0] != length) {
                throw new ModelFileException(source, name + " has shape " + shape(t.shape())
                        + ", expected " + length);
            }
            return t;
        }

        void noOtherKeys() throws ModelFileException {
            for (String name : stateDict.names()) {
                if (!used.contains(name)) {
                    throw new ModelFileException(source, "unexpected tensor " + name
                            + " (not part of the tutorial's Embedding → LSTM → Linear model)");
                }
            }
        }

        private Tensor fetch(String name) throws ModelFileException {
            if (!stateDict.contains(name)) {
                throw new ModelFileException(source, "tensor " + name + " is missing");
            }
            Tensor t = stateDict.get(name);
            used.add(name);
            return t;
        }

        private static String shape(int[] s) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < s.length; i++) {
                b.append(i == 0 ? "" : ", ").append(s[i]);
            }
            return b.append(']').toString();
        }
    }
}
