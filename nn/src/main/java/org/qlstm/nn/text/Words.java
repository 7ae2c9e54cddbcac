package org.qlstm.nn.text;

/** Quoting of words for error messages, so that invisible characters (BOM, odd spaces) show. */
final class Words {
    private Words() {
    }

    /**
     * Quotes a word in double quotes, escaping {@code "} and {@code \} and writing control, format,
     * whitespace, separator, surrogate and unassigned code points as {@code \\uXXXX} (or
     * {@code \\U{XXXXXX}} beyond the BMP).
     */
    static String quote(String word) {
        StringBuilder sb = new StringBuilder(word.length() + 2).append('"');
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '"' || cp == '\\') {
                sb.append('\\').append((char) cp);
            } else if (visible(cp)) {
                sb.appendCodePoint(cp);
            } else if (cp <= 0xFFFF) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.append(String.format("\\U{%06x}", cp));
            }
        }
        return sb.append('"').toString();
    }

    private static boolean visible(int cp) {
        if (cp == ' ') {
            return true;
        }
        if (PythonText.isPythonWhitespace(cp)) {
            return false;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                    Character.UNASSIGNED, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }
}
