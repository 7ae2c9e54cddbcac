package org.qlstm.verify.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qlstm.nn.text.Corpus;
import org.qlstm.nn.text.CorpusException;
import org.qlstm.nn.text.Dictionary;
import org.qlstm.nn.text.UnknownWordException;

/** Hand-made hostile corpus files for {@code Corpus.load} and {@code Corpus.tokenize}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileCorpusFilesTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @TempDir
    Path dir;

    private void corpus(byte[] train, byte[] valid, byte[] test) throws IOException {
        Files.write(dir.resolve("train.txt"), train);
        Files.write(dir.resolve("valid.txt"), valid);
        Files.write(dir.resolve("test.txt"), test);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Regression: the message quoted the whole word, so a file without spaces gave a message six times its size. */
    @Test
    void aHugeUnknownWordGivesAShortMessageQuickly() throws IOException {
        String word = "\u200b".repeat(700_000); // 2.1 MB of zero-width spaces: one word, not whitespace to Python
        Path file = Files.write(dir.resolve("text.txt"), utf8("the " + word + "\n"));
        Dictionary dictionary = Dictionary.of(List.of("the", Corpus.EOS));

        long cpu = THREADS.getCurrentThreadCpuTime();
        long allocated = THREADS.getCurrentThreadAllocatedBytes();
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.tokenize(file, dictionary));
        long cpuMillis = (THREADS.getCurrentThreadCpuTime() - cpu) / 1_000_000;
        long allocatedMiB = (THREADS.getCurrentThreadAllocatedBytes() - allocated) >> 20;

        assertTrue(e.getMessage().startsWith(file + ": line 1: unknown word \"\\u200b\\u200b"), e.getMessage());
        assertTrue(e.getMessage().contains("\"... (700000 characters) (not among the 2 words"), e.getMessage());
        assertTrue(e.getMessage().length() < 1_000, () -> e.getMessage().length() + " chars");
        assertEquals(word, assertInstanceOf(UnknownWordException.class, e.getCause()).word());
        assertTrue(cpuMillis < 2_000, () -> cpuMillis + " ms");
        assertTrue(allocatedMiB < 128, () -> allocatedMiB + " MiB allocated");
    }

    @Test
    void illFormedUtf8IsRefusedNamingTheFileAndTheByte() throws IOException {
        corpus(utf8("a b\n"), new byte[] {'o', 'k', '\n', 'x', (byte) 0xc0, (byte) 0x80, '\n'}, utf8("a\n"));
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.load(dir));
        assertEquals(dir.resolve("valid.txt") + ": invalid UTF-8 at byte 4 (0xc0)", e.getMessage());

        corpus(utf8("a b\n"), utf8("a\n"), new byte[] {'a', ' ', (byte) 0xed, (byte) 0xa0, (byte) 0x80}); // a surrogate
        e = assertThrows(CorpusException.class, () -> Corpus.load(dir));
        assertEquals(dir.resolve("test.txt") + ": invalid UTF-8 at byte 2 (0xed)", e.getMessage());
    }

    @Test
    void nulBytesAreWordCharactersAndEveryPythonWhitespaceSeparates() throws IOException {
        StringBuilder line = new StringBuilder("a\u0000b");
        List<String> expected = new ArrayList<>(List.of("a\u0000b"));
        for (char c : TextOracle.PYTHON_WHITESPACE.toCharArray()) {
            if (c != '\n' && c != '\r') {
                String w = "w" + (int) c;
                line.append(c).append(w);
                expected.add(w);
            }
        }
        line.append("\u200b\u180e\ufeff"); // not whitespace to Python: part of the last word
        expected.set(expected.size() - 1, expected.get(expected.size() - 1) + "\u200b\u180e\ufeff");
        expected.add(Corpus.EOS);
        corpus(utf8(line + "\n"), utf8("\u0000\u0000\n"), new byte[0]);

        Corpus c = Corpus.load(dir);
        List<String> words = new ArrayList<>(expected);
        words.add("\u0000\u0000");
        assertEquals(words, c.dictionary().words());
        assertArrayEquals(new int[] {words.size() - 1, words.indexOf(Corpus.EOS)}, c.valid());
    }

    @Test
    void missingFilesAndDirectoriesAreNamed() throws IOException {
        Files.write(dir.resolve("train.txt"), utf8("a\n"));
        Files.write(dir.resolve("valid.txt"), utf8("a\n"));
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.load(dir));
        assertEquals(dir.resolve("test.txt") + ": no such file", e.getMessage());

        Files.createDirectory(dir.resolve("test.txt"));
        e = assertThrows(CorpusException.class, () -> Corpus.load(dir));
        assertEquals(dir.resolve("test.txt") + ": is a directory, not a file", e.getMessage());
    }

    @Test
    void aHugeLineOfKnownWordsIsReadInLinearTime() throws IOException {
        String line = "the cat sat ".repeat(700_000); // 8.4 MB, no line break
        Path file = Files.write(dir.resolve("text.txt"), utf8(line));
        Dictionary dictionary = Dictionary.of(List.of("the", "cat", "sat", Corpus.EOS));

        long cpu = THREADS.getCurrentThreadCpuTime();
        int[] ids = Corpus.tokenize(file, dictionary);
        long cpuMillis = (THREADS.getCurrentThreadCpuTime() - cpu) / 1_000_000;

        assertEquals(2_100_001, ids.length);
        assertEquals(3, ids[ids.length - 1]);
        assertTrue(cpuMillis < 4_000, () -> cpuMillis + " ms");
    }
}
