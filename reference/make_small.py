#!/usr/bin/env python3
"""Writes the small synthetic corpus golden/small/{train,valid,test}.txt and the small trained model
golden/small/model.pth (a state_dict of the tutorial's LSTMModel, ninp 48, nhid 32, nlayers 3).

The corpus is a seeded word Markov chain (Zipf-ish unigram, a few preferred successors per word) laid out
like WikiText (" = Heading = " lines, blank lines, " word word . \\n"), plus adversarial lines for Python's
universal newlines and str.split(): every Unicode character str.split() treats as whitespace, non-space
look-alikes that must not split, CR / CRLF / CR CR LF endings, whitespace-only lines, a BOM at the start of
valid.txt, and test.txt ends without a final newline.  Files are written in binary mode (exact bytes).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qlstm_ref import common  # noqa: E402  (pins thread env vars before torch)

import argparse  # noqa: E402
import copy  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

torch = common.init_torch()
import torch.nn as nn  # noqa: E402

from qlstm_ref.model import LSTMModel, Corpus, batchify, get_batch, repackage_hidden, evaluate  # noqa: E402

CORPUS_SEED = 20240611
TRAIN_SEED = 1111
NINP, NHID, NLAYERS, DROPOUT = 48, 32, 3, 0.2  # 0.5 left this 3-layer model stuck at the unigram loss
EPOCHS, LR, CLIP, BATCH, BPTT, EVAL_BATCH = 40, 20.0, 0.25, 20, 35, 10

# Every character Python 3's str.split() splits on, except '\n' and '\r' (line breaks for file iteration).
SPLIT_WS = ["\t", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", " ", "\x85", "\xa0", "\u1680"] + \
    [chr(c) for c in range(0x2000, 0x200b)] + ["\u2028", "\u2029", "\u202f", "\u205f", "\u3000"]
# Look-alikes that are NOT whitespace for str.split(): they stay inside words.
NON_SPACE = ["\u200b", "\ufeff", "\u180e"]
# Words beyond ASCII (NFD accent, CJK, emoji outside the BMP, emoji with skin-tone modifier, ...) and words
# that exercise JSON escaping in dictionary.approved.txt.
SPECIAL_WORDS = ["café", "naïve", "Zürich", "e\u0301lan", "straße", "Ωmega", "東京", "日本語", "한국어",
                 "😀", "👍🏽", "𝔘𝔫𝔦", "quote\"d", "back\\slash", "ctl\x01char", "del\x7fchar",
                 "zero\u200bwidth", "mid\ufeffbom", "mongol\u180evowel"]


class Gen:
    """Seeded generator; only random.Random.random() is used (its stream is stable across Python 3)."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    def u(self):
        return self.r.random()

    def below(self, n):
        return min(int(self.u() * n), n - 1)

    def pick(self, seq):
        return seq[self.below(len(seq))]

    def weighted(self, cum):
        x = self.u() * cum[-1]
        lo, hi = 0, len(cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if cum[mid] > x:
                hi = mid
            else:
                lo = mid + 1
        return lo


def cumulative(weights):
    out, s = [], 0.0
    for w in weights:
        s += w
        out.append(s)
    return out


def make_vocab(g, n):
    onsets = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
              "br", "ch", "st", "tr", "sh", "pl", "gr"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ou", "ea"]
    codas = ["", "", "", "n", "r", "s", "l", "t", "m"]
    words = ["the", ",", ".", "of", "and", "<unk>", "in", "to", "a", "@-@", "was", "'s", "is", "for", "on",
             "as", "with", "by", "he", "at"]
    seen = set(words)
    while len(words) < n:
        w = "".join(g.pick(onsets) + g.pick(vowels) for _ in range(1 + g.below(3))) + g.pick(codas)
        if g.u() < 0.06:
            w = w.capitalize()
        if w not in seen:
            seen.add(w)
            words.append(w)
    # put the special words at Zipf ranks where they occur a few times each
    for i, w in enumerate(SPECIAL_WORDS):
        words.insert(60 + 7 * i, w)
    return words


class Chain:
    def __init__(self, g, words):
        self.g = g
        self.words = words
        n = len(words)
        self.unigram = cumulative([1.0 / (r + 1) ** 1.05 for r in range(n)])
        self.succ = []
        for _ in range(n):
            nexts = [g.weighted(self.unigram) for _ in range(6)]
            self.succ.append((nexts, cumulative([0.4, 0.25, 0.15, 0.1, 0.06, 0.04])))
        self.state = 0

    def next(self):
        g = self.g
        if g.u() < 0.8:
            nexts, cum = self.succ[self.state]
            self.state = nexts[g.weighted(cum)]
        else:
            self.state = g.weighted(self.unigram)
        return self.words[self.state]

    def sentence(self):
        n = 4 + g_len(self.g)
        toks = [self.next() for _ in range(n)]
        toks = [t for t in toks if t != "."] + ["."]
        return toks


def g_len(g):
    # roughly geometric sentence lengths, 0..22 extra words
    n = 0
    while n < 22 and g.u() < 0.88:
        n += 1
    return n


def adversarial_line(g, chain):
    """One line: chain words joined by random split-whitespace runs, maybe leading/trailing whitespace,
    maybe a look-alike glued inside a word; line end chosen among LF, CRLF, CR."""
    toks = chain.sentence()[: 3 + g.below(8)]
    if g.u() < 0.5:
        i = g.below(len(toks))
        toks[i] = toks[i] + g.pick(NON_SPACE) + chain.next()
    if g.u() < 0.4:
        toks.insert(g.below(len(toks) + 1), g.pick(SPECIAL_WORDS))
    parts = []
    if g.u() < 0.5:
        parts.append("".join(g.pick(SPLIT_WS) for _ in range(1 + g.below(3))))
    for j, t in enumerate(toks):
        if j:
            parts.append("".join(g.pick(SPLIT_WS) for _ in range(1 + g.below(3))))
        parts.append(t)
    if g.u() < 0.5:
        parts.append("".join(g.pick(SPLIT_WS) for _ in range(1 + g.below(3))))
    return "".join(parts) + g.pick(["\n", "\r\n", "\r"])


# Fixed adversarial lines, each one written into every split (documented in reference/README.md).
FIXED_LINES = [
    "\n",                                              # empty line -> just <eos>
    " \t \u3000\x0b\x0c \xa0\n",                       # whitespace only -> just <eos>
    "\r\n",                                            # empty CRLF line
    "tab\tseparated\twords\t.\n",
    "crlf line ends here\r\n",
    "lone cr ends here\rnext line after cr\n",         # lone CR is a line break for Python's text mode
    "cr cr lf\r\r\n",                                  # CR then CRLF: two line breaks
    "vt\x0bff\x0cfs\x1cgs\x1drs\x1eus\x1fend\n",       # splits on all, but no line break
    "nel\x85ls\u2028ps\u2029words\n",                  # NEL, LINE/PARAGRAPH SEPARATOR: split, no line break
    "nbsp\xa0ogham\u1680en\u2000em\u2001thin\u2009hair\u200anarrow\u202fmath\u205fideo\u3000end\n",
    "zero\u200bwidth mid\ufeffbom mongol\u180evowel stay whole\n",
    "café naïve Zürich e\u0301lan straße Ωmega 東京 日本語 한국어 😀 👍🏽 𝔘𝔫𝔦\n",
    "quote\"d back\\slash ctl\x01char del\x7fchar\n",
    "\u2003 \u2002 leading and trailing ideographic \u3000\n",
]


def make_split(g, chain, ntokens, fixed_at_start, n_adversarial):
    lines = []
    count = 0
    title = 0
    while count < ntokens:
        if g.u() < 0.08:
            head = chain.sentence()[:2 + g.below(3)]
            head = [t for t in head if t != "."]
            lines.append(" \n")
            lines.append(" = " + " ".join(head) + " = \n")
            lines.append(" \n")
            count += len(head) + 5
            title += 1
        para = []
        for _ in range(1 + g.below(4)):
            para.extend(chain.sentence())
        lines.append(" " + " ".join(para) + " \n")
        count += len(para) + 1
    adv = [adversarial_line(g, chain) for _ in range(n_adversarial)] + list(FIXED_LINES)
    for a in adv:
        lines.insert(1 + g.below(len(lines)), a)
    if fixed_at_start:
        lines = list(FIXED_LINES[-3:-1]) + lines
    return lines


def build_corpus():
    g = Gen(CORPUS_SEED)
    words = make_vocab(g, 300)
    chain = Chain(g, words)
    train = make_split(g, chain, 20000, False, 40)
    valid = make_split(g, chain, 3000, False, 12)
    test = make_split(g, chain, 3000, True, 12)
    valid.insert(0, "\ufeff" + " ".join(chain.sentence()) + "\n")  # BOM as the first character of valid.txt
    train[-1] = train[-1].rstrip("\r\n") + "\r\n"    # train.txt ends with CRLF
    valid[-1] = valid[-1].rstrip("\r\n") + "\r"      # valid.txt ends with a lone CR
    test[-1] = test[-1].rstrip("\r\n")               # test.txt has no final line break
    return {"train": "".join(train), "valid": "".join(valid), "test": "".join(test)}


def train_model(corpus, log):
    torch.manual_seed(TRAIN_SEED)
    ntokens = len(corpus.dictionary)
    model = LSTMModel(ntokens, NINP, NHID, NLAYERS, DROPOUT)
    criterion = nn.CrossEntropyLoss()
    train_data = batchify(corpus.train, BATCH)
    val_data = batchify(corpus.valid, EVAL_BATCH)
    lr = LR
    best_val, best_state, history = None, None, []
    for epoch in range(1, EPOCHS + 1):
        model.train()
        total = 0.0
        nb = 0
        hidden = model.init_hidden(BATCH)
        for batch, i in enumerate(range(0, train_data.size(0) - 1, BPTT)):
            data, targets = get_batch(train_data, i, BPTT)
            model.zero_grad()
            hidden = repackage_hidden(hidden)
            output, hidden = model(data, hidden)
            loss = criterion(output.view(-1, ntokens), targets)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
            for p in model.parameters():
                p.data.add_(p.grad, alpha=-lr)
            total += loss.item()
            nb += 1
        val_loss = evaluate(model, val_data, BPTT, EVAL_BATCH, ntokens)
        history.append((epoch, lr, total / nb, val_loss))
        log("epoch %2d lr %6.3f train loss %.4f valid loss %.4f (ppl %.1f)"
            % (epoch, lr, total / nb, val_loss, math.exp(val_loss)))
        if best_val is None or val_loss < best_val:
            best_val = val_loss
            best_state = copy.deepcopy(model.state_dict())
        else:
            lr /= 4.0
    # fresh compact storages, one per tensor, in the module's key order
    return {k: v.detach().clone().contiguous() for k, v in best_state.items()}, best_val, ntokens


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    common.golden_arg(ap)
    args = ap.parse_args()
    out = os.path.join(args.golden, "small")
    texts = build_corpus()
    for split in ("train", "valid", "test"):
        common.write_bytes(os.path.join(out, split + ".txt"), texts[split].encode("utf-8"))
    corpus = Corpus(out)
    common.log("dictionary %d words; tokens train %d valid %d test %d" % (
        len(corpus.dictionary), len(corpus.train), len(corpus.valid), len(corpus.test)))
    t0 = time.process_time()
    state, best_val, ntokens = train_model(corpus, common.log)
    common.log("trained in %.1f s CPU, best valid loss %.4f, uniform would be %.4f"
               % (time.process_time() - t0, best_val, math.log(ntokens)))
    # torch.save names the zip's top folder after the file ("model/..."): save under the final name in a
    # scratch directory, then move the bytes into place.
    with tempfile.TemporaryDirectory() as tmp:
        torch.save(state, os.path.join(tmp, "model.pth"))
        with open(os.path.join(tmp, "model.pth"), "rb") as f:
            data = f.read()
    common.write_bytes(os.path.join(out, "model.pth"), data)


if __name__ == "__main__":
    main()
