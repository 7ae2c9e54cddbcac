package org.qlstm.nn.io;

import java.util.Collection;
import java.util.Map;

/** Safe descriptions of untrusted pickle values for error messages. */
final class Text {
    private static final int MAX_QUOTED = 120;

    private Text() {
    }

    /**
     * Quotes a string from the file: control characters escaped, length capped, so a hostile name can
     * neither break our one-line messages nor flood them.
     */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < s.length() && i < MAX_QUOTED; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append(s.length() > MAX_QUOTED ? "...'" : "'").toString();
    }

    /** @return the type name with its article, e.g. "an int", "a tuple" */
    static String aType(Object v) {
        String name = typeName(v);
        return ("aeiou".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
    }

    /**
     * The Python type name of an unpickled value. Never prints the value itself: it may be huge or nest
     * deeply enough for {@code toString} to overflow the stack.
     */
    static String typeName(Object v) {
        if (v == null) {
            return "None";
        } else if (v instanceof String) {
            return "str";
        } else if (v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger) {
            return "int";
        } else if (v instanceof Double) {
            return "float";
        } else if (v instanceof Boolean) {
            return "bool";
        } else if (v instanceof Object[]) {
            return "tuple";
        } else if (v instanceof byte[]) {
            return "bytes";
        } else if (v instanceof TorchGlobals.RawTensor || v instanceof TensorRef) {
            return "tensor";
        } else if (v instanceof StorageRef) {
            return "storage";
        } else if (v instanceof TorchGlobals.PyCallable || v instanceof TorchGlobals.StorageType) {
            return "global";
        } else if (v instanceof Map) {
            return "dict";
        } else if (v instanceof Collection) {
            return "list";
        }
        return v.getClass().getSimpleName();
    }
}
