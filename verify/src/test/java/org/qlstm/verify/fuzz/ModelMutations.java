package org.qlstm.verify.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.qlstm.nn.io.Tensor;
import org.qlstm.nn.model.ModelShape;

/**
 * Changes to the tensors of a valid model whose effect on {@code ModelLoader} is known: resize it
 * consistently (loads, with the new sizes), add or drop a whole layer (loads), reorder or swap same-shaped
 * tensors (loads), inject a NaN or infinity (refused, naming the tensor and index), or drop, rename, add,
 * reshape one tensor (refused by the model checks, since every size appears in at least two tensors).
 */
public final class ModelMutations {

    /**
     * @param tensors     the tensors the file will hold
     * @param description what was done
     * @param shape       the model they form, or null if they do not form one
     */
    public record Case(List<Tensor> tensors, String description, ModelShape shape) {
    }

    private ModelMutations() {
    }

    /** The sizes of a valid model's tensors. */
    public static ModelShape shapeOf(List<Tensor> tensors) {
        Tensor enc = find(tensors, "encoder.weight");
        Tensor hh = find(tensors, "rnn.weight_hh_l0");
        int layers = 0;
        while (find(tensors, "rnn.weight_ih_l" + layers) != null) {
            layers++;
        }
        return new ModelShape(enc.dim(0), enc.dim(1), hh.dim(1), layers);
    }

    static Tensor find(List<Tensor> tensors, String name) {
        for (Tensor t : tensors) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    public static Case generate(List<Tensor> model, UniformRandomProvider rng) {
        ModelShape shape = shapeOf(model);
        List<Tensor> t = new ArrayList<>(model);
        int kind = rng.nextInt(100);
        if (kind < 8) {
            return new Case(t, "unchanged", shape);
        }
        if (kind < 22) {
            int i = rng.nextInt(t.size());
            Tensor x = t.get(i);
            float[] d = x.data().clone();
            int at = rng.nextInt(d.length);
            float v = new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}[rng.nextInt(3)];
            d[at] = v;
            t.set(i, new Tensor(x.name(), x.shape(), d));
            return new Case(t, "non-finite " + x.name() + "[" + at + "]=" + v, shape);
        }
        if (kind < 30) {
            int i = rng.nextInt(t.size());
            Tensor removed = t.remove(i);
            return new Case(t, "drop " + removed.name(), null);
        }
        if (kind < 36 && shape.layers() > 1) {
            String suffix = "_l" + (shape.layers() - 1);
            t.removeIf(x -> x.name().startsWith("rnn.") && x.name().endsWith(suffix));
            return new Case(t, "drop layer " + (shape.layers() - 1), new ModelShape(shape.tokens(),
                    shape.embeddingSize(), shape.hiddenSize(), shape.layers() - 1));
        }
        if (kind < 42) {
            int l = shape.layers();
            Tensor hh = find(model, "rnn.weight_hh_l0");
            int at = t.indexOf(find(t, "decoder.weight"));
            t.add(at, copy(hh, "rnn.weight_ih_l" + l));
            t.add(at + 1, copy(hh, "rnn.weight_hh_l" + l));
            t.add(at + 2, copy(find(model, "rnn.bias_ih_l0"), "rnn.bias_ih_l" + l));
            t.add(at + 3, copy(find(model, "rnn.bias_hh_l0"), "rnn.bias_hh_l" + l));
            return new Case(t, "add layer " + l, new ModelShape(shape.tokens(), shape.embeddingSize(),
                    shape.hiddenSize(), l + 1));
        }
        if (kind < 50) {
            int i = rng.nextInt(t.size());
            String[] names = {"encoder.bias", "rnn.weight_ih_l0_reverse", "decoder.weight_orig",
                    "module.encoder.weight", "Encoder.weight", "rnn.weight_ih_l" + (shape.layers() + 1), "rnn.bias_l0",
                    "rnn.weight_hh_l-1"};
            String name = names[rng.nextInt(names.length)];
            Tensor x = t.get(i);
            t.set(i, new Tensor(name, x.shape(), x.data()));
            return new Case(t, "rename " + x.name() + " to " + name, null);
        }
        if (kind < 55) {
            String[] names = {"encoder.bias", "rnn.weight_ih_l0_reverse", "decoder.weight_orig", "num_batches_tracked"};
            String name = names[rng.nextInt(names.length)];
            t.add(rng.nextInt(t.size() + 1), new Tensor(name, new int[] {shape.tokens()}, new float[shape.tokens()]));
            return new Case(t, "extra " + name, null);
        }
        if (kind < 62) {
            int i = rng.nextInt(t.size());
            int j = rng.nextInt(t.size());
            Tensor a = t.get(i);
            Tensor b = t.get(j);
            t.set(i, new Tensor(a.name(), b.shape(), b.data()));
            t.set(j, new Tensor(b.name(), a.shape(), a.data()));
            return new Case(t, "swap " + a.name() + "/" + b.name(), Arrays.equals(a.shape(), b.shape()) ? shape : null);
        }
        if (kind < 66) {
            java.util.Collections.reverse(t);
            if (rng.nextBoolean()) {
                java.util.Collections.rotate(t, rng.nextInt(t.size()));
            }
            return new Case(t, "reorder", shape);
        }
        if (kind < 84) {
            int i = rng.nextInt(t.size());
            Tensor x = t.get(i);
            Tensor y = reshape(x, rng);
            if (Arrays.equals(x.shape(), y.shape())) {
                return new Case(t, "unchanged (reshape to the same shape)", shape);
            }
            t.set(i, y);
            return new Case(t, "reshape " + x.name() + " " + Arrays.toString(x.shape()) + " to "
                    + Arrays.toString(y.shape()), null);
        }
        int tokens = resize(shape.tokens(), rng);
        int embedding = resize(shape.embeddingSize(), rng);
        int hidden = resize(shape.hiddenSize(), rng);
        List<Tensor> resized = resized(model, shape, tokens, embedding, hidden, rng);
        boolean valid = tokens > 0 && embedding > 0 && hidden > 0;
        return new Case(resized, "resize to " + tokens + "/" + embedding + "/" + hidden,
                valid ? new ModelShape(tokens, embedding, hidden, shape.layers()) : null);
    }

    private static Tensor copy(Tensor t, String name) {
        return new Tensor(name, t.shape(), t.data().clone());
    }

    private static int resize(int n, UniformRandomProvider rng) {
        int r = rng.nextInt(20);
        if (r == 0) {
            return 0;
        }
        if (r < 6) {
            return n;
        }
        if (r < 14) {
            return Math.max(1, n - 1 - rng.nextInt(Math.max(1, n / 2)));
        }
        return n + 1 + rng.nextInt(3);
    }

    /** One tensor in another shape: transposed, flattened, unsqueezed, or one dimension changed. */
    static Tensor reshape(Tensor x, UniformRandomProvider rng) {
        int[] s = x.shape();
        int kind = rng.nextInt(5);
        int[] n;
        if (kind == 0 && s.length == 2) {
            n = new int[] {s[1], s[0]};
        } else if (kind == 1) {
            n = new int[] {x.numel()};
            if (s.length == 1) {
                n = new int[] {1, s[0]};
            }
        } else if (kind == 2) {
            n = new int[s.length + 1];
            n[0] = 1;
            System.arraycopy(s, 0, n, 1, s.length);
        } else if (kind == 3 && rng.nextInt(3) == 0) {
            n = new int[0]; // a scalar
        } else {
            n = s.clone();
            int d = rng.nextInt(n.length);
            int r = rng.nextInt(4);
            n[d] = r == 0 ? 0 : r == 1 ? n[d] + 1 : r == 2 ? Math.max(0, n[d] - 1) : n[d] * 2;
        }
        int numel = 1;
        for (int v : n) {
            numel *= v;
        }
        return new Tensor(x.name(), n, Arrays.copyOf(x.data(), numel));
    }

    /**
     * The model with new sizes: each tensor keeps the overlap with the old one (LSTM rows per gate block) and
     * is padded with small values.
     */
    static List<Tensor> resized(List<Tensor> model, ModelShape old, int tokens, int embedding, int hidden,
                                UniformRandomProvider rng) {
        List<Tensor> out = new ArrayList<>();
        int h = old.hiddenSize();
        for (Tensor t : model) {
            String name = t.name();
            int[] s = t.shape();
            int rows;
            int cols;
            boolean gates = name.startsWith("rnn.");
            if (name.equals("encoder.weight")) {
                rows = tokens;
                cols = embedding;
            } else if (name.equals("decoder.weight")) {
                rows = tokens;
                cols = hidden;
            } else if (name.equals("decoder.bias")) {
                rows = tokens;
                cols = -1;
            } else if (name.startsWith("rnn.bias")) {
                rows = 4 * hidden;
                cols = -1;
            } else if (name.equals("rnn.weight_ih_l0")) {
                rows = 4 * hidden;
                cols = embedding;
            } else {
                rows = 4 * hidden;
                cols = hidden;
            }
            int oldCols = s.length == 2 ? s[1] : 1;
            int newCols = cols < 0 ? 1 : cols;
            float[] d = new float[rows * newCols];
            for (int r = 0; r < rows; r++) {
                int oldRow = r;
                if (gates) {
                    int g = r / hidden;
                    int i = r % hidden;
                    oldRow = i < h ? g * h + i : -1;
                } else if (r >= s[0]) {
                    oldRow = -1;
                }
                for (int c = 0; c < newCols; c++) {
                    d[r * newCols + c] = oldRow >= 0 && c < oldCols ? t.data()[oldRow * oldCols + c]
                            : rng.nextFloat() * 0.1f;
                }
            }
            out.add(new Tensor(name, cols < 0 ? new int[] {rows} : new int[] {rows, cols}, d));
        }
        return out;
    }
}
