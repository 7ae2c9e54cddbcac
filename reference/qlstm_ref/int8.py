"""Int8 helpers: engine selection, quantized-weight extraction, the onednn defect avoidance and a numpy/torch
emulation of the quantized model used to cross-check torch bit for bit."""
import numpy as np
import torch

from . import quantemu as qe
from .model import quantize

CANDIDATE_ENGINES = ("qnnpack", "onednn", "fbgemm")

ONEDNN_DEFECT_AVOIDANCE = (
    "one model freshly converted with quantize_dynamic from the float model per distinct chunk shape (T, B), "
    "cached; the hidden state is carried from model to model, so every packed weight is only ever called "
    "with the row count of its first call (input projection and decoder T*B rows, recurrent projection B)")


def engines():
    sup = torch.backends.quantized.supported_engines
    return [e for e in CANDIDATE_ENGINES if e in sup]


def set_engine(engine):
    torch.backends.quantized.engine = engine
    assert torch.backends.quantized.engine == engine


class QuantizedModels:
    """Gives the quantized model to run a chunk with.  qnnpack: one model (the tutorial's usage).
    onednn: one fresh quantize_dynamic copy per chunk shape (see ONEDNN_DEFECT_AVOIDANCE)."""

    def __init__(self, float_model, engine):
        self.float_model = float_model
        self.engine = engine
        self.cache = {}
        set_engine(engine)
        self.first = quantize(float_model)
        self.first.eval()

    def for_shape(self, T, B):
        if self.engine != "onednn":
            return self.first
        key = (int(T), int(B))
        if key not in self.cache:
            if not self.cache:
                self.cache[key] = self.first
            else:
                m = quantize(self.float_model)
                m.eval()
                self.cache[key] = m
        return self.cache[key]

    def for_chunk(self, data):
        return self.for_shape(data.shape[0], data.shape[1])

    def defect_note(self):
        return ONEDNN_DEFECT_AVOIDANCE if self.engine == "onednn" else None


def quantized_tensors(qmodel):
    """[(name, int8 ndarray, scale as double, zero_point, float bias ndarray)] in model order."""
    wb = qmodel.rnn._weight_bias()
    out = []
    for l in range(qmodel.rnn.num_layers):
        for kind in ("ih", "hh"):
            q = wb["weight"]["weight_%s_l%d" % (kind, l)]
            b = wb["bias"]["bias_%s_l%d" % (kind, l)]
            out.append(("rnn.weight_%s_l%d" % (kind, l), q, b))
    out.append(("decoder.weight", qmodel.decoder.weight(), qmodel.decoder.bias()))
    res = []
    for name, q, b in out:
        assert q.dtype == torch.qint8 and q.qscheme() == torch.per_tensor_affine
        res.append((name, q.int_repr().numpy().copy(), float(q.q_scale()), int(q.q_zero_point()),
                    b.detach().numpy().copy()))
    return res


def float_weights(model):
    out = []
    for l in range(model.nlayers):
        for kind in ("ih", "hh"):
            out.append(("rnn.weight_%s_l%d" % (kind, l), getattr(model.rnn, "weight_%s_l%d" % (kind, l))))
    out.append(("decoder.weight", model.decoder.weight))
    return [(n, w.detach().numpy()) for n, w in out]


def emulated_forward(qt, engine, emb, hidden, nlayers):
    """Quantized model forward with every linear_dynamic computed by quantemu (numpy, spec semantics) and the
    gate math done with the same torch ops, in the same order, as ATen's LSTMCell.
    qt: quantized_tensors(...) list.  Returns logits, per-layer outputs, h_n, c_n (torch tensors)."""
    lin = qe.LINEAR[engine]
    T, B, _ = emb.shape
    x = emb
    outs, hs, cs = [], [], []
    for l in range(nlayers):
        _, wih, sih, _, bih = qt[2 * l]
        _, whh, shh, _, bhh = qt[2 * l + 1]
        ih, _ = lin(x.reshape(T * B, -1).numpy(), wih, sih, bih, True)
        ih = torch.from_numpy(ih).view(T, B, -1)
        h = hidden[0][l]
        c = hidden[1][l]
        steps = []
        for t in range(T):
            hh, _ = lin(h.numpy(), whh, shh, bhh, True)
            gates = torch.from_numpy(hh).add_(ih[t])
            chunked = gates.unsafe_chunk(4, 1)
            ingate = chunked[0].sigmoid_()
            forgetgate = chunked[1].sigmoid_()
            cellgate = chunked[2].tanh_()
            outgate = chunked[3].sigmoid_()
            c = (forgetgate * c).add_(ingate * cellgate)
            h = outgate * c.tanh()
            steps.append(h)
        x = torch.stack(steps)
        outs.append(x)
        hs.append(h)
        cs.append(c)
    _, wd, sd, _, bd = qt[-1]
    logits, _ = lin(x.reshape(T * B, -1).numpy(), wd, sd, bd, True)
    return torch.from_numpy(logits).view(T, B, -1), outs, torch.stack(hs), torch.stack(cs)
