package org.qlstm.nn.io;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The allow-list: the only Python globals a state_dict pickle may name, and what each stands for here.
 * Pickle's GLOBAL opcode can name any importable callable (e.g. {@code os.system}), so a name not listed
 * is refused when it is read, before anything could call it; nothing is looked up by reflection.
 *
 * <ul>
 *   <li>{@code collections.OrderedDict} - the state_dict itself, and the empty backward-hooks dict</li>
 *   <li>{@code torch._utils._rebuild_tensor_v2} - a tensor: a strided view into a storage</li>
 *   <li>{@code torch._utils._rebuild_parameter} - an {@code nn.Parameter} around such a tensor (from
 *       {@code state_dict(keep_vars=True)})</li>
 *   <li>{@code torch.FloatStorage} - the float32 storage type, named inside persistent ids</li>
 * </ul>
 */
final class TorchGlobals {
    private TorchGlobals() {
    }

    /** Something a pickle may call with REDUCE. */
    @FunctionalInterface
    interface PyCallable {
        Object call(Object[] args);
    }

    /** The storage types we can read; a persistent id names one of these. */
    enum StorageType {
        FLOAT32
    }

    /**
     * A tensor's arguments as the pickle gives them, type-checked but not yet checked against its storage:
     * that waits until the tensor's name is known, so the message can name it (see {@link TensorRef}).
     */
    record RawTensor(StorageRef storage, int offset, int[] size, long[] stride) {
    }

    /** The OrderedDict of a state_dict; distinct from plain dicts because only it may receive BUILD. */
    static final class PyOrderedDict extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;
    }

    private static final Map<String, Object> ALLOWED = Map.of(
            "collections.OrderedDict", (PyCallable) TorchGlobals::orderedDict,
            "torch._utils._rebuild_tensor_v2", (PyCallable) TorchGlobals::rebuildTensorV2,
            "torch._utils._rebuild_parameter", (PyCallable) TorchGlobals::rebuildParameter,
            "torch.FloatStorage", StorageType.FLOAT32);

    /** Storage types torch knows; named in the refusal so the user learns why the file cannot be read. */
    private static final Set<String> OTHER_STORAGES = Set.of("DoubleStorage", "HalfStorage", "BFloat16Storage",
            "LongStorage", "IntStorage", "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage",
            "ComplexFloatStorage", "ComplexDoubleStorage", "QInt8Storage", "QUInt8Storage", "QInt32Storage",
            "QUInt4x2Storage", "QUInt2x4Storage", "UntypedStorage");

    /** @return the allowed global names, sorted, for messages and documentation */
    static List<String> allowed() {
        return ALLOWED.keySet().stream().sorted().toList();
    }

    /**
     * @param module the global's module, e.g. {@code torch._utils}
     * @param name   the global's name, e.g. {@code _rebuild_tensor_v2}
     * @return a {@link PyCallable} or a {@link StorageType}
     * @throws PickleFormatException naming the global if it is not allowed
     */
    static Object resolve(String module, String name) {
        Object known = ALLOWED.get(module + "." + name);
        if (known != null) {
            return known;
        }
        String global = Text.quote(module + "." + name);
        if (module.equals("torch") && OTHER_STORAGES.contains(name)) {
            throw new PickleFormatException("unsupported storage type " + global
                    + ": only torch.FloatStorage (float32) tensors can be read");
        }
        if (module.startsWith("torch._utils") && name.startsWith("_rebuild_")) {
            throw new PickleFormatException("unsupported tensor kind " + global
                    + " (quantized, sparse, meta or other non-plain tensors cannot be read)");
        }
        throw new PickleFormatException("the pickle names the global " + global
                + ", which is not on the allow-list " + allowed() + "; refusing to load it");
    }

    private static Object orderedDict(Object[] args) {
        if (args.length != 0) {
            throw new PickleFormatException("collections.OrderedDict called with arguments");
        }
        return new PyOrderedDict();
    }

    /**
     * {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[,
     * metadata])}. requires_grad and hooks do not matter for inference; metadata (newer PyTorch) must be
     * empty because it would carry tensor attributes we cannot honour.
     */
    private static Object rebuildTensorV2(Object[] args) {
        if (args.length != 6 && args.length != 7) {
            throw new PickleFormatException("_rebuild_tensor_v2 takes 6 or 7 arguments, got " + args.length);
        }
        if (!(args[0] instanceof StorageRef storage)) {
            throw new PickleFormatException("_rebuild_tensor_v2: storage is " + Text.aType(args[0]));
        }
        int offset = toInt(args[1], "storage_offset");
        int[] size = toInts(args[2], "size");
        long[] stride = toLongs(args[3], "stride");
        if (!(args[4] instanceof Boolean)) {
            throw new PickleFormatException("_rebuild_tensor_v2: requires_grad is " + Text.aType(args[4]));
        }
        if (!(args[5] instanceof Map)) {
            throw new PickleFormatException("_rebuild_tensor_v2: backward_hooks is " + Text.aType(args[5]));
        }
        if (args.length == 7 && args[6] != null && !(args[6] instanceof Map<?, ?> m && m.isEmpty())) {
            throw new PickleFormatException("_rebuild_tensor_v2: tensor metadata is not supported");
        }
        return new RawTensor(storage, offset, size, stride);
    }

    /** {@code _rebuild_parameter(data, requires_grad, backward_hooks)}: for us a parameter is its tensor. */
    private static Object rebuildParameter(Object[] args) {
        if (args.length != 3 || !(args[0] instanceof RawTensor tensor)) {
            throw new PickleFormatException("_rebuild_parameter expects (tensor, requires_grad, backward_hooks)");
        }
        return tensor;
    }

    private static int toInt(Object value, String what) {
        long v = toLong(value, what);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new PickleFormatException(what + " " + v + " is out of range");
        }
        return (int) v;
    }

    private static long toLong(Object value, String what) {
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        throw new PickleFormatException(what + " is " + Text.aType(value) + ", not an int");
    }

    private static int[] toInts(Object value, String what) {
        Object[] tuple = tuple(value, what);
        int[] out = new int[tuple.length];
        for (int i = 0; i < tuple.length; i++) {
            out[i] = toInt(tuple[i], what + " element");
        }
        return out;
    }

    private static long[] toLongs(Object value, String what) {
        Object[] tuple = tuple(value, what);
        long[] out = new long[tuple.length];
        for (int i = 0; i < tuple.length; i++) {
            out[i] = toLong(tuple[i], what + " element");
        }
        return out;
    }

    private static Object[] tuple(Object value, String what) {
        if (value instanceof Object[] tuple) {
            return tuple;
        }
        throw new PickleFormatException(what + " is " + Text.aType(value) + ", not a tuple");
    }
}
