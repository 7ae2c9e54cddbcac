package org.qlstm.nn.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Words numbered {@code 0, 1, 2, ...} in the order they were first added, as the tutorial's
 * {@code Dictionary} ({@code word2idx} / {@code idx2word}).
 *
 * <p>A dictionary is either growing (made with {@link #Dictionary()}) or <em>frozen</em>
 * (from {@link #frozen()} or {@link #of(List)}): a frozen dictionary is immutable and safe to share
 * between threads; {@link #addWord(String)} on it still returns the id of a known word but throws
 * for a new one. A growing dictionary is not thread-safe.
 */
public final class Dictionary {
    private final Map<String, Integer> ids;
    private final List<String> words;
    private final List<String> wordsView;
    private final boolean frozen;

    /** An empty, growing dictionary. */
    public Dictionary() {
        this(new HashMap<>(), new ArrayList<>(), false);
    }

    private Dictionary(Map<String, Integer> ids, List<String> words, boolean frozen) {
        this.ids = ids;
        this.words = words;
        this.wordsView = Collections.unmodifiableList(words);
        this.frozen = frozen;
    }

    /**
     * A frozen dictionary whose word {@code i} is {@code words.get(i)}, for example a model's saved
     * vocabulary.
     *
     * @param words distinct, non-null words in id order
     * @return a new frozen dictionary
     * @throws IllegalArgumentException if a word occurs twice
     */
    public static Dictionary of(List<String> words) {
        Dictionary d = new Dictionary(new HashMap<>(words.size() * 4 / 3 + 1), new ArrayList<>(words.size()), false);
        for (String w : words) {
            Objects.requireNonNull(w, "word");
            OptionalInt seen = d.find(w);
            if (seen.isPresent()) {
                throw new IllegalArgumentException("duplicate word " + Words.quote(w) + " at ids "
                        + seen.getAsInt() + " and " + d.size());
            }
            d.addWord(w);
        }
        return new Dictionary(d.ids, d.words, true);
    }

    /**
     * Python's {@code add_word}: the id of {@code word}, giving it the next id first if it is new.
     *
     * @param word the word, not null
     * @return its id
     * @throws UnsupportedOperationException if this dictionary is frozen and the word is new
     */
    public int addWord(String word) {
        Integer id = ids.get(Objects.requireNonNull(word, "word"));
        if (id != null) {
            return id;
        }
        if (frozen) {
            throw new UnsupportedOperationException("dictionary is frozen; cannot add new word " + Words.quote(word));
        }
        int next = words.size();
        words.add(word);
        ids.put(word, next);
        return next;
    }

    /**
     * The id of a known word ({@code word2idx[word]}).
     *
     * @param word the word
     * @return its id
     * @throws UnknownWordException naming the word if it is not in the dictionary
     */
    public int idOf(String word) {
        Integer id = ids.get(Objects.requireNonNull(word, "word"));
        if (id == null) {
            throw new UnknownWordException(word, size());
        }
        return id;
    }

    /**
     * @param word the word
     * @return its id, or empty if it is not in the dictionary
     */
    public OptionalInt find(String word) {
        Integer id = ids.get(Objects.requireNonNull(word, "word"));
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /**
     * @param word the word
     * @return whether the dictionary contains it
     */
    public boolean contains(String word) {
        return ids.containsKey(Objects.requireNonNull(word, "word"));
    }

    /**
     * The word with an id ({@code idx2word[id]}).
     *
     * @param id an id in {@code 0 .. size() - 1}
     * @return the word
     * @throws IndexOutOfBoundsException if there is no such id
     */
    public String word(int id) {
        if (id < 0 || id >= words.size()) {
            throw new IndexOutOfBoundsException("word id " + id + " out of range 0.." + (words.size() - 1));
        }
        return words.get(id);
    }

    /** @return the number of words ({@code len(idx2word)}) */
    public int size() {
        return words.size();
    }

    /**
     * @return an unmodifiable view of the words in id order; for a growing dictionary it shows
     *     words added later
     */
    public List<String> words() {
        return wordsView;
    }

    /** @return whether this dictionary is frozen (immutable) */
    public boolean isFrozen() {
        return frozen;
    }

    /**
     * @return this dictionary if it is frozen, else a frozen copy of its current words (later
     *     additions to this one do not show in the copy)
     */
    public Dictionary frozen() {
        if (frozen) {
            return this;
        }
        return new Dictionary(new HashMap<>(ids), new ArrayList<>(words), true);
    }

    /** Equal to another dictionary with the same words in the same order, frozen or not. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Dictionary d && words.equals(d.words);
    }

    @Override
    public int hashCode() {
        return words.hashCode();
    }

    @Override
    public String toString() {
        return "Dictionary[" + size() + " words" + (frozen ? ", frozen]" : "]");
    }
}
