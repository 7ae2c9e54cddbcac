package org.qlstm.nn.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PythonWhitespaceTest {
    /**
     * Every code point for which {@code chr(c).isspace()} is true, as printed by Debian's Python
     * 3.11.2:
     * {@code /usr/bin/python3 -c "import sys; print([hex(c) for c in range(sys.maxunicode+1) if chr(c).isspace()])"}
     */
    private static final int[] PYTHON_WHITESPACE = {
        0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
        0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
        0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
    };

    @Test
    void everyCodePointMatchesPython() {
        List<Integer> expected = new ArrayList<>();
        for (int c : PYTHON_WHITESPACE) {
            expected.add(c);
        }
        List<Integer> actual = new ArrayList<>();
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            if (PythonText.isPythonWhitespace(c)) {
                actual.add(c);
            }
        }
        assertEquals(expected, actual);
    }

    @Test
    void outOfRangeValuesAreNotWhitespace() {
        for (int c : new int[] {-1, Integer.MIN_VALUE, Character.MAX_CODE_POINT + 1, Integer.MAX_VALUE}) {
            assertFalse(PythonText.isPythonWhitespace(c), Integer.toHexString(c));
        }
    }

    @Test
    void notableNonWhitespace() {
        // zero width space, Mongolian vowel separator, BOM / zero width no-break space, word joiner
        for (int c : new int[] {0x200b, 0x180e, 0xfeff, 0x2060, 0x0, 0x7f}) {
            assertFalse(PythonText.isPythonWhitespace(c), Integer.toHexString(c));
        }
    }

    @Test
    void noSurrogateIsWhitespace() {
        // split() scans UTF-16 code units; that is exact only because of this
        for (int c = Character.MIN_SURROGATE; c <= Character.MAX_SURROGATE; c++) {
            assertFalse(PythonText.isPythonWhitespace(c));
        }
    }
}
