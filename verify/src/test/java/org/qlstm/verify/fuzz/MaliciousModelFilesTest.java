package org.qlstm.verify.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qlstm.nn.io.ModelFileException;
import org.qlstm.nn.io.Tensor;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.ModelLoader;
import org.qlstm.nn.model.ModelShape;

/**
 * Hand-made hostile model files, read the way the application reads them ({@code ModelLoader.load}): each
 * must be refused with a one-line {@link ModelFileException} naming the file and the problem, quickly, with
 * bounded allocation, and without running anything the file asks for.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MaliciousModelFilesTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final long MAX_NANOS = 2_000_000_000L;
    private static final long MAX_ALLOCATED = 64L << 20;

    @TempDir
    Path dir;

    private record Loaded(LanguageModel model, Throwable thrown, long nanos, long allocated) {
    }

    private static Loaded load(Path file) {
        long a = THREADS.getCurrentThreadAllocatedBytes();
        long t = System.nanoTime();
        LanguageModel model = null;
        Throwable thrown = null;
        try {
            model = ModelLoader.load(file);
        } catch (Throwable e) {
            thrown = e;
        }
        return new Loaded(model, thrown, System.nanoTime() - t, THREADS.getCurrentThreadAllocatedBytes() - a);
    }

    /** Loads {@code file}, expecting a prompt, bounded refusal whose message contains every fragment. */
    private static ModelFileException refused(Path file, String... fragments) {
        Loaded r = load(file);
        ModelFileException e = assertInstanceOf(ModelFileException.class, r.thrown(),
                () -> "expected a ModelFileException, got " + (r.thrown() == null ? "a model" : r.thrown()));
        String message = e.getMessage();
        assertTrue(message.startsWith(file + ": "), message);
        assertFalse(message.matches("(?s).*\\R.*"), message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "'" + fragment + "' not in: " + message);
        }
        assertTrue(r.nanos() < MAX_NANOS, () -> "took " + r.nanos() / 1_000_000 + " ms: " + message);
        assertTrue(r.allocated() < MAX_ALLOCATED, () -> "allocated " + r.allocated() + " bytes: " + message);
        return e;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** The tiny seed model with its data.pkl replaced. */
    private Path withPickle(String name, byte[] pickle) throws IOException {
        PthSeeds.Seed tiny = PthSeeds.all().get(1);
        ZipModel zip = tiny.zip().copy();
        zip.find(tiny.prefix() + "/data.pkl").content = pickle;
        return write(name, zip.toBytes());
    }

    private Path model(String name, List<Tensor> tensors) throws IOException {
        return write(name, PthWriter.archive("archive", PthWriter.plain(tensors), PthWriter.Options.TORCH).toBytes());
    }

    private static List<Tensor> golden() {
        return new ArrayList<>(PthSeeds.golden().tensors());
    }

    private static List<Tensor> replace(List<Tensor> tensors, Tensor t) {
        List<Tensor> out = new ArrayList<>(tensors);
        out.replaceAll(x -> x.name().equals(t.name()) ? t : x);
        return out;
    }

    private static Tensor withValue(Tensor t, int index, float value) {
        float[] d = t.data().clone();
        d[index] = value;
        return new Tensor(t.name(), t.shape(), d);
    }

    private static Tensor find(List<Tensor> tensors, String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theSeedsLoad() {
        Loaded golden = load(org.qlstm.verify.support.SmallModel.modelFile());
        assertEquals(null, golden.thrown());
        assertEquals(PthSeeds.golden().shape(), golden.model().shape());
    }

    // ---- code execution: refused at the global, before anything could call it ----

    @Test
    void neverRunsOsSystem() throws IOException {
        Path marker = dir.resolve("pwned");
        String command = "touch " + marker;
        byte[] plain = Pickle.proto(2).global("os", "system").str(command).op(PickleOps.TUPLE1)
                .op(PickleOps.REDUCE).op(PickleOps.STOP).bytes();
        byte[] stack = Pickle.proto(4).stackGlobal("posix", "system").str(command, true).op(PickleOps.TUPLE1)
                .op(PickleOps.REDUCE).op(PickleOps.STOP).bytes();
        byte[] inst = Pickle.proto(2).op(PickleOps.MARK).str(command)
                .op(new PickleOps.Op('i', "os\nsystem\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .op(PickleOps.STOP).bytes();
        // As the value of an otherwise plausible state_dict entry, after a real tensor.
        byte[] nested = Pickle.proto(2).op(PickleOps.EMPTY_DICT).str("encoder.weight").global("os", "system")
                .str(command).op(PickleOps.TUPLE1).op(PickleOps.REDUCE).op(PickleOps.SETITEM).op(PickleOps.STOP)
                .bytes();

        refused(withPickle("os.pth", plain), "'os.system'", "allow-list");
        refused(withPickle("posix.pth", stack), "'posix.system'", "allow-list");
        refused(withPickle("inst.pth", inst), "'os.system'");
        refused(withPickle("nested.pth", nested), "'os.system'");
        assertFalse(Files.exists(marker), "the pickle's command ran");
    }

    @Test
    void neverRunsBuiltinsEval() throws IOException {
        Path marker = dir.resolve("pwned");
        String code = "__import__('os').system('touch " + marker + "')";
        refused(withPickle("eval.pth", Pickle.proto(4).stackGlobal("builtins", "eval").str(code, true)
                .op(PickleOps.TUPLE1).op(PickleOps.REDUCE).op(PickleOps.STOP).bytes()), "'builtins.eval'");
        refused(withPickle("exec.pth", Pickle.proto(2).global("builtins", "exec").str(code)
                .op(PickleOps.TUPLE1).op(PickleOps.REDUCE).op(PickleOps.STOP).bytes()), "'builtins.exec'");
        refused(withPickle("getattr.pth", Pickle.proto(2).global("builtins", "getattr").global("os", "system")
                .op(PickleOps.STOP).bytes()), "'builtins.getattr'");
        assertFalse(Files.exists(marker), "the pickle's code ran");
    }

    // ---- sizes that would exhaust memory if believed ----

    @Test
    void refusesHugeDeclaredSizesWithoutAllocatingThem() throws IOException {
        List<PthWriter.View> one = List.of(new PthWriter.View("encoder.weight", "0", 0,
                new long[] {Integer.MAX_VALUE - 8}, new long[] {1}, false));
        Map<String, Integer> numel = new HashMap<>(Map.of("0", Integer.MAX_VALUE - 8));
        ZipModel zip = new ZipModel();
        zip.entries.add(new ZipModel.Entry("a/data.pkl", PthWriter.pickle(one, numel, PthWriter.Options.TORCH)));
        zip.entries.add(new ZipModel.Entry("a/data/0", new byte[4]));
        refused(write("numel.pth", zip.toBytes()), "tensor 'encoder.weight'", "2147483639 float32 elements");

        // An element count beyond any array, as a long.
        byte[] pickle = PthWriter.pickle(one, numel, PthWriter.Options.TORCH);
        byte[] huge = replaceInt(pickle, Integer.MAX_VALUE - 8, BigInteger.ONE.shiftLeft(40));
        zip.find("a/data.pkl").content = huge;
        refused(write("numel40.pth", zip.toBytes()), "invalid element count (1099511627776)");

        // The zip directory claims a 4 GiB storage (plain and through a zip64 extra field).
        zip.find("a/data.pkl").content = pickle;
        zip.find("a/data/0").claimedSize = 0xffffffffL;
        zip.find("a/data/0").claimedCompressedSize = 0xffffffffL;
        refused(write("claimed.pth", zip.toBytes()));
        zip.find("a/data/0").claimedSize = 1L << 62;
        zip.find("a/data/0").claimedCompressedSize = 1L << 62;
        zip.find("a/data/0").zip64 = true;
        refused(write("zip64.pth", zip.toBytes()));
    }

    private static byte[] replaceInt(byte[] pickle, long from, BigInteger to) {
        List<PickleOps.Op> ops = new ArrayList<>(PickleOps.parse(pickle));
        ops.replaceAll(op -> BigInteger.valueOf(from).equals(PickleOps.intValue(op))
                ? PickleOps.integer(to, null) : op);
        return PickleOps.assemble(ops);
    }

    @Test
    void refusesStrideZeroAndOverlappingViewExpansion() throws IOException {
        // One stored float viewed as 300 million: 1.2 GB of copies from a 1 KB file.
        List<PthWriter.View> views = List.of(new PthWriter.View("encoder.weight", "0", 0,
                new long[] {300_000_000, 1}, new long[] {0, 0}, false));
        ZipModel zip = PthWriter.archive("a", new PthWriter.Layout(Map.of("0", new float[] {1f}), views, ""),
                PthWriter.Options.TORCH);
        refused(write("expand.pth", zip.toBytes()), "copied elements");
    }

    @Test
    void refusesZipBombs() throws IOException {
        long size = 64L << 20;
        byte[] bomb = ZipModel.deflatedZeros(size); // 64 KB inflating to 64 MiB, 16 times the pickle limit
        PthSeeds.Seed tiny = PthSeeds.all().get(1);
        ZipModel zip = tiny.zip().copy();
        ZipModel.Entry pkl = zip.find(tiny.prefix() + "/data.pkl");
        pkl.method = 8;
        pkl.raw = bomb;
        pkl.rawSize = size;
        pkl.rawCrc = ZipModel.crcOfZeros(size);
        refused(write("bomb.pth", zip.toBytes()), "declares 67108864 bytes, more than the 4194304 allowed");

        pkl.claimedSize = 1_000; // the directory lies about the inflated size
        refused(write("lying-bomb.pth", zip.toBytes()), "holds more than 4194304 bytes, but declares 1000");

        ZipModel storageBomb = tiny.zip().copy();
        ZipModel.Entry storage = storageBomb.find(tiny.prefix() + "/data/0");
        storage.method = 8;
        storage.raw = bomb;
        storage.rawSize = size;
        storage.rawCrc = ZipModel.crcOfZeros(size);
        refused(write("storage-bomb.pth", storageBomb.toBytes()), "is compressed");
    }

    /** Regression: ZipFile's EOFException has no message, and the refusal ended in "null". */
    @Test
    void namesTheProblemWhenAStorageHeaderLiesPastTheEnd() throws IOException {
        PthSeeds.Seed tiny = PthSeeds.all().get(1);
        byte[] bytes = tiny.zip().copy().toBytes();
        byte[] name = (tiny.prefix() + "/data/3").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i + 46 + name.length <= bytes.length; i++) { // its central directory entry
            if (bytes[i] == 'P' && bytes[i + 1] == 'K' && bytes[i + 2] == 1 && bytes[i + 3] == 2
                    && Arrays.equals(bytes, i + 46, i + 46 + name.length, name, 0, name.length)) {
                int local = bytes.length - 10; // its local header: 10 bytes before the end, 30 needed
                for (int k = 0; k < 4; k++) {
                    bytes[i + 42 + k] = (byte) (local >>> (8 * k));
                }
            }
        }

        refused(write("past-end.pth", bytes), "cannot read storage entry 'tiny/data/3': unexpected end of file");
    }

    // ---- pickles built to exhaust the stack or the CPU ----

    @Test
    void survivesDeepNesting() throws IOException {
        refused(withPickle("tuples.pth", Pickle.proto(2).op(PickleOps.EMPTY_DICT).str("encoder.weight")
                .op(PickleOps.NONE).repeat(300_000, PickleOps.TUPLE1).op(PickleOps.SETITEM).op(PickleOps.STOP)
                .bytes()), "'encoder.weight' is a tuple, not a tensor");
        refused(withPickle("lists.pth", Pickle.proto(2).op(PickleOps.EMPTY_DICT).repeat(200_000, PickleOps.MARK)
                .op(PickleOps.EMPTY_LIST).repeat(200_000, PickleOps.LIST).op(PickleOps.NONE).op(PickleOps.SETITEM)
                .op(PickleOps.STOP).bytes()), "unhashable");
        Pickle dicts = Pickle.proto(2);
        for (int i = 0; i < 100_000; i++) {
            dicts.op(PickleOps.EMPTY_DICT).str("k", true);
        }
        dicts.op(PickleOps.NONE).repeat(100_000, PickleOps.SETITEM).op(PickleOps.STOP);
        refused(withPickle("dicts.pth", dicts.bytes()), "'k' is a dict, not a tensor");
        refused(withPickle("marks.pth", Pickle.proto(2).repeat(1_000_000, PickleOps.MARK).op(PickleOps.STOP).bytes()),
                "data.pkl");
        refused(withPickle("memo.pth", Pickle.proto(2).op(PickleOps.EMPTY_LIST).op(PickleOps.BINPUT, 0)
                .op(PickleOps.BINGET, 0).op(PickleOps.APPEND).op(PickleOps.EMPTY_DICT).op(PickleOps.BINGET, 0)
                .op(PickleOps.NONE).op(PickleOps.SETITEM).op(PickleOps.STOP).bytes()), "unhashable");
    }

    // ---- well-formed files that are not a usable model ----

    @Test
    void refusesNonFiniteWeightsNamingTheTensor() throws IOException {
        List<Tensor> g = golden();
        refused(model("nan.pth", replace(g, withValue(find(g, "rnn.weight_hh_l1"), 77, Float.NaN))),
                "non-finite weight: rnn.weight_hh_l1[77] = NaN");
        refused(model("inf.pth", replace(g, withValue(find(g, "decoder.bias"), 381, Float.POSITIVE_INFINITY))),
                "non-finite weight: decoder.bias[381] = Infinity");
        refused(model("ninf.pth", replace(g, withValue(find(g, "encoder.weight"), 0, Float.NEGATIVE_INFINITY))),
                "non-finite weight: encoder.weight[0] = -Infinity");
    }

    @Test
    void refusesWrongShapesNamingTheTensorAndBothShapes() throws IOException {
        List<Tensor> g = golden();
        Tensor dec = find(g, "decoder.weight");
        refused(model("cols.pth", replace(g, new Tensor(dec.name(), new int[] {382, 31},
                Arrays.copyOf(dec.data(), 382 * 31)))), "decoder.weight has shape [382, 31], expected 382x32");
        Tensor ih = find(g, "rnn.weight_ih_l0");
        refused(model("transposed.pth", replace(g, new Tensor(ih.name(), new int[] {48, 128}, ih.data()))),
                "rnn.weight_ih_l0 has shape [48, 128], expected 128x48");
        Tensor bias = find(g, "rnn.bias_ih_l1");
        refused(model("bias.pth", replace(g, new Tensor(bias.name(), new int[] {127},
                Arrays.copyOf(bias.data(), 127)))), "rnn.bias_ih_l1 has shape [127], expected 128");
        Tensor hh = find(g, "rnn.weight_hh_l2");
        refused(model("rank.pth", replace(g, new Tensor(hh.name(), new int[] {128, 32, 1}, hh.data()))),
                "rnn.weight_hh_l2 has shape [128, 32, 1], expected 128x32");
    }

    /** Regression: a zero-sized dimension passed the shape checks and failed later with an IllegalArgumentException. */
    @Test
    void refusesZeroSizedDimensions() throws IOException {
        refused(model("tokens0.pth", PthSeeds.tinyModel(0, 3, 2, 1)), "encoder.weight has shape [0, 3]");
        refused(model("embedding0.pth", PthSeeds.tinyModel(5, 0, 2, 1)), "encoder.weight has shape [5, 0]");
        refused(model("hidden0.pth", PthSeeds.tinyModel(5, 3, 0, 2)), "rnn.weight_hh_l0 has shape [0, 0]");
    }

    /** Regression: key lookups were linear in the number of tensors, so loading was quadratic. */
    @Test
    void loadsAModelWithThousandsOfLayersInLinearTime() throws IOException {
        int layers = 5_000; // 20,000 tensors in a 1.5 MB file: 12 s before the fix, about 1 s after
        List<PthWriter.View> views = new ArrayList<>();
        long[] matrix = {4, 1};
        long[] matrixStride = {1, 1};
        views.add(new PthWriter.View("encoder.weight", "0", 0, new long[] {1, 1}, matrixStride, false));
        for (int l = 0; l < layers; l++) {
            views.add(new PthWriter.View("rnn.weight_ih_l" + l, "0", 0, matrix, matrixStride, false));
            views.add(new PthWriter.View("rnn.weight_hh_l" + l, "0", 0, matrix, matrixStride, false));
            views.add(new PthWriter.View("rnn.bias_ih_l" + l, "0", 0, new long[] {4}, new long[] {1}, false));
            views.add(new PthWriter.View("rnn.bias_hh_l" + l, "0", 0, new long[] {4}, new long[] {1}, false));
        }
        views.add(new PthWriter.View("decoder.weight", "0", 0, new long[] {1, 1}, matrixStride, false));
        views.add(new PthWriter.View("decoder.bias", "0", 0, new long[] {1}, new long[] {1}, false));
        ZipModel zip = PthWriter.archive("a", new PthWriter.Layout(Map.of("0", new float[] {.1f, .2f, .3f, .4f}),
                views, ""), PthWriter.Options.TORCH);
        Path file = write("deep.pth", zip.toBytes());

        Loaded r = load(file);
        assertEquals(null, r.thrown());
        assertEquals(new ModelShape(1, 1, 1, layers), r.model().shape());
        assertTrue(r.nanos() < MAX_NANOS, () -> "took " + r.nanos() / 1_000_000 + " ms");
    }
}
