package org.qlstm.nn.eval;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.qlstm.nn.model.InferenceSession;
import org.qlstm.nn.model.LanguageModel;

/**
 * The tutorial's text generation: a uniformly random first word, then each word sampled from the model's
 * distribution at a temperature and fed back as the next input; a line break after every 20th word, a space
 * otherwise. Seeded: the same model, seed and temperature give the same text.
 */
public final class TextGenerator {

    /** Words per output line, as in the tutorial. */
    public static final int WORDS_PER_LINE = 20;

    /** Progress is reported every this many words, as in the tutorial. */
    public static final int PROGRESS_EVERY = 100;

    private final LanguageModel model;
    private final List<String> vocabulary;

    /**
     * @param model      the model
     * @param vocabulary word of each id; its size must equal the model's vocabulary
     */
    public TextGenerator(LanguageModel model, List<String> vocabulary) {
        if (vocabulary.size() != model.shape().tokens()) {
            throw new IllegalArgumentException("the dictionary has " + vocabulary.size()
                    + " words but the model's vocabulary has " + model.shape().tokens());
        }
        this.model = model;
        this.vocabulary = List.copyOf(vocabulary);
    }

    /** Generated word ids and the text written as the tutorial writes it. */
    public record Generated(int[] ids, String text) {
    }

    /**
     * Generates {@code words} words.
     *
     * @param words       how many words, at least 0
     * @param temperature positive
     * @param seed        random seed
     * @param onProgress  called with {@code i} when word {@code i} is a multiple of {@link #PROGRESS_EVERY}
     */
    public Generated generate(int words, double temperature, long seed, IntConsumer onProgress) {
        if (words < 0) {
            throw new IllegalArgumentException("number of words must not be negative, got " + words);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int vocabularySize = vocabulary.size();
        Sampler sampler = new Sampler(vocabularySize);
        InferenceSession session = model.newSession(1);
        int[] input = {random.nextInt(vocabularySize)};
        int[] ids = new int[words];
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) {
            float[] logits = session.forward(input, 1);
            int id = sampler.sample(logits, 0, temperature, random.nextDouble());
            ids[i] = id;
            input[0] = id;
            text.append(vocabulary.get(id)).append(i % WORDS_PER_LINE == WORDS_PER_LINE - 1 ? '\n' : ' ');
            if (i % PROGRESS_EVERY == 0) {
                onProgress.accept(i);
            }
        }
        return new Generated(ids, text.toString());
    }
}
