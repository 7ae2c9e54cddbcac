package org.qlstm.nn.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The real WikiText-2 corpus, against the tutorial's data.py. Skipped when the data directory is
 * absent. The expected digests were computed with data.py under Python 3.11:
 * {@code sha256("\n".join(idx2word))}, {@code sum(id * (k + 1) for k, id in enumerate(train)) % 2**61},
 * {@code sum(valid)} and {@code sum(test)}.
 */
class WikiText2Test {
    @Test
    void countsAndIdsMatchDataPy() throws IOException, NoSuchAlgorithmException {
        Optional<Path> dir = TestData.wikitext2();
        assumeTrue(dir.isPresent(), () -> "WikiText-2 not found; looked in " + TestData.searched());

        long start = System.nanoTime();
        Corpus c = Corpus.load(dir.get());
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("WikiText-2 loaded from " + dir.get() + " in " + millis + " ms: " + c);

        assertEquals(33_278, c.dictionary().size());
        assertEquals(2_088_628, c.tokenCount(Split.TRAIN));
        assertEquals(217_646, c.tokenCount(Split.VALID));
        assertEquals(245_569, c.tokenCount(Split.TEST));

        byte[] joined = String.join("\n", c.dictionary().words()).getBytes(StandardCharsets.UTF_8);
        assertEquals("45f2cb999804e259059676fa2bf5b12999229a0c33dae878ae690fd8c84427eb",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(joined)));
        int[] train = c.train();
        long weighted = 0;
        for (int k = 0; k < train.length; k++) {
            weighted = (weighted + (long) train[k] * (k + 1)) % (1L << 61);
        }
        assertEquals(8_216_959_041_136_404L, weighted);
        assertEquals(618_935_623L, sum(c.valid()));
        assertEquals(676_583_775L, sum(c.test()));
    }

    private static long sum(int[] ids) {
        long s = 0;
        for (int id : ids) {
            s += id;
        }
        return s;
    }
}
