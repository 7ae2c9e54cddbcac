#!/bin/sh
# Regenerates every golden file from the reference scripts, in dependency order.
#
#   reference/regenerate.sh              rewrite golden/ in place
#   reference/regenerate.sh --check      regenerate into a scratch copy and compare with golden/ byte for byte;
#                                        exit 1 and print a summary if anything differs, is missing or is extra
#   reference/regenerate.sh --skip-full  skip the full WikiText-2 evaluations (~15-20 min); with --check the
#                                        committed golden/full/ files are then taken as they are
#
# Python: $QLSTM_PYTHON, else Debian's /usr/bin/python3 (python3-torch, PyTorch 1.13).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
PY=${QLSTM_PYTHON:-/usr/bin/python3}
CHECK=0
SKIP_FULL=0
for arg in "$@"; do
    case "$arg" in
        --check) CHECK=1 ;;
        --skip-full) SKIP_FULL=1 ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "regenerate.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
    esac
done

if [ ! -x "$PY" ]; then
    echo "regenerate.sh: no python at $PY. Install Debian's PyTorch:" >&2
    echo "    apt-get install -y python3-torch libopenblas0-pthread" >&2
    echo "or point QLSTM_PYTHON at a python with torch 1.13 and numpy." >&2
    exit 1
fi
if ! "$PY" -c 'import torch, numpy' >/dev/null 2>&1; then
    echo "regenerate.sh: $PY cannot import torch and numpy. Install Debian's PyTorch:" >&2
    echo "    apt-get install -y python3-torch libopenblas0-pthread" >&2
    echo "(the pyenv python3 first on PATH has no torch; set QLSTM_PYTHON to override)" >&2
    exit 1
fi

export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 GLOG_minloglevel=2
# Pin the CPU code paths to AVX2, the ISA the goldens were made with: on an AVX-512 machine OpenBLAS, ATen and
# oneDNN otherwise pick AVX-512 (VNNI) kernels whose float rounding differs, so make_small.py trains another
# model (every golden then differs) and onednn's reduce_range=False case stops saturating. With these,
# --check --skip-full is byte-identical on an AVX-512 (VNNI) machine too.
export OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 DNNL_MAX_CPU_ISA=AVX2

if [ "$CHECK" = 1 ]; then
    SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/qlstm-golden-check.XXXXXX")
    trap 'rm -rf "$SCRATCH"' EXIT INT TERM
    GOLDEN="$SCRATCH/golden"
    mkdir -p "$GOLDEN"
else
    GOLDEN="$ROOT/golden"
fi

run() {
    script=$1
    shift
    echo "== reference/$script $*" >&2
    "$PY" "$HERE/$script" --golden "$GOLDEN" "$@"
}

run make_small.py
run golden_float.py
run golden_int8.py
run golden_perchannel.py
run golden_sizes.py

MODEL="$ROOT/../shared/models/tutorial_lstm.pth"
DATA="$ROOT/../shared/data/wikitext-2"
if [ "$SKIP_FULL" = 1 ] || [ ! -f "$MODEL" ] || [ ! -d "$DATA" ]; then
    if [ "$SKIP_FULL" = 1 ]; then
        echo "== skipping the full WikiText-2 evaluations (--skip-full)" >&2
    else
        echo "== skipping the full WikiText-2 evaluations: $MODEL or $DATA is absent" >&2
    fi
    if [ "$CHECK" = 1 ] && [ -d "$ROOT/golden/full" ]; then
        cp -R "$ROOT/golden/full" "$GOLDEN/full"
    fi
else
    run golden_full.py --model "$MODEL" --data "$DATA"
fi

if [ "$CHECK" = 1 ]; then
    if diff -rq -x .gitattributes "$ROOT/golden" "$GOLDEN" >"$SCRATCH/diff.txt" 2>&1; then
        echo "regenerate.sh --check: OK, every golden file is byte-identical ($(find "$GOLDEN" -type f | wc -l) files)"
        exit 0
    fi
    echo "regenerate.sh --check: FAILED, regenerated goldens differ from golden/:" >&2
    sed -e "s|$SCRATCH/golden|<regenerated>|g" -e "s|$ROOT/golden|golden|g" "$SCRATCH/diff.txt" >&2
    grep '^Files ' "$SCRATCH/diff.txt" | while read -r _ a _ b _; do
        case "$a" in
            *.json|*.txt)
                echo "--- first differing lines of ${a#"$ROOT"/}:" >&2
                diff "$a" "$b" | head -n 8 | cut -c1-200 >&2 || true ;;
            *) cmp "$a" "$b" >&2 || true ;;
        esac
    done
    exit 1
fi
echo "regenerate.sh: golden/ regenerated" >&2
