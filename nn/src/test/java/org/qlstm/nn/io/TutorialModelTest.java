package org.qlstm.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Reads the real tutorial model if this checkout has it ({@code ../shared/models/tutorial_lstm.pth} next
 * to the repository); skipped otherwise, so the suite never depends on it. Checks the architecture's
 * keys and shapes and prints how long reading took.
 */
class TutorialModelTest {

    private static Path modelFile() {
        Path root = Path.of(System.getProperty("qlstm.root", "."));
        return root.resolve("../shared/models/tutorial_lstm.pth").normalize();
    }

    @Test
    void readsTheTutorialModelQuickly() throws Exception {
        Path file = modelFile();
        assumeTrue(Files.isRegularFile(file), "skipped: " + file + " is absent (not part of the repository)");

        PthReader.read(file); // warm up class loading and JIT, so the timing below is the steady state
        long start = System.nanoTime();
        StateDict sd = PthReader.read(file);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("read " + file + " in " + millis + " ms");

        List<String> expected = new ArrayList<>(List.of("encoder.weight"));
        for (int l = 0; l < 5; l++) {
            for (String kind : List.of("weight_ih", "weight_hh", "bias_ih", "bias_hh")) {
                expected.add("rnn." + kind + "_l" + l);
            }
        }
        expected.addAll(List.of("decoder.weight", "decoder.bias"));
        assertEquals(expected, sd.names());
        sd.tensorWithShape("encoder.weight", 33278, 512);
        sd.tensorWithShape("rnn.weight_ih_l0", 1024, 512);
        sd.tensorWithShape("rnn.weight_hh_l4", 1024, 256);
        sd.tensorWithShape("rnn.bias_ih_l4", 1024);
        sd.tensorWithShape("decoder.weight", 33278, 256);
        sd.tensorWithShape("decoder.bias", 33278);
        assertTrue(sd.findNonFinite().isEmpty());
        assertTrue(millis < 5_000, "reading took " + millis + " ms");
    }
}
