package org.qlstm.nn.text;

import java.util.Objects;

/** A word was looked up in a {@link Dictionary} that does not contain it. */
public final class UnknownWordException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String word;

    /**
     * @param word the word that is not in the dictionary
     * @param dictionarySize the number of words the dictionary does contain
     */
    public UnknownWordException(String word, int dictionarySize) {
        super("unknown word " + Words.quote(Objects.requireNonNull(word, "word"))
                + " (not among the " + dictionarySize + " words of the dictionary)");
        this.word = word;
    }

    /** @return the word that is not in the dictionary */
    public String word() {
        return word;
    }
}
