package org.qlstm.verify.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Case generators for corpus text files: byte mutations of a real corpus file; injection of ill-formed
 * UTF-8 (overlong forms, encoded surrogates, values past U+10FFFF, truncated sequences, stray continuation
 * bytes) and of tricky well-formed text (every Python whitespace character and its near misses, NUL, BOM,
 * every line-ending combination, astral characters); random bytes; random text; sequences straddling the
 * readers' 64 KiB byte blocks and 16 Ki-char line buffers; and huge lines.
 */
public final class TextMutations {

    /**
     * How often each of the six text generators is drawn; the corpus targets differ only in these weights, their
     * seed text, the vocabulary of random text and their oracle.
     */
    public record Weights(double bytes, double inject, double randomBytes, double randomText, double boundary,
                          double hugeLine) {
    }

    /**
     * The six text generators.
     *
     * @param seed            the text that {@code bytes} and {@code inject} mutate, chosen per case
     * @param vocabulary      words of random text, or {@code null} for {@link #randomText}'s default
     * @param asciiWords      words of the boundary and huge-line cases
     * @param withOracle      gives each case its expectation
     */
    public static List<Generator> generators(Weights weights, Function<UniformRandomProvider, byte[]> seed,
                                             List<String> vocabulary, List<String> asciiWords,
                                             UnaryOperator<Mutant> withOracle) {
        return List.of(
                Generator.of("bytes", weights.bytes(), rng -> withOracle.apply(bytes(seed.apply(rng), rng))),
                Generator.of("inject", weights.inject(), rng -> withOracle.apply(inject(seed.apply(rng), rng))),
                Generator.of("random-bytes", weights.randomBytes(), rng -> withOracle.apply(randomBytes(rng))),
                Generator.of("random-text", weights.randomText(),
                        rng -> withOracle.apply(randomText(rng, vocabulary))),
                Generator.of("boundary", weights.boundary(), rng -> withOracle.apply(boundary(rng, asciiWords))),
                Generator.of("huge-line", weights.hugeLine(), rng -> withOracle.apply(hugeLine(rng, asciiWords))));
    }
    /** Ill-formed UTF-8, as hex. */
    static final byte[][] INVALID = hex("80", "bf", "c080", "c1bf", "c2", "c241", "e08080", "e09fbf", "e282",
            "eda080", "edbfbf", "f0808080", "f08fbfbf", "f4908080", "f5808080", "f888808080", "fe", "ff", "efbf",
            "f09f98", "e228a1");

    static final String[] TRICKY = {"\u200b", "\u180e", "\ufeff", "\u2060", "\u00ad", "\u0000", "\r", "\n", "\r\n",
            "\n\r", "\r\r\n", "\ud83d\ude00", "\uffff", "\ufffe", "\udbff\udfff", "e\u0301", "<eos>", " <unk> ",
            "\u0085", "\u001c", "\u000b", "\u000c", " ".repeat(300), "\t\t", "\u3000", "\u00a0", "\u2028", "\u2029",
            "\u0000\u0000\u0000\u0000", "\u007f", "\u0001"};

    private TextMutations() {
    }

    private static byte[][] hex(String... sequences) {
        byte[][] out = new byte[sequences.length][];
        for (int i = 0; i < sequences.length; i++) {
            out[i] = java.util.HexFormat.of().parseHex(sequences[i]);
        }
        return out;
    }

    public static Mutant bytes(byte[] seed, UniformRandomProvider rng) {
        return ByteMutations.stacked(seed, rng, null);
    }

    /** Snippets, ill-formed (one time in two) or tricky, at random places of the seed. */
    public static Mutant inject(byte[] seed, UniformRandomProvider rng) {
        StringBuilder log = new StringBuilder("inject:");
        byte[] out = seed;
        int n = 1 + rng.nextInt(rng.nextBoolean() ? 2 : 6);
        for (int i = 0; i < n; i++) {
            byte[] snippet = snippet(rng, log);
            int r = rng.nextInt(20);
            int at = r < 3 ? out.length : r == 3 ? 0 : rng.nextInt(out.length + 1);
            log.append('@').append(at);
            out = ByteMutations.splice(out, at, 0, snippet);
        }
        return new Mutant(out, log.toString());
    }

    static byte[] snippet(UniformRandomProvider rng, StringBuilder log) {
        if (rng.nextInt(3) == 0) {
            byte[] b = INVALID[rng.nextInt(INVALID.length)];
            log.append(" bad");
            for (byte x : b) {
                log.append(String.format("%02x", x & 0xff));
            }
            return b;
        }
        if (rng.nextInt(3) == 0) {
            char c = TextOracle.PYTHON_WHITESPACE.charAt(rng.nextInt(TextOracle.PYTHON_WHITESPACE.length()));
            log.append(String.format(" ws%04x", (int) c));
            return String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        }
        String s = TRICKY[rng.nextInt(TRICKY.length)];
        log.append(" tricky").append(s.codePoints().limit(4).mapToObj(cp -> String.format("%04x", cp)).toList());
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Random bytes, uniform or from an alphabet rich in UTF-8 lead and continuation bytes and line ends. */
    public static Mutant randomBytes(UniformRandomProvider rng) {
        int n = rng.nextInt(8) == 0 ? 0 : 1 + rng.nextInt(rng.nextBoolean() ? 64 : 4096);
        byte[] b = new byte[n];
        boolean uniform = rng.nextBoolean();
        byte[] alphabet = {'a', 'b', ' ', '\n', '\r', '\t', 0, (byte) 0x80, (byte) 0xbf, (byte) 0xc2, (byte) 0xc3,
                (byte) 0xe2, (byte) 0x80, (byte) 0xa8, (byte) 0xf0, (byte) 0x9f, (byte) 0xff, (byte) 0xed, (byte) 0xa0};
        for (int i = 0; i < n; i++) {
            b[i] = uniform ? (byte) rng.nextInt(256) : alphabet[rng.nextInt(alphabet.length)];
        }
        return new Mutant(b, "random " + (uniform ? "bytes" : "alphabet bytes") + " (" + n + ")");
    }

    /**
     * Well-formed text: words separated by any whitespace and line ends. With a vocabulary, half the texts use
     * only its words (and no tricky snippets), so that a reader with that fixed vocabulary reads them through.
     */
    public static Mutant randomText(UniformRandomProvider rng, List<String> vocabulary) {
        StringBuilder s = new StringBuilder();
        int n = rng.nextInt(600);
        boolean clean = vocabulary != null && rng.nextBoolean();
        for (int i = 0; i < n; i++) {
            int r = rng.nextInt(clean ? 19 : 20);
            if (r < 12) {
                s.append(vocabulary != null && (clean || rng.nextInt(30) != 0)
                        ? vocabulary.get(rng.nextInt(vocabulary.size())) : randomWord(rng));
                if (rng.nextInt(clean ? 1 : 4) == 0) { // else glued to what comes next
                    s.append(' ');
                }
            } else if (r < 17) {
                s.append(TextOracle.PYTHON_WHITESPACE.charAt(rng.nextInt(TextOracle.PYTHON_WHITESPACE.length())));
            } else if (r < 19) {
                s.append(new String[] {"\n", "\r", "\r\n"}[rng.nextInt(3)]);
            } else {
                s.append(TRICKY[rng.nextInt(TRICKY.length)]);
            }
        }
        return new Mutant(s.toString().getBytes(StandardCharsets.UTF_8), "random " + (clean ? "clean " : "")
                + "text (" + n + " pieces)");
    }

    private static String randomWord(UniformRandomProvider rng) {
        StringBuilder w = new StringBuilder();
        int n = 1 + rng.nextInt(8);
        for (int i = 0; i < n; i++) {
            int r = rng.nextInt(10);
            int cp = r < 6 ? 'a' + rng.nextInt(26) : r < 8 ? 0xa1 + rng.nextInt(0x2000) : r < 9 ? 0x10000
                    + rng.nextInt(0x10000) : 0x3040 + rng.nextInt(0x60);
            if (Character.isValidCodePoint(cp) && !(cp >= 0xd800 && cp <= 0xdfff) && !TextOracle.isSpace((char) cp)
                    || cp > 0xffff) {
                w.appendCodePoint(cp);
            } else {
                w.append('x');
            }
        }
        return w.toString();
    }

    /**
     * ASCII lines (vocabulary words) long enough to cross a reader boundary, with a snippet placed to straddle
     * it: byte 65,536 (the UTF-8 decoder's block) or char 16,384 / 32,768 (the line splitter's buffer).
     */
    public static Mutant boundary(UniformRandomProvider rng, List<String> asciiWords) {
        int[] boundaries = {1 << 16, 1 << 14, 1 << 15, 1 << 16};
        int boundary = boundaries[rng.nextInt(boundaries.length)];
        StringBuilder log = new StringBuilder("boundary " + boundary + ":");
        byte[] snippet = rng.nextInt(3) == 0 ? new byte[] {'\r', '\n'} : snippet(rng, log);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() < boundary + snippet.length + 200) {
            String w = asciiWords.get(rng.nextInt(asciiWords.size()));
            out.writeBytes(w.getBytes(StandardCharsets.US_ASCII));
            out.write(rng.nextInt(12) == 0 ? '\n' : ' ');
        }
        byte[] text = out.toByteArray();
        int at = boundary - snippet.length + rng.nextInt(snippet.length + 1) - (rng.nextInt(4) == 0 ? 1 : 0);
        log.append(" at ").append(at).append(" (").append(snippet.length).append(" bytes)");
        byte[] b = text.clone();
        System.arraycopy(snippet, 0, b, at, snippet.length);
        if (rng.nextInt(4) == 0) { // end there, with the snippet last
            b = java.util.Arrays.copyOf(b, at + snippet.length);
            log.append(" then end");
        }
        return new Mutant(b, log.toString());
    }

    /** A line of 1 or 2 MB: many words, or one huge word, without a line break. */
    public static Mutant hugeLine(UniformRandomProvider rng, List<String> asciiWords) {
        int size = (1 + rng.nextInt(2)) << 20;
        boolean oneWord = rng.nextBoolean();
        byte[] b = new byte[size];
        if (oneWord) {
            byte[] unit = rng.nextBoolean() ? new byte[] {'w'} : "\u200b".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i + unit.length <= size; i += unit.length) {
                System.arraycopy(unit, 0, b, i, unit.length);
            }
            b = java.util.Arrays.copyOf(b, size / unit.length * unit.length);
        } else {
            int i = 0;
            while (i < size) {
                byte[] w = (asciiWords.get(rng.nextInt(asciiWords.size())) + " ").getBytes(StandardCharsets.US_ASCII);
                int n = Math.min(w.length, size - i);
                System.arraycopy(w, 0, b, i, n);
                i += n;
            }
        }
        return new Mutant(b, "huge line of " + size + " bytes, " + (oneWord ? "one word" : "many words"));
    }
}
