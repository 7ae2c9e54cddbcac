package org.qlstm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.qlstm.nn.model.InferenceSession;
import org.qlstm.nn.model.LanguageModel;

/**
 * Logits on the inputs PyTorch recorded in a forward golden ({@code golden/small/float_forward.json},
 * {@code int8_forward_<engine>.json}): each case's tokens run from its recorded initial state, all cases' logits
 * concatenated in the golden's order, so that ours and PyTorch's line up element by element.
 */
final class LogitParity {

    private LogitParity() {
    }

    /** Our logits of {@code model} on every case of {@code golden}, concatenated. */
    static float[] logits(LanguageModel model, JsonNode golden) {
        int hidden = model.shape().hiddenSize();
        int layers = model.shape().layers();
        int vocabulary = model.shape().tokens();
        float[] all = new float[recordedLogits(golden).length];
        int at = 0;
        for (JsonNode c : golden.path("cases")) {
            int batch = c.path("batch").asInt();
            int steps = c.path("steps").asInt();
            InferenceSession session = model.newSession(batch);
            double[] h0 = flatten(c.path("h_0"));
            double[] c0 = flatten(c.path("c_0"));
            int stateSize = batch * hidden;
            for (int l = 0; l < layers; l++) {
                session.setState(l, toFloats(h0, l * stateSize, stateSize), toFloats(c0, l * stateSize, stateSize));
            }
            double[] tokens = flatten(c.path("tokens"));
            int[] ids = new int[tokens.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (int) tokens[i];
            }
            int n = steps * batch * vocabulary;
            System.arraycopy(session.forward(ids, steps), 0, all, at, n);
            at += n;
        }
        if (at != all.length) {
            throw new IllegalStateException("the golden's logits do not match its cases' shapes");
        }
        return all;
    }

    /** Our logits of {@code model} on {@code tokens} (batch 1, from a zero state, in chunks of 25 steps). */
    static float[] logitsOnTokens(LanguageModel model, int[] tokens) {
        int vocabulary = model.shape().tokens();
        float[] all = new float[tokens.length * vocabulary];
        InferenceSession session = model.newSession(1);
        for (int at = 0; at < tokens.length; at += 25) {
            int steps = Math.min(25, tokens.length - at);
            float[] logits = session.forward(Arrays.copyOfRange(tokens, at, at + steps), steps);
            System.arraycopy(logits, 0, all, at * vocabulary, steps * vocabulary);
        }
        return all;
    }

    /** PyTorch's recorded logits of every case, concatenated. */
    static double[] recordedLogits(JsonNode golden) {
        double[][] parts = new double[golden.path("cases").size()][];
        int i = 0;
        for (JsonNode c : golden.path("cases")) {
            parts[i++] = flatten(c.path("logits"));
        }
        return Arrays.stream(parts).flatMapToDouble(Arrays::stream).toArray();
    }

    /** {@code |a[i] − b[i]|} in double. */
    static double[] absoluteErrors(float[] a, double[] b) {
        requireSameLength(a.length, b.length);
        double[] e = new double[a.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = Math.abs(a[i] - b[i]);
        }
        return e;
    }

    /** {@code |a[i] − b[i]|} in double. */
    static double[] absoluteErrors(float[] a, float[] b) {
        requireSameLength(a.length, b.length);
        double[] e = new double[a.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = Math.abs((double) a[i] - b[i]);
        }
        return e;
    }

    private static void requireSameLength(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("cannot compare " + a + " logits with " + b);
        }
    }

    /** A nested JSON array of numbers, flattened in row-major order. */
    static double[] flatten(JsonNode node) {
        java.util.ArrayList<Double> out = new java.util.ArrayList<>();
        collect(node, out);
        double[] values = new double[out.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = out.get(i);
        }
        return values;
    }

    private static void collect(JsonNode node, java.util.List<Double> out) {
        if (node.isArray()) {
            node.forEach(child -> collect(child, out));
        } else if (node.isNumber()) {
            out.add(node.asDouble());
        } else {
            throw new IllegalArgumentException("a golden array holds a non-number: " + node);
        }
    }

    private static float[] toFloats(double[] values, int from, int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = (float) values[from + i];
        }
        return out;
    }
}
