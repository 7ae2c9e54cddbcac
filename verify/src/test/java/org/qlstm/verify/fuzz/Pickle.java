package org.qlstm.verify.fuzz;

import java.util.ArrayList;
import java.util.List;

/** Writes pickles opcode by opcode for hand-made hostile files. */
public final class Pickle {
    private final List<PickleOps.Op> ops = new ArrayList<>();

    public static Pickle proto(int version) {
        return new Pickle().op(PickleOps.PROTO, version);
    }

    /** Appends an opcode, with one-byte arguments if any. */
    public Pickle op(int code, int... arg) {
        byte[] a = new byte[arg.length];
        for (int i = 0; i < arg.length; i++) {
            a[i] = (byte) arg[i];
        }
        ops.add(new PickleOps.Op(code, a));
        return this;
    }

    public Pickle op(PickleOps.Op op) {
        ops.add(op);
        return this;
    }

    public Pickle repeat(int times, int code) {
        for (int i = 0; i < times; i++) {
            op(code);
        }
        return this;
    }

    public Pickle global(String module, String name) {
        return op(PickleOps.global(module, name));
    }

    public Pickle stackGlobal(String module, String name) {
        return str(module, true).str(name, true).op(PickleOps.STACK_GLOBAL);
    }

    public Pickle str(String s) {
        return str(s, false);
    }

    public Pickle str(String s, boolean shortForm) {
        return op(PickleOps.string(s, shortForm));
    }

    public Pickle integer(long v) {
        return op(PickleOps.integer(v));
    }

    public Pickle integer(java.math.BigInteger v) {
        return op(PickleOps.integer(v, null));
    }

    public byte[] bytes() {
        return PickleOps.assemble(ops);
    }
}
