#!/usr/bin/env python3
"""Full WikiText-2 test loss of a tutorial-architecture model (the tutorial's evaluate, bptt 25, batch 1):
golden/full/tutorial_float_loss.json and golden/full/tutorial_int8_loss_<engine>.json.

  golden_full.py [--model FILE] [--data DIR] [--only float|int8] [--engines qnnpack,onednn]

Skips (exit 0, with a message) when the data directory or the model file is absent.  Each evaluation takes
about 3 minutes on one core; progress goes to stderr.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qlstm_ref import common  # noqa: E402  (pins thread env vars before torch)

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402

torch = common.init_torch()

from qlstm_ref import int8  # noqa: E402
from qlstm_ref.model import Corpus, batchify, evaluate, load_model  # noqa: E402

BPTT = 25
EVAL_BATCH = 1
EXPECTED = {"words": 33278, "train": 2088628, "valid": 217646, "test": 245569}
VERIFY_CHUNKS = (0, 1)  # plus the last chunk: checked bit for bit against the numpy emulation (int8 only)


class Progress:
    """model_for_chunk hook of evaluate(): picks the model, prints progress, verifies selected chunks."""

    def __init__(self, label, nchunks, pick, verify=None):
        self.label, self.nchunks, self.pick, self.verify = label, nchunks, pick, verify
        self.i = 0
        self.t0 = time.process_time()

    def __call__(self, data):
        i = self.i
        self.i += 1
        if i % 1000 == 0 or i == self.nchunks - 1:
            common.log("  %s chunk %d/%d, %.0f s CPU" % (self.label, i + 1, self.nchunks,
                                                        time.process_time() - self.t0))
        m = self.pick(data)
        if self.verify is not None and (i in VERIFY_CHUNKS or i == self.nchunks - 1):
            return Verified(m, self.verify, i)
        return m


class Verified:
    def __init__(self, m, verify, i):
        self.m, self.verify, self.i = m, verify, i

    def __call__(self, data, hidden):
        out, new_hidden = self.m(data, hidden)
        self.verify(self.m, data, hidden, out, new_hidden, self.i)
        return out, new_hidden


def run_eval(label, model, test_data, ntokens, pick, verify=None):
    nchunks = len(range(0, test_data.size(0) - 1, BPTT))
    chunks = []
    t0 = time.process_time()
    loss = evaluate(model, test_data, BPTT, EVAL_BATCH, ntokens, chunk_log=chunks,
                    model_for_chunk=Progress(label, nchunks, pick, verify))
    common.log("%s: loss %.6f perplexity %.3f (%d chunks, %.1f s CPU)" % (
        label, loss, math.exp(loss), len(chunks), time.process_time() - t0))
    return loss, chunks


def make_verifier(engine, nlayers):
    def verify(qm, data, hidden, out, new_hidden, i):
        el, _, eh, ec = int8.emulated_forward(int8.quantized_tensors(qm), engine, qm.encoder(data), hidden, nlayers)
        if not (torch.equal(el, out) and torch.equal(eh, new_hidden[0]) and torch.equal(ec, new_hidden[1])):
            raise SystemExit("FAILED: %s chunk %d differs from the numpy emulation (max |logit diff| %g)"
                             % (engine, i, float((el - out).abs().max())))
        common.log("  %s chunk %d: torch == emulation, bit for bit" % (engine, i))
    return verify


def base_record(args, corpus, model_sha, data_sha, engine, extra_prov=None):
    prov = common.provenance(__file__, engine=engine, seed=None)
    if extra_prov:
        prov.update(extra_prov)
    return {
        "provenance": prov,
        "model": os.path.basename(args.model),
        "model_sha256": model_sha,
        "data_sha256": data_sha,
        "dictionary_size": len(corpus.dictionary),
        "tokens": {s: int(getattr(corpus, s).numel()) for s in ("train", "valid", "test")},
        "split": "test",
        "bptt": BPTT,
        "batch_size": EVAL_BATCH,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    common.golden_arg(ap)
    ap.add_argument("--model", default=common.DEFAULT_MODEL, help="state_dict file (default ../shared/models/"
                                                                  "tutorial_lstm.pth)")
    ap.add_argument("--data", default=common.DEFAULT_DATA, help="WikiText-2 directory (default ../shared/data/"
                                                                "wikitext-2)")
    ap.add_argument("--only", choices=("float", "int8"), help="only the float or only the int8 losses")
    ap.add_argument("--engines", help="comma-separated engines (default: all available of %s)"
                                      % ",".join(int8.CANDIDATE_ENGINES))
    args = ap.parse_args()
    files = [os.path.join(args.data, s + ".txt") for s in ("train", "valid", "test")]
    missing = [p for p in files + [args.model] if not os.path.isfile(p)]
    if missing:
        common.log("golden_full.py: skipped, missing %s" % ", ".join(missing))
        return
    common.filter_native_stderr()
    out = os.path.join(args.golden, "full")

    t0 = time.process_time()
    corpus = Corpus(args.data)
    ntokens = len(corpus.dictionary)
    got = {"words": ntokens, "train": len(corpus.train), "valid": len(corpus.valid), "test": len(corpus.test)}
    common.log("corpus: %s (%.1f s CPU)" % (got, time.process_time() - t0))
    if got != EXPECTED:
        raise SystemExit("FAILED: corpus counts %s differ from WikiText-2's %s" % (got, EXPECTED))
    model = load_model(args.model)
    assert model.encoder.num_embeddings == ntokens
    model_sha = common.sha256_file(args.model)
    data_sha = {s: common.sha256_file(p) for s, p in zip(("train", "valid", "test"), files)}
    test_data = batchify(corpus.test, EVAL_BATCH)

    float_path = os.path.join(out, "tutorial_float_loss.json")
    float_loss = None
    if args.only != "int8":
        loss, chunks = run_eval("float", model, test_data, ntokens, lambda data: model)
        rec = base_record(args, corpus, model_sha, data_sha, None)
        rec.update({"chunks": len(chunks), "loss": loss, "perplexity": math.exp(loss),
                    "chunk_losses": [v for _, v in chunks]})
        common.write_json(float_path, rec)
        float_loss = loss
    if args.only == "float":
        return
    if float_loss is None and os.path.isfile(float_path):
        with open(float_path, encoding="utf-8") as f:
            prev = json.load(f)
        if prev["model_sha256"] == model_sha and prev["data_sha256"] == data_sha:
            float_loss = prev["loss"]
            common.log("float loss %r taken from %s" % (float_loss, float_path))
    if float_loss is None:
        float_loss, _ = run_eval("float", model, test_data, ntokens, lambda data: model)

    engines = args.engines.split(",") if args.engines else int8.engines()
    for engine in engines:
        if engine not in torch.backends.quantized.supported_engines:
            common.log("engine %s not available in this torch build: skipped" % engine)
            continue
        qmodels = int8.QuantizedModels(model, engine)
        loss, chunks = run_eval("int8 " + engine, qmodels.first, test_data, ntokens, qmodels.for_chunk,
                                make_verifier(engine, model.nlayers))
        extra = {}
        if engine == "onednn":
            extra["onednn_defect_avoided_by"] = int8.ONEDNN_DEFECT_AVOIDANCE
        extra["verified_against_emulation"] = "chunks %s and the last chunk, bit for bit" % (list(VERIFY_CHUNKS),)
        rec = base_record(args, corpus, model_sha, data_sha, engine, extra)
        rec.update({"chunks": len(chunks), "loss": loss, "perplexity": math.exp(loss),
                    "float_loss": float_loss, "float_perplexity": math.exp(float_loss),
                    "loss_minus_float_loss": loss - float_loss,
                    "chunk_losses": [v for _, v in chunks]})
        common.write_json(os.path.join(out, "tutorial_int8_loss_%s.json" % engine), rec)


if __name__ == "__main__":
    main()
