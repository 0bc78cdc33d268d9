# SPDX-License-Identifier: MIT
"""Stand-in benchmark binaries for the runner's tests: each answers
--describe like a real family binary (bench/common/bench_main.c) and, when
run, "runs" the benchmarks its --benchmark_filter selects by sleeping, then
writes Google Benchmark JSON to --benchmark_out whose context records what
the runner did to it: its CPU affinity (sampled as it runs: "seen", a list of
[time, CPUs]), its argv, when it started and ended
(also into $NB_FAKE_CTX/<pid>.json when set: joined files keep one context).

make(folder, families) writes folder/<name>/nb-bench-<name> for
families = {name: {"names": [...], "host_timed": regex or "", "exclusive":
bool, "sleep": seconds per benchmark}}."""
import json
import os
import stat
import sys

BODY = r'''
import json, os, re, sys, time
SPEC = json.loads(%(spec)r)
args = sys.argv[1:]
flag = lambda f: next((a.split("=", 1)[1] for a in args if a.startswith(f + "=")), None)
filt = flag("--benchmark_filter")
names = [n for n in SPEC["names"] if filt is None or re.search(filt, n)]
if "--describe" in args:
    print("# family: %%s" %% SPEC["family"])
    print("# quick: ")
    print("# quick_min_time: 0.02")
    print("# host_timed: %%s" %% SPEC["host_timed"])
    print("# exclusive: %%s" %% ("yes" if SPEC["exclusive"] else "no"))
    print("\n".join(names))
    sys.exit(0)
t0 = time.time()
benches, seen = [], [(t0, sorted(os.sched_getaffinity(0)))]
for n in names:
    for _ in range(5):           # where it may run, sampled as it runs
        time.sleep(SPEC["sleep"] / 5)
        seen.append((time.time(), sorted(os.sched_getaffinity(0))))
    benches.append({"name": n, "run_name": n, "run_type": "iteration", "repetitions": 1,
                    "repetition_index": 0, "threads": 1, "iterations": 1,
                    "real_time": SPEC["sleep"] * 1e9, "cpu_time": 1000.0, "time_unit": "ns"})
ctx = {"affinity": sorted(os.sched_getaffinity(0)), "seen": seen, "argv": args, "t0": t0,
       "t1": time.time(), "pid": os.getpid()}
if os.environ.get("NB_FAKE_CTX"):
    with open(os.path.join(os.environ["NB_FAKE_CTX"], "%%d.json" %% os.getpid()), "w") as f:
        json.dump(dict(ctx, family=SPEC["family"], names=names), f)
out = flag("--benchmark_out")
with open(out + ".tmp", "w") as f:
    json.dump({"context": ctx, "benchmarks": benches}, f)
os.rename(out + ".tmp", out)
'''


def make(folder, families):
    for name, spec in families.items():
        d = os.path.join(folder, name)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "nb-bench-" + name)
        spec = dict(spec, family=name)
        with open(path, "w") as f:
            f.write("#!%s\n" % sys.executable + BODY % {"spec": json.dumps(spec)})
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
