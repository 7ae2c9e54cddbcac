#!/usr/bin/env python3
"""PyTorch's side of the speed comparison: the tutorial's evaluate() in float and in dynamic int8 per available
engine, on the same model and the same first N test tokens as `qlstm bench`, one thread (OpenBLAS), modes
alternated round by round; prints medians of CPU and wall seconds per mode.

  bench_torch.py [--model FILE] [--data DIR] [--limit-tokens N] [--rounds R] [--json] [--out FILE]

Timing only: nothing is written into golden/ (timings depend on the machine). `--out FILE` keeps the JSON for
`qlstm report --torch-speed FILE`, which shows it beside qlstm's own timings of the same model and tokens.  The loss of each mode is printed too, so a run that timed the
wrong thing shows.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ["QLSTM_ISA_PIN"] = "native"  # time PyTorch's own choice of kernels for this CPU, not the goldens' pin
for _k in ("OPENBLAS_CORETYPE", "ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"):
    os.environ.pop(_k, None)  # regenerate.sh exports them; a timing run must not inherit them
from qlstm_ref import common  # noqa: E402  (pins thread env vars before torch)

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

torch = common.init_torch()

from qlstm_ref import int8  # noqa: E402
from qlstm_ref.model import Corpus, batchify, evaluate, load_model  # noqa: E402

BPTT = 25
EVAL_BATCH = 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=common.DEFAULT_MODEL)
    parser.add_argument("--data", default=common.DEFAULT_DATA)
    parser.add_argument("--limit-tokens", type=int, default=5000,
                        help="evaluate the first N test tokens (0: the whole test split)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; medians are reported")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--out", metavar="FILE",
                        help="also write that JSON object to FILE, atomically (for qlstm report --torch-speed FILE)")
    args = parser.parse_args()
    for path in (args.model, os.path.join(args.data, "test.txt")):
        if not os.path.exists(path):
            sys.exit("bench_torch.py: %s: no such file" % path)
    if args.rounds < 1 or args.limit_tokens < 0:
        sys.exit("bench_torch.py: --rounds must be >= 1 and --limit-tokens >= 0")
    common.filter_native_stderr()

    corpus = Corpus(args.data)
    tokens = corpus.test if args.limit_tokens == 0 else corpus.test[:args.limit_tokens]
    data = batchify(tokens, EVAL_BATCH)
    model = load_model(args.model)
    ntokens = model.encoder.weight.shape[0]

    modes = {"float": lambda: evaluate(model, data, BPTT, EVAL_BATCH, ntokens)}
    for engine in int8.engines():
        models = int8.QuantizedModels(model, engine)

        def run(engine=engine, models=models):
            int8.set_engine(engine)
            return evaluate(models.first, data, BPTT, EVAL_BATCH, ntokens, model_for_chunk=models.for_chunk)
        modes["int8_" + engine] = run

    results = {name: {"cpu": [], "wall": [], "loss": None} for name in modes}
    for r in range(args.rounds):
        for name, run in modes.items():
            wall0, cpu0 = time.perf_counter(), time.process_time()
            loss = run()
            results[name]["cpu"].append(time.process_time() - cpu0)
            results[name]["wall"].append(time.perf_counter() - wall0)
            results[name]["loss"] = loss
            common.log("round %d %-14s loss %.6f cpu %.2f s" % (r + 1, name, loss, results[name]["cpu"][-1]))

    predictions = len(data) - 1
    out = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "model_sha256": common.sha256_file(args.model),
        "tokens": predictions,
        "rounds": args.rounds,
        "modes": {name: {"loss": v["loss"],
                         "median_cpu_seconds": statistics.median(v["cpu"]),
                         "median_wall_seconds": statistics.median(v["wall"]),
                         "tokens_per_second": predictions / statistics.median(v["cpu"])}
                  for name, v in results.items()},
    }
    if args.out:
        common.write_text(args.out, json.dumps(out, sort_keys=False) + "\n")
    if args.json:
        print(json.dumps(out, sort_keys=False))
    else:
        print("PyTorch %s, 1 thread, %d predictions, %d rounds (median CPU seconds)" %
              (out["torch"], predictions, args.rounds))
        for name, v in out["modes"].items():
            print("  %-14s %8.3f s  %9.0f tok/s  loss %.6f" %
                  (name, v["median_cpu_seconds"], v["tokens_per_second"], v["loss"]))


if __name__ == "__main__":
    main()
