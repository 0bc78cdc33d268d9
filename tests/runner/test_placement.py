#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Where `nestbench run` puts its processes (src/cli/run_sched.c), seen by the
processes themselves (stand-in binaries, fakebench.py, record their CPU
affinity, argv and start/end times):
  --jobs=2: processes overlap in time (the run uses the cores);
  a host-timed part holds a whole core (all its allowed hardware threads, from
    /sys/devices/system/cpu/*/topology: the reference), no process that ran at
    the same time had a CPU of that core, and its --cpu is one of them;
  a counting part holds one hardware thread;
  an exclusive family holds every allowed CPU and overlaps nothing;
  no two processes that overlap share a CPU;
  a family run in parts ends as one raw/<family>.json in its listing's order;
  --jobs=1: nothing overlaps and nothing is pinned.
Needs two allowed CPUs (else SKIP)."""
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "report"))
sys.path.insert(0, HERE)
from nbtest import Test  # noqa: E402
import fakebench  # noqa: E402

FAMILIES = {
    "pgwalk": {"names": ["pgwalk/t/%d" % i for i in range(6)], "host_timed": ".",
               "exclusive": False, "sleep": 0.25},
    "strategies": {"names": ["strategies/c/%d" % i for i in range(6)], "host_timed": "",
                   "exclusive": False, "sleep": 0.25},
    "concurrency": {"names": ["concurrency/x/%d" % i for i in range(2)], "host_timed": "",
                    "exclusive": True, "sleep": 0.25},
}
PLACE = {"pgwalk": "core", "strategies": "shared", "concurrency": "machine"}


def cores():
    """{cpu: the allowed CPUs of its core} from sysfs."""
    allowed = os.sched_getaffinity(0)
    out = {}
    for cpu in allowed:
        sib = set()
        try:
            with open("/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list" % cpu) as f:
                for part in f.read().strip().split(","):
                    a, _, b = part.partition("-")
                    sib |= set(range(int(a), int(b or a) + 1))
        except OSError:
            sib = {cpu}
        out[cpu] = frozenset(sib & allowed)
    return out


def run(t, bench, est, jobs):
    out, ctx = os.path.join(t.tmp, "j%d" % jobs), os.path.join(t.tmp, "ctx%d" % jobs)
    os.makedirs(ctx)
    env = dict(os.environ, NB_BENCH_DIR=bench, NB_ESTIMATES=est, NB_FAKE_CTX=ctx)
    rc, so, se = t.run([t.args.nestbench, "run", "--no-report", "--jobs=%d" % jobs, "--out=" + out,
                        "--families=pgwalk,concurrency,strategies"], env=env, timeout=120)
    t.check(rc == 0, "--jobs=%d runs" % jobs, so[-800:] + se[-800:])
    procs = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(ctx, "*.json")))]
    return out, procs


def overlap(a, b):
    return a["t0"] < b["t1"] and b["t0"] < a["t1"]


def main():
    t = Test("runner_placement", extra=("--nestbench", "--bench-dir"))
    allowed = set(os.sched_getaffinity(0))
    if len(allowed) < 2:
        t.skip("one allowed CPU: nothing to place side by side")
    bench = os.path.join(t.tmp, "bench")
    fakebench.make(bench, FAMILIES)
    est = os.path.join(t.tmp, "estimates.tsv")
    with open(est, "w") as f:   # large estimates: pgwalk and strategies are cut in parts
        f.write("".join("%s\t3\t3\n" % n for fam in FAMILIES.values() for n in fam["names"]))
    core = cores()

    out, procs = run(t, bench, est, 2)
    fams = {}
    for p in procs:
        fams.setdefault(p["family"], []).append(p)
    t.check(len(fams.get("pgwalk", [])) >= 2 and len(fams.get("strategies", [])) >= 2 and
            len(fams.get("concurrency", [])) == 1,
            "pgwalk and strategies run in parts, concurrency in one process",
            {k: len(v) for k, v in fams.items()})
    t.check(any(overlap(a, b) for i, a in enumerate(procs) for b in procs[i + 1:]),
            "processes ran at the same time")
    for p in procs:
        aff, fam = set(p["affinity"]), p["family"]
        others = [q for q in procs if q is not p and overlap(p, q)]
        if fam == "pgwalk":
            cpu = [int(a.split("=")[1]) for a in p["argv"] if a.startswith("--cpu=")]
            t.check(len({core[c] for c in aff}) == 1 and aff == core[next(iter(aff))] and
                    not any(set(q["affinity"]) & aff for q in others) and cpu and cpu[0] in aff,
                    "host-timed part (pid %d) holds core %s alone, --cpu inside it" % (
                        p["pid"], sorted(aff)),
                    "affinity %s, --cpu %s, overlapping: %s" % (
                        sorted(aff), cpu, [(q["family"], q["affinity"]) for q in others]))
        elif fam == "strategies":
            t.check(len(aff) == 1 and not any(set(q["affinity"]) & aff for q in others),
                    "counting part (pid %d) holds one CPU %s, no one else's" % (p["pid"], sorted(aff)),
                    [(q["family"], q["affinity"]) for q in others])
        else:
            t.check(aff == allowed and not others,
                    "exclusive family holds every CPU and runs alone",
                    "affinity %s; overlapping %s" % (sorted(aff), [q["family"] for q in others]))
    runj = json.load(open(os.path.join(out, "run.json")))
    t.check(all(p["place"] == PLACE[f["name"]] for f in runj["families"] for p in f["parts"]),
            "run.json names each part's place (core, shared, machine)",
            [(f["name"], [p["place"] for p in f["parts"]]) for f in runj["families"]])
    for fam in FAMILIES:
        doc = json.load(open(os.path.join(out, "raw", fam + ".json")))
        t.check([b["name"] for b in doc["benchmarks"]] == FAMILIES[fam]["names"],
                "raw/%s.json: every benchmark once, in the listing's order" % fam)
    t.check(not os.path.exists(os.path.join(out, "raw", "parts")), "the parts are joined and gone")

    out, procs = run(t, bench, est, 1)
    t.check(len(procs) == 3 and not any(overlap(a, b) for i, a in enumerate(procs)
                                        for b in procs[i + 1:]),
            "--jobs=1: one process per family, one after the other", len(procs))
    t.check(all(set(p["affinity"]) == allowed and not any(a.startswith("--cpu") for a in p["argv"])
                for p in procs), "--jobs=1: nothing pinned")
    t.done()


if __name__ == "__main__":
    main()
