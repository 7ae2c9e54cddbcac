#!/usr/bin/env python3
"""Float goldens of the small model: golden/small/dictionary.approved.txt, float_forward.json, float_eval.json."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qlstm_ref import common  # noqa: E402  (pins thread env vars before torch)

import argparse  # noqa: E402

torch = common.init_torch()

from qlstm_ref import goldens  # noqa: E402
from qlstm_ref.model import load_model  # noqa: E402


def float_forward(model, inputs):
    cases, finals = [], {}
    for name, tokens, init_from in inputs:
        bsz = tokens.shape[1]
        hidden = model.init_hidden(bsz) if init_from is None else finals[init_from]
        with torch.no_grad():
            logits, (h_n, c_n) = model(tokens, hidden)
            emb = model.encoder(tokens)
            outs, hs, cs = goldens.float_layer_outputs(model, emb, hidden)
            full, _ = model.rnn(emb, hidden)
        # the per-layer recomputation must be the nn.LSTM computation, bit for bit
        assert torch.equal(outs[-1], full), name
        assert torch.equal(hs, h_n) and torch.equal(cs, c_n), name
        assert torch.equal(model.decoder(outs[-1]), logits), name
        finals[name] = (h_n, c_n)
        cases.append(goldens.case_record(name, tokens, init_from, hidden[0], hidden[1], logits, outs, h_n, c_n))
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    common.golden_arg(ap)
    args = ap.parse_args()
    small = os.path.join(args.golden, "small")
    corpus, model_path = goldens.load_small(args.golden)
    model = load_model(model_path)
    d = goldens.dims(model)
    assert d["ntoken"] == len(corpus.dictionary)
    model_sha = common.sha256_file(model_path)

    common.write_text(os.path.join(small, "dictionary.approved.txt"), goldens.dictionary_text(corpus))

    head = {"provenance": common.provenance(__file__, engine=None, seed=None), "model_sha256": model_sha}
    head.update(d)
    fwd = dict(head)
    fwd["cases"] = float_forward(model, goldens.forward_inputs(corpus))
    common.write_json(os.path.join(small, "float_forward.json"), fwd)

    ev = dict(head)
    ev["evals"] = [goldens.eval_record(corpus, s, b, n, model, d["ntoken"]) for s, b, n in goldens.EVAL_CONFIGS]
    for e in ev["evals"]:
        common.log("float %s bptt %d batch %d: loss %.6f ppl %.3f" % (
            e["split"], e["bptt"], e["batch_size"], e["loss"], e["perplexity"]))
    common.write_json(os.path.join(small, "float_eval.json"), ev)


if __name__ == "__main__":
    main()
