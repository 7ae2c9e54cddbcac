#!/usr/bin/env python3
"""Int8 goldens of the small model, per available quantized engine:
golden/small/int8_weights.approved.txt, linear_dynamic_<engine>.json, int8_forward_<engine>.json,
int8_eval_<engine>.json.

Every number torch produces here is recomputed by reference/qlstm_ref/quantemu.py (plain numpy, the rules of
shared/spec/quantization-semantics.md); the script fails instead of writing a golden if they differ by one bit.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qlstm_ref import common  # noqa: E402  (pins thread env vars before torch)

import argparse  # noqa: E402

import numpy as np  # noqa: E402

torch = common.init_torch()

from torch.ao.nn.quantized.modules.utils import _quantize_weight  # noqa: E402
from torch.ao.quantization.qconfig import default_dynamic_qconfig  # noqa: E402

from qlstm_ref import goldens, int8  # noqa: E402
from qlstm_ref import quantemu as qe  # noqa: E402
from qlstm_ref.model import load_model  # noqa: E402

SEED = 20240612
F32 = np.float32


class Mismatch(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Mismatch("torch disagrees with the numpy emulation: " + what)


# --------------------------------------------------------------------------------------------------------------
# int8_weights.approved.txt
# --------------------------------------------------------------------------------------------------------------
def weights_text(model, per_engine):
    """per_engine: {engine: quantized_tensors(...)}; all engines must agree (and agree with spec 1)."""
    engines = list(per_engine)
    ref = per_engine[engines[0]]
    floats = dict(int8.float_weights(model))
    lines = []
    for i, (name, q, scale, zp, _) in enumerate(ref):
        for e in engines[1:]:
            n2, q2, s2, z2, _ = per_engine[e][i]
            check(n2 == name and np.array_equal(q, q2) and s2 == scale and z2 == zp,
                  "quantized %s differs between %s and %s" % (name, engines[0], e))
        eq, es = qe.quantize_weight(floats[name])
        check(np.array_equal(eq, q), "int8 values of " + name)
        check(float(es) == scale and zp == 0, "scale of %s: torch %r emulation %r" % (name, scale, float(es)))
        lines.append("%s shape=%dx%d scale=%r bits=%s zero_point=%d" % (
            name, q.shape[0], q.shape[1], float(F32(scale)), qe.f32_bits(scale), zp))
        for row in q:
            lines.append(" ".join(str(int(v)) for v in row))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------------------
# linear_dynamic_<engine>.json
# --------------------------------------------------------------------------------------------------------------
def quantize_weight_like_quantize_dynamic(w):
    obs = default_dynamic_qconfig.weight()
    obs(w)
    return _quantize_weight(w.float(), obs)


def linear_case(engine, name, w, b, x, reduce_range, note=None):
    w = torch.as_tensor(np.asarray(w, dtype=F32))
    x = torch.as_tensor(np.asarray(x, dtype=F32))
    bt = None if b is None else torch.as_tensor(np.asarray(b, dtype=F32))
    qw = quantize_weight_like_quantize_dynamic(w)
    # a fresh prepack for every call: the onednn stale-compensation defect needs a second call
    packed = torch.ops.quantized.linear_prepack(qw, bt)
    y = torch.ops.quantized.linear_dynamic(x, packed, reduce_range).numpy()

    wq, ws = qe.quantize_weight(w.numpy())
    check(np.array_equal(qw.int_repr().numpy(), wq), name + ": weight int8")
    check(qw.q_scale() == float(ws) and qw.q_zero_point() == 0, name + ": weight scale")
    eff_rr = reduce_range if engine == "onednn" else False  # qnnpack ignores reduce_range (spec 3)
    ye, info = qe.LINEAR[engine](x.numpy(), wq, ws, None if b is None else bt.numpy(), reduce_range)
    ts, tz = torch._choose_qparams_per_tensor(x, eff_rr)
    check((ts, tz) == (info["act_scale"], info["act_zero_point"]),
          "%s: act qparams torch %r emulation %r" % (name, (ts, tz), (info["act_scale"], info["act_zero_point"])))
    check(y.shape == ye.shape and np.array_equal(y.view(np.uint32), ye.view(np.uint32)),
          "%s (%s, reduce_range=%s): max |diff| %g" % (name, engine, reduce_range,
                                                       float(np.abs(y - ye).max()) if y.shape == ye.shape else -1))
    xq = info["xq"]
    rec = {"name": name}
    if note:
        rec["note"] = note
    rec.update({
        "weight": {"shape": list(w.shape), "values": common.f32(w.numpy().reshape(-1))},
        "bias": None if b is None else common.f32(bt.numpy()),
        "x": {"shape": list(x.shape), "values": common.f32(x.numpy().reshape(-1))},
        "reduce_range": bool(reduce_range),
        "act_qmin": 0,
        "act_qmax": 127 if eff_rr else 255,
        "act_scale": info["act_scale"],
        "act_scale_f32": float(F32(info["act_scale"])),
        "act_scale_f32_bits": qe.f32_bits(info["act_scale"]),
        "act_zero_point": int(info["act_zero_point"]),
        "weight_scale": float(ws),
        "weight_scale_bits": qe.f32_bits(ws),
        "weight_zero_point": 0,
        "weight_q": common.ints(wq),
        "x_q": common.ints(xq),
        "acc": common.ints(info["acc"]),
    })
    if engine == "onednn":
        exact = qe._acc(xq, info["act_zero_point"], wq)
        rec["acc_int16_pair_saturated"] = bool(not np.array_equal(exact, info["acc"]))
    rec["y"] = {"shape": list(y.shape), "values": common.f32(y.reshape(-1))}
    rec["y_bits"] = common.f32_hex(y.reshape(-1))
    return rec


SPEC_EXAMPLE = {
    "w": [[0.5, -0.25, 0.125], [-1.0, 0.75, 0.30000001192092896]],
    "b": [0.10000000149011612, -0.20000000298023224],
    "x": [[-0.30000001192092896, 0.0, 1.7000000476837158], [0.8999999761581421, -0.05000000074505806,
                                                           0.20000000298023224]],
    # torch output bits printed in shared/spec/quantization-example.txt
    "bits": {("qnnpack", True): ["0x3e27e92b", "0x3f1aa7b7", "0x3f16d391", "0xbf89a746"],
             ("onednn", True): ["0x3e27282b", "0x3f1add63", "0x3f168f82", "0xbf88ca4e"],
             ("onednn", False): ["0x3e27e92c", "0x3f1aa7b6", "0x3f171412", "0xbf895aad"]},
}


def linear_cases(engine, model, corpus):
    rng = np.random.default_rng(SEED)
    cases = []

    def add(*a, **k):
        cases.append(linear_case(engine, *a, **k))

    def normal(*shape, s=1.0):
        return (rng.standard_normal(shape) * s).astype(F32)

    # the spec's worked example (shared/spec/quantization-example.txt), both reduce_range flags
    for rr in (True, False):
        add("spec_worked_example_rr_%s" % str(rr).lower(), SPEC_EXAMPLE["w"], SPEC_EXAMPLE["b"],
            SPEC_EXAMPLE["x"], rr)
        want = SPEC_EXAMPLE["bits"].get((engine, rr)) or SPEC_EXAMPLE["bits"].get((engine, True))
        check(cases[-1]["y_bits"] == want, "spec worked example (%s, rr=%s): %s" % (engine, rr, cases[-1]["y_bits"]))

    w = normal(5, 6, s=0.3)
    b = normal(5, s=0.1)
    add("all_zero_x", w, b, np.zeros((3, 6), F32), True, note="scale 0.1, zero point 0")
    add("all_zero_weight", np.zeros((4, 6), F32), normal(4, s=0.1), normal(2, 6), True,
        note="weight scale = eps = 2^-23")
    add("tiny_range_mixed_sign", w, b, normal(4, 6, s=3e-7), True, note="|x| < 1e-6: scale 6.1e-5, both bounds amplified")
    add("tiny_range_positive", w, b, np.abs(normal(4, 6, s=3e-7)), True, note="scale 6.1e-5 with min == 0")
    add("tiny_range_negative", w, b, -np.abs(normal(4, 6, s=3e-7)), True, note="scale 6.1e-5 with max == 0")
    add("spec_tiny_example", [[0.5, -0.25], [0.125, 1.0]], [0.0, 0.0], [[-1e-6, 2e-6]], True,
        note="spec 2 example [-1e-6, 2e-6] -> (6.1e-5, 85) with qmax 255; with qmax 127 (onednn) zp 42")
    add("one_signed_positive", w, b, np.abs(normal(4, 6)), True, note="zero point 0")
    add("one_signed_negative", w, b, -np.abs(normal(4, 6)), True, note="zero point = qmax")
    add("large_magnitude_1e4", w, b, normal(4, 6, s=1e4), True)
    add("large_magnitude_weight", normal(5, 6, s=1e3), b, normal(3, 6), True)
    add("input_3d_T4_B3", w, b, normal(4, 3, 6), True, note="x [T, B, K]: one activation scale over all T*B rows")
    add("k1", normal(6, 1), normal(6, s=0.1), normal(5, 1), True)
    add("k1_n1_single_value", [[0.7]], [0.25], [[-2.5]], True)
    add("odd_7x13", normal(7, 13, s=0.5), normal(7, s=0.1), normal(5, 13), True)
    add("no_bias", normal(7, 13, s=0.5), None, normal(5, 13), True)
    add("weight_q_minus_128", [[-1.2742863893508911, 0.6371431946754456, 0.0]], [0.0], [[1.0, -2.0, 0.5]], True,
        note="spec 1: w*inv = -127.5 -> -128")
    add("weight_ties_to_even", [[127.5, 0.5, 2.5, -2.5, -0.5, 1.5, -1.5, 3.5]], None,
        [[1, 2, 3, 4, 5, 6, 7, 8]], True, note="scale 1.0: rint ties to even, 127.5 -> 128 clamps to 127")
    add("activation_ties", [[1.0, -1.0, 0.5, 0.25]], [0.0],
        [[0.0, 1.0 / 255 * 0.5, 2.0, 1.5 / 255 * 2.0]], True)
    add("single_row_hidden_like", normal(16, 8, s=0.4), normal(16, s=0.1), np.tanh(normal(1, 8)), True)
    # realistic operands of the small model (float activations of a real chunk)
    toks = corpus.test[0:25].view(25, 1)
    with torch.no_grad():
        emb = model.encoder(toks)
        out, (h, _) = model.rnn(emb, model.init_hidden(1))
    add("small_model_weight_ih_l0_on_embeddings", model.rnn.weight_ih_l0.detach().numpy(),
        model.rnn.bias_ih_l0.detach().numpy(), emb.reshape(25, -1).numpy(), True)
    add("small_model_weight_hh_l1_on_hidden", model.rnn.weight_hh_l1.detach().numpy(),
        model.rnn.bias_hh_l1.detach().numpy(), h[1].numpy(), True)
    add("small_model_decoder_on_lstm_output", model.decoder.weight.detach().numpy(),
        model.decoder.bias.detach().numpy(), out.reshape(25, -1).numpy(), True)
    # random shapes and distributions
    for i in range(24):
        n = int(rng.integers(1, 24))
        k = int(rng.integers(1, 40))
        m = int(rng.integers(1, 7))
        ws = float(rng.choice([1e-3, 0.05, 0.3, 2.0]))
        xs = float(rng.choice([1e-4, 0.1, 1.0, 30.0]))
        kind = ["normal", "uniform", "laplace", "relu"][i % 4]
        if kind == "normal":
            x = normal(m, k, s=xs)
        elif kind == "uniform":
            x = (rng.uniform(-0.2, 1.0, (m, k)) * xs).astype(F32)
        elif kind == "laplace":
            x = (rng.laplace(0, xs, (m, k))).astype(F32)
        else:
            x = np.maximum(normal(m, k, s=xs), 0).astype(F32)
        add("random_%02d_%s_%dx%d_rows%d" % (i, kind, n, k, m), normal(n, k, s=ws),
            normal(n, s=0.1) if i % 5 else None, x, True)
    # The flag the modules do not use.  Only qnnpack gets a reduce_range=False case: there the flag is ignored.
    # onednn's reduce_range=False result depends on the CPU: with AVX2 it sums u8*s8 pairs with int16 saturation
    # (vpmaddubsw), with AVX512_VNNI (vpdpbusd) it does not, so such a golden could not be reproduced byte for byte
    # on another machine.  PyTorch's modules always pass True, where neither path can saturate.
    if engine != "onednn":
        add("reduce_range_false_random", normal(9, 17, s=0.3), normal(9, s=0.1), normal(4, 17), False)
        add("qnnpack_reduce_range_false_same_as_true", normal(9, 17, s=0.3), normal(9, s=0.1), normal(4, 17), False)
    return cases


# --------------------------------------------------------------------------------------------------------------
# int8_forward_<engine>.json / int8_eval_<engine>.json
# --------------------------------------------------------------------------------------------------------------
def int8_forward(model, qmodels, engine, inputs):
    cases, finals = [], {}
    for name, tokens, init_from in inputs:
        bsz = tokens.shape[1]
        hidden = model.init_hidden(bsz) if init_from is None else finals[init_from]
        qm = qmodels.for_shape(*tokens.shape)
        with torch.no_grad():
            logits, (h_n, c_n) = qm(tokens, hidden)
            emb = qm.encoder(tokens)
        el, outs, eh, ec = int8.emulated_forward(int8.quantized_tensors(qm), engine, emb, hidden, model.nlayers)
        check(torch.equal(el, logits) and torch.equal(eh, h_n) and torch.equal(ec, c_n),
              "%s %s: quantized model forward (max |logit diff| %g)" % (engine, name, (el - logits).abs().max()))
        finals[name] = (h_n, c_n)
        cases.append(goldens.case_record(name, tokens, init_from, hidden[0], hidden[1], logits, outs, h_n, c_n))
    return cases


def verify_eval_chunks(model, qmodels, engine, corpus, split, bptt, bsz):
    """Replays evaluate()'s chunk loop and checks every chunk's logits and state against the emulation."""
    from qlstm_ref.model import batchify, get_batch
    data_source = batchify(getattr(corpus, split), bsz)
    hidden = model.init_hidden(bsz)
    with torch.no_grad():
        for i in range(0, data_source.size(0) - 1, bptt):
            data, _ = get_batch(data_source, i, bptt)
            qm = qmodels.for_chunk(data)
            out, new_hidden = qm(data, hidden)
            el, _, eh, ec = int8.emulated_forward(int8.quantized_tensors(qm), engine, qm.encoder(data), hidden,
                                                  model.nlayers)
            check(torch.equal(el, out) and torch.equal(eh, new_hidden[0]) and torch.equal(ec, new_hidden[1]),
                  "%s eval %s chunk at row %d" % (engine, split, i))
            hidden = new_hidden


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    common.golden_arg(ap)
    args = ap.parse_args()
    common.filter_native_stderr()
    small = os.path.join(args.golden, "small")
    corpus, model_path = goldens.load_small(args.golden)
    model = load_model(model_path)
    d = goldens.dims(model)
    model_sha = common.sha256_file(model_path)
    engines = int8.engines()
    common.log("quantized engines: %s (supported: %s)" % (engines, torch.backends.quantized.supported_engines))

    per_engine = {}
    for engine in engines:
        qmodels = int8.QuantizedModels(model, engine)
        per_engine[engine] = int8.quantized_tensors(qmodels.first)
        prov = common.provenance(__file__, engine=engine, seed=SEED)
        if engine == "onednn":
            prov["onednn_defect_avoided_by"] = int8.ONEDNN_DEFECT_AVOIDANCE
        head = {"provenance": prov, "model_sha256": model_sha}
        head.update(d)

        int8.set_engine(engine)
        lin = dict(head)
        lin["provenance"] = dict(prov)
        if engine == "onednn":
            lin["provenance"]["onednn_defect_avoided_by"] = (
                "every case quantizes and prepacks its weight afresh and calls linear_dynamic once")
        lin["cases"] = linear_cases(engine, model, corpus)
        common.write_json(os.path.join(small, "linear_dynamic_%s.json" % engine), lin)

        fwd = dict(head)
        fwd["cases"] = int8_forward(model, qmodels, engine, goldens.forward_inputs(corpus))
        common.write_json(os.path.join(small, "int8_forward_%s.json" % engine), fwd)

        ev = dict(head)
        ev["evals"] = []
        for split, bptt, bsz in goldens.EVAL_CONFIGS:
            verify_eval_chunks(model, qmodels, engine, corpus, split, bptt, bsz)
            rec = goldens.eval_record(corpus, split, bptt, bsz, qmodels.first, d["ntoken"],
                                      model_for_chunk=qmodels.for_chunk)
            common.log("int8 %s %s bptt %d batch %d: loss %.6f ppl %.3f" % (
                engine, split, bptt, bsz, rec["loss"], rec["perplexity"]))
            ev["evals"].append(rec)
        if engine == "onednn":
            # diagnostic only (not written): the same evaluations, in order, through ONE quantized model, i.e.
            # through the defect's call pattern
            one = int8.QuantizedModels(model, engine).first
            for rec, (split, bptt, bsz) in zip(ev["evals"], goldens.EVAL_CONFIGS):
                bad = goldens.eval_record(corpus, split, bptt, bsz, one, d["ntoken"])["loss"]
                common.log("  onednn %s with one model reused (defect path): loss %r vs %r%s" % (
                    split, bad, rec["loss"], "" if bad == rec["loss"] else "  <- the defect changes the result"))
        common.write_json(os.path.join(small, "int8_eval_%s.json" % engine), ev)

    common.write_text(os.path.join(small, "int8_weights.approved.txt"), weights_text(model, per_engine))


if __name__ == "__main__":
    try:
        main()
    except Mismatch as e:
        common.log("FAILED: %s" % e)
        sys.exit(2)
