package org.qlstm.nn.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SplitTest {
    @Test
    void orderNamesAndFiles() {
        assertEquals(List.of(Split.TRAIN, Split.VALID, Split.TEST), List.of(Split.values()));
        assertEquals("valid", Split.VALID.lowerName());
        assertEquals("test.txt", Split.TEST.fileName());
    }

    @Test
    void parseLowercaseNames() {
        assertEquals(Split.TRAIN, Split.parse("train"));
        assertEquals(Split.VALID, Split.parse("valid"));
        assertEquals(Split.TEST, Split.parse("test"));
    }

    @Test
    void parseRejectsOthersClearly() {
        for (String bad : new String[] {"TRAIN", "Train", "validation", "", " test"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Split.parse(bad));
            assertEquals("unknown split " + Words.quote(bad) + "; expected one of: train, valid, test", e.getMessage());
        }
    }
}
