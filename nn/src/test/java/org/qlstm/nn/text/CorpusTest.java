package org.qlstm.nn.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusTest {
    @TempDir
    Path dir;

    private void files(String train, String valid, String test) throws IOException {
        Bytes.write(dir.resolve("train.txt"), train);
        Bytes.write(dir.resolve("valid.txt"), valid);
        Bytes.write(dir.resolve("test.txt"), test);
    }

    /** Expected values printed by the tutorial's data.py (Python 3.11) for the same bytes. */
    @Test
    void matchesDataPyOnTrickyText() throws IOException {
        files("\ufeffthe cat\r\n\r\n sat\u00a0on\u2028the\u0085mat \rthe 😀\n",
                "the dog\u200bbarked\nnew",
                "cat <eos> NEW\n\n");
        Corpus c = Corpus.load(dir);
        assertEquals(List.of("\ufeffthe", "cat", "<eos>", "sat", "on", "the", "mat", "😀", "dog\u200bbarked", "new", "NEW"),
                c.dictionary().words());
        assertArrayEquals(new int[] {0, 1, 2, 2, 3, 4, 5, 6, 2, 5, 7, 2}, c.train());
        assertArrayEquals(new int[] {5, 8, 2, 9, 2}, c.valid());
        assertArrayEquals(new int[] {1, 2, 10, 2, 2}, c.test());
        assertEquals("Corpus[11 words; train 12, valid 5, test 5 tokens]", c.toString());
    }

    @Test
    void dictionaryIsInFirstSeenOrderAcrossTrainValidTest() throws IOException {
        files("b a\n", "c a\n", "d b c\n");
        Corpus c = Corpus.load(dir);
        assertEquals(List.of("b", "a", "<eos>", "c", "d"), c.dictionary().words());
        assertArrayEquals(new int[] {0, 1, 2}, c.split(Split.TRAIN));
        assertArrayEquals(new int[] {3, 1, 2}, c.split(Split.VALID));
        assertArrayEquals(new int[] {4, 0, 3, 2}, c.split(Split.TEST));
    }

    @Test
    void emptyFilesGiveNoTokensAndBlankLinesGiveEos() throws IOException {
        files("", "\n", "   ");
        Corpus c = Corpus.load(dir);
        assertEquals(List.of("<eos>"), c.dictionary().words());
        assertArrayEquals(new int[0], c.train());
        assertArrayEquals(new int[] {0}, c.valid());
        assertArrayEquals(new int[] {0}, c.test());
    }

    @Test
    void resultIsImmutable() throws IOException {
        files("a b\n", "a\n", "b\n");
        Corpus c = Corpus.load(dir);
        assertTrue(c.dictionary().isFrozen());
        int[] train = c.train();
        assertNotSame(train, c.train());
        train[0] = 99;
        assertEquals(0, c.train()[0]);
        assertEquals(3, c.tokenCount(Split.TRAIN));
    }

    @Test
    void missingFileIsNamed() throws IOException {
        Bytes.write(dir.resolve("train.txt"), "a\n");
        Bytes.write(dir.resolve("test.txt"), "a\n");
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.load(dir));
        assertEquals(dir.resolve("valid.txt") + ": no such file", e.getMessage());
    }

    @Test
    void invalidUtf8IsNamedWithFileAndOffset() throws IOException {
        files("fine\n", "fine\n", "fine\n");
        Bytes.write(dir.resolve("test.txt"), Bytes.of("ok\nbad", Bytes.raw(0xfe), "\n"));
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.load(dir));
        assertEquals(dir.resolve("test.txt") + ": invalid UTF-8 at byte 6 (0xfe)", e.getMessage());
    }

    @Test
    void tokenizeWithAFixedDictionary() throws IOException {
        Dictionary vocab = Dictionary.of(List.of("<eos>", "the", "cat"));
        Path file = Bytes.write(dir.resolve("eval.txt"), "the cat\r\ncat\n\n");
        assertArrayEquals(new int[] {1, 2, 0, 2, 0, 0}, Corpus.tokenize(file, vocab));
        Dictionary growing = new Dictionary();
        growing.addWord("the");
        growing.addWord("cat");
        growing.addWord("<eos>");
        assertArrayEquals(new int[] {0, 1, 2, 1, 2, 2}, Corpus.tokenize(file, growing));
        assertEquals(3, growing.size()); // not modified
    }

    @Test
    void tokenizeRejectsUnknownWordsWithFileLineAndWord() throws IOException {
        Dictionary vocab = Dictionary.of(List.of("<eos>", "the", "cat"));
        Path file = Bytes.write(dir.resolve("eval.txt"), "the cat\r\rthe\rthe dog\n");
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.tokenize(file, vocab));
        assertEquals(file + ": line 4: unknown word \"dog\" (not among the 3 words of the dictionary)", e.getMessage());
        assertEquals("dog", ((UnknownWordException) e.getCause()).word());
    }

    @Test
    void tokenizeNeedsEos() throws IOException {
        Path file = Bytes.write(dir.resolve("eval.txt"), "a\n");
        CorpusException e = assertThrows(CorpusException.class,
                () -> Corpus.tokenize(file, Dictionary.of(List.of("a"))));
        assertEquals(file + ": line 1: unknown word \"<eos>\" (not among the 1 words of the dictionary)", e.getMessage());
    }

    @Test
    void ofValidatesIds() {
        Dictionary d = Dictionary.of(List.of("a", "<eos>"));
        Corpus c = Corpus.of(d, new int[] {0, 1}, new int[] {1}, new int[0]);
        assertArrayEquals(new int[] {0, 1}, c.train());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Corpus.of(d, new int[] {0}, new int[] {0, 2}, new int[0]));
        assertEquals("valid[1] = 2 is not a word id of a dictionary of 2 words", e.getMessage());
    }
}
