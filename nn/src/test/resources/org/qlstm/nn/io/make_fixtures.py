#!/usr/bin/python3
"""Regenerates the real-PyTorch fixtures next to this script (run once; the outputs are committed).

Tests must not need Python, but they should prove we read what torch.save really writes, not only what
our Java test writer thinks it writes. Values are arange-based, so tests can recompute them.
Made with Debian's PyTorch 1.13 (/usr/bin/python3): `/usr/bin/python3 make_fixtures.py`.
"""
import collections
import os

import torch

here = os.path.dirname(os.path.abspath(__file__))


def save(obj, name, **kwargs):
    torch.save(obj, os.path.join(here, name), **kwargs)


base = torch.arange(12, dtype=torch.float32).reshape(3, 4)  # [[0,1,2,3],[4,5,6,7],[8,9,10,11]]
views = collections.OrderedDict()
views["whole"] = base            # contiguous, the storage itself
views["transposed"] = base.t()   # 4x3, stride (1, 4)
views["row1"] = base[1]          # offset 4
views["col2"] = base[:, 2]       # offset 2, stride 4
views["scalar"] = torch.tensor(-1.5)
views["empty"] = torch.zeros(0)
save(views, "views.pth")

# A real module state_dict: OrderedDict with _metadata set through BUILD.
lstm = torch.nn.LSTM(input_size=3, hidden_size=2, num_layers=1)
with torch.no_grad():
    for i, p in enumerate(lstm.parameters()):
        p.copy_(torch.arange(p.numel(), dtype=torch.float32).reshape(p.shape) / 8 + i)
save(lstm.state_dict(), "lstm_small.pth")

# Protocol 4: FRAME, MEMOIZE, STACK_GLOBAL, SHORT_BINUNICODE.
save(collections.OrderedDict(w=base), "protocol4.pth", pickle_protocol=4)

# Refused: other dtypes, and the legacy (pre-1.6) format.
save({"x": torch.zeros(2, dtype=torch.float64)}, "double.pth")
save({"x": torch.zeros(2, dtype=torch.float16)}, "half.pth")
save({"x": torch.zeros(2)}, "legacy.pth", _use_new_zipfile_serialization=False)
