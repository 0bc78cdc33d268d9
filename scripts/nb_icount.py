#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""nb_icount.py: instructions per iteration of each benchmark body, from callgrind.

Usage: nb_icount.py [--out FILE] [--filter REGEX] [--min-time S] [--repetitions N]
                    [--min-iterations N] [--valgrind PATH] [--keep-dumps DIR]
                    BINARY [-- EXTRA_ARGS...]

Runs a nestbench benchmark binary (nb-bench-<family>) under
  valgrind --tool=callgrind --collect-atstart=no --instr-atstart=yes
with --no-perf, a short --benchmark_min_time and --benchmark_repetitions. The
binary's region hooks (bench/common/icount.c) zero callgrind's counters when a
measured loop begins and dump them, tagged "nbicount seq=K iters=N name=...",
when it ends. Google Benchmark runs each benchmark several times (iteration
estimation, the reported run, one run per further repetition); each run is one
dump. The dumps are paired with the runs the binary's own JSON reports (by name
when the tag carries one, else by order, checked by iteration counts), and the
reported value is instructions / iterations of each reported run.

Output: Google Benchmark-shaped JSON whose real_time and cpu_time are
instructions per iteration. Its time_unit says "ns" only so that Google
Benchmark's tools accept it: context.nb_metric = "instructions" says what the
numbers are, and nb_compare.py --metric icount insists on it. Each entry also
carries "instructions" (the run's total) and "icount_overhead_pct": how far the
per-iteration value of the final run is from the slope between the last two
runs of the estimation (the share of fixed region overhead; it should be well
under 0.1%, or the iteration count is too small: raise --min-time).

What is counted: the measured loop only. The region opens when the loop
starts and closes when it ends, and pausing the benchmark's timer inside the
loop (nb_bench_pause/_resume: set-up between timed parts) switches collection
off and on with it, so paused work is not counted. A benchmark whose measured
time is not its loop (manual time: it reports its own timings) cannot be
bracketed this way; the binary refuses it in this mode ("icount: ..."), and
this script names each refused benchmark and exits 2, unless --skip-refused
asks it to write the others (the refused are then listed in
context.nb_icount_refused).

Exit status: 0 written; 1 the benchmark binary or valgrind failed; 2 usage,
no usable dumps (e.g. the binary predates the icount hooks), a benchmark
refused (see above), or a reported run with too few iterations to stand for
one (raise --min-time).
Build without -march=native: valgrind 3.19 does not know AVX-512.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nb_atomic  # noqa: E402 (this folder's publishing helper)

TAG_RE = re.compile(r"nbicount seq=(\d+) iters=(-?\d+) name=(.*)$")


def die(status, msg):
    print("nb_icount: " + msg, file=sys.stderr)
    sys.exit(status)


def parse_dump(path):
    """(seq, iters, name or None, Ir) of one callgrind dump, or None if not ours."""
    seq = iters = name = ir = None
    events = None
    with open(path, "r", errors="replace") as f:
        for line in f:
            if line.startswith("desc: Trigger:"):
                m = TAG_RE.search(line.rstrip("\n"))
                if not m:
                    return None
                seq, iters = int(m.group(1)), int(m.group(2))
                name = None if m.group(3) == "-" else m.group(3)
            elif line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("summary:") or (ir is None and line.startswith("totals:")):
                vals = [int(v) for v in line.split()[1:]]
                idx = events.index("Ir") if events and "Ir" in events else 0
                ir = vals[idx] if vals else 0
    if seq is None or ir is None:
        return None
    return {"seq": seq, "iters": iters, "name": name, "ir": ir}


def reported_runs(doc):
    """Per instance (in run order): its name, threads and reported iteration runs."""
    order, runs = [], {}
    for b in doc.get("benchmarks", []):
        if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
            continue
        name = b.get("run_name", b["name"])
        if name not in runs:
            order.append(name)
            runs[name] = []
        runs[name].append(b)
    for name in order:
        runs[name].sort(key=lambda b: b.get("repetition_index", 0))
    return [(name, runs[name]) for name in order]


def iters_match(dump, entry):
    threads = max(1, int(entry.get("threads", 1)))
    return dump["iters"] == entry["iterations"] or dump["iters"] * threads == entry["iterations"]


def pair_by_name(dumps, instances):
    """Tags carry names: the last len(reps) dumps of each name are its reported runs."""
    by_name = {}
    for d in dumps:
        by_name.setdefault(d["name"], []).append(d)
    out = {}
    for name, reps in instances:
        ds = by_name.get(name, [])
        if len(ds) < len(reps):
            raise ValueError("%s: %d dump(s) for %d reported run(s)" % (name, len(ds), len(reps)))
        prev = ds[-len(reps) - 1] if len(ds) > len(reps) else None
        out[name] = (prev, ds[-len(reps):])
    return out


def pair_by_order(dumps, instances):
    """Untagged dumps: walk them in order; estimation runs come first (growing
    iteration counts), then the reported run, then one per further repetition.
    Dumps of a benchmark that failed (not in the JSON's runs) are passed over."""
    out, i = {}, 0
    for name, reps in instances:
        prev = None
        while i < len(dumps) and not iters_match(dumps[i], reps[0]):
            prev = dumps[i]                       # an estimation run (or a failed one's)
            i += 1
        if i == len(dumps):
            raise ValueError("%s: no dump with the reported %d iterations"
                             % (name, reps[0]["iterations"]))
        got = dumps[i:i + len(reps)]
        if len(got) < len(reps) or not all(iters_match(d, r) for d, r in zip(got, reps)):
            raise ValueError("%s: dumps do not match the %d reported run(s) (iterations %s)"
                             % (name, len(reps), [r["iterations"] for r in reps]))
        i += len(reps)
        out[name] = (prev, got)
    return out


def entry_for(rep, dump, prev, n_reps):
    iters = max(1, dump["iters"])
    ipi = dump["ir"] / iters
    e = {
        "name": rep.get("run_name", rep["name"]),
        "run_name": rep.get("run_name", rep["name"]),
        "run_type": "iteration",
        "repetitions": n_reps,
        "repetition_index": rep.get("repetition_index", 0),
        "threads": rep.get("threads", 1),
        "iterations": dump["iters"],
        "real_time": ipi,
        "cpu_time": ipi,
        "time_unit": "ns",
        "instructions": dump["ir"],
    }
    for k in ("family_index", "per_family_instance_index"):
        if k in rep:
            e[k] = rep[k]
    if prev and dump["iters"] > prev["iters"] > 0:
        slope = (dump["ir"] - prev["ir"]) / (dump["iters"] - prev["iters"])
        e["icount_slope"] = slope
        e["icount_overhead_pct"] = 100.0 * (ipi - slope) / ipi if ipi else 0.0
    return e


def run(args, extra, work):
    out_json = os.path.join(work, "run.json")
    cmd = [args.valgrind, "--tool=callgrind", "--collect-atstart=no", "--instr-atstart=yes",
           "--callgrind-out-file=" + os.path.join(work, "callgrind.out.%p"),
           args.binary, "--no-perf",
           "--benchmark_min_time=%g" % args.min_time,
           "--benchmark_repetitions=%d" % args.repetitions,
           "--benchmark_out=" + out_json, "--benchmark_out_format=json"]
    if args.filter:
        cmd.append("--benchmark_filter=" + args.filter)
    cmd += extra
    log = os.path.join(work, "valgrind.log")
    with open(log, "w") as lf:
        rc = subprocess.call(cmd, stdout=lf, stderr=subprocess.STDOUT)
    refused = refusals(out_json)
    if rc != 0 and not (rc == 1 and refused):
        with open(log) as lf:
            text = lf.read()
        hint = ""
        if "unhandled instruction" in text or "SIGILL" in text:
            hint = ("\n  (an instruction valgrind does not know: built with -march=native? "
                    "valgrind 3.19 lacks AVX-512; rebuild with -DNB_NATIVE=OFF)")
        die(1, "%s under callgrind exited with %d:\n  %s%s" % (
            args.binary, rc, "\n  ".join(text.strip().splitlines()[-8:]), hint))
    try:
        with open(out_json) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        die(1, "%s wrote no readable JSON (%s)" % (args.binary, e))
    dumps = [d for d in (parse_dump(p) for p in glob.glob(os.path.join(work, "callgrind.out.*")))
             if d]
    dumps.sort(key=lambda d: d["seq"])
    return doc, dumps, refused


def refusals(path):
    """{benchmark: reason} of the benchmarks the binary refused in icount mode."""
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return {}
    return {b.get("run_name", b.get("name", "?")): b.get("error_message", "")
            for b in doc.get("benchmarks", [])
            if b.get("error_occurred") and str(b.get("error_message", "")).startswith("icount:")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 usage="%(prog)s [options] BINARY [-- EXTRA_ARGS...]")
    ap.add_argument("binary")
    ap.add_argument("--out", default="-", help="output JSON file (default: stdout)")
    ap.add_argument("--filter", help="--benchmark_filter regex")
    ap.add_argument("--min-time", type=float, default=0.05,
                    help="--benchmark_min_time under valgrind, seconds (default 0.05)")
    ap.add_argument("--min-iterations", type=int, default=50,
                    help="fewest iterations a reported run may have, unless the benchmark "
                         "fixes its count (.../iterations:N) (default 50)")
    ap.add_argument("--repetitions", type=int, default=5,
                    help="reported runs per benchmark (default 5; nb_compare's U test needs >= 2)")
    ap.add_argument("--valgrind", default=shutil.which("valgrind") or "valgrind")
    ap.add_argument("--keep-dumps", metavar="DIR", help="keep callgrind's dumps in DIR")
    ap.add_argument("--skip-refused", action="store_true",
                    help="write the benchmarks that could be counted even if some were refused "
                         "(they are listed in context.nb_icount_refused)")
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        k = argv.index("--")
        argv, extra = argv[:k], argv[k + 1:]
    args = ap.parse_args(argv)
    if not os.path.isfile(args.binary) or not os.access(args.binary, os.X_OK):
        die(2, "'%s' is not an executable benchmark binary" % args.binary)
    if args.repetitions < 1 or args.min_time <= 0:
        die(2, "--repetitions must be >= 1 and --min-time > 0")
    if not shutil.which(args.valgrind):
        die(2, "valgrind not found ('%s'): install Debian's valgrind (scripts/setup)"
            % args.valgrind)

    work = args.keep_dumps or tempfile.mkdtemp(prefix="nb_icount.")
    os.makedirs(work, exist_ok=True)
    try:
        doc, dumps, refused = run(args, extra, work)
    finally:
        if not args.keep_dumps:
            shutil.rmtree(work, ignore_errors=True)
    for name, why in sorted(refused.items()):
        print("nb_icount: refused %s: %s" % (name, why[len("icount:"):].strip()), file=sys.stderr)
    if refused and not args.skip_refused:
        die(2, "%d benchmark(s) cannot be counted in instruction-count mode (above); leave them "
               "out with --filter, or pass --skip-refused to count the others" % len(refused))
    instances = reported_runs(doc)
    if not instances:
        die(2, "%s reported no benchmarks (filter '%s')" % (args.binary, args.filter or ""))
    if not dumps:
        die(2, "%s left no nbicount dumps: it was built without bench/common/icount.c's "
               "region hooks, or valgrind's callgrind did not run" % args.binary)
    try:
        named = all(d["name"] for d in dumps)
        paired = (pair_by_name if named else pair_by_order)(dumps, instances)
    except ValueError as e:
        die(2, "cannot pair callgrind dumps with the reported runs: %s" % e)

    # Google Benchmark picks iteration counts by time; under valgrind the first
    # run also pays for translating the code, and with too short a min-time it
    # is reported as is: one iteration whose count is mostly overhead.
    few = ["%s (%d)" % (name, reps[0]["iterations"]) for name, reps in instances
           if reps[0]["iterations"] < args.min_iterations and "/iterations:" not in name]
    if few:
        die(2, "too few iterations for a per-iteration count: %s; raise --min-time "
               "(now %g s)" % (", ".join(few[:5]), args.min_time))

    benchmarks, worst = [], (0.0, "")
    for name, reps in instances:
        prev, got = paired[name]
        vals = []
        for rep, d in zip(reps, got):
            e = entry_for(rep, d, prev, len(reps))
            benchmarks.append(e)
            vals.append(e["real_time"])
            ov = abs(e.get("icount_overhead_pct", 0.0))
            if ov > worst[0]:
                worst = (ov, name)
        spread = (max(vals) - min(vals)) / min(vals) * 100 if min(vals) > 0 else 0.0
        if spread > 0.1:
            print("nb_icount: warning: %s: instructions per iteration differ by %.3f%% "
                  "between repetitions" % (name, spread), file=sys.stderr)
    if worst[0] > 0.1:
        print("nb_icount: warning: %s: fixed region overhead is %.3f%% of the per-iteration "
              "count; raise --min-time" % (worst[1], worst[0]), file=sys.stderr)

    ctx = dict(doc.get("context", {}))
    ctx.update({
        "nb_metric": "instructions",
        "nb_icount_unit": "instructions per iteration (time_unit 'ns' is nominal)",
        "nb_icount_tool": "valgrind callgrind (--collect-atstart=no, regions from icount.c)",
        "nb_icount_min_time": "%g" % args.min_time,
        "nb_icount_pairing": "by name" if named else "by order, checked by iteration counts",
        "nb_icount_max_overhead_pct": "%.4f" % worst[0],
    })
    if refused:
        ctx["nb_icount_refused"] = "; ".join("%s: %s" % kv for kv in sorted(refused.items()))
    text = json.dumps({"context": ctx, "benchmarks": benchmarks}, indent=2) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        try:
            nb_atomic.write_atomic(args.out, text)
        except nb_atomic.PublishError as e:
            print("nb_icount: --out: %s" % e, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
