#!/usr/bin/env bash
# Runs qlstm's and PyTorch's benchmarks on the same model and the same test tokens, one thread each, back to back
# on this machine (one sitting), and prints a table of seconds (and full-test-set seconds) with the ratios the
# performance issue targets.
#   reference/compare_speed.sh [--model FILE] [--data DIR] [--limit-tokens N] [--rounds R] [--threads N]
#                              [--torch-json FILE]
# Defaults: ../shared/models/tutorial_lstm.pth, ../shared/data/wikitext-2, 5000 tokens (0: the whole test split),
# 3 rounds, 1 thread. Java's int8 kernels timed: $QLSTM_INT8_KERNELS (default "native vector"; a kernel that
# cannot run here is reported and skipped). PyTorch runs with its own CPU dispatch (no golden pins).
# --torch-json FILE keeps PyTorch's timings for `qlstm report --torch-speed FILE` (same model and --limit-tokens).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODEL="$ROOT/../shared/models/tutorial_lstm.pth"
DATA="$ROOT/../shared/data/wikitext-2"
TOKENS=5000
ROUNDS=3
THREADS=1
TORCH_JSON=""
while [ $# -gt 0 ]; do
    case "$1" in
        --model) MODEL=$2; shift 2 ;;
        --data) DATA=$2; shift 2 ;;
        --limit-tokens) TOKENS=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --torch-json) TORCH_JSON=$2; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "compare_speed.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
PY=${QLSTM_PYTHON:-/usr/bin/python3}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 GLOG_minloglevel=2
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

{
    echo "machine: $(getconf _NPROCESSORS_ONLN) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), ISA: $(
        grep -o -m1 -w -E 'avx512_vnni' /proc/cpuinfo | head -1 || true) $(grep -o -m1 -w 'avx512f' /proc/cpuinfo | head -1 || true) $(
        grep -o -m1 -w 'avx2' /proc/cpuinfo | head -1 || true)"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt" >&2

for kernel in ${QLSTM_INT8_KERNELS:-native vector}; do
    engines="qnnpack onednn"
    [ "$kernel" = native ] || engines="qnnpack"
    for engine in $engines; do
        echo "running qlstm bench, int8 kernel $kernel, engine $engine ..." >&2
        if ! JAVA_OPTS="-Xmx8g -Dqlstm.int8.kernel=$kernel" "$ROOT/qlstm" bench --model "$MODEL" --data "$DATA" \
                --limit-tokens "$TOKENS" --rounds "$ROUNDS" --threads "$THREADS" --engine "$engine" --json \
                > "$OUT/java_${kernel}_${engine}.json" 2> "$OUT/java_${kernel}_${engine}.err"; then
            echo "  skipped: $(tail -n 1 "$OUT/java_${kernel}_${engine}.err")" >&2
            rm -f "$OUT/java_${kernel}_${engine}.json"
        fi
    done
done
echo "running reference/bench_torch.py ..." >&2
"$PY" "$ROOT/reference/bench_torch.py" --model "$MODEL" --data "$DATA" --limit-tokens "$TOKENS" \
    --rounds "$ROUNDS" --json ${TORCH_JSON:+--out "$TORCH_JSON"} > "$OUT/torch.json"

"$PY" - "$OUT" <<'PYEOF'
import glob, json, os, statistics, sys
out = sys.argv[1]
FULL = 245568  # predictions in the whole WikiText-2 test split (bptt 25, batch 1)
torch = json.load(open(os.path.join(out, "torch.json")))
java = {}
for path in sorted(glob.glob(os.path.join(out, "java_*.json"))):
    j = json.load(open(path))
    java[os.path.basename(path)[5:-5]] = j
if not java:
    sys.exit("compare_speed.sh: no Java benchmark ran")
n = torch["tokens"]
for name, j in java.items():
    assert j["tokens"] == n, "different token counts: %s %d vs PyTorch %d" % (name, j["tokens"], n)
first = next(iter(java.values()))
scale = FULL / n
java_float = statistics.median(j["float"]["median_cpu_seconds"] for j in java.values())
rows = [("Java float (%s)" % first["float_kernel"], java_float, first["float"]["loss"])]
for name, j in java.items():
    rows.append(("Java int8 %s %s" % (j["int8_kernel"], j["engine"]), j["int8"]["median_cpu_seconds"],
                 j["int8"]["loss"]))
for k, v in torch["modes"].items():
    rows.append(("PyTorch %s %s" % (torch["torch"], k.replace("_", " ")), v["median_cpu_seconds"], v["loss"]))
print(open(os.path.join(out, "machine.txt")).read().strip())
print("%d predictions%s, Java %d thread(s) / PyTorch 1 thread (OpenBLAS), medians of %d round(s), CPU seconds"
      % (n, "" if n == FULL else " (full-test figures extrapolated x%.2f)" % scale, first["threads"], first["rounds"]))
print("%-40s %10s %14s %12s" % ("", "seconds", "full test (s)", "loss"))
for name, s, loss in rows:
    print("%-40s %10.3f %14.1f %12.6f" % (name, s, s * scale, loss))
tf = torch["modes"]["float"]["median_cpu_seconds"]
best_torch_int8 = min(v["median_cpu_seconds"] for k, v in torch["modes"].items() if k.startswith("int8"))
best_java_int8 = min(j["int8"]["median_cpu_seconds"] for j in java.values())
print()
print("targets (issue 4)                         measured      target")
print("Java float, full test                     %7.1f s     <= 50 s" % (java_float * scale))
print("Java float vs PyTorch float               %7.2fx     >= 3.5x" % (tf / java_float))
print("Java best int8, full test                 %7.1f s     <= 15 s" % (best_java_int8 * scale))
print("Java best int8 vs PyTorch's best int8     %7.2fx     >= 10x" % (best_torch_int8 / best_java_int8))
print("Java int8/float speed ratio (best int8)   %7.2fx     >= 3x" % (java_float / best_java_int8))
PYEOF
