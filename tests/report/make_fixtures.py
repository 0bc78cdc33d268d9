#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Regenerate tests/report/fixtures/ (run by hand; the output is committed).

Usage: make_fixtures.py [--results-only] RESULTS_DIR   (a real `nestbench run --no-report`
folder; --results-only leaves compare/ alone)

results-full/: trimmed real results of every family (pgwalk: a few formats,
random IOVAs, walk caches on/off; invalidate + iotlb, as nb-bench-invalidate
runs both; mapunmap; concurrency; strategies with the calibration; replay: two
workloads, every configuration), with one crafted addition the
suite cannot measure here, marked in its context.nb_fixture:
mapunmap/iommufd/... (this machine has no /dev/iommu).
Benchmarks that reported errors are dropped; every family is "ok".

results-degraded/: what a bad run leaves: pgwalk interrupted (a partial raw
file with one errored benchmark), invalidate "ok" in run.json but no raw file,
mapunmap with the emulation only, concurrency's raw file cut mid-write, and
no env.json.

compare/: crafted Google Benchmark files for nb_compare.py's verdict tests.
"""
import copy
import json
import os
import sys

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
WS = [16, 256, 4096, 65536, 262144]
KEEP_FMT = ("x86_64-4lvl", "vtdss-4lvl", "arm_s1-4K", "amdv1-4lvl", "x86_64-4lvl+vtdss-4lvl",
            "x86_64-4lvl+amdv1-4lvl", "arm_s1-4K+arm_s2-4K")


def load(path):
    with open(path) as f:
        return json.load(f)


def dump(path, obj, indent=1):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=indent)
        f.write("\n")


def slim(b):
    """Drop the perf_* counters (machine noise) to keep fixtures small."""
    return {k: v for k, v in b.items() if not k.startswith("perf_")}


def bench(name, fi, ii, t, counters, reps=1, rep=0):
    b = {"name": name, "family_index": fi, "per_family_instance_index": ii, "run_name": name,
         "run_type": "iteration", "repetitions": reps, "repetition_index": rep, "threads": 1,
         "iterations": 100000, "real_time": t, "cpu_time": t * 0.998, "time_unit": "ns"}
    b.update(counters)
    return b


def pgwalk(doc):
    out, errors = [], []
    for b in doc["benchmarks"]:
        p = b["name"].split("/")
        if b.get("error_occurred"):
            errors.append(b)
        elif p[1] == "chase" or (p[1] in ("single", "nested") and p[2] in KEEP_FMT and
                                 p[4] == "random") or (p[1] == "cached" and p[4] == "random"):
            out.append(slim(b))
    d = copy.deepcopy(doc)
    d["benchmarks"] = out
    d["context"]["nb_fixture"] = "trimmed real run (random IOVAs only, errored benchmarks dropped)"
    return d, errors


def invalidate(doc):
    d = copy.deepcopy(doc)
    def keep(b):
        n = b["name"] + "/"
        return (not b.get("error_occurred") and b.get("run_type") != "aggregate" and
                b.get("repetition_index", 0) == 0 and
                (not n.startswith("invalidate/") or "/pages:1/" in n))

    def one_rep(b):
        b = slim(b)
        b["repetitions"] = 1
        return b
    d["benchmarks"] = [one_rep(b) for b in doc["benchmarks"] if keep(b)]
    d["context"]["nb_fixture"] = ("trimmed real run (pages:1 only, the first repetition: "
                                  "counts; errored benchmarks dropped)")
    return d


def replay(doc):
    """Two workloads in every captured configuration; hit rates of the three vendors."""
    d = copy.deepcopy(doc)

    def keep(b):
        p = b["name"].split("/")
        if b.get("error_occurred"):
            return False
        if p[1] in ("nested", "nested_fs"):  # the nested replay: every model and K
            return True
        return p[3] in ("tcp-4m", "nvme-4m") and (p[1] == "inval" or p[4] in ("vtd", "amd", "smmuv3"))
    d["benchmarks"] = [slim(b) for b in doc["benchmarks"] if keep(b)]
    d["context"]["nb_fixture"] = ("trimmed real run (tcp-4m and nvme-4m traces, every configuration; "
                                  "the nested replay whole)")
    return d


def mapunmap(doc, iommufd=True):
    d = copy.deepcopy(doc)
    emu = [slim(b) for b in doc["benchmarks"]
           if b["name"].startswith("mapunmap/emu/") and not b.get("error_occurred")]
    d["benchmarks"] = list(emu)
    if iommufd:
        for b in emu:
            c = copy.deepcopy(b)
            for k in ("name", "run_name"):
                c[k] = c[k].replace("mapunmap/emu/", "mapunmap/iommufd/")
            c["family_index"] += 100
            for k in ("real_time", "cpu_time"):
                c[k] = c[k] * 3.0 + 1500.0     # an ioctl per call: slower, plausibly
            d["benchmarks"].append(c)
    d["context"]["nb_fixture"] = "real emu run" + (
        "; mapunmap/iommufd/... crafted (no /dev/iommu on the fixture machine)" if iommufd else "")
    return d


def results(src):
    raw = {f: load(os.path.join(src, "raw", f + ".json"))
           for f in ("pgwalk", "invalidate", "mapunmap", "concurrency", "strategies", "replay")}
    env, run = load(os.path.join(src, "env.json")), load(os.path.join(src, "run.json"))

    full = os.path.join(HERE, "results-full")
    pg, errors = pgwalk(raw["pgwalk"])
    dump(os.path.join(full, "raw", "pgwalk.json"), pg)
    dump(os.path.join(full, "raw", "invalidate.json"), invalidate(raw["invalidate"]))
    dump(os.path.join(full, "raw", "mapunmap.json"), mapunmap(raw["mapunmap"]))
    con = copy.deepcopy(raw["concurrency"])
    con["benchmarks"] = [slim(b) for b in con["benchmarks"]]
    dump(os.path.join(full, "raw", "concurrency.json"), con)
    strat = copy.deepcopy(raw["strategies"])
    strat["benchmarks"] = [slim(b) for b in strat["benchmarks"] if not b.get("error_occurred")]
    dump(os.path.join(full, "raw", "strategies.json"), strat)
    dump(os.path.join(full, "raw", "replay.json"), replay(raw["replay"]))
    dump(os.path.join(full, "env.json"), env)
    run = copy.deepcopy(run)
    run["families"] = [f for f in run["families"] if f["name"] != "guest"]  # no guest here
    for f in run["families"]:
        f["status"], f["reason"] = "ok", ""
    dump(os.path.join(full, "run.json"), run)

    deg = os.path.join(HERE, "results-degraded")
    if not errors:       # a run without a failed benchmark: craft one, and say so
        e = copy.deepcopy(next(b for b in pg["benchmarks"]
                               if b["name"].startswith("pgwalk/single/x86_64-4lvl/")))
        e.update({"error_occurred": True, "iterations": 0,
                  "error_message": "setup ws_kib=262144: arena: out of memory (crafted)"})
        errors = [e]
    part = copy.deepcopy(pg)
    part["benchmarks"] = [b for b in pg["benchmarks"] if b["name"].startswith(
        ("pgwalk/chase/", "pgwalk/single/x86_64-4lvl/"))] + [slim(b) for b in errors[:1]]
    dump(os.path.join(deg, "raw", "pgwalk.json"), part)
    dump(os.path.join(deg, "raw", "mapunmap.json"), mapunmap(raw["mapunmap"], iommufd=False))
    text = json.dumps(con, indent=1)
    with open(os.path.join(deg, "raw", "concurrency.json"), "w") as f:
        f.write(text[:len(text) // 2])            # cut mid-write
    with open(os.path.join(deg, "raw", "pgwalk.log"), "w") as f:
        f.write("pgwalk/single/x86_64-4lvl/base/random/ws_kib:4096 ...\n^C (interrupted)\n")
    dump(os.path.join(deg, "run.json"), {
        "quick": True, "repetitions": 1, "families": [
            {"name": "pgwalk", "status": "interrupted", "seconds": 9.9,
             "reason": "interrupted by SIGINT"},
            {"name": "invalidate", "status": "ok", "seconds": 3.0, "reason": ""},
            {"name": "mapunmap", "status": "ok", "seconds": 1.0, "reason": ""},
            {"name": "concurrency", "status": "ok", "seconds": 0.5, "reason": ""},
            {"name": "strategies", "status": "skipped", "seconds": 0.0, "reason": "not built"}]})


def compare():
    cmp = os.path.join(HERE, "compare")

    def doc(benches):
        return {"context": {"nb_fixture": "crafted for tests/report/test_compare.py",
                            "library_build_type": "debug"}, "benchmarks": benches}

    def runs(name, fi, mean, reps=9):
        # A fixed, symmetric spread of +-1% around the mean.
        return [bench(name, fi, 0, mean * (1 + 0.01 * ((r * 7) % reps - reps // 2) / (reps // 2)),
                      {}, reps=reps, rep=r) for r in range(reps)]

    base, new = [], []
    for fi, (name, a, b) in enumerate([("walk/same", 100.0, 100.1), ("walk/slower", 100.0, 120.0),
                                       ("walk/faster", 100.0, 80.0),
                                       ("walk/small_change", 100.0, 102.0)]):
        base += runs(name, fi, a)
        new += runs(name, fi, b)
    base += runs("walk/dropped", 9, 50.0)
    new += runs("walk/added", 10, 50.0)
    dump(os.path.join(cmp, "base.json"), doc(base))
    dump(os.path.join(cmp, "new.json"), doc(new))
    dump(os.path.join(cmp, "single-base.json"), doc(
        [bench("one/slower", 0, 0, 100.0, {}), bench("one/same", 1, 0, 100.0, {})]))
    dump(os.path.join(cmp, "single-new.json"), doc(
        [bench("one/slower", 0, 0, 110.0, {}), bench("one/same", 1, 0, 101.0, {})]))
    # +6% median shift (beyond the 5% threshold) inside a 40% spread over 3
    # repetitions: not significant, so "same".
    dump(os.path.join(cmp, "noisy-base.json"), doc(
        [bench("noisy/walk", 0, 0, t, {}, reps=3, rep=r) for r, t in enumerate((80, 100, 120))]))
    dump(os.path.join(cmp, "noisy-new.json"), doc(
        [bench("noisy/walk", 0, 0, t, {}, reps=3, rep=r) for r, t in enumerate((85, 106, 127))]))
    with open(os.path.join(cmp, "malformed.json"), "w") as f:
        f.write('{\n "context": {},\n "benchmarks": [\n  {"name": "walk/same", "real_time": 1,}\n'
                ' ]\n}\n')
    dump(os.path.join(cmp, "not-gbench.json"), {"results": []})


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--results-only"]
    if len(args) != 1 or not os.path.isdir(args[0]):
        sys.exit("usage: make_fixtures.py [--results-only] RESULTS_DIR (a `nestbench run "
                 "--no-report` folder)")
    results(args[0])
    if "--results-only" not in sys.argv:
        compare()
