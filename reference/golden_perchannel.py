#!/usr/bin/env python3
"""Per-channel int8 and int8-embedding goldens of the small model: golden/small/perchannel_weights.json and,
per available quantized engine E, golden/small/perchannel_linear_E.json and perchannel_eval_E.json; and
golden/perchannel_sizes.json: torch.save(state_dict) bytes of the tutorial architecture (random weights: the size
does not depend on the values) float and converted this way, per engine.

The conversion is
    quantize_dynamic(model, {nn.LSTM: per_channel_dynamic_qconfig, nn.Linear: per_channel_dynamic_qconfig,
                             nn.Embedding: float_qparams_weight_only_qconfig})
Weights: PerChannelMinMaxObserver, qint8, per_channel_symmetric, ch_axis 0 -- the per-tensor rule of the spec
(section 1) applied to every output row.  Requantization: the engine's per-tensor formula (spec section 3) with
the weight scale of the output column j.  Embedding: quint8, per_channel_affine_float_qparams, per row
    scale = f32(f32(max - min) / 255), 1.0 if not > eps;  zero_point = f32(-min / scale) (a float)
    q     = clamp(rint(f32(f32(w * f32(1 / scale)) + zero_point)), 0, 255)
and quantized::embedding_byte returns fma(q, scale, f32(-(zero_point * scale))) -- one rounding, which is NOT
always f32(f32(q - zero_point) * scale) (Tensor.dequantize()).  Everything here is recomputed by numpy and the
script fails (exit 2, nothing written) if torch differs by one bit.
"""
import hashlib
import os
import sys
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qlstm_ref import common  # noqa: E402  (pins thread env vars before torch)

import argparse  # noqa: E402

import numpy as np  # noqa: E402

torch = common.init_torch()
import torch.nn as nn  # noqa: E402
from torch.ao.nn.quantized.modules.utils import _quantize_weight  # noqa: E402
from torch.ao.quantization.qconfig import (float_qparams_weight_only_qconfig,  # noqa: E402
                                           per_channel_dynamic_qconfig)

from qlstm_ref import goldens, int8  # noqa: E402
from qlstm_ref import quantemu as qe  # noqa: E402
from qlstm_ref.model import load_model  # noqa: E402

SEED = 20261128
F32 = np.float32
QCONFIG_SPEC = ("{nn.LSTM: per_channel_dynamic_qconfig, nn.Linear: per_channel_dynamic_qconfig, "
                "nn.Embedding: float_qparams_weight_only_qconfig}")


class Mismatch(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Mismatch("torch disagrees with the numpy emulation: " + what)


def quantize_model(model):
    m = torch.quantization.quantize_dynamic(model, {nn.LSTM: per_channel_dynamic_qconfig,
                                                    nn.Linear: per_channel_dynamic_qconfig,
                                                    nn.Embedding: float_qparams_weight_only_qconfig})
    m.eval()
    # the tutorial's init_hidden takes its dtype from the first parameter; a quantized embedding leaves none
    m.init_hidden = model.init_hidden
    return m


class Models:
    """One quantized model (qnnpack) or one per chunk shape (onednn: int8.ONEDNN_DEFECT_AVOIDANCE)."""

    def __init__(self, float_model, engine):
        int8.set_engine(engine)
        self.float_model, self.engine, self.cache = float_model, engine, {}
        self.first = quantize_model(float_model)

    def for_chunk(self, data):
        if self.engine != "onednn":
            return self.first
        key = tuple(int(v) for v in data.shape)
        if key not in self.cache:
            self.cache[key] = self.first if not self.cache else quantize_model(self.float_model)
        return self.cache[key]


# ---- emulation ---------------------------------------------------------------------------------------------
def quantize_rows(w):
    """Per-channel symmetric qint8: spec 1 on every row. Returns (int8 [rows, cols], float32 scales [rows])."""
    pairs = [qe.quantize_weight(row) for row in np.asarray(w, F32)]
    return np.stack([q for q, _ in pairs]), np.array([s for _, s in pairs], F32)


def embedding_qparams(w):
    w = np.asarray(w, F32)
    mn, mx = w.min(axis=1), w.max(axis=1)
    scale = ((mx - mn).astype(F32) / F32(255)).astype(F32)
    scale = np.where(scale > qe.EPS, scale, F32(1)).astype(F32)
    zp = ((F32(-1) * mn).astype(F32) / scale).astype(F32)
    inv = (F32(1) / scale).astype(F32)
    q = np.clip(np.rint(((w * inv[:, None]).astype(F32) + zp[:, None]).astype(F32)), 0, 255).astype(np.uint8)
    return scale, zp, q


def fma_f32(a, b, c):
    """Correctly rounded f32(a*b + c) for float32 arrays: in double (a*b is exact there), with every case where
    the double sum is inexact checked exactly with Fractions (a double rounding could differ)."""
    a, b, c = (np.asarray(v, F32).astype(np.float64) for v in (a, b, c))
    p = a * b
    s = p + c
    bp = s - c
    err = (p - bp) + (c - (s - bp))  # TwoSum: s + err == p + c exactly
    out = s.astype(F32)
    for idx in zip(*np.nonzero(err != 0)):
        exact = Fraction(float(p[idx])) + Fraction(float(c[idx]))
        lo = np.float32(float(exact))
        cands = [lo, np.nextafter(lo, F32(np.inf)), np.nextafter(lo, F32(-np.inf))]
        best = min(cands, key=lambda v: (abs(Fraction(float(v)) - exact), int(np.asarray(v).view(np.uint32)) & 1))
        out[idx] = best
    return out


def embedding_rows(q, scale, zp):
    bias = (-(zp * scale).astype(F32)).astype(F32)
    return fma_f32(q.astype(F32), scale[:, None], bias[:, None])


def sha256_f32(a):
    return hashlib.sha256(np.ascontiguousarray(np.asarray(a, F32)).astype("<f4").tobytes()).hexdigest()


def sha256_i8(a):
    return hashlib.sha256(np.ascontiguousarray(np.asarray(a)).astype(np.int8).tobytes()).hexdigest()


def quantized_tensors(qmodel):
    """[(name, int8 ndarray, float32 scales, zero points, float bias)] like int8.quantized_tensors."""
    wb = qmodel.rnn._weight_bias()
    items = []
    for l in range(qmodel.rnn.num_layers):
        for kind in ("ih", "hh"):
            items.append(("rnn.weight_%s_l%d" % (kind, l), wb["weight"]["weight_%s_l%d" % (kind, l)],
                          wb["bias"]["bias_%s_l%d" % (kind, l)]))
    items.append(("decoder.weight", qmodel.decoder.weight(), qmodel.decoder.bias()))
    out = []
    for name, q, b in items:
        assert q.dtype == torch.qint8 and q.qscheme() == torch.per_channel_affine and q.q_per_channel_axis() == 0
        scales = q.q_per_channel_scales().numpy()
        check(np.array_equal(scales.astype(F32).astype(np.float64), scales), name + ": scales are float32 values")
        out.append((name, q.int_repr().numpy().copy(), scales.astype(F32), q.q_per_channel_zero_points().numpy(),
                    b.detach().numpy().copy()))
    return out


# ---- perchannel_weights.json -------------------------------------------------------------------------------
def weights_record(model, qmodel, head):
    floats = dict(int8.float_weights(model))
    tensors = []
    for name, q, scales, zps, _ in quantized_tensors(qmodel):
        eq, es = quantize_rows(floats[name])
        check(np.array_equal(eq, q), name + ": int8 values")
        check(np.array_equal(es.view(np.uint32), scales.view(np.uint32)), name + ": scales")
        check(not zps.any(), name + ": zero points")
        tensors.append({"name": name, "shape": list(q.shape), "scale_bits": common.f32_hex(scales),
                        "values_sha256": sha256_i8(q), "rows_reaching_minus_128": int((q == -128).any(axis=1).sum())})
    emb = qmodel.encoder.weight()
    check(emb.dtype == torch.quint8 and emb.qscheme() == torch.per_channel_affine_float_qparams, "embedding type")
    s = emb.q_per_channel_scales().numpy()
    z = emb.q_per_channel_zero_points().numpy()
    q = emb.int_repr().numpy()
    w = model.encoder.weight.detach().numpy()
    es, ez, eq = embedding_qparams(w)
    check(s.dtype == np.float32 and z.dtype == np.float32, "embedding qparams are float32")
    check(np.array_equal(s.view(np.uint32), es.view(np.uint32)), "embedding scales")
    check(np.array_equal(z.view(np.uint32), ez.view(np.uint32)), "embedding zero points")
    check(np.array_equal(q, eq), "embedding quint8 values")
    with torch.no_grad():
        rows = qmodel.encoder(torch.arange(w.shape[0])).numpy()
    er = embedding_rows(eq, es, ez)
    check(np.array_equal(rows.view(np.uint32), er.view(np.uint32)), "embedding_byte rows")
    dq = emb.dequantize().numpy()
    naive = ((q.astype(F32) - z[:, None]).astype(F32) * s[:, None]).astype(F32)
    check(np.array_equal(dq.view(np.uint32), naive.view(np.uint32)), "Tensor.dequantize() = f32((q - zp) * s)")
    rec = dict(head)
    rec["tensors"] = tensors
    rec["embedding"] = {
        "shape": list(q.shape),
        "dtype": "quint8",
        "qscheme": "per_channel_affine_float_qparams",
        "scale_bits": common.f32_hex(s),
        "zero_point_bits": common.f32_hex(z),
        "values_sha256": hashlib.sha256(np.ascontiguousarray(q).tobytes()).hexdigest(),
        "rows_f32le_sha256": sha256_f32(rows),
        "rows_differing_from_tensor_dequantize": int((rows.view(np.uint32) != dq.view(np.uint32)).sum()),
        "first_rows_bits": common.f32_hex(rows[:3]),
    }
    return rec


# ---- perchannel_linear_E.json ------------------------------------------------------------------------------
def linear_case(engine, name, w, b, x):
    w = np.asarray(w, F32)
    x = np.asarray(x, F32)
    b = None if b is None else np.asarray(b, F32)
    obs = per_channel_dynamic_qconfig.weight()
    wt = torch.from_numpy(w)
    obs(wt)
    qw = _quantize_weight(wt, obs)
    packed = torch.ops.quantized.linear_prepack(qw, None if b is None else torch.from_numpy(b))
    y = torch.ops.quantized.linear_dynamic(torch.from_numpy(x), packed, True).numpy()
    wq, ws = quantize_rows(w)
    check(np.array_equal(qw.int_repr().numpy(), wq), name + ": int8 weight")
    check(np.array_equal(qw.q_per_channel_scales().numpy(), ws.astype(np.float64)), name + ": weight scales")
    ye, info = qe.LINEAR[engine](x, wq, ws, b, True)
    check(np.array_equal(y.view(np.uint32), ye.view(np.uint32)), "%s (%s)" % (name, engine))
    return {"name": name, "weight": {"shape": list(w.shape), "values": common.f32(w.reshape(-1))},
            "bias": None if b is None else common.f32(b),
            "x": {"shape": list(x.shape), "values": common.f32(x.reshape(-1))},
            "reduce_range": True, "act_scale": info["act_scale"], "act_zero_point": int(info["act_zero_point"]),
            "weight_scale_bits": common.f32_hex(ws), "weight_q_sha256": sha256_i8(wq),
            "y_bits": common.f32_hex(y.reshape(-1))}


def linear_cases(engine, model, corpus):
    rng = np.random.default_rng(SEED)
    cases = []

    def normal(*shape, s=1.0):
        return (rng.standard_normal(shape) * s).astype(F32)

    w = normal(6, 9, s=0.3)
    w[1] *= 40  # rows of very different ranges: where per-channel differs most from per-tensor
    w[2] = 0    # an all-zero row: scale eps
    w[3, 0] = -1.2742863893508911
    w[3, 1] = 0.6371431946754456
    w[3, 2:] = 0  # spec 1's -128 row
    cases.append(linear_case(engine, "mixed_row_ranges", w, normal(6, s=0.1), normal(4, 9)))
    cases.append(linear_case(engine, "no_bias_single_row", normal(5, 7, s=0.5), None, normal(1, 7)))
    cases.append(linear_case(engine, "all_zero_x", normal(5, 7, s=0.5), normal(5, s=0.1), np.zeros((2, 7), F32)))
    toks = corpus.test[0:25].view(25, 1)
    with torch.no_grad():
        emb = model.encoder(toks)
        out, (h, _) = model.rnn(emb, model.init_hidden(1))
    cases.append(linear_case(engine, "small_model_weight_ih_l0_on_embeddings", model.rnn.weight_ih_l0.detach().numpy(),
                             model.rnn.bias_ih_l0.detach().numpy(), emb.reshape(25, -1).numpy()))
    cases.append(linear_case(engine, "small_model_weight_hh_l1_on_hidden", model.rnn.weight_hh_l1.detach().numpy(),
                             model.rnn.bias_hh_l1.detach().numpy(), h[1].numpy()))
    cases.append(linear_case(engine, "small_model_decoder_on_lstm_output", model.decoder.weight.detach().numpy(),
                             model.decoder.bias.detach().numpy(), out.reshape(25, -1).numpy()))
    for i in range(16):
        n, k, m = int(rng.integers(1, 24)), int(rng.integers(1, 40)), int(rng.integers(1, 7))
        w = normal(n, k, s=float(rng.choice([1e-3, 0.05, 0.3, 2.0])))
        w *= rng.choice([1.0, 10.0, 0.1], size=(n, 1)).astype(F32)
        x = normal(m, k, s=float(rng.choice([1e-4, 0.1, 1.0, 30.0])))
        cases.append(linear_case(engine, "random_%02d_%dx%d_rows%d" % (i, n, k, m), w,
                                 normal(n, s=0.1) if i % 4 else None, x))
    return cases


# ---- perchannel_sizes.json ---------------------------------------------------------------------------------
def torch_save_bytes(model):
    """print_size_of_model: torch.save(state_dict, 'temp.p') and the file's size (the name matters by a few bytes)."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "temp.p")
        torch.save(model.state_dict(), path)
        return os.path.getsize(path)


def sizes_record(engines):
    from qlstm_ref.model import LSTMModel
    dims = {"ntoken": 33278, "ninp": 512, "nhid": 256, "nlayers": 5}
    torch.manual_seed(0)
    model = LSTMModel(dims["ntoken"], dims["ninp"], dims["nhid"], dims["nlayers"])
    model.eval()
    rec = {"provenance": common.provenance(__file__, engine=", ".join(engines), seed=0, qconfig_spec=QCONFIG_SPEC),
           "architecture": dims, "torch_save_float": torch_save_bytes(model), "torch_save_per_channel_int8_embedding": {}}
    for engine in engines:
        int8.set_engine(engine)
        rec["torch_save_per_channel_int8_embedding"][engine] = torch_save_bytes(quantize_model(model))
        common.log("torch.save per-channel + int8 embedding (%s): %d bytes, float %d" % (
            engine, rec["torch_save_per_channel_int8_embedding"][engine], rec["torch_save_float"]))
    return rec


# ---- perchannel_eval_E.json --------------------------------------------------------------------------------
def verify_chunks(model, models, engine, corpus, split, bptt, bsz):
    """Every chunk of evaluate(): logits and state equal the emulation (numpy linear_dynamic, torch gate math)."""
    from qlstm_ref.model import batchify, get_batch
    src = batchify(getattr(corpus, split), bsz)
    hidden = model.init_hidden(bsz)
    with torch.no_grad():
        for i in range(0, src.size(0) - 1, bptt):
            data, _ = get_batch(src, i, bptt)
            qm = models.for_chunk(data)
            out, new_hidden = qm(data, hidden)
            el, _, eh, ec = int8.emulated_forward(quantized_tensors(qm), engine, qm.encoder(data), hidden,
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
    sha = common.sha256_file(model_path)
    weights = None
    for engine in int8.engines():
        models = Models(model, engine)
        prov = common.provenance(__file__, engine=engine, seed=SEED, qconfig_spec=QCONFIG_SPEC)
        if engine == "onednn":
            prov["onednn_defect_avoided_by"] = int8.ONEDNN_DEFECT_AVOIDANCE
        head = {"provenance": prov, "model_sha256": sha}
        head.update(d)
        rec = weights_record(model, models.first, head)
        body = {k: v for k, v in rec.items() if k != "provenance"}
        if weights is None:
            weights = rec
            weights["provenance"] = dict(prov, engine="same on every engine: " + ", ".join(int8.engines()))
            weights["provenance"].pop("onednn_defect_avoided_by", None)
        else:
            check(body == {k: v for k, v in weights.items() if k != "provenance"}, "weights differ across engines")
        lin = dict(head)
        lin["cases"] = linear_cases(engine, model, corpus)
        common.write_json(os.path.join(small, "perchannel_linear_%s.json" % engine), lin)
        ev = dict(head)
        ev["evals"] = []
        for split, bptt, bsz in goldens.EVAL_CONFIGS:
            verify_chunks(model, models, engine, corpus, split, bptt, bsz)
            r = goldens.eval_record(corpus, split, bptt, bsz, models.first, d["ntoken"],
                                    model_for_chunk=models.for_chunk)
            common.log("per-channel + int8 embedding, %s %s bptt %d batch %d: loss %.6f" % (
                engine, split, bptt, bsz, r["loss"]))
            ev["evals"].append(r)
        common.write_json(os.path.join(small, "perchannel_eval_%s.json" % engine), ev)
    common.write_json(os.path.join(small, "perchannel_weights.json"), weights)
    common.write_json(os.path.join(args.golden, "perchannel_sizes.json"), sizes_record(int8.engines()))


if __name__ == "__main__":
    try:
        main()
    except Mismatch as e:
        common.log("FAILED: %s" % e)
        sys.exit(2)
