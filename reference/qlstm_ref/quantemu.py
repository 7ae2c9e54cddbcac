"""Plain-numpy emulation of PyTorch 1.13 dynamic int8 quantization (spec: shared/spec/quantization-semantics.md).

Every function mirrors one numbered rule of the spec; the reference scripts compare torch against these
functions bit for bit and refuse to write a golden when they disagree.
"""
import numpy as np

F32 = np.float32
EPS = F32(2.0 ** -23)              # torch.finfo(torch.float32).eps, MinMaxObserver's lower bound for scales
SMALL_SCALE_THRESHOLD = F32(6.1e-5)


def f32_bits(v):
    """Hex string of the IEEE-754 bits of a float32 value, e.g. '0x3c008081'."""
    return "0x%08x" % int(np.asarray(v, dtype=F32).view(np.uint32))


def weight_qparams(w):
    """Spec 1: per-tensor symmetric qint8 scale of a weight tensor (float32). Returns (scale f32, zero_point 0)."""
    w = np.asarray(w, dtype=F32)
    wmin = F32(w.min()) if w.size else F32(0)
    wmax = F32(w.max()) if w.size else F32(0)
    amax = max(-min(wmin, F32(0)), max(wmax, F32(0)))
    scale = F32(F32(amax) / F32(127.5))
    scale = max(scale, EPS)
    return F32(scale), 0


def quantize_weight(w):
    """Spec 1: q = clamp(rint(f32(w * f32(1/scale))), -128, 127). Returns (int8 array, scale f32)."""
    w = np.asarray(w, dtype=F32)
    scale, _ = weight_qparams(w)
    inv = F32(F32(1.0) / scale)
    q = np.clip(np.rint((w * inv).astype(F32)), -128, 127).astype(np.int8)
    return q, scale


def choose_qparams(xmin, xmax, qmin=0, qmax=255, reduce_range=False):
    """Spec 2 (ATen quant_utils::ChooseQuantizationParams, preserve_sparsity=False). Returns (scale double, zp)."""
    xmin = F32(xmin)
    xmax = F32(xmax)
    if reduce_range:
        qmin = qmin // 2
        qmax = qmax // 2
    xmin = min(xmin, F32(0))
    xmax = max(xmax, F32(0))
    scale = (float(xmax) - float(xmin)) / (qmax - qmin)
    with np.errstate(divide="ignore", over="ignore"):
        if F32(scale) == 0 or np.isinf(F32(1.0) / F32(scale)):
            scale = 0.1
    if scale < float(SMALL_SCALE_THRESHOLD):
        org_scale = F32(scale)
        scale = float(SMALL_SCALE_THRESHOLD)
        if xmin == 0:
            xmax = F32(SMALL_SCALE_THRESHOLD * F32(qmax - qmin))
        elif xmax == 0:
            xmin = F32(-SMALL_SCALE_THRESHOLD * F32(qmax - qmin))
        else:
            amplifier = F32(SMALL_SCALE_THRESHOLD / org_scale)
            xmin = F32(xmin * amplifier)
            xmax = F32(xmax * amplifier)
    zp_from_min = qmin - float(xmin) / scale
    zp_from_max = qmax - float(xmax) / scale
    err_min = abs(qmin) - abs(float(xmin) / scale)
    err_max = abs(qmax) - abs(float(xmax) / scale)
    initial = zp_from_min if err_min < err_max else zp_from_max
    if initial < qmin:
        zp = qmin
    elif initial > qmax:
        zp = qmax
    else:
        zp = int(np.rint(initial))
    return scale, zp


def act_qparams(x, reduce_range):
    """Activation qparams of one linear_dynamic call: min/max over the whole input tensor."""
    x = np.asarray(x, dtype=F32)
    return choose_qparams(F32(x.min()), F32(x.max()), 0, 255, reduce_range)


def _acc(xq, zp, wq):
    # exact int32 accumulation (int64 here, |acc| stays far below 2^31 for the shapes used)
    return (xq.astype(np.int64) - zp) @ wq.astype(np.int64).T


def linear_qnnpack(x, wq, wscale, b, reduce_range=True):
    """Spec 3, qnnpack: reduce_range is ignored (activations 0..255)."""
    x = np.asarray(x, dtype=F32)
    shape = x.shape
    x2 = x.reshape(-1, shape[-1])
    scale, zp = act_qparams(x2, False)
    s32 = F32(scale)
    inv = F32(F32(1.0) / s32)
    xq = np.clip(np.rint((x2 * inv).astype(F32)).astype(np.int64) + zp, 0, 255)
    acc = _acc(xq, zp, wq)
    m = F32(F32(wscale) * s32)
    y = (acc.astype(F32) * m).astype(F32)
    if b is not None:
        y = (y + np.asarray(b, dtype=F32)).astype(F32)
    info = dict(act_scale=scale, act_zero_point=zp, xq=xq, acc=acc)
    return y.reshape(shape[:-1] + (wq.shape[0],)), info


def _acc_onednn(xq, zp, wq):
    """onednn's u8 x s8 product: raw xq*wq products summed in pairs (k = 0|1, 2|3, ...) with int16 saturation
    (vpmaddubsw), then exactly in int32, minus the zero-point compensation zp*sum(wq).  Saturation cannot
    happen with reduce_range=True (xq <= 127: |pair| <= 2*127*128 = 32512); with reduce_range=False it does
    (measured here: 19% of random calls differ from the exact sum), which is why the modules reduce the range."""
    m, k = xq.shape
    kp = k + (k % 2)
    xp = np.zeros((m, kp), np.int64)
    xp[:, :k] = xq
    wp = np.zeros((wq.shape[0], kp), np.int64)
    wp[:, :k] = wq
    acc = np.zeros((m, wq.shape[0]), np.int64)
    for j in range(0, kp, 2):
        pair = np.outer(xp[:, j], wp[:, j]) + np.outer(xp[:, j + 1], wp[:, j + 1])
        acc += np.clip(pair, -32768, 32767)
    return acc - zp * wq.astype(np.int64).sum(axis=1)[None, :]


def linear_onednn(x, wq, wscale, b, reduce_range=True):
    """Spec 3, onednn: honours reduce_range (activations 0..127), zero point added before rounding."""
    x = np.asarray(x, dtype=F32)
    shape = x.shape
    x2 = x.reshape(-1, shape[-1])
    scale, zp = act_qparams(x2, reduce_range)
    inv = F32(1.0 / scale)
    xq = np.clip(np.rint(((x2 * inv).astype(F32) + F32(zp)).astype(F32)), 0, 255).astype(np.int64)
    acc = _acc_onednn(xq, zp, wq)
    if reduce_range:
        assert np.array_equal(acc, _acc(xq, zp, wq))
    bs = F32(inv * F32(F32(1.0) / F32(wscale)))
    if b is None:
        b = np.zeros(wq.shape[0], dtype=F32)
    bb = (np.asarray(b, dtype=F32) * bs).astype(F32)
    y = ((acc.astype(F32) + bb).astype(F32) * F32(F32(1.0) / bs)).astype(F32)
    info = dict(act_scale=scale, act_zero_point=zp, xq=xq, acc=acc)
    return y.reshape(shape[:-1] + (wq.shape[0],)), info


LINEAR = {"qnnpack": linear_qnnpack, "onednn": linear_onednn}
