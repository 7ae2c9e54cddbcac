package org.qlstm.verify.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.rng.UniformRandomProvider;
import org.qlstm.nn.io.Tensor;
import org.qlstm.nn.model.ModelShape;

/**
 * Case generators for readers of torch.save archives ({@code PthReader}, {@code ModelLoader}): format-blind
 * byte mutations steered into the zip headers and the pickle; structural zip mutations re-zipped correctly;
 * byte and opcode mutations of {@code data.pkl} inside an otherwise sound zip; and semantic cases written
 * from scratch by {@link PthWriter} ({@link ModelMutations} plus varied storage layouts), whose result is known.
 */
public final class PthMutations {

    /**
     * A generated archive.
     *
     * @param tensors the tensors it holds if known (then {@code PthReader} must return exactly them), else null
     * @param model   whether {@code shape} is known: the model they form, or null if they form none
     */
    public record PthCase(byte[] bytes, String description, List<Tensor> tensors, boolean model, ModelShape shape) {
        static PthCase unknown(byte[] bytes, String description) {
            return new PthCase(bytes, description, null, false, null);
        }
    }

    private PthMutations() {
    }

    /** The golden model one time in three: it is 100 times larger, so its cases cost more and vary less. */
    static PthSeeds.Seed pickSeed(UniformRandomProvider rng) {
        List<PthSeeds.Seed> seeds = PthSeeds.all();
        return seeds.get(rng.nextInt(3) == 0 ? 0 : 1);
    }

    /**
     * How often each of the five .pth generators is drawn; the targets differ only in these weights and in how
     * a case becomes a {@link Mutant} (which oracle it gets).
     */
    public record Weights(double bytes, double zip, double pickleBytes, double pickleOps, double semantic) {
    }

    /** The five .pth generators, drawn by {@code weights}, each case turned into a mutant by {@code toMutant}. */
    public static List<Generator> generators(Weights weights, Function<PthCase, Mutant> toMutant) {
        return List.of(
                Generator.of("bytes", weights.bytes(), rng -> toMutant.apply(bytes(rng))),
                Generator.of("zip", weights.zip(), rng -> toMutant.apply(zip(rng))),
                Generator.of("pkl-bytes", weights.pickleBytes(), rng -> toMutant.apply(pickleBytes(rng))),
                Generator.of("pkl-ops", weights.pickleOps(), rng -> toMutant.apply(pickleOps(rng))),
                Generator.of("semantic", weights.semantic(), rng -> toMutant.apply(semantic(rng))));
    }

    /** Byte mutations of a seed file, mostly inside its structure (headers, directory, pickle). */
    public static PthCase bytes(UniformRandomProvider rng) {
        PthSeeds.Seed seed = pickSeed(rng);
        List<int[]> hot = new ArrayList<>(seed.zip().structureRanges);
        int pkl = indexOf(seed.bytes(), seed.zip().entries.get(0).content);
        if (pkl >= 0) {
            hot.add(new int[] {pkl, pkl + seed.zip().entries.get(0).content.length});
            hot.add(new int[] {pkl, pkl + seed.zip().entries.get(0).content.length}); // twice: the pickle matters most
        }
        Mutant m = ByteMutations.stacked(seed.bytes(), rng, hot);
        return PthCase.unknown(m.bytes(), seed.name() + " " + m.description());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Byte mutations of {@code data.pkl}, re-zipped with correct sizes. */
    public static PthCase pickleBytes(UniformRandomProvider rng) {
        PthSeeds.Seed seed = pickSeed(rng);
        ZipModel zip = seed.zip().copy();
        ZipModel.Entry pkl = zip.find(seed.prefix() + "/data.pkl");
        Mutant m = ByteMutations.stacked(pkl.content, rng, null);
        pkl.content = m.bytes();
        return PthCase.unknown(zip.toBytes(), seed.name() + " data.pkl " + m.description());
    }

    /** Opcode mutations of {@code data.pkl}, re-zipped with correct sizes. */
    public static PthCase pickleOps(UniformRandomProvider rng) {
        PthSeeds.Seed seed = pickSeed(rng);
        ZipModel zip = seed.zip().copy();
        ZipModel.Entry pkl = zip.find(seed.prefix() + "/data.pkl");
        StringBuilder log = new StringBuilder(seed.name() + " data.pkl ops:");
        pkl.content = PickleOps.mutate(pkl.content, rng, log);
        return PthCase.unknown(zip.toBytes(), log.toString());
    }

    /** A semantic change of a seed's tensors written in a varied layout; the result is known. */
    public static PthCase semantic(UniformRandomProvider rng) {
        PthSeeds.Seed seed = pickSeed(rng);
        ModelMutations.Case c = ModelMutations.generate(seed.tensors(), rng);
        PthWriter.Layout layout = rng.nextInt(3) == 0 ? PthWriter.plain(c.tensors())
                : PthWriter.varied(c.tensors(), rng);
        PthWriter.Options options = rng.nextInt(3) == 0 ? PthWriter.Options.TORCH : PthWriter.Options.random(rng);
        String prefix = rng.nextBoolean() ? "archive" : seed.prefix();
        ZipModel zip = PthWriter.archive(prefix, layout, options);
        String description = seed.name() + " model: " + c.description() + "; " + layout.description() + "; " + options;
        if (rng.nextInt(5) == 0) { // and then break its pickle: views, parameters and protocol 4 get mutated too
            ZipModel.Entry pkl = zip.find(prefix + "/data.pkl");
            StringBuilder log = new StringBuilder(description + "; then data.pkl ops:");
            pkl.content = PickleOps.mutate(pkl.content, rng, log);
            return PthCase.unknown(zip.toBytes(), log.toString());
        }
        return new PthCase(zip.toBytes(), description, c.tensors(), true, c.shape());
    }

    /** A structural change of a seed's zip, re-zipped with everything else consistent. */
    public static PthCase zip(UniformRandomProvider rng) {
        PthSeeds.Seed seed = pickSeed(rng);
        ZipModel zip = seed.zip().copy();
        String prefix = seed.prefix();
        StringBuilder log = new StringBuilder(seed.name() + " zip:");
        List<Tensor> tensors = new ArrayList<>(seed.tensors()); // stays valid while known == true
        boolean known = false;
        List<ZipModel.Entry> storages = new ArrayList<>();
        for (ZipModel.Entry e : zip.entries) {
            if (e.name.startsWith(prefix + "/data/")) {
                storages.add(e);
            }
        }
        ZipModel.Entry storage = storages.get(rng.nextInt(storages.size()));
        int kind = rng.nextInt(100);
        if (kind < 10) { // storage length against the pickle's element count
            int len = storage.content.length;
            int[] deltas = {-len, -1, -2, -3, -4, -8, 1, 3, 4, 8, len, -len / 2, 4096};
            int delta = deltas[rng.nextInt(deltas.length)];
            storage.content = java.util.Arrays.copyOf(storage.content, Math.max(0, len + delta));
            log.append(" resize ").append(storage.name).append(" by ").append(delta);
        } else if (kind < 20) { // special values: read as they are, refused by the model if not finite
            byte[] c = storage.content.clone();
            float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE,
                    Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_NORMAL, 1e30f};
            int n = 1 + (rng.nextInt(3) == 0 ? rng.nextInt(5) : 0);
            for (int i = 0; i < n && c.length >= 4; i++) {
                int at = rng.nextInt(c.length / 4) * 4;
                float v = specials[rng.nextInt(specials.length)];
                int bits = rng.nextInt(8) == 0 ? 0x7fc00001 + rng.nextInt(1000) : Float.floatToRawIntBits(v);
                System.arraycopy(PickleOps.le(bits, 4), 0, c, at, 4);
                log.append(" value ").append(storage.name).append('[').append(at / 4).append("]=")
                        .append(Float.intBitsToFloat(bits));
            }
            storage.content = c;
            String owner = seed.tensorOfStorage().get(storage.name);
            if (owner != null) {
                replaceData(tensors, owner, PthSeeds.floats(c));
                known = true;
            }
        } else if (kind < 26) { // swapped storages: same-sized ones load with swapped values
            ZipModel.Entry other = storages.get(rng.nextInt(storages.size()));
            byte[] t = storage.content;
            storage.content = other.content;
            other.content = t;
            log.append(" swap contents of ").append(storage.name).append(" and ").append(other.name);
            String a = seed.tensorOfStorage().get(storage.name);
            String b = seed.tensorOfStorage().get(other.name);
            if (a != null && b != null && storage.content.length == other.content.length) {
                replaceData(tensors, a, PthSeeds.floats(storage.content));
                replaceData(tensors, b, PthSeeds.floats(other.content));
                known = true;
            }
        } else if (kind < 31) { // another folder name, consistently: same tensors
            String[] prefixes = {"archive", "m", "\u00fc\u00f1\u00ee", "x".repeat(200), "with space", "a.b", "1"};
            String p = prefixes[rng.nextInt(prefixes.length)];
            for (ZipModel.Entry e : zip.entries) {
                e.name = p + e.name.substring(prefix.length());
            }
            log.append(" prefix ").append(p);
            known = true;
        } else if (kind < 35) {
            Collections.shuffle(zip.entries, new java.util.Random(rng.nextLong()));
            log.append(" shuffle");
            known = true;
        } else if (kind < 40) { // compressed pickle or version: allowed; compressed storages are refused
            ZipModel.Entry e = zip.find(prefix + (rng.nextBoolean() ? "/data.pkl" : "/version"));
            if (e != null) {
                e.method = 8;
                log.append(" deflate ").append(e.name);
                known = true;
            }
        } else if (kind < 44) { // an alias under a name no tensor uses: ignored
            String name = prefix + "/data/" + (storages.size() + rng.nextInt(3));
            zip.aliases.add(new ZipModel.Alias(name, storage.name));
            log.append(" alias ").append(name).append(" -> ").append(storage.name);
            known = true;
        } else if (kind < 47) { // honest zip64 sizes
            ZipModel.Entry e = zip.entries.get(rng.nextInt(zip.entries.size()));
            e.zip64 = true;
            log.append(" zip64 ").append(e.name);
            known = true;
        } else if (kind < 56) {
            String[][] extras = {{"byteorder", "little"}, {"byteorder", "big"}, {"byteorder", "little\n"},
                    {"byteorder", ""}, {"byteorder", "LITTLE"}, {"code/__torch__.py", "class M: pass"},
                    {"constants.pkl", "\u0080\u0002)."}, {"extra/data.pkl", "."}, {"data/", ""},
                    {"../version", "3"}, {"notes.txt", "hello"}};
            String[] x = extras[rng.nextInt(extras.length)];
            boolean other = rng.nextInt(6) == 0;
            String name = other ? "second/" + x[0] : prefix + "/" + x[0];
            if (rng.nextInt(8) == 0) {
                name = "second/data.pkl";
            }
            zip.entries.add(rng.nextInt(zip.entries.size() + 1),
                    new ZipModel.Entry(name, x[1].getBytes(StandardCharsets.ISO_8859_1)));
            log.append(" add ").append(name);
            known = name.endsWith("/byteorder") && x[1].strip().equals("little") || name.endsWith("notes.txt")
                    || name.endsWith("extra/data.pkl") || name.endsWith("/../version");
        } else {
            ZipMutations.mutate(zip, rng, log);
        }
        byte[] bytes = zip.toBytes();
        if (rng.nextInt(6) == 0) {
            Mutant m = ByteMutations.stacked(bytes, rng, null);
            return PthCase.unknown(m.bytes(), log + "; then " + m.description());
        }
        return known ? new PthCase(bytes, log.toString(), tensors, true, seed.shape())
                : PthCase.unknown(bytes, log.toString());
    }

    private static void replaceData(List<Tensor> tensors, String name, float[] data) {
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (t.name().equals(name)) {
                tensors.set(i, new Tensor(name, t.shape(), data));
            }
        }
    }
}
