package org.qlstm.nn.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes pickle opcodes by hand, so tests can build both the pickles torch.save writes and hostile ones
 * without Python. Only what the tests need; each method appends one opcode (or a short idiom).
 */
final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleWriter proto(int version) {
        return op(0x80).op(version);
    }

    /** GLOBAL: {@code c module\n name\n}, as protocols 0-3 write it. */
    PickleWriter global(String module, String name) {
        return op('c').ascii(module + "\n" + name + "\n");
    }

    /** STACK_GLOBAL with its two SHORT_BINUNICODE arguments, as protocol 4 writes it. */
    PickleWriter stackGlobal(String module, String name) {
        return shortUnicode(module).shortUnicode(name).op(0x93);
    }

    PickleWriter unicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op('X').int32(b.length).bytes(b);
    }

    PickleWriter shortUnicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op(0x8c).op(b.length).bytes(b);
    }

    /** An int the way pickle protocol 2 writes it: BININT1, BININT2, BININT or LONG1. */
    PickleWriter integer(long v) {
        if (v >= 0 && v < 256) {
            return op('K').op((int) v);
        } else if (v >= 0 && v < 65536) {
            return op('M').op((int) v & 0xff).op((int) (v >>> 8));
        } else if (v == (int) v) {
            return op('J').int32((int) v);
        }
        return op(0x8a).op(8).bytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    /** A tuple of ints: MARK ints TUPLE. */
    PickleWriter intTuple(long... values) {
        mark();
        for (long v : values) {
            integer(v);
        }
        return tuple();
    }

    PickleWriter mark() {
        return op('(');
    }

    PickleWriter tuple() {
        return op('t');
    }

    PickleWriter tuple1() {
        return op(0x85);
    }

    PickleWriter emptyTuple() {
        return op(')');
    }

    PickleWriter emptyDict() {
        return op('}');
    }

    PickleWriter emptyList() {
        return op(']');
    }

    PickleWriter reduce() {
        return op('R');
    }

    PickleWriter build() {
        return op('b');
    }

    PickleWriter setitem() {
        return op('s');
    }

    PickleWriter setitems() {
        return op('u');
    }

    PickleWriter binpersid() {
        return op('Q');
    }

    PickleWriter newFalse() {
        return op(0x89);
    }

    PickleWriter none() {
        return op('N');
    }

    PickleWriter binput(int i) {
        return op('q').op(i);
    }

    PickleWriter binget(int i) {
        return op('h').op(i);
    }

    PickleWriter stop() {
        return op('.');
    }

    /** {@code collections.OrderedDict()}: GLOBAL, EMPTY_TUPLE, REDUCE. */
    PickleWriter orderedDict() {
        return global("collections", "OrderedDict").emptyTuple().reduce();
    }

    /**
     * {@code _rebuild_tensor_v2(('storage', FloatStorage, key, 'cpu', numel), offset, size, stride, False,
     * OrderedDict())}, spelled out in full each time as torch would without memo references.
     */
    PickleWriter tensor(String storageKey, long storageNumel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        mark().unicode("storage").global("torch", "FloatStorage").unicode(storageKey).unicode("cpu")
                .integer(storageNumel).tuple().binpersid();
        integer(offset).intTuple(size).intTuple(stride).newFalse().orderedDict();
        return tuple().reduce();
    }

    PickleWriter op(int b) {
        out.write(b);
        return this;
    }

    PickleWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    PickleWriter ascii(String s) {
        return bytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    PickleWriter int32(int v) {
        return bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
