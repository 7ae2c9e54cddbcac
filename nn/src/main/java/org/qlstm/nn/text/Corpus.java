package org.qlstm.nn.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The tutorial's {@code Corpus}: the word ids of {@code train.txt}, {@code valid.txt} and
 * {@code test.txt} under one {@link Dictionary} built in that order.
 *
 * <p>Each file is read as Python's {@code open(path, 'r', encoding="utf8")} iterated line by line
 * ({@link PythonText#forEachLine(Path, Consumer)}); each line becomes {@code line.split() + ['<eos>']}
 * ({@link PythonText#split(String)}), every word is added to the dictionary on first sight, and the
 * file's ids are concatenated. Python reads each file twice (add words, then map them); one pass
 * gives the same ids and dictionary because ids are handed out in first-seen order either way.
 *
 * <p>Instances are immutable: the dictionary is frozen and the id arrays are copied out.
 */
public final class Corpus {
    /** The word appended to every line. */
    public static final String EOS = "<eos>";

    private final Dictionary dictionary;
    private final Map<Split, int[]> ids;

    private Corpus(Dictionary dictionary, Map<Split, int[]> ids) {
        this.dictionary = dictionary;
        this.ids = ids;
    }

    /**
     * Reads {@code train.txt}, {@code valid.txt} and {@code test.txt} from a directory, in that
     * order, building the dictionary as {@code data.py} does.
     *
     * @param dir the corpus directory, e.g. {@code wikitext-2}
     * @return the corpus, with a frozen dictionary
     * @throws CorpusException naming the file if one is missing, unreadable or not valid UTF-8
     */
    public static Corpus load(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Dictionary dictionary = new Dictionary();
        Map<Split, int[]> ids = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            ids.put(split, read(dir.resolve(split.fileName()), dictionary, true));
        }
        return new Corpus(dictionary.frozen(), ids);
    }

    /**
     * A corpus from ids already made, e.g. for tests or a model's own vocabulary.
     *
     * @param dictionary the dictionary the ids refer to (frozen, or copied into a frozen one)
     * @param train the ids of the training text
     * @param valid the ids of the validation text
     * @param test the ids of the test text
     * @return the corpus, holding copies of the arrays
     * @throws IllegalArgumentException if an id is outside {@code 0 .. dictionary.size() - 1}
     */
    public static Corpus of(Dictionary dictionary, int[] train, int[] valid, int[] test) {
        Dictionary frozen = Objects.requireNonNull(dictionary, "dictionary").frozen();
        Map<Split, int[]> ids = new EnumMap<>(Split.class);
        ids.put(Split.TRAIN, checked(Split.TRAIN, train, frozen.size()));
        ids.put(Split.VALID, checked(Split.VALID, valid, frozen.size()));
        ids.put(Split.TEST, checked(Split.TEST, test, frozen.size()));
        return new Corpus(frozen, ids);
    }

    private static int[] checked(Split split, int[] ids, int size) {
        int[] copy = Objects.requireNonNull(ids, split.lowerName()).clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] < 0 || copy[i] >= size) {
                throw new IllegalArgumentException(split.lowerName() + "[" + i + "] = " + copy[i]
                        + " is not a word id of a dictionary of " + size + " words");
            }
        }
        return copy;
    }

    /**
     * Maps a file to ids with an existing dictionary, without adding words: for evaluating text
     * that must match a model's vocabulary. Lines are read and split as in {@link #load(Path)} and
     * each line ends with {@link #EOS}, which the dictionary must therefore contain.
     *
     * @param file the UTF-8 text file
     * @param dictionary the vocabulary; it is not modified
     * @return the ids of the file's words
     * @throws CorpusException if the file is missing, unreadable or not valid UTF-8, or holds a word
     *     not in the dictionary; the message names the file, the 1-based line number and the word
     */
    public static int[] tokenize(Path file, Dictionary dictionary) throws IOException {
        return read(Objects.requireNonNull(file, "file"), Objects.requireNonNull(dictionary, "dictionary"), false);
    }

    private static int[] read(Path file, Dictionary dictionary, boolean addWords) throws IOException {
        long size = Files.isRegularFile(file) ? Files.size(file) : 0;
        LineTokenizer tokenizer = new LineTokenizer(dictionary, addWords, (int) Math.min(size / 5 + 16, 1 << 28));
        try {
            PythonText.forEachLine(file, tokenizer);
        } catch (UnknownWordException e) {
            throw new CorpusException(file, "line " + tokenizer.lines + ": " + e.getMessage(), e);
        }
        return tokenizer.ids();
    }

    /** Turns each line into {@code split() + ['<eos>']} ids. */
    private static final class LineTokenizer implements Consumer<String> {
        private final Dictionary dictionary;
        private final boolean addWords;
        private final Consumer<String> wordSink;
        private int[] ids;
        private int count;
        long lines;

        LineTokenizer(Dictionary dictionary, boolean addWords, int capacity) {
            this.dictionary = dictionary;
            this.addWords = addWords;
            this.ids = new int[capacity];
            this.wordSink = this::word;
        }

        @Override
        public void accept(String line) {
            lines++;
            PythonText.forEachWord(line, wordSink);
            word(EOS);
        }

        private void word(String word) {
            int id = addWords ? dictionary.addWord(word) : dictionary.idOf(word);
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, Math.max(16, ids.length + (ids.length >> 1)));
            }
            ids[count++] = id;
        }

        int[] ids() {
            return Arrays.copyOf(ids, count);
        }
    }

    /** @return the frozen dictionary of all three splits */
    public Dictionary dictionary() {
        return dictionary;
    }

    /** @return a copy of the ids of {@code train.txt} */
    public int[] train() {
        return split(Split.TRAIN);
    }

    /** @return a copy of the ids of {@code valid.txt} */
    public int[] valid() {
        return split(Split.VALID);
    }

    /** @return a copy of the ids of {@code test.txt} */
    public int[] test() {
        return split(Split.TEST);
    }

    /**
     * @param split which part
     * @return a copy of its ids
     */
    public int[] split(Split split) {
        return ids.get(Objects.requireNonNull(split, "split")).clone();
    }

    /**
     * @param split which part
     * @return its number of tokens ({@code <eos>} included), without copying the ids
     */
    public int tokenCount(Split split) {
        return ids.get(Objects.requireNonNull(split, "split")).length;
    }

    @Override
    public String toString() {
        return "Corpus[" + dictionary.size() + " words; train " + tokenCount(Split.TRAIN) + ", valid "
                + tokenCount(Split.VALID) + ", test " + tokenCount(Split.TEST) + " tokens]";
    }
}
