package org.qlstm.nn.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DictionaryTest {
    @Test
    void idsInFirstSeenOrder() {
        Dictionary d = new Dictionary();
        assertEquals(0, d.addWord("the"));
        assertEquals(1, d.addWord("cat"));
        assertEquals(0, d.addWord("the"));
        assertEquals(2, d.addWord("<eos>"));
        assertEquals(1, d.addWord("cat"));
        assertEquals(3, d.size());
        assertEquals(List.of("the", "cat", "<eos>"), d.words());
        assertEquals("cat", d.word(1));
        assertEquals(2, d.idOf("<eos>"));
        assertEquals(OptionalInt.of(0), d.find("the"));
        assertEquals(OptionalInt.empty(), d.find("dog"));
        assertTrue(d.contains("cat"));
        assertFalse(d.contains("Cat"));
    }

    @Test
    void wordsAreExactStrings() {
        Dictionary d = new Dictionary();
        assertEquals(0, d.addWord("\ufeffa"));
        assertEquals(1, d.addWord("a"));
        assertEquals(2, d.addWord("a\u200b"));
        assertEquals(3, d.addWord("😀"));
        assertEquals(4, d.size());
    }

    @Test
    void unknownWordIsNamed() {
        Dictionary d = Dictionary.of(List.of("a", "b"));
        UnknownWordException e = assertThrows(UnknownWordException.class, () -> d.idOf("zebra\u200b"));
        assertEquals("zebra\u200b", e.word());
        assertEquals("unknown word \"zebra\\u200b\" (not among the 2 words of the dictionary)", e.getMessage());
        assertTrue(e instanceof IllegalArgumentException);
    }

    @Test
    void wordIdOutOfRange() {
        Dictionary d = Dictionary.of(List.of("a"));
        assertThrows(IndexOutOfBoundsException.class, () -> d.word(1));
        assertThrows(IndexOutOfBoundsException.class, () -> d.word(-1));
    }

    @Test
    void wordsViewIsUnmodifiableAndLive() {
        Dictionary d = new Dictionary();
        List<String> view = d.words();
        d.addWord("x");
        assertEquals(List.of("x"), view);
        assertThrows(UnsupportedOperationException.class, () -> view.add("y"));
    }

    @Test
    void frozenCopyIsImmutableAndDetached() {
        Dictionary d = new Dictionary();
        d.addWord("a");
        Dictionary f = d.frozen();
        assertTrue(f.isFrozen());
        assertFalse(d.isFrozen());
        assertSame(f, f.frozen());
        assertEquals(0, f.addWord("a"));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> f.addWord("b"));
        assertEquals("dictionary is frozen; cannot add new word \"b\"", e.getMessage());
        d.addWord("b");
        assertEquals(1, f.size());
        assertEquals(2, d.size());
        assertNotEquals(d, f);
    }

    @Test
    void ofBuildsFrozenInOrderAndRejectsDuplicates() {
        Dictionary d = Dictionary.of(List.of("x", "<eos>", "y"));
        assertTrue(d.isFrozen());
        assertEquals(1, d.idOf("<eos>"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dictionary.of(List.of("x", "y", "x")));
        assertEquals("duplicate word \"x\" at ids 0 and 2", e.getMessage());
        assertThrows(NullPointerException.class, () -> Dictionary.of(java.util.Arrays.asList("x", null)));
    }

    @Test
    void equalityIsByWordsInOrder() {
        Dictionary a = new Dictionary();
        a.addWord("p");
        a.addWord("q");
        assertEquals(Dictionary.of(List.of("p", "q")), a);
        assertEquals(Dictionary.of(List.of("p", "q")).hashCode(), a.hashCode());
        assertNotEquals(Dictionary.of(List.of("q", "p")), a);
        assertEquals("Dictionary[2 words]", a.toString());
        assertEquals("Dictionary[2 words, frozen]", a.frozen().toString());
    }
}
