package org.qlstm.nn.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link PythonText#split(String)} against Python's {@code str.split()}. */
class PythonTextSplitTest {
    private static void check(String line, String... expected) {
        assertEquals(List.of(expected), PythonText.split(line), () -> Words.quote(line));
    }

    @Test
    void emptyAndBlank() {
        check("");
        check(" ");
        check("   \t  ");
        check("\u3000\u00a0\u2028\u0085\u001c\u000b\u000c\r\n");
    }

    @Test
    void leadingTrailingAndRepeatedWhitespace() {
        check("a", "a");
        check("  a", "a");
        check("a  ", "a");
        check("  hello   world  ", "hello", "world");
        check(" = Valkyria Chronicles III = ", "=", "Valkyria", "Chronicles", "III", "=");
    }

    @Test
    void everyPythonWhitespaceSeparates() {
        for (int c = 0; c <= 0x3000; c++) {
            if (PythonText.isPythonWhitespace(c)) {
                check("x" + Character.toString(c) + "y", "x", "y");
            }
        }
    }

    @Test
    void mixedUnicodeSpaces() {
        check("a\u00a0b\u2009c\u202fd\u205fe\u3000f\u1680g\u0085h\u2029i\u001fj",
                "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
    }

    @Test
    void zeroWidthAndOtherNonSpacesDoNotSplit() {
        check("a\u200bb", "a\u200bb");
        check("a\u180eb", "a\u180eb");
        check("a\u2060b", "a\u2060b");
        check("a\u0000b", "a\u0000b");
        check("\u200b", "\u200b");
    }

    @Test
    void bomIsKeptAsPartOfTheWord() {
        check("\ufeffword next", "\ufeffword", "next");
        check("\ufeff", "\ufeff");
    }

    @Test
    void supplementaryCharacters() {
        check("😀 a😀b\u3000😀😀", "😀", "a😀b", "😀😀");
        check("\uD835\uDC00\u2003\uD835\uDC01", "\uD835\uDC00", "\uD835\uDC01");
    }

    @Test
    void eosIsJustAWord() {
        check("<eos> <unk>", "<eos>", "<unk>");
    }
}
