package org.qlstm.verify.fuzz;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * A pickle as a list of opcodes with their arguments, for mutations that keep the opcode stream
 * well-formed where they do not mean to break it: replace an int (a size, stride, offset or element count)
 * or a string (a tensor name, a storage key) or a global, lie in a length prefix, delete, duplicate, swap,
 * move or insert opcodes, mess up memo indices.
 */
public final class PickleOps {

    /** One opcode: its byte and everything after it (length prefix and payload, or text lines). */
    public record Op(int code, byte[] arg) {
        int length() {
            return 1 + arg.length;
        }

        @Override
        public String toString() {
            return String.format("0x%02x(%d)", code, arg.length);
        }
    }

    static final int MARK = '(', STOP = '.', POP = '0', POP_MARK = '1', DUP = '2', BININT = 'J', BININT1 = 'K',
            BININT2 = 'M', NONE = 'N', BINPERSID = 'Q', REDUCE = 'R', BINUNICODE = 'X', APPEND = 'a', BUILD = 'b',
            GLOBAL = 'c', DICT = 'd', EMPTY_DICT = '}', APPENDS = 'e', BINGET = 'h', LONG_BINGET = 'j', LIST = 'l',
            EMPTY_LIST = ']', BINPUT = 'q', LONG_BINPUT = 'r', SETITEM = 's', TUPLE = 't', EMPTY_TUPLE = ')',
            SETITEMS = 'u', PROTO = 0x80, TUPLE1 = 0x85, TUPLE2 = 0x86, TUPLE3 = 0x87, NEWTRUE = 0x88,
            NEWFALSE = 0x89, LONG1 = 0x8a, LONG4 = 0x8b, SHORT_BINUNICODE = 0x8c, BINUNICODE8 = 0x8d,
            STACK_GLOBAL = 0x93, MEMOIZE = 0x94, FRAME = 0x95;

    private PickleOps() {
    }

    /** Splits a pickle into opcodes; {@link IllegalArgumentException} if it is not a sequence of known opcodes. */
    public static List<Op> parse(byte[] p) {
        List<Op> ops = new ArrayList<>();
        int pos = 0;
        while (pos < p.length) {
            int code = p[pos] & 0xff;
            int n = argLength(p, pos + 1, code);
            if (n < 0 || pos + 1 + n > p.length) {
                throw new IllegalArgumentException("cannot parse opcode " + code + " at " + pos);
            }
            ops.add(new Op(code, Arrays.copyOfRange(p, pos + 1, pos + 1 + n)));
            pos += 1 + n;
        }
        return ops;
    }

    public static byte[] assemble(List<Op> ops) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Op op : ops) {
            out.write(op.code());
            out.writeBytes(op.arg());
        }
        return out.toByteArray();
    }

    /** Number of argument bytes of the opcode at {@code at - 1}, or -1 if unknown or unreadable. */
    static int argLength(byte[] p, int at, int code) {
        switch (code) {
            case PROTO, BININT1, BINGET, BINPUT, 0x82 -> {
                return 1;
            }
            case BININT2, 0x83 -> {
                return 2;
            }
            case BININT, LONG_BINGET, LONG_BINPUT, 0x84 -> {
                return 4;
            }
            case 'G', FRAME -> {
                return 8;
            }
            case LONG1, SHORT_BINUNICODE, 'U', 'C' -> {
                return at < p.length ? 1 + (p[at] & 0xff) : -1;
            }
            case LONG4, BINUNICODE, 'T', 'B' -> {
                if (at + 4 > p.length) {
                    return -1;
                }
                long n = ByteBuffer.wrap(p, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
                return n > p.length ? -1 : 4 + (int) n;
            }
            case BINUNICODE8, 0x8e, 0x96 -> {
                if (at + 8 > p.length) {
                    return -1;
                }
                long n = ByteBuffer.wrap(p, at, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                return n < 0 || n > p.length ? -1 : 8 + (int) n;
            }
            case 'F', 'I', 'L', 'P', 'S', 'V', 'g', 'p' -> {
                return lines(p, at, 1);
            }
            case GLOBAL, 'i' -> {
                return lines(p, at, 2);
            }
            case MARK, STOP, POP, POP_MARK, DUP, NONE, BINPERSID, REDUCE, APPEND, BUILD, DICT, EMPTY_DICT, APPENDS,
                    LIST, EMPTY_LIST, 'o', SETITEM, TUPLE, EMPTY_TUPLE, SETITEMS, 0x81, TUPLE1, TUPLE2, TUPLE3,
                    NEWTRUE, NEWFALSE, 0x8f, 0x90, 0x91, 0x92, STACK_GLOBAL, MEMOIZE, 0x97, 0x98 -> {
                return 0;
            }
            default -> {
                return -1;
            }
        }
    }

    private static int lines(byte[] p, int at, int count) {
        int i = at;
        for (int l = 0; l < count; l++) {
            while (i < p.length && p[i] != '\n') {
                i++;
            }
            if (i >= p.length) {
                return -1;
            }
            i++;
        }
        return i - at;
    }

    // ---- encoders ----

    static Op raw(int code, byte... arg) {
        return new Op(code, arg);
    }

    /** An int the way pickle writes it (BININT1, BININT2, BININT or LONG1), or in a random valid encoding. */
    static Op integer(BigInteger v, UniformRandomProvider rng) {
        boolean canonical = rng == null || rng.nextInt(4) != 0;
        if (canonical && v.signum() >= 0 && v.compareTo(BigInteger.valueOf(256)) < 0) {
            return raw(BININT1, (byte) v.intValue());
        }
        if (canonical && v.signum() >= 0 && v.compareTo(BigInteger.valueOf(65536)) < 0) {
            return raw(BININT2, (byte) v.intValue(), (byte) (v.intValue() >>> 8));
        }
        if (v.bitLength() < 32 && (canonical || rng.nextBoolean())) {
            return raw(BININT, le(v.intValue(), 4));
        }
        byte[] be = v.toByteArray(); // two's complement, big-endian, minimal
        byte[] arg = new byte[1 + be.length];
        arg[0] = (byte) be.length;
        for (int i = 0; i < be.length; i++) {
            arg[1 + i] = be[be.length - 1 - i];
        }
        if (be.length > 255) {
            throw new IllegalArgumentException("int too large");
        }
        return new Op(LONG1, arg);
    }

    static Op integer(long v) {
        return integer(BigInteger.valueOf(v), null);
    }

    /** A str as BINUNICODE (what torch's protocol 2 writes) or SHORT_BINUNICODE. */
    static Op string(String s, boolean shortForm) {
        return bytesOp(s.getBytes(StandardCharsets.UTF_8), shortForm ? SHORT_BINUNICODE : BINUNICODE);
    }

    static Op bytesOp(byte[] b, int code) {
        boolean one = code == SHORT_BINUNICODE || code == 'U' || code == 'C' || code == LONG1;
        if (one && b.length > 255) {
            code = code == SHORT_BINUNICODE ? BINUNICODE : code == 'U' ? 'T' : 'B';
            one = false;
        }
        byte[] arg = new byte[(one ? 1 : 4) + b.length];
        if (one) {
            arg[0] = (byte) b.length;
        } else {
            System.arraycopy(le(b.length, 4), 0, arg, 0, 4);
        }
        System.arraycopy(b, 0, arg, one ? 1 : 4, b.length);
        return new Op(code, arg);
    }

    static Op global(String module, String name) {
        return new Op(GLOBAL, (module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static byte[] le(long v, int width) {
        byte[] b = new byte[width];
        for (int i = 0; i < width; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    /** @return the value of an int opcode, or null if {@code op} is not one */
    static BigInteger intValue(Op op) {
        byte[] a = op.arg();
        return switch (op.code()) {
            case BININT1 -> BigInteger.valueOf(a[0] & 0xff);
            case BININT2 -> BigInteger.valueOf((a[0] & 0xff) | (a[1] & 0xff) << 8);
            case BININT -> BigInteger.valueOf(ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN).getInt());
            case LONG1 -> {
                int n = a[0] & 0xff;
                if (n == 0) {
                    yield BigInteger.ZERO;
                }
                byte[] be = new byte[n];
                for (int i = 0; i < n; i++) {
                    be[i] = a[n - i];
                }
                yield new BigInteger(be);
            }
            default -> null;
        };
    }

    /** @return the text of a str opcode, or null */
    static String stringValue(Op op) {
        byte[] a = op.arg();
        return switch (op.code()) {
            case SHORT_BINUNICODE -> new String(a, 1, a.length - 1, StandardCharsets.UTF_8);
            case BINUNICODE -> new String(a, 4, a.length - 4, StandardCharsets.UTF_8);
            default -> null;
        };
    }

    // ---- mutations ----

    private static final long[] INTERESTING = {0, 1, -1, 2, 3, 4, 7, 8, 127, 128, 255, 256, 65_535, 65_536,
            Integer.MAX_VALUE - 8L, Integer.MAX_VALUE, 1L << 31, (1L << 32) - 1, 1L << 32, 1L << 53, Long.MAX_VALUE,
            Long.MIN_VALUE, Integer.MIN_VALUE};

    private static final String[][] GLOBALS = {{"torch._utils", "_rebuild_tensor_v2"},
            {"torch._utils", "_rebuild_parameter"}, {"collections", "OrderedDict"}, {"torch", "FloatStorage"},
            {"torch", "HalfStorage"}, {"torch", "DoubleStorage"}, {"torch", "LongStorage"}, {"torch", "UntypedStorage"},
            {"torch._utils", "_rebuild_qtensor"}, {"torch._utils", "_rebuild_sparse_tensor"},
            {"torch._utils", "_rebuild_tensor"}, {"os", "system"}, {"posix", "system"}, {"builtins", "eval"},
            {"builtins", "exec"}, {"builtins", "getattr"}, {"__builtin__", "set"}, {"subprocess", "Popen"},
            {"torch", "Tensor"}, {"torch.nn.modules.linear", "Linear"}, {"numpy.core.multiarray", "_reconstruct"},
            {"", ""}, {"collections", "OrderedDict\u0000"}, {"torch._utils\r\nx", "y"}};

    private static final String[] STRINGS = {"encoder.weight", "decoder.weight", "decoder.bias", "rnn.weight_ih_l0",
            "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0", "rnn.weight_ih_l1", "rnn.weight_ih_l7",
            "rnn.bias_hh_l3", "encoder.bias", "", "storage", "Storage", "cpu", "cuda:0", "meta", "_metadata", "version",
            "0", "1", "2", "14", "15", "99", "../evil", "a/b", "data.pkl", "con", "\u0000", "a\nb", "\u00e9\u00e8",
            "\ud83d\ude00", "x".repeat(64), "x".repeat(65), "y".repeat(300)};

    /** Applies one to three opcode-level mutations; falls back to byte mutations if the pickle does not parse. */
    public static byte[] mutate(byte[] pickle, UniformRandomProvider rng, StringBuilder log) {
        List<Op> ops;
        try {
            ops = new ArrayList<>(parse(pickle));
        } catch (IllegalArgumentException e) {
            log.append(" (unparsable pickle)");
            return ByteMutations.mutate(pickle, rng, null, log);
        }
        if (ops.isEmpty()) {
            return pickle;
        }
        int n = 1 + (rng.nextInt(3) == 0 ? 1 + rng.nextInt(2) : 0);
        for (int i = 0; i < n && !ops.isEmpty(); i++) {
            mutateOnce(ops, rng, log);
        }
        return assemble(ops);
    }

    private static int indexOf(List<Op> ops, UniformRandomProvider rng, java.util.function.IntPredicate code) {
        List<Integer> hits = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            if (code.test(ops.get(i).code())) {
                hits.add(i);
            }
        }
        return hits.isEmpty() ? rng.nextInt(ops.size()) : hits.get(rng.nextInt(hits.size()));
    }

    static void mutateOnce(List<Op> ops, UniformRandomProvider rng, StringBuilder log) {
        int kind = rng.nextInt(100);
        int size = ops.size();
        if (kind < 26) {
            int i = indexOf(ops, rng, c -> c == BININT1 || c == BININT2 || c == BININT || c == LONG1);
            BigInteger old = intValue(ops.get(i));
            BigInteger v = newInt(old == null ? BigInteger.ZERO : old, rng);
            ops.set(i, integer(v, rng));
            log.append(" int@op").append(i).append(':').append(old).append("->").append(v);
        } else if (kind < 38) {
            int i = indexOf(ops, rng, c -> c == BINUNICODE || c == SHORT_BINUNICODE);
            String old = stringValue(ops.get(i));
            String s = newString(old, rng);
            int code = rng.nextInt(8);
            Op op = code == 0 ? bytesOp(s.getBytes(StandardCharsets.UTF_8), 'C')
                    : code == 1 ? bytesOp(s.getBytes(StandardCharsets.ISO_8859_1), 'U')
                    : code == 2 ? bytesOp(invalidUtf8(s, rng), BINUNICODE)
                    : string(s, code == 3);
            ops.set(i, op);
            log.append(" str@op").append(i).append(":'").append(FuzzReport.clip(old, 20)).append("'->'")
                    .append(FuzzReport.clip(s, 20)).append("' as ").append(op);
        } else if (kind < 44) {
            int i = indexOf(ops, rng, c -> c == GLOBAL || c == STACK_GLOBAL);
            String[] g = GLOBALS[rng.nextInt(GLOBALS.length)];
            ops.set(i, global(g[0], g[1]));
            log.append(" global@op").append(i).append(':').append(g[0]).append('.').append(g[1]);
        } else if (kind < 49) {
            int i = indexOf(ops, rng, c -> c == BINUNICODE || c == LONG1 || c == SHORT_BINUNICODE || c == LONG4);
            Op op = ops.get(i);
            byte[] arg = op.arg().clone();
            boolean one = op.code() == SHORT_BINUNICODE || op.code() == LONG1;
            if (one && arg.length > 0) {
                arg[0] = (byte) rng.nextInt(256);
            } else if (arg.length >= 4) {
                long[] lies = {0, -1, Integer.MAX_VALUE, 1L << 31, arg.length - 4 + 1, arg.length - 4 - 1, 1L << 20};
                System.arraycopy(le(lies[rng.nextInt(lies.length)], 4), 0, arg, 0, 4);
            }
            ops.set(i, new Op(op.code(), arg));
            log.append(" length-lie@op").append(i);
        } else if (kind < 58) {
            int i = rng.nextInt(size);
            log.append(" delete@op").append(i).append(ops.get(i));
            ops.remove(i);
        } else if (kind < 64) {
            int i = rng.nextInt(size);
            ops.add(i, ops.get(i));
            log.append(" dup@op").append(i).append(ops.get(i));
        } else if (kind < 71) {
            int i = rng.nextInt(size);
            int j = rng.nextBoolean() ? Math.min(size - 1, i + 1) : rng.nextInt(size);
            Op t = ops.get(i);
            ops.set(i, ops.get(j));
            ops.set(j, t);
            log.append(" swap@op").append(i).append('/').append(j);
        } else if (kind < 75) {
            int i = rng.nextInt(size);
            Op op = ops.remove(i);
            int j = rng.nextInt(ops.size() + 1);
            ops.add(j, op);
            log.append(" move@op").append(i).append("->").append(j);
        } else if (kind < 86) {
            int i = rng.nextInt(size + 1);
            Op op = randomOp(rng);
            ops.add(i, op);
            log.append(" insert@op").append(i).append(op);
        } else if (kind < 90) {
            int i = rng.nextInt(size);
            int len = Math.min(size - i, 1 + rng.nextInt(40));
            ops.subList(i, i + len).clear();
            log.append(" delete-range@op").append(i).append('+').append(len);
        } else if (kind < 95) {
            int i = rng.nextInt(size);
            int len = Math.min(size - i, 1 + rng.nextInt(80));
            List<Op> range = new ArrayList<>(ops.subList(i, i + len));
            int times = rng.nextInt(6) == 0 ? 2 + rng.nextInt(30) : 1;
            int at = rng.nextBoolean() ? i + len : rng.nextInt(size + 1);
            for (int t = 0; t < times; t++) {
                ops.addAll(at, range);
            }
            log.append(" dup-range@op").append(i).append('+').append(len).append('x').append(times).append(" at ")
                    .append(at);
        } else if (kind < 98) {
            int i = indexOf(ops, rng, c -> c == BINGET || c == BINPUT || c == LONG_BINGET || c == LONG_BINPUT);
            Op op = ops.get(i);
            Op replaced = switch (rng.nextInt(3)) {
                case 0 -> raw(op.code() == BINPUT || op.code() == LONG_BINPUT ? BINPUT : BINGET,
                        (byte) rng.nextInt(256));
                case 1 -> raw(LONG_BINGET, le(rng.nextBoolean() ? -1 : rng.nextInt(1 << 20), 4));
                default -> raw(MEMOIZE);
            };
            ops.set(i, replaced);
            log.append(" memo@op").append(i).append(':').append(op).append("->").append(replaced);
        } else {
            int keep = rng.nextInt(size);
            ops.subList(keep, size).clear();
            log.append(" cut-after-op").append(keep);
        }
    }

    private static BigInteger newInt(BigInteger old, UniformRandomProvider rng) {
        int r = rng.nextInt(10);
        if (r < 4) {
            return BigInteger.valueOf(INTERESTING[rng.nextInt(INTERESTING.length)]);
        } else if (r < 7) {
            return old.add(BigInteger.valueOf(rng.nextBoolean() ? 1 : -1));
        } else if (r == 7) {
            return rng.nextBoolean() ? old.shiftLeft(1) : old.shiftRight(1);
        } else if (r == 8) {
            return old.multiply(old).add(BigInteger.ONE);
        }
        return rng.nextBoolean() ? BigInteger.ONE.shiftLeft(64 + rng.nextInt(200)) : BigInteger.valueOf(rng.nextInt());
    }

    private static String newString(String old, UniformRandomProvider rng) {
        int r = rng.nextInt(10);
        if (r < 7 || old == null) {
            return STRINGS[rng.nextInt(STRINGS.length)];
        } else if (r == 7) {
            return old + old;
        } else if (r == 8) {
            return old.isEmpty() ? "x" : old.substring(0, rng.nextInt(old.length()));
        }
        return old.toUpperCase(java.util.Locale.ROOT) + (char) (rng.nextInt(0x3000));
    }

    private static byte[] invalidUtf8(String s, UniformRandomProvider rng) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[][] bad = {{(byte) 0xff}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                {(byte) 0xe2, (byte) 0x82}, {(byte) 0x80}};
        return ByteMutations.splice(b, rng.nextInt(b.length + 1), 0, bad[rng.nextInt(bad.length)]);
    }

    /** An opcode from a catalogue of what torch writes, what it never writes, and malformed arguments. */
    static Op randomOp(UniformRandomProvider rng) {
        int r = rng.nextInt(44);
        return switch (r) {
            case 0 -> raw(MARK);
            case 1 -> raw(STOP);
            case 2 -> raw(POP);
            case 3 -> raw(POP_MARK);
            case 4 -> raw(DUP);
            case 5 -> raw(NONE);
            case 6 -> raw(NEWTRUE);
            case 7 -> raw(NEWFALSE);
            case 8 -> raw(EMPTY_TUPLE);
            case 9 -> raw(TUPLE);
            case 10 -> raw(TUPLE1);
            case 11 -> raw(TUPLE2);
            case 12 -> raw(TUPLE3);
            case 13 -> raw(EMPTY_LIST);
            case 14 -> raw(LIST);
            case 15 -> raw(APPEND);
            case 16 -> raw(APPENDS);
            case 17 -> raw(EMPTY_DICT);
            case 18 -> raw(DICT);
            case 19 -> raw(SETITEM);
            case 20 -> raw(SETITEMS);
            case 21 -> raw(REDUCE);
            case 22 -> raw(BUILD);
            case 23 -> raw(BINPERSID);
            case 24 -> raw(MEMOIZE);
            case 25 -> raw(BINPUT, (byte) rng.nextInt(256));
            case 26 -> raw(BINGET, (byte) rng.nextInt(256));
            case 27 -> raw(STACK_GLOBAL);
            case 28 -> integer(BigInteger.valueOf(INTERESTING[rng.nextInt(INTERESTING.length)]), rng);
            case 29 -> string(STRINGS[rng.nextInt(STRINGS.length)], rng.nextBoolean());
            case 30 -> {
                String[] g = GLOBALS[rng.nextInt(GLOBALS.length)];
                yield global(g[0], g[1]);
            }
            case 31 -> raw(0x8f); // EMPTY_SET
            case 32 -> raw(0x81); // NEWOBJ
            case 33 -> raw('o'); // OBJ
            case 34 -> new Op('i', "os\nsystem\n".getBytes(StandardCharsets.US_ASCII)); // INST
            case 35 -> new Op('P', "0\n".getBytes(StandardCharsets.US_ASCII)); // PERSID
            case 36 -> raw(0x82, (byte) 1); // EXT1
            case 37 -> raw(0x97); // NEXT_BUFFER
            case 38 -> raw('G', le(Double.doubleToLongBits(Double.NaN), 8)); // BINFLOAT
            case 39 -> raw(FRAME, le(rng.nextBoolean() ? 8 : Long.MAX_VALUE, 8));
            case 40 -> raw(PROTO, (byte) rng.nextInt(256));
            case 41 -> new Op('L', ("9".repeat(1 + rng.nextInt(40)) + "L\n").getBytes(StandardCharsets.US_ASCII));
            case 42 -> raw(LONG1, (byte) 0);
            default -> raw(rng.nextInt(256)); // possibly an opcode that needs arguments it does not get
        };
    }
}
