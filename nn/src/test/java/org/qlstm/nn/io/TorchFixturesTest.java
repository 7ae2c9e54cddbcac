package org.qlstm.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by real PyTorch 1.13 ({@code src/test/resources/org/qlstm/nn/io/make_fixtures.py}, run
 * once, outputs committed): proof that we read what torch.save actually writes, not only what our own
 * test writer produces.
 */
class TorchFixturesTest {
    @TempDir
    Path dir;

    /** Copies a fixture out of the classpath, so tests use a plain file as users do. */
    private Path fixture(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("test resource " + name + " missing");
            }
            Path file = dir.resolve(name);
            Files.copy(in, file);
            return file;
        }
    }

    @Test
    void readsViewsOfOneStorage() throws Exception {
        StateDict sd = PthReader.read(fixture("views.pth"));

        assertEquals(List.of("whole", "transposed", "row1", "col2", "scalar", "empty"), sd.names());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, sd.tensor("whole", 2).data());
        assertArrayEquals(new int[] {4, 3}, sd.get("transposed").shape());
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, sd.get("transposed").data());
        assertArrayEquals(new float[] {4, 5, 6, 7}, sd.get("row1").data());
        assertArrayEquals(new float[] {2, 6, 10}, sd.get("col2").data());
        assertArrayEquals(new float[] {-1.5f}, sd.tensor("scalar", 0).data());
        assertArrayEquals(new int[] {0}, sd.get("empty").shape());
    }

    @Test
    void readsAModuleStateDictWithMetadata() throws Exception {
        StateDict sd = PthReader.read(fixture("lstm_small.pth"));

        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"), sd.names());
        int[][] shapes = {{8, 3}, {8, 2}, {8}, {8}};
        for (int p = 0; p < 4; p++) {
            Tensor t = sd.tensorWithShape(sd.names().get(p), shapes[p]);
            for (int i = 0; i < t.numel(); i++) { // the script set parameter p to arange / 8 + p
                assertEquals(i / 8f + p, t.data()[i], t.name() + "[" + i + "]");
            }
        }
    }

    @Test
    void readsPickleProtocol4() throws Exception {
        StateDict sd = PthReader.read(fixture("protocol4.pth"));

        assertArrayEquals(new int[] {3, 4}, sd.get("w").shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, sd.get("w").data());
    }

    @Test
    void refusesOtherDtypesByStorageName() throws Exception {
        Path doubles = fixture("double.pth");
        ModelFileException e = assertThrows(ModelFileException.class, () -> PthReader.read(doubles));
        assertTrue(e.getMessage().startsWith(doubles + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("torch.DoubleStorage"), e.getMessage());

        Path halves = fixture("half.pth");
        e = assertThrows(ModelFileException.class, () -> PthReader.read(halves));
        assertTrue(e.getMessage().contains("torch.HalfStorage"), e.getMessage());
    }

    @Test
    void refusesTheLegacyFormat() throws Exception {
        Path legacy = fixture("legacy.pth");
        ModelFileException e = assertThrows(ModelFileException.class, () -> PthReader.read(legacy));
        assertTrue(e.getMessage().contains("legacy torch.save format"), e.getMessage());
    }
}
