package org.qlstm.verify.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.qlstm.nn.io.PthReader;
import org.qlstm.nn.io.StateDict;
import org.qlstm.nn.io.Tensor;
import org.qlstm.nn.model.ModelShape;
import org.qlstm.verify.support.SmallModel;

/**
 * The valid .pth files the mutations start from: the golden small model ({@code golden/small/model.pth},
 * written by PyTorch) and a tiny model written by {@link PthWriter} (2 layers, 5 tokens: mutations of it are
 * dense in structure and cheap to read). Loaded once per JVM.
 */
public final class PthSeeds {

    /** One seed: its bytes, its zip structure, its tensors and what a reader must make of it. */
    public record Seed(String name, byte[] bytes, ZipModel zip, String prefix, List<Tensor> tensors, ModelShape shape,
                       Map<String, String> tensorOfStorage) {
    }

    private static List<Seed> seeds;

    private PthSeeds() {
    }

    public static synchronized List<Seed> all() {
        if (seeds == null) {
            try {
                byte[] golden = Files.readAllBytes(SmallModel.modelFile());
                StateDict sd = PthReader.read(SmallModel.modelFile());
                List<Tensor> goldenTensors = new ArrayList<>();
                for (String n : sd.names()) {
                    goldenTensors.add(sd.get(n));
                }
                List<Tensor> tiny = tinyModel(5, 3, 2, 2);
                byte[] tinyBytes = PthWriter.archive("tiny", PthWriter.plain(tiny), PthWriter.Options.TORCH).toBytes();
                seeds = List.of(seed("golden", golden, goldenTensors), seed("tiny", tinyBytes, tiny));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return seeds;
    }

    public static Seed golden() {
        return all().get(0);
    }

    private static Seed seed(String name, byte[] bytes, List<Tensor> tensors) throws IOException {
        ZipModel zip = ZipModel.parse(bytes);
        String prefix = null;
        for (ZipModel.Entry e : zip.entries) {
            if (e.name.endsWith("/data.pkl")) {
                prefix = e.name.substring(0, e.name.length() - "/data.pkl".length());
            }
        }
        // Which tensor each storage holds, when the storage is exactly one tensor's data (true of both seeds).
        Map<String, String> tensorOfStorage = new HashMap<>();
        for (ZipModel.Entry e : zip.entries) {
            if (e.name.startsWith(prefix + "/data/")) {
                float[] values = floats(e.content);
                for (Tensor t : tensors) {
                    if (Arrays.equals(t.data(), values)) {
                        tensorOfStorage.put(e.name, t.name());
                    }
                }
            }
        }
        return new Seed(name, bytes, zip, prefix, List.copyOf(tensors), ModelMutations.shapeOf(tensors),
                Map.copyOf(tensorOfStorage));
    }

    static float[] floats(byte[] b) {
        float[] f = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    /** The tensors of a tutorial model of these sizes, with small random (seeded) weights. */
    public static List<Tensor> tinyModel(int tokens, int embedding, int hidden, int layers) {
        UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(42L);
        List<Tensor> t = new ArrayList<>();
        t.add(random("encoder.weight", rng, tokens, embedding));
        for (int l = 0; l < layers; l++) {
            t.add(random("rnn.weight_ih_l" + l, rng, 4 * hidden, l == 0 ? embedding : hidden));
            t.add(random("rnn.weight_hh_l" + l, rng, 4 * hidden, hidden));
            t.add(random("rnn.bias_ih_l" + l, rng, 4 * hidden));
            t.add(random("rnn.bias_hh_l" + l, rng, 4 * hidden));
        }
        t.add(random("decoder.weight", rng, tokens, hidden));
        t.add(random("decoder.bias", rng, tokens));
        return t;
    }

    static Tensor random(String name, UniformRandomProvider rng, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextFloat() - 0.5f;
        }
        return new Tensor(name, shape, v);
    }
}
