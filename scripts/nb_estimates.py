#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""nb_estimates.py: refresh the per-benchmark time estimates from runs' results.

usage: nb_estimates.py RESULTS_DIR... [--out FILE]

`nestbench run` balances shards and processes and computes its ETA with these
estimates (bench/estimates.tsv by default; a benchmark it does not know gets its
family's ETA hint from bench/families.txt, shared out evenly). Run the default
suite and the quick suite (--jobs=1 gives the cleanest figures), then
    scripts/nb_estimates.py reports/<default run> reports/<quick run>
Each folder updates the column of its suite (run.json "quick") for the
benchmarks it ran; the other column and other benchmarks keep their values.

A benchmark's estimate is the CPU seconds one repetition of it takes:
  its timed loop, iterations x cpu_time of its runs (Google Benchmark's JSON,
  averaged over repetitions), plus
  its share of what the family's processes used besides (run.json cpu_seconds,
  the processes' user + system time, minus every timed loop: start-up,
  set-up, Google Benchmark's probe runs), shared out evenly over the family's
  benchmarks and repetitions.
CPU time, not wall time: on a loaded machine the wall time grows with the load,
the CPU time much less.

Exit status: 0 written; 2 usage or a folder that is not a run's results; 4 FILE
could not be written.
"""
import argparse
import glob
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nb_atomic  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT = os.path.join(REPO, "bench", "estimates.tsv")
TO_S = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
HEADER = """# Per-benchmark time estimates for `nestbench run` (shards, processes, ETA):
# CPU seconds of one repetition in the quick and the default suite ("-": not
# measured). Made by scripts/nb_estimates.py from runs' results (docs/runner.md).
# name\tquick_s\tdefault_s
"""


def fail(status, msg):
    print("nb_estimates: " + msg, file=sys.stderr)
    sys.exit(status)


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail(2, "%s: %s" % (path, e))


def folder_estimates(rd):
    """(quick, {name: seconds of one repetition}) of one results folder."""
    run = load_json(os.path.join(rd, "run.json"))
    if not isinstance(run, dict) or not isinstance(run.get("families"), list):
        fail(2, "%s/run.json: not a results folder of `nestbench run`" % rd)
    cpu = {f["name"]: f.get("cpu_seconds") for f in run["families"] if isinstance(f, dict)}
    out = {}
    for path in sorted(glob.glob(os.path.join(rd, "raw", "*.json"))):
        fam = os.path.splitext(os.path.basename(path))[0]
        doc = load_json(path)
        timed, reps = {}, {}
        for b in doc.get("benchmarks", []):
            if b.get("run_type") == "aggregate" or b.get("error_occurred"):
                continue
            name = b.get("run_name", b.get("name"))
            t = b.get("iterations", 0) * b.get("cpu_time", 0) * TO_S.get(b.get("time_unit", "ns"), 1e-9)
            timed[name] = timed.get(name, 0.0) + t
            reps[name] = reps.get(name, 0) + 1
        if not timed:
            continue
        total_reps = sum(reps.values())
        rest = (cpu.get(fam) or 0) - sum(timed.values())
        share = max(rest, 0.0) / total_reps
        for name in timed:
            out[name] = timed[name] / reps[name] + share
    return bool(run.get("quick")), out


def read_table(path):
    table = {}
    if not os.path.exists(path):
        return table
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 3:
                fail(2, "%s:%d: want NAME<TAB>QUICK_S<TAB>DEFAULT_S" % (path, n))
            table[parts[0]] = [None if v == "-" else float(v) for v in parts[1:]]
    return table


def fmt(v):
    return "-" if v is None or not math.isfinite(v) else "%.4g" % v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--out", default=DEFAULT)
    a = ap.parse_args()
    table = read_table(a.out)
    for rd in a.dirs:
        quick, est = folder_estimates(rd)
        for name, s in est.items():
            table.setdefault(name, [None, None])[0 if quick else 1] = s
        print("nb_estimates: %s: %d benchmarks (%s suite)" % (rd, len(est),
                                                              "quick" if quick else "default"))
    text = HEADER + "".join("%s\t%s\t%s\n" % (n, fmt(q), fmt(d))
                            for n, (q, d) in sorted(table.items()))
    try:
        nb_atomic.write_atomic(a.out, text)
    except nb_atomic.PublishError as e:
        fail(4, str(e))
    print("nb_estimates: %d benchmarks in %s" % (len(table), a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
