package org.qlstm.verify.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An independent, whole-buffer model of how the tutorial's {@code data.py} reads a corpus file: strict UTF-8
 * validated by the well-formedness table of the Unicode standard (not by a JDK decoder, which the streaming
 * reader under test uses), universal newlines, {@code str.split()} on Python's whitespace. Slow and simple,
 * to be compared with the readers.
 */
public final class TextOracle {

    /** Python 3's {@code str.isspace()} code points (all in the BMP). */
    static final String PYTHON_WHITESPACE = "\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680"
            + "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

    private static final boolean[] SPACE = new boolean[0x3001];

    static {
        for (char c : PYTHON_WHITESPACE.toCharArray()) {
            SPACE[c] = true;
        }
    }

    private TextOracle() {
    }

    /** @return the offset of the first byte of the first ill-formed UTF-8 sequence, or -1 if all is well-formed */
    public static int firstInvalidUtf8(byte[] b) {
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            int n;
            int lo = 0x80;
            int hi = 0xbf;
            if (c < 0x80) {
                i++;
                continue;
            } else if (c >= 0xc2 && c <= 0xdf) {
                n = 1;
            } else if (c >= 0xe0 && c <= 0xef) {
                n = 2;
                lo = c == 0xe0 ? 0xa0 : 0x80;
                hi = c == 0xed ? 0x9f : 0xbf;
            } else if (c >= 0xf0 && c <= 0xf4) {
                n = 3;
                lo = c == 0xf0 ? 0x90 : 0x80;
                hi = c == 0xf4 ? 0x8f : 0xbf;
            } else {
                return i;
            }
            for (int k = 1; k <= n; k++) {
                if (i + k >= b.length) {
                    return i;
                }
                int x = b[i + k] & 0xff;
                int l = k == 1 ? lo : 0x80;
                int h = k == 1 ? hi : 0xbf;
                if (x < l || x > h) {
                    return i;
                }
            }
            i += n + 1;
        }
        return -1;
    }

    /** The text of well-formed UTF-8 bytes. */
    public static String decode(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Lines as {@code for line in open(f)} yields them, without terminators; {@code complete} drops an
     * unterminated last line.
     */
    public static List<String> lines(String text, boolean complete) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(text.substring(start, i));
                i += c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n' ? 2 : 1;
                start = i;
            } else {
                i++;
            }
        }
        if (start < text.length() && !complete) {
            lines.add(text.substring(start));
        }
        return lines;
    }

    /** {@code line.split()}. */
    public static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= line.length(); i++) {
            boolean space = i == line.length() || isSpace(line.charAt(i));
            if (space && start >= 0) {
                words.add(line.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        return words;
    }

    static boolean isSpace(char c) {
        return c < SPACE.length && SPACE[c];
    }

    /** The tokens of a text as data.py makes them: each line's words, then {@code <eos>}. */
    public static List<String> tokens(String text, boolean completeLinesOnly) {
        List<String> tokens = new ArrayList<>();
        for (String line : lines(text, completeLinesOnly)) {
            tokens.addAll(words(line));
            tokens.add("<eos>");
        }
        return tokens;
    }

    /** @return the bytes before {@code end} */
    static byte[] prefix(byte[] b, int end) {
        return Arrays.copyOf(b, end);
    }
}
