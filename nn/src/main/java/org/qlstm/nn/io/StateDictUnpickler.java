package org.qlstm.nn.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Unpickles a state_dict's {@code data.pkl} with an allow-list, on top of Pyrolite.
 *
 * <p>Pyrolite 1.5's per-opcode handlers, including GLOBAL's lookup, are package-private, and its registry
 * of constructors is global static state that falls back to building a dict for any unknown global. So
 * this class overrides {@link #dispatch} (the one protected hook besides {@link #persistentLoad}) and
 * handles itself every opcode that names or calls a global, builds or fills a container, or reads a
 * length-prefixed payload. Only simple, bounded opcodes (small ints, tuples, memo, marks) go to Pyrolite.
 * Everything else is refused, naming the opcode.
 *
 * <p>Why each override:
 * <ul>
 *   <li>GLOBAL, STACK_GLOBAL: resolve through {@link TorchGlobals} only.</li>
 *   <li>REDUCE, BUILD: call only our allow-listed callables; BUILD only on an OrderedDict (its
 *       {@code _metadata}), instead of Pyrolite's reflective {@code __setstate__} call.</li>
 *   <li>EMPTY_DICT, DICT, SETITEM(S): Pyrolite uses HashMaps (SETITEMS even collects into one first), which
 *       would lose the state_dict's key order; also refuse unhashable keys, whose recursive
 *       {@code hashCode} a deeply nested or self-containing list could turn into a stack overflow.</li>
 *   <li>APPENDS, POP_MARK: Pyrolite trims an ArrayList's capacity on each, quadratic time on crafted input.</li>
 *   <li>Length-prefixed strings, bytes and longs: Pyrolite allocates the declared length before reading,
 *       so a 2 GB declared length in a small pickle would exhaust memory; check it against what is left.</li>
 * </ul>
 *
 * <p>Not thread-safe; use one instance per pickle.
 */
final class StateDictUnpickler extends Unpickler {

    /** Opcodes Pyrolite may handle unchanged: each does O(1) work or pops what it builds. */
    private static final Set<Short> DELEGATED = Set.of(
            Opcodes.PROTO, Opcodes.FRAME, Opcodes.STOP, Opcodes.MARK, Opcodes.POP, Opcodes.DUP,
            Opcodes.NONE, Opcodes.NEWTRUE, Opcodes.NEWFALSE,
            Opcodes.BININT, Opcodes.BININT1, Opcodes.BININT2, Opcodes.LONG1, Opcodes.BINFLOAT,
            Opcodes.SHORT_BINUNICODE, Opcodes.SHORT_BINSTRING, Opcodes.SHORT_BINBYTES,
            Opcodes.EMPTY_TUPLE, Opcodes.TUPLE, Opcodes.TUPLE1, Opcodes.TUPLE2, Opcodes.TUPLE3,
            Opcodes.EMPTY_LIST, Opcodes.LIST,
            Opcodes.BINGET, Opcodes.LONG_BINGET, Opcodes.BINPUT, Opcodes.LONG_BINPUT, Opcodes.MEMOIZE,
            Opcodes.BINPERSID);

    /** Storage keys name zip entries, so they must not contain path syntax; torch writes small integers. */
    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private final PickleInput in;
    private final Map<String, StorageRef> storages = new LinkedHashMap<>();
    private int opcodeOffset = -1;
    private short opcode = -1;

    private StateDictUnpickler(byte[] pickle) {
        this.in = new PickleInput(pickle);
    }

    /** What a state_dict pickle describes: tensors by name, in pickle order, each viewing a storage. */
    record Parsed(Map<String, TensorRef> tensors) {
    }

    /**
     * @param pickle the bytes of {@code data.pkl}
     * @return the tensors in pickle order
     * @throws PickleFormatException if anything is refused or malformed; the message says where
     */
    static Parsed parse(byte[] pickle) {
        StateDictUnpickler u = new StateDictUnpickler(pickle);
        Object result;
        try {
            result = u.load(u.in);
        } catch (PickleFormatException e) {
            throw new PickleFormatException(u.where() + e.getMessage());
        } catch (IndexOutOfBoundsException e) {
            throw new PickleFormatException(u.where() + "malformed pickle: pops more than it pushed"
                    + " (stack underflow or missing MARK)");
        } catch (PickleException | IOException e) {
            throw new PickleFormatException(u.where() + "malformed pickle: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new PickleFormatException(u.where() + "malformed pickle: " + e);
        } catch (StackOverflowError e) {
            throw new PickleFormatException(u.where() + "pickle nests too deeply");
        }
        return new Parsed(toTensors(result));
    }

    private String where() {
        return opcode < 0 ? "data.pkl: "
                : String.format("data.pkl byte %d (opcode 0x%02x): ", opcodeOffset, opcode);
    }

    private static Map<String, TensorRef> toTensors(Object result) {
        if (!(result instanceof Map<?, ?> map)) {
            throw new PickleFormatException("data.pkl holds " + Text.aType(result)
                    + ", not a state_dict (a dict of tensors)");
        }
        Map<String, TensorRef> tensors = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String name)) {
                throw new PickleFormatException("state_dict key is " + Text.aType(e.getKey()) + ", not a str");
            }
            if (!(e.getValue() instanceof TorchGlobals.RawTensor t)) {
                throw new PickleFormatException("state_dict entry " + Text.quote(name) + " is "
                        + Text.aType(e.getValue()) + ", not a tensor");
            }
            try {
                tensors.put(name, new TensorRef(t.storage(), t.offset(), t.size(), t.stride()));
            } catch (PickleFormatException ex) {
                throw new PickleFormatException("tensor " + Text.quote(name) + ": " + ex.getMessage());
            }
        }
        return Collections.unmodifiableMap(tensors);
    }

    @Override
    protected Object dispatch(short key) throws IOException {
        opcode = key;
        opcodeOffset = in.position() - 1;
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(in);
                String name = PickleUtils.readline(in);
                stack.add(TorchGlobals.resolve(module, name));
            }
            case Opcodes.INST -> { // protocol 0's GLOBAL-and-call; torch never writes it, but name the global
                TorchGlobals.resolve(PickleUtils.readline(in), PickleUtils.readline(in));
                throw new PickleFormatException("INST opcode is not supported");
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw new PickleFormatException("STACK_GLOBAL needs two strs");
                }
                stack.add(TorchGlobals.resolve(m, n));
            }
            case Opcodes.REDUCE -> {
                Object args = stack.pop();
                Object callable = stack.pop();
                if (!(callable instanceof TorchGlobals.PyCallable c)) {
                    throw new PickleFormatException("REDUCE calls " + Text.aType(callable)
                            + ", which is not callable");
                }
                if (!(args instanceof Object[] a)) {
                    throw new PickleFormatException("REDUCE arguments are " + Text.aType(args));
                }
                stack.add(c.call(a));
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                // An OrderedDict's state is its __dict__, i.e. {'_metadata': ...}: versions of modules,
                // irrelevant to the tensors.
                if (!(stack.peek() instanceof TorchGlobals.PyOrderedDict) || !(state instanceof Map || state == null)) {
                    throw new PickleFormatException("BUILD on " + Text.aType(stack.peek())
                            + " with " + Text.aType(state) + " state is not supported");
                }
            }
            case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case Opcodes.DICT -> {
                Map<Object, Object> dict = new LinkedHashMap<>();
                putPairs(dict, stack.pop_all_since_marker());
                stack.add(dict);
            }
            case Opcodes.SETITEM -> {
                Object value = stack.pop();
                Object k = stack.pop();
                dictOnTop().put(hashable(k), value);
            }
            case Opcodes.SETITEMS -> {
                List<Object> pairs = stack.pop_all_since_marker();
                putPairs(dictOnTop(), pairs);
            }
            case Opcodes.APPEND -> {
                Object value = stack.pop();
                listOnTop().add(value);
            }
            case Opcodes.APPENDS -> {
                List<Object> values = stack.pop_all_since_marker();
                listOnTop().addAll(values);
            }
            case Opcodes.POP_MARK -> stack.pop_all_since_marker();
            case Opcodes.BINUNICODE, Opcodes.BINSTRING, Opcodes.BINBYTES, Opcodes.LONG4 -> {
                in.checkLengthPrefix(4);
                return super.dispatch(key);
            }
            case Opcodes.BINUNICODE8, Opcodes.BINBYTES8, Opcodes.BYTEARRAY8 -> {
                in.checkLengthPrefix(8);
                return super.dispatch(key);
            }
            default -> {
                if (!DELEGATED.contains(key)) {
                    throw new PickleFormatException("opcode not supported in a torch.save state_dict");
                }
                return super.dispatch(key);
            }
        }
        return NO_RETURN_VALUE;
    }

    private Map<Object, Object> dictOnTop() {
        Object top = stack.peek();
        if (top instanceof Map<?, ?>) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> dict = (Map<Object, Object>) top;
            return dict;
        }
        throw new PickleFormatException("SETITEM(S) on " + Text.aType(top));
    }

    private List<Object> listOnTop() {
        Object top = stack.peek();
        if (top instanceof List<?>) {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) top;
            return list;
        }
        throw new PickleFormatException("APPEND(S) on " + Text.aType(top));
    }

    /** Puts key, value, key, value... in order; later keys win, as in Python. */
    private static void putPairs(Map<Object, Object> dict, List<Object> pairs) {
        if (pairs.size() % 2 != 0) {
            throw new PickleFormatException("odd number of items for a dict");
        }
        for (int i = 0; i < pairs.size(); i += 2) {
            Object value = pairs.get(i + 1);
            dict.put(hashable(pairs.get(i)), value);
        }
    }

    /** Python refuses lists, dicts and sets as keys; so do we, and so their hashCode never runs. */
    private static Object hashable(Object key) {
        if (key instanceof Collection || key instanceof Map) {
            throw new PickleFormatException("unhashable dict key of type " + Text.typeName(key));
        }
        return key;
    }

    /**
     * Resolves torch's persistent id {@code ('storage', storage_type, key, location, numel)}. The storage
     * type arrived through GLOBAL, so anything but float32 was refused already.
     */
    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0])) {
            throw new PickleFormatException("persistent id is not ('storage', type, key, location, numel)");
        }
        if (t[1] != TorchGlobals.StorageType.FLOAT32) {
            throw new PickleFormatException("persistent id names " + Text.aType(t[1]) + ", not a storage type");
        }
        if (!(t[2] instanceof String key) || !STORAGE_KEY.matcher(key).matches()) {
            throw new PickleFormatException("storage key " + (t[2] instanceof String s ? Text.quote(s)
                    : "of type " + Text.typeName(t[2])) + " is not a plain name");
        }
        if (!(t[3] instanceof String)) {
            throw new PickleFormatException("storage location is " + Text.aType(t[3]));
        }
        if (!(t[4] instanceof Integer || t[4] instanceof Long)
                || ((Number) t[4]).longValue() < 0 || ((Number) t[4]).longValue() > TensorRef.MAX_ARRAY_LENGTH) {
            throw new PickleFormatException("storage " + Text.quote(key) + " declares an invalid element count ("
                    + (t[4] instanceof Number n ? n.toString() : Text.typeName(t[4])) + ")");
        }
        StorageRef ref = new StorageRef(key, ((Number) t[4]).intValue());
        StorageRef earlier = storages.putIfAbsent(key, ref);
        if (earlier != null && earlier.numel() != ref.numel()) {
            throw new PickleFormatException("storage " + Text.quote(key) + " is declared with " + earlier.numel()
                    + " and with " + ref.numel() + " elements");
        }
        return earlier != null ? earlier : ref;
    }

    /** The pickle bytes, with the position and remaining count the length checks need. */
    static final class PickleInput extends ByteArrayInputStream {
        PickleInput(byte[] data) {
            super(data);
        }

        int position() {
            return pos;
        }

        /**
         * Checks, without consuming it, that the little-endian length prefix of {@code prefixBytes} bytes
         * at the current position does not claim more bytes than remain.
         */
        void checkLengthPrefix(int prefixBytes) {
            if (count - pos < prefixBytes) {
                throw new PickleFormatException("truncated length prefix");
            }
            long length = 0;
            for (int i = prefixBytes - 1; i >= 0; i--) {
                length = (length << 8) | (buf[pos + i] & 0xff);
            }
            if (prefixBytes == 4) {
                length = (int) length; // Pyrolite reads 4-byte lengths as signed ints
            }
            long remaining = count - pos - prefixBytes;
            if (length < 0 || length > remaining) {
                throw new PickleFormatException("length " + Long.toUnsignedString(length)
                        + " exceeds the " + remaining + " bytes left in data.pkl");
            }
        }
    }
}
