"""Helpers shared by the reference scripts: paths, hashing, provenance, deterministic JSON/text writers.

Import this module before torch: it pins the thread environment variables.
"""
import hashlib
import io
import json
import math
import os
import sys
import tempfile
import threading

for _k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ[_k] = "1"
os.environ["GLOG_minloglevel"] = "2"
# Pin every library's CPU dispatch to AVX2, so that a golden's last bits do not depend on the machine: OpenBLAS,
# ATen's vectorized kernels and oneDNN each pick different (differently rounding) code on AVX-512 CPUs.
# The committed goldens were first written on an AVX2-only machine; with these pins an AVX-512 machine
# reproduces them byte for byte.  setdefault: a caller may still override one for an experiment.
# bench_torch.py sets QLSTM_ISA_PIN=native first: timings must use the code PyTorch really runs on this CPU.
if os.environ.get("QLSTM_ISA_PIN", "avx2") != "native":
    os.environ.setdefault("OPENBLAS_CORETYPE", "Haswell")
    os.environ.setdefault("ATEN_CPU_CAPABILITY", "avx2")
    os.environ.setdefault("ONEDNN_MAX_CPU_ISA", "AVX2")
    os.environ.setdefault("DNNL_MAX_CPU_ISA", "AVX2")

import numpy as np  # noqa: E402

REFERENCE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_ROOT = os.path.dirname(REFERENCE_DIR)
DEFAULT_GOLDEN = os.path.join(REPO_ROOT, "golden")
DEFAULT_DATA = os.path.join(REPO_ROOT, "..", "shared", "data", "wikitext-2")
DEFAULT_MODEL = os.path.join(REPO_ROOT, "..", "shared", "models", "tutorial_lstm.pth")


def init_torch():
    """Import torch single-threaded; returns the module."""
    import torch
    torch.set_num_threads(1)
    return torch


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# --- native stderr filter -------------------------------------------------------------------------------
# PyTorch's qnnpack linear_dynamic prints a glog warning on every call with reduce_range=True (which the
# quantized modules always pass) and GLOG_minloglevel does not silence it in this build.  We route the native
# fd 2 through a pipe and drop exactly those lines; Python's own sys.stderr writes to the original fd.
_NOISE = (b"qnnpack incorrectly ignores reduce_range", b"Logging before InitGoogleLogging")
_filter_state = {}


def filter_native_stderr():
    if _filter_state:
        return
    orig = os.dup(2)
    r, w = os.pipe()
    os.dup2(w, 2)
    os.close(w)
    sys.stderr = io.TextIOWrapper(io.FileIO(orig, "w", closefd=False), write_through=True)
    dropped = [0]

    def pump():
        with io.FileIO(r, "r") as f:
            for line in io.BufferedReader(f):
                if any(n in line for n in _NOISE):
                    dropped[0] += 1
                else:
                    os.write(orig, line)

    t = threading.Thread(target=pump, daemon=True)
    t.start()
    _filter_state.update(orig=orig, thread=t, dropped=dropped)


# --- hashing / provenance ---------------------------------------------------------------------------------
def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def provenance(script, engine=None, seed=None, **extra):
    """The provenance dict every golden carries.  No timestamps, no absolute paths."""
    import torch
    p = {
        "torch": torch.__version__,
        "numpy": np.__version__,
        "engine": engine,
        "seed": seed,
        "script": "reference/" + os.path.basename(script),
        "threads": torch.get_num_threads(),
    }
    p.update(extra)
    return p


# --- float formatting ---------------------------------------------------------------------------------------
def f32(a):
    """numpy float32 array (or scalar) -> nested Python floats holding exactly the float32 values."""
    return np.asarray(a, dtype=np.float32).astype(np.float64).tolist()


def f32_hex(a):
    """numpy float32 array -> nested lists of '0x%08x' bit strings."""
    bits = np.asarray(a, dtype=np.float32).view(np.uint32)
    if bits.ndim == 0:
        return "0x%08x" % int(bits)
    return np.vectorize(lambda v: "0x%08x" % int(v), otypes=[object])(bits).tolist()


def ints(a):
    return np.asarray(a).astype(np.int64).tolist()


# --- deterministic JSON -------------------------------------------------------------------------------------
def _scalar(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if not math.isfinite(v):
            raise ValueError("non-finite float in golden: %r" % v)
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    raise TypeError("unsupported JSON value %r (%s)" % (v, type(v)))


def _is_scalar(v):
    return not isinstance(v, (dict, list, tuple))


def _dump(v, indent, out):
    pad = " " * indent
    if isinstance(v, dict):
        if not v:
            out.append("{}")
            return
        out.append("{\n")
        items = list(v.items())
        for i, (k, val) in enumerate(items):
            if not isinstance(k, str):
                raise TypeError("JSON keys must be str: %r" % (k,))
            out.append(pad + " " + json.dumps(k, ensure_ascii=False) + ": ")
            _dump(val, indent + 1, out)
            out.append(",\n" if i + 1 < len(items) else "\n")
        out.append(pad + "}")
    elif isinstance(v, (list, tuple)):
        if all(_is_scalar(x) for x in v):
            out.append("[" + ", ".join(_scalar(x) for x in v) + "]")
            return
        out.append("[\n")
        for i, x in enumerate(v):
            out.append(pad + " ")
            _dump(x, indent + 1, out)
            out.append(",\n" if i + 1 < len(v) else "\n")
        out.append(pad + "]")
    else:
        out.append(_scalar(v))


def dumps(obj):
    """Fixed formatting: dict keys in insertion order, one-space indent per level, lists of scalars on one
    line, floats as repr(float) (shortest round-trip of the double), UTF-8, '\\n' line ends, final newline."""
    out = []
    _dump(obj, 0, out)
    return "".join(out) + "\n"


def write_bytes(path, data):
    """Writes atomically: a uniquely named temporary file beside the target, flushed to disk, then os.replace;
    on any failure (an exception, Ctrl-C) the temporary file is removed, so no partial golden is ever left and
    an existing one stays as it was."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the mode an ordinary open() would
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    log("wrote %s (%d bytes)" % (os.path.relpath(path, os.getcwd()) if not os.path.isabs(path) else path,
                                 len(data)))


def write_json(path, obj):
    text = dumps(obj)
    json.loads(text)  # self-check: valid JSON
    write_bytes(path, text.encode("utf-8"))


def write_text(path, text):
    """Canonical text file: UTF-8, '\\n' line ends exactly as given (binary write, no newline translation)."""
    write_bytes(path, text.encode("utf-8"))


def golden_arg(parser):
    parser.add_argument("--golden", default=DEFAULT_GOLDEN,
                        help="golden directory to read inputs from and write into (default: <repo>/golden)")
