package org.qlstm.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Lookups, their error messages, and the non-finite scan. */
class StateDictTest {
    private static final Path FILE = Path.of("models", "m.pth");

    private static StateDict sample() {
        return StateDict.of(FILE, List.of(
                new Tensor("encoder.weight", new int[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6}),
                new Tensor("decoder.bias", new int[] {3}, new float[] {0, 0, 0})));
    }

    @Test
    void looksTensorsUpByName() throws Exception {
        StateDict sd = sample();

        assertEquals(List.of("encoder.weight", "decoder.bias"), sd.names());
        assertEquals(2, sd.size());
        assertTrue(sd.contains("decoder.bias"));
        assertSame(sd.get("encoder.weight"), sd.tensor("encoder.weight", 2));
        assertSame(sd.get("decoder.bias"), sd.tensorWithShape("decoder.bias", 3));
        assertThrows(UnsupportedOperationException.class, () -> sd.names().add("x"));
    }

    @Test
    void missingTensorNamesKeyFileAndWhatThereIs() {
        ModelFileException e = assertThrows(ModelFileException.class, () -> sample().get("rnn.weight_ih_l0"));

        assertEquals(FILE + ": no tensor named 'rnn.weight_ih_l0' in the state_dict (it has 2 tensors:"
                + " encoder.weight, decoder.bias)", e.getMessage());
        assertEquals(FILE, e.file());
    }

    @Test
    void wrongRankOrShapeIsReported() {
        ModelFileException rank = assertThrows(ModelFileException.class, () -> sample().tensor("decoder.bias", 2));
        ModelFileException shape = assertThrows(ModelFileException.class,
                () -> sample().tensorWithShape("encoder.weight", 2, 3));

        assertEquals(FILE + ": tensor 'decoder.bias' has 1 dimensions [3], expected 2", rank.getMessage());
        assertEquals(FILE + ": tensor 'encoder.weight' has shape [3, 2], expected [2, 3]", shape.getMessage());
    }

    @Test
    void findsTheFirstNonFiniteValueInFileOrder() {
        StateDict sd = StateDict.of(FILE, List.of(
                new Tensor("a", new int[] {2}, new float[] {1, Float.MAX_VALUE}),
                new Tensor("b", new int[] {3}, new float[] {0, Float.NEGATIVE_INFINITY, Float.NaN}),
                new Tensor("c", new int[] {1}, new float[] {Float.NaN})));

        StateDict.NonFinite found = sd.findNonFinite().orElseThrow();
        assertEquals(new StateDict.NonFinite("b", 1, Float.NEGATIVE_INFINITY), found);
        assertEquals("b[1] = -Infinity", found.toString());
        assertFalse(sample().findNonFinite().isPresent());
    }

    @Test
    void refusesDuplicateNames() {
        Tensor t = new Tensor("w", new int[] {1}, new float[] {1});
        assertThrows(IllegalArgumentException.class, () -> StateDict.of(FILE, List.of(t, t)));
    }

    @Test
    void tensorCopiesItsShape() {
        int[] shape = {2, 2};
        Tensor t = new Tensor("w", shape, new float[4]);
        shape[0] = 9;
        t.shape()[1] = 9;

        assertArrayEquals(new int[] {2, 2}, t.shape());
        assertEquals(2, t.dim(1));
        assertEquals(4, t.numel());
        assertEquals(2, t.rank());
        assertEquals("Tensor[w [2, 2]]", t.toString());
    }

    @Test
    void tensorChecksDataAgainstShape() {
        assertThrows(IllegalArgumentException.class, () -> new Tensor("w", new int[] {2, 3}, new float[5]));
        assertThrows(IllegalArgumentException.class, () -> new Tensor("w", new int[] {-1}, new float[0]));
        assertThrows(IllegalArgumentException.class,
                () -> new Tensor("w", new int[] {1 << 16, 1 << 16}, new float[0]));
    }

    @Test
    void exceptionMessageIsOneLine() {
        ModelFileException e = new ModelFileException(FILE, "first\nsecond\r\nthird");
        assertEquals(FILE + ": first second third", e.getMessage());
        assertEquals("first second third", e.problem());
    }
}
