#!/usr/bin/env bash
# Runs qlstm's and PyTorch's benchmarks on the same model and the same first N test tokens, one thread each,
# back to back on this machine, and prints the Java/PyTorch ratios.
#   reference/compare_speed.sh [--model FILE] [--data DIR] [--limit-tokens N] [--rounds R] [--threads N]
# Defaults: ../shared/models/tutorial_lstm.pth, ../shared/data/wikitext-2, 5000 tokens, 3 rounds, 1 thread.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODEL="$ROOT/../shared/models/tutorial_lstm.pth"
DATA="$ROOT/../shared/data/wikitext-2"
TOKENS=5000
ROUNDS=3
THREADS=1
while [ $# -gt 0 ]; do
    case "$1" in
        --model) MODEL=$2; shift 2 ;;
        --data) DATA=$2; shift 2 ;;
        --limit-tokens) TOKENS=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
        *) echo "compare_speed.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
PY=${QLSTM_PYTHON:-/usr/bin/python3}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 GLOG_minloglevel=2
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(grep -o -m1 -E 'avx512_vnni|avx512f|avx2' /proc/cpuinfo | head -1)" >&2
echo "running qlstm bench ..." >&2
"$ROOT/qlstm" bench --model "$MODEL" --data "$DATA" --limit-tokens "$TOKENS" --rounds "$ROUNDS" \
    --threads "$THREADS" --json > "$OUT/java.json"
for engine in onednn; do
    "$ROOT/qlstm" bench --model "$MODEL" --data "$DATA" --limit-tokens "$TOKENS" --rounds "$ROUNDS" \
        --threads "$THREADS" --engine "$engine" --json > "$OUT/java_$engine.json"
done
echo "running reference/bench_torch.py ..." >&2
"$PY" "$ROOT/reference/bench_torch.py" --model "$MODEL" --data "$DATA" --limit-tokens "$TOKENS" \
    --rounds "$ROUNDS" --json > "$OUT/torch.json"

"$PY" - "$OUT" <<'PYEOF'
import json, os, sys
out = sys.argv[1]
java = json.load(open(os.path.join(out, "java.json")))
java_onednn = json.load(open(os.path.join(out, "java_onednn.json")))
torch = json.load(open(os.path.join(out, "torch.json")))
n = java["tokens"]
assert n == torch["tokens"], "different token counts: %d vs %d" % (n, torch["tokens"])
full = 245568
rows = [("Java float", java["float"]["median_cpu_seconds"]),
        ("Java int8 qnnpack", java["int8"]["median_cpu_seconds"]),
        ("Java int8 onednn", java_onednn["int8"]["median_cpu_seconds"])]
rows += [("PyTorch " + k.replace("_", " "), v["median_cpu_seconds"]) for k, v in torch["modes"].items()]
print("%d tokens, %d thread(s) Java / 1 thread PyTorch %s, medians of %d rounds (CPU seconds)"
      % (n, java["threads"], torch["torch"], java["rounds"]))
print("%-22s %10s %14s" % ("", "seconds", "full test (s)"))
for name, s in rows:
    print("%-22s %10.3f %14.1f" % (name, s, s * full / n))
tf = torch["modes"]["float"]["median_cpu_seconds"]
best_int8 = min(v["median_cpu_seconds"] for k, v in torch["modes"].items() if k.startswith("int8"))
print("Java float vs PyTorch float:          %.2fx faster" % (tf / java["float"]["median_cpu_seconds"]))
print("Java int8 vs PyTorch's best int8:     %.2fx faster" % (best_int8 / java["int8"]["median_cpu_seconds"]))
print("Java int8/float speed ratio:          %.2fx" % java["speed_ratio_cpu"])
PYEOF
