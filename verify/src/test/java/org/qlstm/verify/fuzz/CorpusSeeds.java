package org.qlstm.verify.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.qlstm.nn.io.ModelFileException;
import org.qlstm.nn.text.CorpusException;
import org.qlstm.nn.text.Dictionary;
import org.qlstm.verify.support.SmallModel;

/** The golden small corpus ({@code golden/small/{train,valid,test}.txt}) and what the oracle needs of it. */
public final class CorpusSeeds {
    private static CorpusSeeds instance;

    final byte[] train;
    final byte[] valid;
    final byte[] test;
    /**
     * The first lines of the golden train.txt and test.txt: the fixed files around a generated valid.txt
     * for {@code Corpus.load} (with the whole 100 KB train.txt, reading is 4 ms a case instead of 0.5).
     */
    final byte[] trainHead;
    final byte[] testHead;
    /** The first lines of the golden valid.txt and test.txt: denser seeds for the mutated files. */
    final byte[] validHead;
    final byte[] testSeedHead;
    /** The golden dictionary (train, valid, test), frozen: the fixed vocabulary of {@code tokenize}. */
    final Dictionary dictionary;
    /** Word ids after reading {@link #trainHead}, in first-seen order. */
    final Map<String, Integer> afterTrain;
    final int trainTokens;
    /** The tokens of {@link #testHead}. */
    final List<String> testTokens;
    /** ASCII words of the dictionary, for generated text. */
    final List<String> asciiWords;

    private CorpusSeeds() throws IOException {
        train = Files.readAllBytes(SmallModel.dataDirectory().resolve("train.txt"));
        valid = Files.readAllBytes(SmallModel.dataDirectory().resolve("valid.txt"));
        test = Files.readAllBytes(SmallModel.dataDirectory().resolve("test.txt"));
        trainHead = head(train, 40);
        testHead = head(test, 40);
        validHead = head(valid, 40);
        testSeedHead = head(test, 40);
        dictionary = SmallModel.corpus().dictionary();
        List<String> trainTokens = TextOracle.tokens(TextOracle.decode(trainHead), false);
        this.trainTokens = trainTokens.size();
        afterTrain = new HashMap<>();
        for (String w : trainTokens) {
            afterTrain.putIfAbsent(w, afterTrain.size());
        }
        testTokens = TextOracle.tokens(TextOracle.decode(testHead), false);
        asciiWords = dictionary.words().stream().filter(w -> w.chars().allMatch(c -> c > ' ' && c < 0x7f)).toList();
    }

    /** The bytes up to and including the {@code lines}-th line feed. */
    private static byte[] head(byte[] b, int lines) {
        int i = 0;
        for (int n = 0; i < b.length && n < lines; i++) {
            if (b[i] == '\n') {
                n++;
            }
        }
        return java.util.Arrays.copyOf(b, i);
    }

    static synchronized CorpusSeeds get() {
        if (instance == null) {
            try {
                instance = new CorpusSeeds();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** Outcome classes of the corpus readers. */
    static Outcome classify(Throwable t) {
        if (t instanceof CorpusException e) {
            String p = e.problem();
            if (p.startsWith("invalid UTF-8 at byte ")) {
                return new Outcome(1, "utf-8: ill-formed");
            }
            if (p.matches("line [0-9]+: unknown word .*")) {
                return new Outcome(2, "unknown word");
            }
            return new Outcome(0, "io: " + FuzzReport.clip(p, 60));
        }
        if (t instanceof ModelFileException) {
            return Outcome.bug("a model-file exception from a corpus reader");
        }
        return new Outcome(0, "other: " + t.getClass().getSimpleName());
    }

    /** Checks a refusal is exactly data.py's UnicodeDecodeError position, as the reader words it. */
    static void assertInvalidUtf8(java.nio.file.Path file, byte[] bytes, int bad, Throwable thrown) {
        String expected = file + ": invalid UTF-8 at byte " + bad + String.format(" (0x%02x)", bytes[bad] & 0xff);
        if (!(thrown instanceof CorpusException) || !expected.equals(thrown.getMessage())) {
            throw new AssertionError("expected '" + expected + "', got " + (thrown == null ? "a normal return"
                    : thrown.getClass().getSimpleName() + ": " + FuzzReport.clip(thrown.getMessage(), 300)));
        }
    }
}
