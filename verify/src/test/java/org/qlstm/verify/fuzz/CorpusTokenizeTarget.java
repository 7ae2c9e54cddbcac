package org.qlstm.verify.fuzz;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.qlstm.nn.text.Corpus;
import org.qlstm.nn.text.CorpusException;
import org.qlstm.nn.text.UnknownWordException;

/**
 * {@code Corpus.tokenize(file, dictionary)} with the golden (frozen) dictionary: it must give exactly the
 * oracle's ids, or a {@code CorpusException} naming the file and either the first ill-formed byte or the
 * line of the first unknown word (as its Javadoc says, the {@code UnknownWordException} is its cause). When
 * a file has both, the reader may report the unknown word first only if its line lies wholly before the bad
 * byte: lines are only tokenized once complete.
 */
public final class CorpusTokenizeTarget implements FuzzTarget {

    @Override
    public String name() {
        return "corpus-tokenize";
    }

    @Override
    public byte[] seed() {
        return CorpusSeeds.get().test;
    }

    @Override
    public String fileName() {
        return "text.txt";
    }

    @Override
    public Object read(Path file) throws Exception {
        return Corpus.tokenize(file, CorpusSeeds.get().dictionary);
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
        return TextMutations.generators(new TextMutations.Weights(20, 30, 8, 35.6, 6, 0.4), rng -> seed(s, rng),
                s.dictionary.words(), s.asciiWords, CorpusTokenizeTarget::checked);
    }

    /** The whole golden file one time in four, else its first 40 lines: mutations of those are denser. */
    private static byte[] seed(CorpusSeeds s, org.apache.commons.rng.UniformRandomProvider rng) {
        return rng.nextInt(4) == 0 ? s.test : s.testSeedHead;
    }

    private static Mutant checked(Mutant m) {
        return new Mutant(m.bytes(), m.description(), (file, result, thrown) -> check(m.bytes(), file, result, thrown));
    }

    /** The first unknown word of the complete lines of a text: {line (1-based), token index}, or null. */
    private static int[] firstUnknown(List<String> lines) {
        CorpusSeeds s = CorpusSeeds.get();
        for (int l = 0; l < lines.size(); l++) {
            List<String> words = TextOracle.words(lines.get(l));
            for (int w = 0; w <= words.size(); w++) {
                String word = w < words.size() ? words.get(w) : Corpus.EOS;
                if (s.dictionary.find(word).isEmpty()) {
                    return new int[] {l + 1, w};
                }
            }
        }
        return null;
    }

    static void check(byte[] bytes, Path file, Object result, Throwable thrown) {
        int bad = TextOracle.firstInvalidUtf8(bytes);
        String text = TextOracle.decode(bad >= 0 ? TextOracle.prefix(bytes, bad) : bytes);
        List<String> lines = TextOracle.lines(text, bad >= 0);
        int[] unknown = firstUnknown(lines);
        if (bad >= 0 && (unknown == null || !(thrown != null && thrown.getMessage().startsWith(file + ": line ")))) {
            CorpusSeeds.assertInvalidUtf8(file, bytes, bad, thrown);
            return;
        }
        if (unknown != null) {
            List<String> words = TextOracle.words(lines.get(unknown[0] - 1));
            String word = unknown[1] < words.size() ? words.get(unknown[1]) : Corpus.EOS;
            String prefix = file + ": line " + unknown[0] + ": unknown word ";
            if (!(thrown instanceof CorpusException) || !thrown.getMessage().startsWith(prefix)
                    || !(thrown.getCause() instanceof UnknownWordException u) || !u.word().equals(word)) {
                throw new AssertionError("expected '" + prefix + "...' about the word " + FuzzReport.clip(word, 80)
                        + " (caused by an UnknownWordException), got " + (thrown == null ? "a normal return"
                        : FuzzReport.clip(thrown.toString(), 300)));
            }
            return;
        }
        if (thrown != null) {
            throw new AssertionError("well-formed text of known words refused: " + thrown.getMessage());
        }
        CorpusSeeds s = CorpusSeeds.get();
        List<String> tokens = TextOracle.tokens(text, false);
        int[] want = new int[tokens.size()];
        for (int i = 0; i < want.length; i++) {
            OptionalInt id = s.dictionary.find(tokens.get(i));
            want[i] = id.getAsInt();
        }
        if (!Arrays.equals((int[]) result, want)) {
            throw new AssertionError("ids differ from data.py's: " + ((int[]) result).length + " tokens, expected "
                    + want.length + CorpusLoadTarget.firstDifference((int[]) result, want));
        }
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(new Coverage("to the dictionary lookups (unknown word or read normally)", 2, 0.40),
                new Coverage("through (read normally)", Integer.MAX_VALUE, 0.15));
    }
}
