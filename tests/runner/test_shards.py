#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Shards and their merge, the recipe CI and Slurm use (issue 20), run here:
N shard processes through scripts/slurm/shards.sbatch as Slurm would start
them (a 0-based array: SLURM_ARRAY_TASK_ID 0..2), their merge through
scripts/slurm/merge.sbatch, against one unsharded run of the same selection.
  - the merged folder holds exactly the unsharded run's benchmarks (the
    reference: the unsharded run's raw/*.json), every family ok;
  - the shards are disjoint, and each one's estimate is at most T/N plus the
    largest single estimate (the midpoint cut's bound, from plan.json);
  - the CI matrix's way (NB_SHARD=I/N) and --shard=I/N cut the same shard as
    the Slurm task at that place;
  - the GitHub workflow's matrix and NB_SHARD agree (N), and it runs what
    this test runs;
  - merge refuses, exit 2, naming the problem: a shard given twice, a shard
    missing (--partial merges the rest, the report says so), a shard of
    other flags; nestbench run refuses a bad NB_SHARD and an uneven Slurm array.
The selection is the quick suite narrowed by --filter (a few seconds a run)."""
import glob
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "report"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nbtest import Test  # noqa: E402
from runnerenv import no_leak_check  # noqa: E402

N = 3
FLAGS = ["--quick", "--families=invalidate,mapunmap,concurrency,strategies",
         "--filter=^(invalidate/vtd/|iotlb/lookup/|mapunmap/emu/strict/|concurrency/|strategies/)"]


def benchmarks(rd):
    out = set()
    for p in glob.glob(os.path.join(rd, "raw", "*.json")):
        with open(p) as f:
            for b in json.load(f)["benchmarks"]:
                out.add((os.path.basename(p)[:-5], b.get("run_name", b["name"])))
    return out


def clean_env(extra):
    env = {k: v for k, v in no_leak_check().items() if not k.startswith(("SLURM_", "NB_SHARD"))}
    env.update(extra)
    return env


def main():
    t = Test("runner_shards", extra=("--nestbench", "--bench-dir"))
    nb, slurm = t.args.nestbench, os.path.join(t.repo, "scripts", "slurm")
    full = os.path.join(t.tmp, "full")
    rc, so, se = t.run([nb, "run", "--no-report", "--out=" + full] + FLAGS, env=clean_env({}),
                       timeout=120)
    t.check(rc == 0, "the unsharded run", so[-600:] + se[-600:])
    want = benchmarks(full)
    t.check(len(want) > 10, "it ran %d benchmarks" % len(want))

    results = os.path.join(t.tmp, "slurm")
    # NB_RUN_FLAGS is split by the shell (no spaces in these flags)
    base = {"NB_NESTBENCH": nb, "NB_RESULTS": results, "NB_RUN_FLAGS": " ".join(FLAGS)}
    procs = []
    for task in range(N):
        env = clean_env(dict(base, SLURM_ARRAY_TASK_ID=str(task), SLURM_ARRAY_TASK_MIN="0",
                             SLURM_ARRAY_TASK_MAX=str(N - 1), SLURM_ARRAY_TASK_COUNT=str(N)))
        procs.append(subprocess.Popen(["sh", os.path.join(slurm, "shards.sbatch")], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    for task, p in enumerate(procs):
        out = p.communicate(timeout=120)[0]
        t.check(p.returncode == 0, "Slurm task %d (shards.sbatch) runs shard %d of %d" % (
            task, task + 1, N), out[-800:])
    rc, so, se = t.run(["sh", os.path.join(slurm, "merge.sbatch")], env=clean_env(base), timeout=120)
    merged = os.path.join(results, "merged")
    t.check(rc == 0, "merge.sbatch merges them and writes the report", so[-600:] + se[-600:])
    got = benchmarks(merged)
    t.check(got == want, "the merged benchmarks are the unsharded run's (%d)" % len(want),
            "missing %s; extra %s" % (sorted(want - got)[:5], sorted(got - want)[:5]))
    run = json.load(open(os.path.join(merged, "run.json")))
    bad = [(f["name"], f["status"]) for f in run["families"] if f["status"] not in ("ok", "not run")]
    t.check(not bad, "every family ok in the merged run.json", bad)
    t.check(os.path.isfile(os.path.join(merged, "index.html")), "the merged report is written")

    plans = [json.load(open(os.path.join(results, "shard-%d" % i, "plan.json"))) for i in range(N)]
    full_plan = json.load(open(os.path.join(full, "plan.json")))
    t.check(all(p["selection"] == full_plan["selection"] for p in plans),
            "every shard's selection is the unsharded run's (size and fingerprint)")
    owned = [{(f["name"], b[1]) for f in p["families"] for b in f["benchmarks"]} for p in plans]
    t.check(sum(map(len, owned)) == len(set().union(*owned)) == full_plan["selection"]["benchmarks"],
            "the shards are disjoint and cover the selection")
    est = [sum(b[2] for f in p["families"] for b in f["benchmarks"]) for p in plans]
    units = [b[2] for f in full_plan["families"] for b in f["benchmarks"] if not f["exclusive"]]
    units += [sum(b[2] for b in f["benchmarks"]) for f in full_plan["families"] if f["exclusive"]]
    bound = sum(units) / N + max(units)
    t.check(all(e <= bound + 1e-6 for e in est),
            "each shard's estimate is within T/N + the largest piece (%.2f s)" % bound, est)

    for how, extra, env in (("NB_SHARD=2/%d" % N, [], {"NB_SHARD": "2/%d" % N}),
                            ("--shard=2/%d" % N, ["--shard=2/%d" % N], {})):
        out = os.path.join(t.tmp, "ci-" + how.split("=")[0].strip("-"))
        rc, so, se = t.run([nb, "run", "--no-report", "--out=" + out] + FLAGS + extra,
                           env=clean_env(env), timeout=120)
        mine = json.load(open(os.path.join(out, "plan.json")))
        same = [[f["name"], [b[1] for b in f["benchmarks"]]] for f in mine["families"]] == \
               [[f["name"], [b[1] for b in f["benchmarks"]]] for f in plans[1]["families"]]
        t.check(rc == 0 and same and mine["shard"]["index"] == 2,
                "%s runs the same shard as Slurm task 1 of 0..%d" % (how, N - 1), se[-400:])

    with open(os.path.join(t.repo, ".github", "workflows", "sharded-suite.yml")) as f:
        wf = f.read()          # (no YAML parser in the project's packages: the two lines)
    matrix = re.search(r"^\s+shard: \[([0-9, ]+)\]", wf, re.M)
    n = len(matrix.group(1).split(",")) if matrix else 0
    t.check(n > 1 and "NB_SHARD: ${{ matrix.shard }}/%d\n" % n in wf and
            "nestbench run --no-report" in wf and "nb_merge.py shards/shard-*" in wf,
            "the workflow: matrix of %d, NB_SHARD=<i>/%d, run and merge as here" % (n, n))

    s = [os.path.join(results, "shard-%d" % i) for i in range(N)]
    for what, args, needle in (
            ("a shard given twice", [s[0], s[0], s[1], s[2]], "given twice"),
            ("a shard missing", [s[0], s[2]], "shard 2 of 3 missing"),
            ("the unsharded run among shards", [s[0], s[1], s[2], full], "is not a shard")):
        out = os.path.join(t.tmp, "m-" + what.replace(" ", "_"))
        rc, so, se = t.run([nb, "merge"] + args + ["--out", out, "--no-report"])
        t.check(rc == 2 and needle in se, "merge refuses %s (exit 2: '%s')" % (what, needle),
                "exit %d: %s" % (rc, se[-400:]))
    other = os.path.join(t.tmp, "other-set")
    rc, so, se = t.run([nb, "run", "--no-report", "--shard=2/%d" % N, "--set=iotlb.entries=512",
                        "--out=" + other] + FLAGS, env=clean_env({}), timeout=120)
    rc, so, se = t.run([nb, "merge", s[0], other, s[2], "--out", os.path.join(t.tmp, "m-cfg"),
                        "--no-report"])
    t.check(rc == 2 and "configuration differs" in se and "iotlb.entries=512" in se,
            "merge refuses a shard run with other flags, naming the flag", se[-400:])
    part = os.path.join(t.tmp, "m-partial")
    rc, so, se = t.run([nb, "merge", s[0], s[2], "--partial", "--out", part])
    run = json.load(open(os.path.join(part, "run.json"))) if rc == 0 else {}
    t.check(rc == 0 and benchmarks(part) == benchmarks(s[0]) | benchmarks(s[2]) and
            len(run.get("merged_from", [])) == 2, "--partial merges the shards that are there",
            se[-400:])

    for what, env, needle in (
            ("NB_SHARD=4/3", {"NB_SHARD": "4/3"}, "NB_SHARD: '4/3': shard 4 of 3 does not exist"),
            ("NB_SHARD=x", {"NB_SHARD": "x"}, "NB_SHARD: 'x' is not I/N"),
            ("an uneven Slurm array", {"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1",
                                       "SLURM_ARRAY_TASK_MAX": "7", "SLURM_ARRAY_TASK_COUNT": "3"},
             "is not one of N evenly numbered shards")):
        rc, so, se = t.run([nb, "run", "--no-report", "--out=" + os.path.join(t.tmp, "bad")] + FLAGS,
                           env=clean_env(env))
        t.check(rc == 2 and needle in se and not os.path.exists(os.path.join(t.tmp, "bad")),
                "run refuses %s before anything runs (exit 2)" % what, "exit %d: %s" % (rc, se))
    t.done()


if __name__ == "__main__":
    main()
