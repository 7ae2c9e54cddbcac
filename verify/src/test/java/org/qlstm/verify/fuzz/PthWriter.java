package org.qlstm.verify.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;
import org.qlstm.nn.io.Tensor;

/**
 * Writes state_dict archives the way {@code torch.save} does (a zip of {@code data.pkl}, raw little-endian
 * storages and {@code version}), from logical tensors laid out in storages in varied but value-preserving
 * ways: own contiguous storage, offset into a padded storage, transposed storage, several tensors sharing
 * one storage, strided views, {@code nn.Parameter} wrappers, protocol 2 or 4, memoized globals or not.
 * Reading such an archive must give back exactly the logical tensors.
 */
public final class PthWriter {

    /** A tensor as a view of a storage. */
    public record View(String name, String key, long offset, long[] size, long[] stride, boolean parameter) {
    }

    /** Pickle options. */
    public record Options(int protocol, boolean memo, boolean metadataArgument, boolean buildMetadata) {
        public static final Options TORCH = new Options(2, true, false, true);

        static Options random(UniformRandomProvider rng) {
            return new Options(rng.nextInt(3) == 0 ? 4 : 2, rng.nextBoolean(), rng.nextInt(4) == 0,
                    rng.nextBoolean());
        }
    }

    /** Storages by key in order, and the views of the tensors. */
    public record Layout(Map<String, float[]> storages, List<View> views, String description) {
    }

    private PthWriter() {
    }

    /** Each tensor in its own contiguous storage, keys 0, 1, 2, ... as torch writes them. */
    public static Layout plain(List<Tensor> tensors) {
        Map<String, float[]> storages = new LinkedHashMap<>();
        List<View> views = new ArrayList<>();
        for (Tensor t : tensors) {
            String key = Integer.toString(storages.size());
            storages.put(key, t.data().clone());
            views.add(new View(t.name(), key, 0, longs(t.shape()), contiguousStrides(t.shape()), false));
        }
        return new Layout(storages, views, "plain");
    }

    /** A random value-preserving layout. */
    public static Layout varied(List<Tensor> tensors, UniformRandomProvider rng) {
        Map<String, List<Float>> shared = new LinkedHashMap<>();
        Map<String, float[]> storages = new LinkedHashMap<>();
        List<View> views = new ArrayList<>();
        StringBuilder log = new StringBuilder("layout:");
        boolean oddKeys = rng.nextInt(5) == 0;
        String sharedKey = null;
        for (Tensor t : tensors) {
            int[] shape = t.shape();
            float[] data = t.data();
            boolean parameter = rng.nextInt(5) == 0;
            String key = oddKeys ? "s_" + storages.size() + "_" + "k".repeat(rng.nextInt(40))
                    : Integer.toString(storages.size());
            int mode = rng.nextInt(100);
            if (mode < 50 || data.length == 0) {
                storages.put(key, data.clone());
                views.add(new View(t.name(), key, 0, longs(shape), contiguousStrides(shape), parameter));
                log.append(" own");
            } else if (mode < 65) {
                int before = rng.nextInt(20);
                int after = rng.nextInt(20);
                float[] s = new float[before + data.length + after];
                for (int i = 0; i < s.length; i++) {
                    s[i] = padding(rng);
                }
                System.arraycopy(data, 0, s, before, data.length);
                storages.put(key, s);
                views.add(new View(t.name(), key, before, longs(shape), contiguousStrides(shape), parameter));
                log.append(" offset").append(before);
            } else if (mode < 78 && shape.length == 2) {
                int rows = shape[0];
                int cols = shape[1];
                float[] s = new float[data.length];
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        s[j * rows + i] = data[i * cols + j];
                    }
                }
                storages.put(key, s);
                views.add(new View(t.name(), key, 0, longs(shape), new long[] {1, rows}, parameter));
                log.append(" transposed");
            } else if (mode < 92) {
                if (sharedKey == null || rng.nextInt(4) == 0) {
                    sharedKey = key;
                    shared.put(key, new ArrayList<>());
                    storages.put(key, null); // filled at the end; keeps first-use order
                }
                List<Float> s = shared.get(sharedKey);
                int gap = rng.nextInt(4);
                for (int i = 0; i < gap; i++) {
                    s.add(padding(rng));
                }
                int offset = s.size();
                for (float v : data) {
                    s.add(v);
                }
                views.add(new View(t.name(), sharedKey, offset, longs(shape), contiguousStrides(shape), parameter));
                log.append(" shared@").append(offset);
            } else {
                // every element of the last dimension two storage elements apart, padding in between
                long[] stride = contiguousStrides(shape);
                for (int d = 0; d < stride.length; d++) {
                    stride[d] *= 2;
                }
                float[] s = new float[Math.max(1, 2 * data.length - 1)];
                for (int i = 0; i < s.length; i++) {
                    s[i] = i % 2 == 0 && i / 2 < data.length ? data[i / 2] : padding(rng);
                }
                storages.put(key, s);
                views.add(new View(t.name(), key, 0, longs(shape), stride, parameter));
                log.append(" strided");
            }
        }
        shared.forEach((k, list) -> {
            float[] s = new float[list.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = list.get(i);
            }
            storages.put(k, s);
        });
        return new Layout(storages, views, log.toString());
    }

    /** Padding never read by a view: anything, NaN included (a model must not reject what no tensor holds). */
    private static float padding(UniformRandomProvider rng) {
        return switch (rng.nextInt(4)) {
            case 0 -> Float.NaN;
            case 1 -> Float.POSITIVE_INFINITY;
            default -> rng.nextFloat();
        };
    }

    static long[] longs(int[] shape) {
        long[] l = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            l[i] = shape[i];
        }
        return l;
    }

    static long[] contiguousStrides(int[] shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            stride[d] = s;
            s *= Math.max(1, shape[d]);
        }
        return stride;
    }

    /** The archive of a layout: {@code prefix/data.pkl}, {@code prefix/data/<key>}, {@code prefix/version}. */
    public static ZipModel archive(String prefix, Layout layout, Options options) {
        ZipModel zip = new ZipModel();
        Map<String, Integer> numel = new HashMap<>();
        layout.storages().forEach((k, v) -> numel.put(k, v.length));
        zip.entries.add(new ZipModel.Entry(prefix + "/data.pkl", pickle(layout.views(), numel, options)));
        layout.storages().forEach((k, v) -> zip.entries.add(new ZipModel.Entry(prefix + "/data/" + k, floats(v))));
        zip.entries.add(new ZipModel.Entry(prefix + "/version", "3\n".getBytes(StandardCharsets.US_ASCII)));
        return zip;
    }

    public static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    /** The pickle torch would write for these views (storage element counts from {@code numel}). */
    public static byte[] pickle(List<View> views, Map<String, Integer> numel, Options o) {
        PickleBuilder p = new PickleBuilder(o);
        p.op(PickleOps.raw(PickleOps.PROTO, (byte) o.protocol()));
        p.orderedDict();
        p.op(PickleOps.raw(PickleOps.MARK));
        for (View v : views) {
            p.str(v.name());
            if (v.parameter()) {
                p.global("torch._utils", "_rebuild_parameter").op(PickleOps.raw(PickleOps.MARK));
            }
            p.global("torch._utils", "_rebuild_tensor_v2").op(PickleOps.raw(PickleOps.MARK));
            p.op(PickleOps.raw(PickleOps.MARK)).str("storage").global("torch", "FloatStorage").str(v.key()).str("cpu")
                    .op(PickleOps.integer(numel.get(v.key()))).op(PickleOps.raw(PickleOps.TUPLE))
                    .op(PickleOps.raw(PickleOps.BINPERSID));
            p.op(PickleOps.integer(v.offset())).tuple(v.size()).tuple(v.stride()).op(PickleOps.raw(PickleOps.NEWFALSE));
            p.orderedDict();
            if (o.metadataArgument()) {
                p.op(PickleOps.raw(PickleOps.EMPTY_DICT));
            }
            p.op(PickleOps.raw(PickleOps.TUPLE)).op(PickleOps.raw(PickleOps.REDUCE));
            if (v.parameter()) {
                p.op(PickleOps.raw(PickleOps.NEWFALSE));
                p.orderedDict();
                p.op(PickleOps.raw(PickleOps.TUPLE)).op(PickleOps.raw(PickleOps.REDUCE));
            }
        }
        p.op(PickleOps.raw(PickleOps.SETITEMS));
        if (o.buildMetadata()) { // {'_metadata': OrderedDict({'': {'version': 1}})}, as nn.Module.state_dict() adds
            p.op(PickleOps.raw(PickleOps.EMPTY_DICT)).str("_metadata");
            p.orderedDict();
            p.str("").op(PickleOps.raw(PickleOps.EMPTY_DICT)).str("version").op(PickleOps.integer(1))
                    .op(PickleOps.raw(PickleOps.SETITEM)).op(PickleOps.raw(PickleOps.SETITEM))
                    .op(PickleOps.raw(PickleOps.SETITEM)).op(PickleOps.raw(PickleOps.BUILD));
        }
        p.op(PickleOps.raw(PickleOps.STOP));
        return PickleOps.assemble(p.ops);
    }

    private static final class PickleBuilder {
        final Options o;
        final List<PickleOps.Op> ops = new ArrayList<>();
        final Map<String, Integer> memo = new HashMap<>();

        PickleBuilder(Options o) {
            this.o = o;
        }

        PickleBuilder op(PickleOps.Op op) {
            ops.add(op);
            return this;
        }

        PickleBuilder str(String s) {
            return op(PickleOps.string(s, o.protocol() >= 4));
        }

        /** {@code collections.OrderedDict()}. */
        PickleBuilder orderedDict() {
            return global("collections", "OrderedDict").op(PickleOps.raw(PickleOps.EMPTY_TUPLE))
                    .op(PickleOps.raw(PickleOps.REDUCE));
        }

        PickleBuilder global(String module, String name) {
            String k = module + "." + name;
            Integer slot = memo.get(k);
            if (o.memo() && slot != null && slot < 256) {
                return op(PickleOps.raw(PickleOps.BINGET, (byte) (int) slot));
            }
            if (o.protocol() >= 4) {
                str(module).str(name).op(PickleOps.raw(PickleOps.STACK_GLOBAL));
            } else {
                op(PickleOps.global(module, name));
            }
            if (o.memo()) {
                int s = memo.size();
                memo.put(k, s);
                op(o.protocol() >= 4 ? PickleOps.raw(PickleOps.MEMOIZE) : PickleOps.raw(PickleOps.BINPUT, (byte) s));
            }
            return this;
        }

        PickleBuilder tuple(long[] values) {
            if (values.length == 0) {
                return op(PickleOps.raw(PickleOps.EMPTY_TUPLE));
            }
            if (values.length > 3) {
                op(PickleOps.raw(PickleOps.MARK));
            }
            for (long v : values) {
                op(PickleOps.integer(v));
            }
            return op(PickleOps.raw(switch (values.length) {
                case 1 -> PickleOps.TUPLE1;
                case 2 -> PickleOps.TUPLE2;
                case 3 -> PickleOps.TUPLE3;
                default -> PickleOps.TUPLE;
            }));
        }
    }
}
