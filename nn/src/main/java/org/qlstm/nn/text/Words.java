package org.qlstm.nn.text;

/** Quoting of words for error messages, so that invisible characters (BOM, odd spaces) show. */
final class Words {
    private Words() {
    }

    /**
     * Longest part of a word that is quoted, in code points. A file without line breaks is one word: without
     * a limit, a message about it would be as long as the file, or six times longer once escaped.
     */
    static final int MAX_QUOTED = 120;

    /**
     * Quotes a word in double quotes, escaping {@code "} and {@code \} and writing control, format,
     * whitespace, separator, surrogate and unassigned code points as {@code \\uXXXX} (or
     * {@code \\U{XXXXXX}} beyond the BMP). A word longer than {@link #MAX_QUOTED} code points is cut
     * there and followed by {@code ... (N characters)}, N counting code points.
     */
    static String quote(String word) {
        StringBuilder sb = new StringBuilder(Math.min(word.length(), MAX_QUOTED) + 2).append('"');
        int i = 0;
        for (int shown = 0; i < word.length() && shown < MAX_QUOTED; shown++) {
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
        sb.append('"');
        if (i < word.length()) {
            sb.append("... (").append(word.codePointCount(0, word.length())).append(" characters)");
        }
        return sb.toString();
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
