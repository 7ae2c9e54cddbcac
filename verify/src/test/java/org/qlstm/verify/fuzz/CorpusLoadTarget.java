package org.qlstm.verify.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.qlstm.nn.text.Corpus;
import org.qlstm.nn.text.CorpusException;

/**
 * {@code Corpus.load(dir)} with the first lines of the golden train.txt and test.txt and a generated valid.txt
 * (from the golden one): it must give
 * exactly the ids and dictionary of the {@link TextOracle} (a whole-buffer model of data.py), or, for
 * ill-formed UTF-8, a {@code CorpusException} naming valid.txt and the offset of the first bad byte.
 */
public final class CorpusLoadTarget implements FuzzTarget {

    @Override
    public String name() {
        return "corpus-load";
    }

    @Override
    public byte[] seed() {
        return CorpusSeeds.get().valid;
    }

    @Override
    public String fileName() {
        return "valid.txt";
    }

    @Override
    public void prepare(Path workDir) throws IOException {
        Files.write(workDir.resolve("train.txt"), CorpusSeeds.get().trainHead);
        Files.write(workDir.resolve("test.txt"), CorpusSeeds.get().testHead);
    }

    @Override
    public Object read(Path file) throws Exception {
        return Corpus.load(file.getParent());
    }

    @Override
    public boolean isDocumented(Throwable t) {
        return t instanceof CorpusException e && e.file() != null;
    }

    @Override
    public Outcome classify(Throwable t) {
        return CorpusSeeds.classify(t);
    }

    @Override
    public List<Generator> generators() {
        CorpusSeeds s = CorpusSeeds.get();
        return TextMutations.generators(new TextMutations.Weights(25, 35, 12, 21.6, 6, 0.4), rng -> seed(s, rng),
                null, s.asciiWords, CorpusLoadTarget::checked);
    }

    /** The whole golden file one time in four, else its first 40 lines: mutations of those are denser. */
    private static byte[] seed(CorpusSeeds s, org.apache.commons.rng.UniformRandomProvider rng) {
        return rng.nextInt(4) == 0 ? s.valid : s.validHead;
    }

    private static Mutant checked(Mutant m) {
        return new Mutant(m.bytes(), m.description(), (file, result, thrown) -> check(m.bytes(), file, result, thrown));
    }

    static void check(byte[] bytes, Path file, Object result, Throwable thrown) {
        int bad = TextOracle.firstInvalidUtf8(bytes);
        if (bad >= 0) {
            CorpusSeeds.assertInvalidUtf8(file, bytes, bad, thrown);
            return;
        }
        if (thrown != null) {
            throw new AssertionError("well-formed UTF-8 refused: " + thrown.getMessage());
        }
        CorpusSeeds s = CorpusSeeds.get();
        Map<String, Integer> ids = new HashMap<>(s.afterTrain);
        int[] valid = idsOf(TextOracle.tokens(TextOracle.decode(bytes), false), ids);
        int[] test = idsOf(s.testTokens, ids);
        Corpus c = (Corpus) result;
        if (c.tokenCount(org.qlstm.nn.text.Split.TRAIN) != s.trainTokens) {
            throw new AssertionError("train.txt gave " + c.tokenCount(org.qlstm.nn.text.Split.TRAIN)
                    + " tokens, expected " + s.trainTokens);
        }
        if (!Arrays.equals(c.valid(), valid)) {
            throw new AssertionError("valid.txt ids differ from data.py's: " + c.valid().length + " tokens, expected "
                    + valid.length + firstDifference(c.valid(), valid));
        }
        if (!Arrays.equals(c.test(), test) || c.dictionary().size() != ids.size()) {
            throw new AssertionError("test.txt ids or the dictionary size (" + c.dictionary().size() + ", expected "
                    + ids.size() + ") differ from data.py's");
        }
    }

    static int[] idsOf(List<String> tokens, Map<String, Integer> ids) {
        int[] out = new int[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            Integer id = ids.putIfAbsent(tokens.get(i), ids.size());
            out[i] = id == null ? ids.size() - 1 : id;
        }
        return out;
    }

    static String firstDifference(int[] got, int[] want) {
        for (int i = 0; i < Math.min(got.length, want.length); i++) {
            if (got[i] != want[i]) {
                return "; first difference at token " + i;
            }
        }
        return "";
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(new Coverage("through the UTF-8 decoder (read normally)", Integer.MAX_VALUE, 0.30),
                new Coverage("to the decoder's UTF-8 checks or further", 1, 0.90));
    }
}
