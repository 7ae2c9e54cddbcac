package org.qlstm.quant.io;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.qlstm.nn.model.ModelShape;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;

/**
 * The exact size of {@code torch.save(model.state_dict(), fileName)} (PyTorch 1.13, the tutorial's
 * {@code print_size_of_model}) for the tutorial's model of any shape, float or dynamically quantized, computed from
 * the two layers of the format rather than measured:
 *
 * <h2>The zip container (PyTorch's {@code PyTorchStreamWriter} over miniz, stored, no compression)</h2>
 * Records, in this order: {@code <archive>/data.pkl}, then one {@code <archive>/data/<key>} per tensor storage in
 * <em>string</em> order of the keys ({@code 0, 1, 10, 11, …, 2, …}), then {@code <archive>/version} ({@code "3\n"});
 * {@code <archive>} is the file's base name without its extension ({@code temp.p → temp}). Each record takes a local
 * header of {@code 30 + |name|} bytes, an extra field of {@code 4 + pad} bytes whose padding puts the data on a
 * multiple of 64, the data, and a 16-byte data descriptor. The central directory has {@code 46 + |name|} bytes per
 * record, followed by a zip64 end record (56), its locator (20) and the end record (22).
 *
 * <h2>The pickle ({@code data.pkl}, protocol 2)</h2>
 * An {@code OrderedDict} of the state_dict entries, then its {@code _metadata}. Every tensor is a
 * {@code _rebuild_tensor_v2}/{@code _rebuild_qtensor} call whose storage is a persistent id
 * {@code ('storage', <Type>Storage, '<key>', 'cpu', numel)}; parameters wrap it in {@code _rebuild_parameter}.
 * A quantized LSTM layer is one {@code ScriptObject} ({@code CellParamsBase}: {@code 'quantized_dynamic'}, its two
 * float biases, {@code []}, {@code [1]}, and two {@code LinearPackedParamsBase} objects holding the int8 weight and a
 * bias); the quantized decoder is {@code scale}, {@code zero_point}, {@code dtype} and a (weight, bias) tuple. The
 * length follows from Python's pickler rules: opcode sizes, integer widths ({@code BININT1/2/BININT}), and the memo
 * ({@code BINPUT}/{@code BINGET} take 2 bytes below index 256, else 5), where strings, globals, tuples, lists,
 * dicts and reduced objects are memoized and an object seen again is a memo reference.
 *
 * <h2>Engines</h2>
 * qnnpack's packed weights keep their own copy of each bias, so its file holds every quantized projection's bias
 * twice (as separate storages); onednn's (and fbgemm's) packed weights share the bias objects of the LSTM cell.
 * The onednn layout was measured; fbgemm is assumed to share it (PyTorch's fbgemm packed weights keep the bias
 * tensor they were given, and the tutorial's published 79,738,057 bytes, measured on fbgemm, equals the onednn
 * figure).
 */
public final class TorchSaveSizes {

    /** The file name of the tutorial's {@code print_size_of_model}. */
    public static final String TUTORIAL_FILE_NAME = "temp.p";

    /**
     * Bytes of one component of the saved file.
     *
     * @param embedding      {@code encoder.weight}, float32
     * @param lstmWeights    the LSTM weight matrices (float32 or int8)
     * @param lstmBiases     the LSTM biases, float32 (twice for qnnpack when quantized)
     * @param decoderWeight  {@code decoder.weight} (float32 or int8)
     * @param decoderBias    {@code decoder.bias}, float32 (twice for qnnpack when quantized)
     * @param decoderScaleAndZeroPoint the quantized decoder's {@code scale} (float32) and {@code zero_point} (int64)
     * @param overhead       everything else: zip headers, descriptors, directory, alignment padding, the pickle,
     *                       the version record
     * @param storageRecords number of tensor storages (data records)
     */
    public record Breakdown(long embedding, long lstmWeights, long lstmBiases, long decoderWeight, long decoderBias,
                            long decoderScaleAndZeroPoint, long overhead, int storageRecords) {

        /** The file size. */
        public long total() {
            return embedding + lstmWeights + lstmBiases + decoderWeight + decoderBias + decoderScaleAndZeroPoint
                    + overhead;
        }
    }

    private TorchSaveSizes() {
    }

    /** {@link #breakdown} with the tutorial's file name {@code temp.p}, as a plain size. */
    public static long stateDictBytes(ModelShape shape, Set<QuantizeDynamic.Kind> quantized, Engine engine) {
        return breakdown(shape, quantized, engine, TUTORIAL_FILE_NAME).total();
    }

    /**
     * The size of {@code torch.save(state_dict, fileName)} of a model of {@code shape} whose {@code quantized} kinds
     * went through {@code quantize_dynamic} on {@code engine} (ignored when nothing is quantized).
     *
     * @param fileName the name passed to {@code torch.save} (only its base name matters)
     */
    public static Breakdown breakdown(ModelShape shape, Set<QuantizeDynamic.Kind> quantized, Engine engine,
                                      String fileName) {
        Objects.requireNonNull(engine, "engine");
        StateDictGraph graph = new StateDictGraph(shape, quantized.contains(QuantizeDynamic.Kind.LSTM),
                quantized.contains(QuantizeDynamic.Kind.LINEAR), engine == Engine.QNNPACK);
        Pickler pickler = new Pickler();
        long pickle = pickler.size(graph.root());
        String archive = archiveName(fileName);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < pickler.storages.size(); i++) {
            keys.add(Integer.toString(i));
        }
        keys.sort(null);
        Zip zip = new Zip();
        zip.record(archive + "/data.pkl", pickle);
        long data = 0;
        long[] parts = new long[Component.values().length];
        for (String key : keys) {
            Storage s = pickler.storages.get(Integer.parseInt(key));
            zip.record(archive + "/data/" + key, s.bytes());
            parts[s.component().ordinal()] += s.bytes();
            data += s.bytes();
        }
        zip.record(archive + "/version", 2);
        long total = zip.finish();
        return new Breakdown(parts[Component.EMBEDDING.ordinal()], parts[Component.LSTM_WEIGHT.ordinal()],
                parts[Component.LSTM_BIAS.ordinal()], parts[Component.DECODER_WEIGHT.ordinal()],
                parts[Component.DECODER_BIAS.ordinal()], parts[Component.DECODER_QPARAMS.ordinal()], total - data,
                keys.size());
    }

    /** PyTorch's archive name: the base name without its last extension ({@code /a/temp.p → temp}). */
    public static String archiveName(String fileName) {
        int start = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1;
        int dot = fileName.lastIndexOf('.');
        int end = dot > start ? dot : fileName.length();
        String name = fileName.substring(start, end);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("file name '" + fileName + "' has an empty base name");
        }
        return name;
    }

    // ---------------------------------------------------------------------------------------- zip container

    private static final class Zip {
        private static final int LOCAL_HEADER = 30;
        private static final int EXTRA_FIELD_HEADER = 4;
        private static final int DATA_DESCRIPTOR = 16;
        private static final int CENTRAL_HEADER = 46;
        private static final int END_RECORDS = 56 + 20 + 22;
        private static final int ALIGNMENT = 64;

        private long cursor;
        private long directory;

        void record(String name, long size) {
            int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
            if (size >= 0xFFFFFFFFL || cursor >= 0xFFFFFFFFL) {
                throw new IllegalArgumentException("records beyond 4 GiB (zip64 fields) are not modelled");
            }
            long start = cursor + LOCAL_HEADER + nameBytes + EXTRA_FIELD_HEADER;
            long pad = (ALIGNMENT - start % ALIGNMENT) % ALIGNMENT;
            cursor = start + pad + size + DATA_DESCRIPTOR;
            directory += CENTRAL_HEADER + nameBytes;
        }

        long finish() {
            return cursor + directory + END_RECORDS;
        }
    }

    // ---------------------------------------------------------------------------------------- object graph

    private enum Component { EMBEDDING, LSTM_WEIGHT, LSTM_BIAS, DECODER_WEIGHT, DECODER_BIAS, DECODER_QPARAMS }

    /** A tensor storage: its Python type, element count and byte size. */
    private record Storage(Global type, long numel, long bytes, Component component) {
    }

    /** The Python objects of a state_dict, as far as their pickled size is concerned. Identity matters. */
    private sealed interface Py permits Global, Str, Int, Flt, Bool, Tuple, PyList, Dict, Reduce, NewObj, Pers {
    }

    private record Global(String module, String name) implements Py {
    }

    private record Str(String value) implements Py {
    }

    private record Int(long value) implements Py {
    }

    private record Flt() implements Py {
    }

    private record Bool(boolean value) implements Py {
    }

    private record Tuple(List<Py> items) implements Py {
    }

    private record PyList(List<Py> items) implements Py {
    }

    private record Dict(List<Py[]> items) implements Py {
    }

    /** {@code func(*args)} with optional dict items and state, as {@code __reduce__} describes it. */
    private record Reduce(Py func, Tuple args, List<Py[]> dictItems, Py state) implements Py {
    }

    /** {@code cls.__new__(cls, *args)} then {@code BUILD} with the state (protocol 2's {@code NEWOBJ}). */
    private record NewObj(Global cls, Tuple args, Py state) implements Py {
    }

    /** A storage saved through {@code persistent_id}. */
    private record Pers(Storage storage) implements Py {
    }

    /** The state_dict of one model variant. */
    private static final class StateDictGraph {
        private static final Global ORDERED_DICT = new Global("collections", "OrderedDict");
        private static final Tuple EMPTY = new Tuple(List.of());

        private final Global rebuildTensor = new Global("torch._utils", "_rebuild_tensor_v2");
        private final Global rebuildParameter = new Global("torch._utils", "_rebuild_parameter");
        private final Global rebuildQTensor = new Global("torch._utils", "_rebuild_qtensor");
        private final Global floatStorage = new Global("torch", "FloatStorage");
        private final Global int8Storage = new Global("torch", "QInt8Storage");
        private final Global longStorage = new Global("torch", "LongStorage");
        private final Global scriptObject = new Global("torch", "ScriptObject");
        private final Global perTensorAffine = new Global("torch", "per_tensor_affine");
        private final Global qint8 = new Global("torch", "qint8");
        private final Str version = new Str("version");
        private final List<Py[]> entries = new ArrayList<>();
        private final List<Py[]> metadata = new ArrayList<>();

        StateDictGraph(ModelShape shape, boolean lstmQuantized, boolean decoderQuantized, boolean biasCopies) {
            int h4 = 4 * shape.hiddenSize();
            entry("encoder.weight", tensor(floatStorage, Component.EMBEDDING, false, shape.tokens(),
                    shape.embeddingSize()));
            for (int l = 0; l < shape.layers(); l++) {
                int in = l == 0 ? shape.embeddingSize() : shape.hiddenSize();
                if (lstmQuantized) {
                    Py bih = parameter(tensor(floatStorage, Component.LSTM_BIAS, false, h4));
                    Py bhh = parameter(tensor(floatStorage, Component.LSTM_BIAS, false, h4));
                    Py packedIh = packed(qtensor(Component.LSTM_WEIGHT, h4, in),
                            biasCopies ? tensor(floatStorage, Component.LSTM_BIAS, true, h4) : bih);
                    Py packedHh = packed(qtensor(Component.LSTM_WEIGHT, h4, shape.hiddenSize()),
                            biasCopies ? tensor(floatStorage, Component.LSTM_BIAS, true, h4) : bhh);
                    Tuple cell = tuple(new Str("quantized_dynamic"), new PyList(List.of(bih, bhh)),
                            new PyList(List.of()), new PyList(List.of(new Int(1))),
                            new PyList(List.of(packedIh, packedHh)));
                    entry("rnn._all_weight_values." + l + ".param", scriptObject(cell,
                            "__torch__.torch.classes.rnn.CellParamsBase"));
                } else {
                    entry("rnn.weight_ih_l" + l, tensor(floatStorage, Component.LSTM_WEIGHT, false, h4, in));
                    entry("rnn.weight_hh_l" + l, tensor(floatStorage, Component.LSTM_WEIGHT, false, h4,
                            shape.hiddenSize()));
                    entry("rnn.bias_ih_l" + l, tensor(floatStorage, Component.LSTM_BIAS, false, h4));
                    entry("rnn.bias_hh_l" + l, tensor(floatStorage, Component.LSTM_BIAS, false, h4));
                }
            }
            if (decoderQuantized) {
                entry("decoder.scale", tensor(floatStorage, Component.DECODER_QPARAMS, false));
                entry("decoder.zero_point", tensor(longStorage, Component.DECODER_QPARAMS, false));
                entry("decoder._packed_params.dtype", qint8);
                Py bias = biasCopies ? tensor(floatStorage, Component.DECODER_BIAS, true, shape.tokens())
                        : parameter(tensor(floatStorage, Component.DECODER_BIAS, false, shape.tokens()));
                entry("decoder._packed_params._packed_params", tuple(qtensor(Component.DECODER_WEIGHT,
                        shape.tokens(), shape.hiddenSize()), bias));
            } else {
                entry("decoder.weight", tensor(floatStorage, Component.DECODER_WEIGHT, false, shape.tokens(),
                        shape.hiddenSize()));
                entry("decoder.bias", tensor(floatStorage, Component.DECODER_BIAS, false, shape.tokens()));
            }
            module("", 1);
            module("drop", 1);
            module("encoder", 1);
            module("rnn", lstmQuantized ? 2 : 1);
            if (lstmQuantized) {
                module("rnn._all_weight_values", 1);
                for (int l = 0; l < shape.layers(); l++) {
                    module("rnn._all_weight_values." + l, 1);
                }
            }
            module("decoder", decoderQuantized ? 4 : 1);
            if (decoderQuantized) {
                module("decoder._packed_params", 3);
            }
        }

        Py root() {
            Reduce meta = new Reduce(ORDERED_DICT, EMPTY, metadata, null);
            List<Py[]> state = new ArrayList<>();
            state.add(new Py[] {new Str("_metadata"), meta});
            return new Reduce(ORDERED_DICT, EMPTY, entries, new Dict(state));
        }

        private void entry(String key, Py value) {
            entries.add(new Py[] {new Str(key), value});
        }

        private void module(String name, int moduleVersion) {
            List<Py[]> item = new ArrayList<>();
            item.add(new Py[] {version, new Int(moduleVersion)});
            metadata.add(new Py[] {new Str(name), new Dict(item)});
        }

        private static Tuple tuple(Py... items) {
            return new Tuple(List.of(items));
        }

        private static Tuple ints(int... values) {
            List<Py> items = new ArrayList<>();
            for (int v : values) {
                items.add(new Int(v));
            }
            return new Tuple(items);
        }

        private static int[] strides(int[] shape) {
            int[] stride = new int[shape.length];
            int s = 1;
            for (int i = shape.length - 1; i >= 0; i--) {
                stride[i] = s;
                s *= shape[i];
            }
            return stride;
        }

        private Reduce hooks() {
            return new Reduce(ORDERED_DICT, EMPTY, null, null);
        }

        private Py tensor(Global type, Component component, boolean requiresGrad, int... shape) {
            long numel = 1;
            for (int d : shape) {
                numel *= d;
            }
            long itemSize = type == longStorage ? 8 : 4;
            Storage storage = new Storage(type, numel, numel * itemSize, component);
            return new Reduce(rebuildTensor, tuple(new Pers(storage), new Int(0), ints(shape), ints(strides(shape)),
                    new Bool(requiresGrad), hooks()), null, null);
        }

        private Py parameter(Py tensor) {
            return new Reduce(rebuildParameter, tuple(tensor, new Bool(true), hooks()), null, null);
        }

        private Py qtensor(Component component, int rows, int cols) {
            Storage storage = new Storage(int8Storage, (long) rows * cols, (long) rows * cols, component);
            return new Reduce(rebuildQTensor, tuple(new Pers(storage), new Int(0), ints(rows, cols),
                    ints(strides(new int[] {rows, cols})), tuple(perTensorAffine, new Flt(), new Int(0)),
                    new Bool(false), hooks()), null, null);
        }

        private Py packed(Py weight, Py bias) {
            return scriptObject(tuple(weight, bias), "__torch__.torch.classes.quantized.LinearPackedParamsBase");
        }

        private Py scriptObject(Tuple state, String className) {
            return new NewObj(scriptObject, EMPTY, tuple(state, new Str(className)));
        }
    }

    // ---------------------------------------------------------------------------------------- pickler

    /** Python's pickler (protocol 2) reduced to counting bytes; the memo is by identity, as Python's is by id(). */
    private static final class Pickler {
        private static final int BATCH = 1000;

        private final Map<Object, Integer> memo = new IdentityHashMap<>();
        private final Map<Storage, Str> storageKeys = new IdentityHashMap<>();
        private final List<Storage> storages = new ArrayList<>();
        private final Str storageTag = new Str("storage");
        private final Str location = new Str("cpu");

        long size(Py root) {
            return 2 + save(root) + 1; // PROTO 2 ... STOP
        }

        private long memoize(Object o) {
            int index = memo.size();
            memo.put(o, index);
            return index < 256 ? 2 : 5; // BINPUT / LONG_BINPUT
        }

        private long save(Py o) {
            Integer seen = memo.get(o);
            if (seen != null) {
                return seen < 256 ? 2 : 5; // BINGET / LONG_BINGET
            }
            return switch (o) {
                case Global g -> 1 + utf8(g.module()) + 1 + utf8(g.name()) + 1 + memoize(g);
                case Str s -> 1 + 4 + utf8(s.value()) + memoize(s);
                case Int i -> intSize(i.value());
                case Flt f -> 9;
                case Bool b -> 1;
                case Tuple t -> tuple(t);
                case PyList l -> 1 + memoize(l) + batched(l.items().size(), items(l.items()));
                case Dict d -> 1 + memoize(d) + batchedPairs(d.items());
                case Reduce r -> {
                    long n = save(r.func()) + save(r.args()) + 1 + memoize(r);
                    if (r.dictItems() != null) {
                        n += batchedPairs(r.dictItems());
                    }
                    if (r.state() != null) {
                        n += save(r.state()) + 1;
                    }
                    yield n;
                }
                case NewObj n -> save(n.cls()) + save(n.args()) + 1 + memoize(n) + save(n.state()) + 1;
                case Pers p -> savePersistent(p.storage()) + 1;
            };
        }

        private long savePersistent(Storage s) {
            Str key = storageKeys.get(s);
            if (key == null) {
                key = new Str(Integer.toString(storages.size()));
                storageKeys.put(s, key);
                storages.add(s);
            }
            return save(new Tuple(List.of(storageTag, s.type(), key, location, new Int(s.numel()))));
        }

        private long tuple(Tuple t) {
            int n = t.items().size();
            if (n == 0) {
                return 1; // EMPTY_TUPLE, not memoized
            }
            long size = items(t.items());
            return n <= 3 ? size + 1 + memoize(t) : 1 + size + 1 + memoize(t);
        }

        private long items(List<Py> items) {
            long n = 0;
            for (Py p : items) {
                n += save(p);
            }
            return n;
        }

        /** {@code _batch_appends}: one item → item + APPEND; more → MARK + items + APPENDS per 1000. */
        private long batched(int count, long itemBytes) {
            if (count == 0) {
                return 0;
            }
            long ops = 0;
            for (int left = count; left > 0; left -= BATCH) {
                ops += Math.min(left, BATCH) == 1 ? 1 : 2;
            }
            return itemBytes + ops;
        }

        private long batchedPairs(List<Py[]> pairs) {
            long n = 0;
            for (Py[] kv : pairs) {
                n += save(kv[0]) + save(kv[1]);
            }
            return batched(pairs.size(), n);
        }

        private static long intSize(long v) {
            if (v >= 0 && v < 0x100) {
                return 2; // BININT1
            }
            if (v >= 0 && v < 0x10000) {
                return 3; // BININT2
            }
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                return 5; // BININT
            }
            throw new IllegalArgumentException("integer " + v + " needs LONG1, which these models never use");
        }

        private static int utf8(String s) {
            return s.getBytes(StandardCharsets.UTF_8).length;
        }
    }
}
