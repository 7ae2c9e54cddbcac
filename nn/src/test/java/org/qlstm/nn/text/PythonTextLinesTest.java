package org.qlstm.nn.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Line iteration against {@code for line in open(path, 'r', encoding="utf8")}. The expected
 * values were printed by Python 3.11 for files with these exact bytes.
 */
class PythonTextLinesTest {
    @TempDir
    Path dir;

    private List<String> fileLines(String content) throws IOException {
        return PythonText.readLines(Bytes.write(dir.resolve("f.txt"), content));
    }

    private void check(String content, String... expected) throws IOException {
        List<String> want = List.of(expected);
        assertEquals(want, fileLines(content), () -> "file " + Words.quote(content));
        assertEquals(want, PythonText.lines(content), () -> "string " + Words.quote(content));
        for (int buffer = 1; buffer <= 5; buffer++) {
            List<String> got = new ArrayList<>();
            PythonText.forEachLine(new StringReader(content), buffer, got::add);
            assertEquals(want, got, "buffer " + buffer + ", " + Words.quote(content));
        }
    }

    @Test
    void emptyFileHasNoLines() throws IOException {
        check("");
    }

    @Test
    void fileWithOnlyANewline() throws IOException {
        check("\n", "");
        check("\r\n", "");
        check("\r", "");
        check("\n\n", "", "");
        check("\r\r", "", "");
        check("\n\r\n\r", "", "", "");
    }

    @Test
    void lastLineWithoutTerminatorIsALine() throws IOException {
        check("a", "a");
        check("a\nb", "a", "b");
        check("  ", "  ");
        check("a\n  ", "a", "  ");
    }

    @Test
    void trailingTerminatorAddsNoEmptyLine() throws IOException {
        check("a\n", "a");
        check("a\r\nb\r\n", "a", "b");
        check("a\rb\r", "a", "b");
    }

    @Test
    void crLfAndLoneCr() throws IOException {
        check("a\r\nb", "a", "b");
        check("a\rb", "a", "b");
        check("a\n\rb", "a", "", "b");
        check("a\r\r\nb", "a", "", "b");
        check("a\r\n\nb", "a", "", "b");
    }

    @Test
    void otherUnicodeLineBreaksDoNotEndALine() throws IOException {
        String line = "a\u0085b\u2028c\u2029d\u000be\u000cf\u001cg\u001dh\u001ei";
        check(line, line);
        check(line + "\n", line);
    }

    @Test
    void bomIsKept() throws IOException {
        check("\ufeffa\n", "\ufeffa");
    }

    @Test
    void crAtTheEndOfACharBlockThenLfIsOneTerminator() throws IOException {
        int n = PythonText.DEFAULT_BUFFER;
        // \r is the last char of the first block, \n the first of the second
        String first = "x".repeat(n - 1);
        check(first + "\r\n" + "y", first, "y");
        check(first + "\r" + "y", first, "y");
        check(first + "\r" + "\r\n", first, "");
    }

    @Test
    void crAtTheEndOfAByteBlockThenLfIsOneTerminator() throws IOException {
        int block = 1 << 16; // StrictUtf8Reader's byte block
        String first = "é".repeat((block - 2) / 2) + "z"; // block - 1 bytes, so \r is byte block - 1
        assertEquals(block - 1, Bytes.utf8(first).length);
        check(first + "\r\n" + "y", first, "y");
    }

    @Test
    void linesLongerThanEveryBuffer() throws IOException {
        String longLine = "word ".repeat(50_000); // 250,000 chars: many char and byte blocks
        check(longLine + "\r\n" + longLine + "\r" + longLine, longLine, longLine, longLine);
    }

    @Test
    void supplementaryCharactersAcrossBlocks() throws IOException {
        int block = 1 << 16;
        String first = "a".repeat(block - 2) + "😀" + "b"; // the emoji's four bytes straddle the block end
        check(first + "\n😀", first, "😀");
        String odd = "a".repeat(PythonText.DEFAULT_BUFFER - 1) + "😀"; // surrogate pair straddles a char block
        check(odd, odd);
    }

    /** Python's documented universal-newline rule, written the obvious slow way. */
    private static List<String> reference(String s) {
        String t = s.replace("\r\n", "\n").replace('\r', '\n');
        if (t.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(Arrays.asList(t.split("\n", -1)));
        if (t.endsWith("\n")) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    @Test
    void randomTextWithEveryBufferSize() throws IOException {
        Random random = new Random(42);
        String[] alphabet = {"a", "b", " ", "\n", "\r", "\r\n", "\u2028", "\u0085", "😀"};
        for (int round = 0; round < 300; round++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(30);
            for (int i = 0; i < len; i++) {
                sb.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String s = sb.toString();
            List<String> want = reference(s);
            for (int buffer = 1; buffer <= 9; buffer++) {
                List<String> got = new ArrayList<>();
                PythonText.forEachLine(new StringReader(s), buffer, got::add);
                assertEquals(want, got, "buffer " + buffer + ", " + Words.quote(s));
            }
        }
    }
}
