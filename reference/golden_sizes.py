#!/usr/bin/env python3
"""golden/sizes.json: exact torch.save(state_dict) byte sizes, float and int8 per engine, of the tutorial
architecture (ntoken 33278, 512/256/5, random weights: the size does not depend on the values) and of the
small model, with a per-component breakdown.

Sizes are measured like the tutorial's print_size_of_model: torch.save(model.state_dict(), "temp.p") and the
file's size.  The name matters by a few bytes (torch.save names the zip's top folder after the file, and
records are 64-byte aligned), so the file is always called temp.p, in a scratch directory.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qlstm_ref import common  # noqa: E402  (pins thread env vars before torch)

import argparse  # noqa: E402
import tempfile  # noqa: E402
import zipfile  # noqa: E402

torch = common.init_torch()

from qlstm_ref import int8  # noqa: E402
from qlstm_ref.model import LSTMModel, load_model, quantize  # noqa: E402

SEED = 0
TUTORIAL_DIMS = {"ntoken": 33278, "ninp": 512, "nhid": 256, "nlayers": 5}


def saved(state_dict):
    """(file size, zip entries {name: size}) of torch.save(state_dict, 'temp.p')."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "temp.p")
        torch.save(state_dict, path)
        size = os.path.getsize(path)
        with zipfile.ZipFile(path) as z:
            entries = {i.filename: i.file_size for i in z.infolist()}
    return size, entries


def _tensors(obj, path, out):
    if isinstance(obj, torch.Tensor):
        out.append((path, obj))
    elif isinstance(obj, (tuple, list)):
        for i, v in enumerate(obj):
            _tensors(v, path + [i], out)
    elif isinstance(obj, torch.ScriptObject):
        _tensors(obj.__getstate__(), path + ["state"], out)


def component(key, t):
    if key == "encoder.weight":
        return "embedding_f32"
    if key.startswith("decoder."):
        if t.is_quantized:
            return "decoder_weight_int8"
        if key in ("decoder.scale", "decoder.zero_point"):
            return "decoder_scale_and_zero_point"
        if key == "decoder.weight":
            return "decoder_weight_f32"
        return "decoder_bias_f32"
    if key.startswith("rnn."):
        if t.is_quantized:
            return "lstm_weights_int8"
        if ".bias_" in key or key.endswith(".param"):  # float tensors inside packed cell params are biases
            return "lstm_biases_f32"
        return "lstm_weights_f32"
    return "other_tensors"


def breakdown(state_dict, size, entries):
    """Bytes per component of the tensor storages torch.save writes (one record per distinct storage), and
    the rest (zip headers, pickle, alignment padding) as overhead.  Checked against the zip's data records."""
    alive, seen = [], {}
    for key, value in state_dict.items():
        found = []
        _tensors(value, [], found)
        alive.extend(found)  # keep every tensor alive so that storage addresses stay unique
        for _, t in found:
            st = t.storage()
            if st.data_ptr() not in seen:
                seen[st.data_ptr()] = (component(key, t), st.nbytes())
    parts = {}
    for comp, nbytes in seen.values():
        parts[comp] = parts.get(comp, 0) + nbytes
    data = sum(v for k, v in entries.items() if "/data/" in k)
    counted = sum(parts.values())
    if counted != data:
        raise SystemExit("FAILED: storages walked (%d bytes) != zip data records (%d bytes)" % (counted, data))
    parts = dict(sorted(parts.items()))
    parts["overhead_zip_pickle_padding"] = size - data
    return {"storage_records": sum(1 for k in entries if "/data/" in k), "bytes": parts}


def measure(model, label):
    sd = model.state_dict()
    size, entries = saved(sd)
    rec = {"bytes": size, "breakdown": breakdown(sd, size, entries)}
    common.log("%-28s %12d bytes" % (label, size))
    return rec


def sizes_of(model, dims):
    out = {"dims": dims, "parameters": sum(p.numel() for p in model.parameters())}
    out["float"] = measure(model, "float")
    out["int8"] = {}
    for engine in int8.engines():
        int8.set_engine(engine)
        out["int8"][engine] = measure(quantize(model), "int8 " + engine)
        out["int8"][engine]["ratio_to_float"] = out["int8"][engine]["bytes"] / out["float"]["bytes"]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    common.golden_arg(ap)
    args = ap.parse_args()
    common.filter_native_stderr()
    torch.manual_seed(SEED)
    tut = LSTMModel(TUTORIAL_DIMS["ntoken"], TUTORIAL_DIMS["ninp"], TUTORIAL_DIMS["nhid"], TUTORIAL_DIMS["nlayers"])
    tut.eval()
    model_path = os.path.join(args.golden, "small", "model.pth")
    small = load_model(model_path)
    small_dims = {"ntoken": small.encoder.num_embeddings, "ninp": small.encoder.embedding_dim,
                  "nhid": small.nhid, "nlayers": small.nlayers}
    rec = {
        "provenance": common.provenance(__file__, engine=",".join(int8.engines()), seed=SEED,
                                        fbgemm_available="fbgemm" in torch.backends.quantized.supported_engines,
                                        measured_as="torch.save(model.state_dict(), 'temp.p'); file size"),
        "tutorial_architecture": sizes_of(tut, TUTORIAL_DIMS),
        "small_model": dict(sizes_of(small, small_dims), model_sha256=common.sha256_file(model_path)),
    }
    common.write_json(os.path.join(args.golden, "sizes.json"), rec)


if __name__ == "__main__":
    main()
