package org.qlstm.verify.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Reads golden JSON written by the reference scripts and flattens its nested arrays. */
public final class GoldenJson {


    private GoldenJson() {
    }

    /** Parses {@code golden/<relative>}. */
    public static JsonNode read(String relative) {
        Path file = Repo.golden(relative);
        try {
            // The CLI's strict reader: a damaged golden fails with one line naming the file and the problem.
            return org.qlstm.cli.RecordFiles.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** All numbers of a nested array, depth-first, as doubles (float32 values are exact in double). */
    public static double[] flatDoubles(JsonNode node) {
        java.util.ArrayList<Double> out = new java.util.ArrayList<>();
        collect(node, out);
        double[] result = new double[out.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = out.get(i);
        }
        return result;
    }

    /** All numbers of a nested array as float32 (exact when the golden holds float32 values). */
    public static float[] flatFloats(JsonNode node) {
        double[] d = flatDoubles(node);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** All numbers of a nested array as ints. */
    public static int[] flatInts(JsonNode node) {
        double[] d = flatDoubles(node);
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (int) d[i];
        }
        return out;
    }

    private static void collect(JsonNode node, java.util.List<Double> out) {
        if (node.isArray()) {
            for (JsonNode child : node) {
                collect(child, out);
            }
        } else if (node.isNumber()) {
            out.add(node.doubleValue());
        } else {
            throw new IllegalArgumentException("expected a number or an array, got " + node);
        }
    }
}
