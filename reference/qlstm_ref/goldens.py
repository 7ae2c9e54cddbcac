"""Golden-building blocks shared by golden_float.py and golden_int8.py: the forward cases, per-layer outputs,
the eval records and the canonical dictionary text."""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn

from . import common
from .model import Corpus, batchify, evaluate

IDS_PER_LINE = 25

# (split, bptt, batch size) of the eval goldens
EVAL_CONFIGS = [("test", 25, 1), ("valid", 7, 3)]


def load_small(golden):
    small = os.path.join(golden, "small")
    corpus = Corpus(small)
    model_path = os.path.join(small, "model.pth")
    return corpus, model_path


def dims(model):
    return {"ntoken": model.encoder.num_embeddings, "ninp": model.encoder.embedding_dim,
            "nhid": model.nhid, "nlayers": model.nlayers}


def dictionary_text(corpus):
    """Canonical dictionary + token id text (format: reference/README.md)."""
    lines = ["words %d" % len(corpus.dictionary)]
    for i, w in enumerate(corpus.dictionary.idx2word):
        lines.append("%d\t%s" % (i, json.dumps(w, ensure_ascii=True)))
    for split in ("train", "valid", "test"):
        ids = getattr(corpus, split).tolist()
        lines.append("%s %d" % (split, len(ids)))
        for k in range(0, len(ids), IDS_PER_LINE):
            lines.append(" ".join(str(v) for v in ids[k:k + IDS_PER_LINE]))
    return "\n".join(lines) + "\n"


def forward_inputs(corpus):
    """The token blocks of the forward cases: list of (name, tokens [T][B] LongTensor, initial-state source)."""
    test = corpus.test
    cases = [
        ("b1_t30_zero", test[0:30].view(30, 1), None),
        ("b3_t10_zero", batchify(test, 3)[0:10], None),
        ("b1_chunk1_t12_zero", test[30:42].view(12, 1), None),
        ("b1_chunk2_t9_cont", test[42:51].view(9, 1), "b1_chunk1_t12_zero"),
    ]
    return [(n, t.contiguous(), s) for n, t, s in cases]


def float_layer_outputs(model, emb, hidden):
    """Each LSTM layer's output sequence, computed with one single-layer nn.LSTM per layer (same weights)."""
    h0, c0 = hidden
    outs, hs, cs = [], [], []
    x = emb
    for l in range(model.nlayers):
        cell = nn.LSTM(x.shape[-1], model.nhid, 1)
        with torch.no_grad():
            for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(cell, kind + "_l0").copy_(getattr(model.rnn, "%s_l%d" % (kind, l)))
        cell.eval()
        x, (h, c) = cell(x, (h0[l:l + 1].contiguous(), c0[l:l + 1].contiguous()))
        outs.append(x)
        hs.append(h[0])
        cs.append(c[0])
    return outs, torch.stack(hs), torch.stack(cs)


def case_record(name, tokens, init_from, h0, c0, logits, layer_outputs, h_n, c_n):
    rec = {
        "name": name,
        "batch": int(tokens.shape[1]),
        "steps": int(tokens.shape[0]),
        "initial_state": "zero" if init_from is None else "h_n/c_n of " + init_from,
        "tokens": common.ints(tokens),
        "h_0": common.f32(h0),
        "c_0": common.f32(c0),
        "logits": common.f32(logits),
        "log_probs": common.f32(torch.log_softmax(logits, dim=-1)),
    }
    if layer_outputs is not None:
        rec["layer_outputs"] = [common.f32(o) for o in layer_outputs]
    rec["h_n"] = common.f32(h_n)
    rec["c_n"] = common.f32(c_n)
    return rec


def eval_record(corpus, split, bptt, bsz, model, ntokens, model_for_chunk=None):
    data = batchify(getattr(corpus, split), bsz)
    chunks = []
    loss = evaluate(model, data, bptt, bsz, ntokens, chunk_log=chunks, model_for_chunk=model_for_chunk)
    return {
        "split": split,
        "bptt": bptt,
        "batch_size": bsz,
        "tokens": int(getattr(corpus, split).numel()),
        "rows": int(data.shape[0]),
        "predictions": int((data.shape[0] - 1) * bsz),
        "chunk_lengths": [n for n, _ in chunks],
        "chunk_losses": [float(np.float32(v)) for _, v in chunks],
        "loss": float(loss),
        "perplexity": math.exp(loss),
    }
