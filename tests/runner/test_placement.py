#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Where `nestbench run` puts its processes (cli/run_place.c), seen by the
processes themselves (stand-in binaries, fakebench.py, record the CPUs they
may run on as they run, their argv, their start and end):
  --jobs=2: processes overlap in time, never more than 2 at once;
  a host-timed part holds a whole core (all its allowed hardware threads, from
    /sys/devices/system/cpu/*/topology: the reference) for its whole run, no
    other process may run on that core meanwhile, and its --cpu is on it;
  a counting part may run on the CPUs no host-timed part holds (at least one);
  an exclusive family holds every allowed CPU and overlaps nothing;
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
                        "--repetitions=1",   # the estimates as in the file, whatever the table says
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
    # large estimates: pgwalk and strategies are cut in parts; strategies' parts
    # the longest, so they start first and a host-timed part later takes a
    # core from under a running one
    with open(est, "w") as f:
        f.write("".join("%s\t%d\t%d\n" % (n, w, w) for name, fam in FAMILIES.items()
                        for n in fam["names"] for w in [5 if name == "strategies" else 3]))
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
    t.check(max(sum(1 for q in procs if q["t0"] <= p["t0"] < q["t1"]) for p in procs) <= 2,
            "never more than 2 processes at once")
    for p in procs:
        aff, fam = set(p["affinity"]), p["family"]
        others = [q for q in procs if q is not p and overlap(p, q)]
        if fam == "pgwalk":
            cpu = [int(a.split("=")[1]) for a in p["argv"] if a.startswith("--cpu=")]
            mine = core[next(iter(aff))]
            intruders = [(q["family"], tm, cpus) for q in others for tm, cpus in q["seen"]
                         if p["t0"] <= tm <= p["t1"] and set(cpus) & mine]
            t.check(aff == mine and all(set(c) == mine for _, c in p["seen"]) and not intruders and
                    cpu and cpu[0] in mine,
                    "host-timed part (pid %d) holds core %s alone all along, --cpu on it" % (
                        p["pid"], sorted(mine)),
                    "seen %s, --cpu %s, others there meanwhile: %s" % (p["seen"], cpu, intruders[:3]))
        elif fam == "strategies":
            t.check(all(c and set(c) <= allowed for _, c in p["seen"]) and
                    not any(a.startswith("--cpu") for a in p["argv"]),
                    "counting part (pid %d) runs on free CPUs %s, unpinned within them" % (
                        p["pid"], sorted({c for _, cs in p["seen"] for c in cs})), p["seen"])
        else:
            t.check(aff == allowed and not others,
                    "exclusive family holds every CPU and runs alone",
                    "affinity %s; overlapping %s" % (sorted(aff), [q["family"] for q in others]))
    beside = [(p["pid"], q["pid"]) for p in procs for q in procs
              if p["family"] == "strategies" and q["family"] == "pgwalk" and overlap(p, q)]
    t.check(bool(beside), "a counting part ran beside a host-timed one (kept off its core: above)",
            [(p["family"], p["t0"], p["t1"]) for p in procs])
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
