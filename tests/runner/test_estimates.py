#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Per-benchmark time estimates: scripts/nb_estimates.py makes them from a
run's results, `nestbench run` plans with them.
  - from a made-up results folder, each benchmark's estimate is its timed loop
    (iterations x cpu_time, averaged over repetitions) plus an even share of
    the family's other CPU time (run.json cpu_seconds minus every timed loop),
    checked against values worked out by hand below; aggregates are ignored;
  - the other column and other benchmarks of an existing file are kept;
  - nestbench run reads the file (NB_ESTIMATES): plan.json's estimate of a
    benchmark is the file's seconds x repetitions; one the file does not know
    gets the family's ETA hint (bench/families.txt) over what it lists."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "report"))
sys.path.insert(0, HERE)
from nbtest import Test  # noqa: E402
import fakebench  # noqa: E402


def bench(name, iters, cpu, unit, rep, aggregate=None):
    b = {"name": name if not aggregate else name + "_" + aggregate, "run_name": name,
         "run_type": "aggregate" if aggregate else "iteration", "repetitions": 2,
         "repetition_index": rep, "iterations": iters, "real_time": cpu, "cpu_time": cpu,
         "time_unit": unit}
    if aggregate:
        b["aggregate_name"] = aggregate
    return b


def main():
    t = Test("runner_estimates", extra=("--nestbench", "--bench-dir"))
    rd = os.path.join(t.tmp, "res")
    os.makedirs(os.path.join(rd, "raw"))
    with open(os.path.join(rd, "run.json"), "w") as f:
        json.dump({"quick": False, "families": [{"name": "strategies", "cpu_seconds": 10.0}]}, f)
    # A: 2 x (1000 iterations x 1000 ns) = 2 x 0.001 s; B: 2 x (10 x 100 ms) = 2 x 1 s
    doc = {"context": {}, "benchmarks": [
        bench("strategies/a", 1000, 1000.0, "ns", 0), bench("strategies/a", 1000, 1000.0, "ns", 1),
        bench("strategies/a", 1000, 1000.0, "ns", 0, "mean"),
        bench("strategies/b", 10, 100.0, "ms", 0), bench("strategies/b", 10, 100.0, "ms", 1)]}
    with open(os.path.join(rd, "raw", "strategies.json"), "w") as f:
        json.dump(doc, f)
    table = os.path.join(t.tmp, "estimates.tsv")
    with open(table, "w") as f:
        f.write("# old\nstrategies/a\t0.5\t9\nstrategies/zzz\t1\t2\n")
    rc, out, err = t.py("nb_estimates.py", rd, "--out", table)
    t.check(rc == 0, "nb_estimates.py writes the table", err)
    got = {}
    for line in open(table):
        if not line.startswith("#"):
            n, q, d = line.rstrip("\n").split("\t")
            got[n] = (q, d)
    # rest = 10 - (2 x 0.001 + 2 x 1) = 7.998 s over 4 repetitions: 1.9995 s each
    want_a, want_b = 0.001 + 1.9995, 1.0 + 1.9995
    t.check(abs(float(got["strategies/a"][1]) - want_a) < 1e-3 and
            abs(float(got["strategies/b"][1]) - want_b) < 1e-3,
            "default estimates: a %.4f s, b %.4f s (by hand)" % (want_a, want_b), got)
    t.check(got["strategies/a"][0] == "0.5" and got["strategies/b"][0] == "-" and
            got["strategies/zzz"] == ("1", "2"),
            "the quick column and other benchmarks are kept, unmeasured ones are '-'", got)

    fams = {"strategies": {"names": ["strategies/a", "strategies/b", "strategies/new"],
                           "host_timed": "", "exclusive": False, "sleep": 0.01}}
    bd = os.path.join(t.tmp, "bench")
    fakebench.make(bd, fams)
    out = os.path.join(t.tmp, "run")
    env = dict(os.environ, NB_BENCH_DIR=bd, NB_ESTIMATES=table)
    rc, so, se = t.run([t.args.nestbench, "run", "--no-report", "--repetitions=3", "--jobs=1",
                        "--families=strategies", "--out=" + out], env=env)
    t.check(rc == 0, "a run with NB_ESTIMATES", so[-500:] + se[-500:])
    plan = json.load(open(os.path.join(out, "plan.json")))
    est = {b[1]: (b[2], b[4]) for f in plan["families"] for b in f["benchmarks"]}
    hint = [ln.split() for ln in open(os.path.join(t.repo, "bench", "families.txt"))
            if ln.startswith("strategies ")][0][5]
    t.check(abs(est["strategies/a"][0] - 3 * want_a) < 1e-2 and est["strategies/a"][1] == 1 and
            abs(est["strategies/b"][0] - 3 * want_b) < 1e-2,
            "plan.json: the file's seconds x 3 repetitions", est)
    t.check(abs(est["strategies/new"][0] - 3 * float(hint) / 3) < 1e-2 and est["strategies/new"][1] == 0,
            "an unknown benchmark: the family's ETA hint (%s s) / 3 listed x 3 repetitions" % hint, est)
    t.done()


if __name__ == "__main__":
    main()
