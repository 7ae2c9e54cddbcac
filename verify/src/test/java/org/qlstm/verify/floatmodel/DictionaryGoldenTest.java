package org.qlstm.verify.floatmodel;

import org.junit.jupiter.api.Test;
import org.qlstm.nn.text.Corpus;
import org.qlstm.nn.text.Dictionary;
import org.qlstm.nn.text.Split;
import org.qlstm.verify.support.GoldenApprovals;
import org.qlstm.verify.support.PythonJson;
import org.qlstm.verify.support.SmallModel;

/**
 * The dictionary and token ids of the small corpus (which holds adversarial whitespace: tabs, CR LF, lone CR,
 * Unicode spaces, zero-width look-alikes, a missing final newline) equal PyTorch's data.py exactly.
 */
class DictionaryGoldenTest {

    @Test
    void dictionaryAndTokenIdsEqualPython() {
        GoldenApprovals.verify(render(SmallModel.corpus()), "small", "dictionary", "txt");
    }

    /** The canonical text of reference/README.md: words with ids, then each split's ids, 25 per line. */
    static String render(Corpus corpus) {
        Dictionary dictionary = corpus.dictionary();
        StringBuilder b = new StringBuilder();
        b.append("words ").append(dictionary.size()).append('\n');
        for (int id = 0; id < dictionary.size(); id++) {
            b.append(id).append('\t').append(PythonJson.quote(dictionary.word(id))).append('\n');
        }
        for (Split split : Split.values()) {
            int[] ids = corpus.split(split);
            b.append(split.lowerName()).append(' ').append(ids.length).append('\n');
            for (int i = 0; i < ids.length; i++) {
                b.append(ids[i]).append(i % 25 == 24 || i == ids.length - 1 ? '\n' : ' ');
            }
        }
        return b.toString();
    }
}
