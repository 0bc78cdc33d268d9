#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""nb_compare.py: did NEW get slower than BASE? A verdict per benchmark, and one for CI.

usage: nb_compare.py BASE NEW [--threshold PCT] [--alpha A] [--metric time|icount]
                     [--field cpu_time|real_time] [--threshold-only] [--allow-missing]
                     [--markdown FILE|-] [--json FILE|-]

BASE, NEW  two Google Benchmark JSON files (--benchmark_out_format=json), or two
           results folders of `nestbench run` (reports/<run>/, compared family by
           family through raw/<family>.json). Repetitions are grouped by run_name;
           aggregates are used only when a file has no individual runs.

Per benchmark:
  change   (median NEW - median BASE) / median BASE, from Google Benchmark's
           gbench.report.calculate_change;
  p        the two-sided Mann-Whitney U test over the repetitions, Google
           Benchmark's own (gbench.report.calc_utest, libbenchmark-tools);
  verdict  regressed / improved: p < --alpha and |change| > --threshold;
           same: not both; inconclusive: the repetitions cannot reach p < alpha
           whatever the data. With n and m repetitions the smallest p the exact
           test can give is 2 / C(n+m, n) (the two most extreme of the C(n+m, n)
           equally likely rank orders): 1 at 1 vs 1, 0.33 at 2 vs 2, 0.1 at 3 vs 3,
           0.029 at 4 vs 4, so at alpha 0.05 each side needs 4 or more.
--threshold-only   verdicts by --threshold alone (no significance), said in the output.
--metric icount    instructions per iteration from nb_icount.py files
           (context.nb_metric = "instructions"): counts are deterministic, so the
           verdict is by threshold only, always (p is shown for information).
Defaults: --threshold 5 (icount 0.5: a 1% change must show), --alpha 0.05,
--field cpu_time (benchmarks named .../real_time or .../manual_time compare
real_time, what they measured).
--allow-missing    benchmarks of BASE that NEW lacks (or that errored on either
           side) are listed and left out, instead of refusing the comparison.
--markdown FILE    a Markdown table for a review comment; --json FILE the verdicts
           for scripts; '-' writes to stdout (the console table then goes to
           stderr). Files are written whole or not at all, mode 0644.

Exit status:
  0  no regression, every benchmark judged
  1  at least one benchmark regressed
  2  usage error, or inputs that cannot be compared as given: unreadable or
     malformed, no benchmarks, an errored benchmark, a folder against a file,
     NEW lacking some of BASE's benchmarks (without --allow-missing)
  3  inconclusive: no regression found, but some benchmark has too few
     repetitions for --alpha (more repetitions, or --threshold-only)
  4  an output (--markdown, --json, standard output) could not be written
"""
import argparse
import glob
import json
import math
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nb_atomic  # noqa: E402 (this folder's publishing helper)

GBENCH_DIRS = [os.environ.get("NB_GBENCH_DIR", ""), "/usr/share/benchmark"]
TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
EXIT_OK, EXIT_REGRESSED, EXIT_USAGE, EXIT_INCONCLUSIVE, EXIT_OUTPUT = 0, 1, 2, 3, 4
USAGE = ("nb_compare.py BASE NEW [--threshold PCT] [--alpha A] [--metric time|icount] "
         "[--threshold-only] [--allow-missing] [--markdown FILE|-] [--json FILE|-]")


class InputError(Exception):
    """Inputs that cannot be compared: the message names the file and the fault."""


def fail(status, msg):
    print("nb_compare: " + msg, file=sys.stderr)
    sys.exit(status)


def load_gbench():
    for d in GBENCH_DIRS:
        if d and os.path.isfile(os.path.join(d, "gbench", "report.py")):
            sys.path.insert(0, d)
            try:
                from gbench import report  # noqa: E402 (Google Benchmark's tooling)
            except ImportError as e:
                fail(EXIT_USAGE, "Google Benchmark's gbench in %s does not import (%s): "
                     "run with Debian's /usr/bin/python3 and python3-scipy" % (d, e))
            return report
    fail(EXIT_USAGE, "Google Benchmark's tools are missing (/usr/share/benchmark/gbench): "
         "install Debian's libbenchmark-tools (scripts/setup)")


def min_p(n, m):
    """The smallest two-sided p of the exact Mann-Whitney U test for n vs m
    repetitions: 2 / C(n+m, n), at most 1 (Mann & Whitney 1947: under the null
    hypothesis every one of the C(n+m, n) rank orders is equally likely; the
    one-sided extreme is one of them, the two-sided test counts both ends)."""
    return min(1.0, 2.0 / math.comb(n + m, n))


def read_json(path):
    try:
        with open(path, "r") as f:
            text = f.read()
    except OSError as e:
        raise InputError("%s: cannot read: %s" % (path, e.strerror or e))
    except UnicodeDecodeError as e:
        raise InputError("%s: not text (binary data?): byte %#04x at offset %d"
                         % (path, e.object[e.start], e.start))
    if not text.strip():
        raise InputError("%s: empty file (no JSON)" % path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError("%s: not valid JSON: %s at line %d column %d"
                         % (path, e.msg, e.lineno, e.colno))


def check_doc(path, doc, metric):
    """Validate a Google Benchmark document; return its benchmarks list."""
    if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list):
        raise InputError("%s: no \"benchmarks\" list: not Google Benchmark JSON "
                         "(--benchmark_out_format=json)" % path)
    if not doc["benchmarks"]:
        raise InputError("%s: no benchmarks (an empty \"benchmarks\" list): nothing ran?" % path)
    ctx = doc.get("context") if isinstance(doc.get("context"), dict) else {}
    is_icount = ctx.get("nb_metric") == "instructions"
    if metric == "icount" and not is_icount:
        raise InputError("%s: not an instruction-count file (context.nb_metric is not "
                         "\"instructions\"): make it with scripts/nb_icount.py, or use "
                         "--metric time" % path)
    if metric == "time" and is_icount:
        raise InputError("%s: holds instruction counts (context.nb_metric = \"instructions\"): "
                         "use --metric icount" % path)
    return doc["benchmarks"]


def samples(path, benchmarks, field, allow_missing, errored):
    """{run_name: [ns values]}; errored benchmarks refused, or listed in errored."""
    runs, aggs, order = {}, {}, []
    for i, b in enumerate(benchmarks):
        if not isinstance(b, dict) or not isinstance(b.get("name"), str):
            raise InputError("%s: benchmarks[%d] has no \"name\" string" % (path, i))
        if b.get("error_occurred"):
            what = "%s: benchmarks[%d] (%s) reported an error: %s" % (
                path, i, b["name"], str(b.get("error_message", "(no message)"))[:200])
            if not allow_missing:
                raise InputError(what + " (--allow-missing leaves it out)")
            errored.append(what)
            continue
        # A benchmark measured in real (or manual) time says so in its name,
        # and its cpu_time is only the main thread's: compare what it measured.
        f = "real_time" if re.search(r"/(real|manual)_time(/|$)", b["name"]) else field
        v, unit = b.get(f), b.get("time_unit", "ns")
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise InputError("%s: benchmarks[%d] (%s) has no numeric \"%s\""
                             % (path, i, b["name"], f))
        if unit not in TO_NS:
            raise InputError("%s: benchmarks[%d] (%s) has unknown time_unit \"%s\""
                             % (path, i, b["name"], unit))
        name = b.get("run_name", b["name"])
        if name not in runs and name not in aggs:
            order.append(name)
        if b.get("run_type", "iteration") == "aggregate":
            aggs.setdefault(name, {})[b.get("aggregate_name", "")] = v * TO_NS[unit]
        else:
            runs.setdefault(name, []).append(v * TO_NS[unit])
    out = {}
    for name in order:
        if name in runs:
            out[name] = runs[name]
        else:
            a = aggs[name]
            pick = a.get("median", a.get("mean"))
            if pick is not None:
                out[name] = [pick]
    return out


def load_side(path, metric, field, allow_missing, errored):
    """{family or '': {run_name: [values]}} from a JSON file or a results folder."""
    if os.path.isdir(path):
        files = sorted(glob.glob(os.path.join(path, "raw", "*.json")))
        if not files:
            raise InputError("%s: a folder without raw/*.json: not a results folder" % path)
        return {os.path.splitext(os.path.basename(f))[0]:
                samples(f, check_doc(f, read_json(f), metric), field, allow_missing, errored)
                for f in files}
    if not os.path.exists(path):
        raise InputError("%s: no such file or folder" % path)
    return {"": samples(path, check_doc(path, read_json(path), metric), field, allow_missing,
                        errored)}


def compare(report, base, new, args):
    """Rows, one per benchmark present on both sides, and the missing lists."""
    rows, only_base, only_new = [], [], []
    for fam in sorted(set(base) | set(new)):
        if fam not in new:
            only_base.append("%s (whole family: raw/%s.json)" % (fam, fam))
            continue
        if fam not in base:
            only_new.append("%s (whole family: raw/%s.json)" % (fam, fam))
            continue
        b, n = base[fam], new[fam]
        only_base += [k for k in b if k not in n]
        only_new += [k for k in n if k not in b]
        for name in [k for k in b if k in n]:
            rows.append(judge(report, name, b[name], n[name], args))
            rows[-1]["family"] = fam
    return rows, only_base, only_new


def judge(report, name, bv, nv, args):
    mb, mn = statistics.median(bv), statistics.median(nv)
    change = report.calculate_change(mb, mn) * 100.0
    pvalue, mp = None, min_p(len(bv), len(nv))
    if min(len(bv), len(nv)) >= report.UTEST_MIN_REPETITIONS:
        # Google Benchmark's own U test (both timings are the same series here).
        _, pvalue, _ = report.calc_utest([bv, nv], [bv, nv])
        if pvalue is not None and math.isnan(pvalue):
            pvalue = 1.0  # every value tied: no evidence of a difference
    big = abs(change) > args.threshold
    if args.metric == "icount" or args.threshold_only:
        note = ("threshold only: instruction counts are deterministic" if args.metric == "icount"
                else "threshold only, as asked")
        significant = True
    elif mp >= args.alpha or pvalue is None:
        note = ("%d vs %d repetitions: the U test cannot reach p < %g (its smallest p is %.3g); "
                "4+ per side, or --threshold-only" % (len(bv), len(nv), args.alpha, mp)
                if mp >= args.alpha else
                "%d vs %d repetitions: Google Benchmark's U test needs 2+ per side" % (
                    len(bv), len(nv)))
        significant = None
    else:
        note = ""
        significant = pvalue < args.alpha
    if significant is None:
        verdict = "inconclusive"
    elif significant and big:
        verdict = "regressed" if change > 0 else "improved"
    else:
        verdict = "same"
    return {"name": name, "base": mb, "new": mn, "change": change, "p": pvalue, "min_p": mp,
            "n": (len(bv), len(nv)), "verdict": verdict, "note": note}


def fmt_val(v):
    if v >= 1e4:
        return "{:,.0f}".format(v)
    return "%.4g" % v


def fmt_p(p):
    return "-" if p is None else ("%.4f" % p if p >= 1e-4 else "%.1e" % p)


VERDICTS = ("regressed", "improved", "same", "inconclusive")


def console(rows, only_base, only_new, errored, unit, args, out):
    w = max([len(r["name"]) for r in rows] + [9])
    print("%-*s %14s %14s %9s %9s  %s" % (w, "Benchmark", "Base " + unit, "New " + unit,
                                           "Change", "p", "Verdict"), file=out)
    for r in rows:
        print("%-*s %14s %14s %+8.2f%% %9s  %s%s" % (
            w, r["name"], fmt_val(r["base"]), fmt_val(r["new"]), r["change"], fmt_p(r["p"]),
            r["verdict"], " (%s)" % r["note"] if r["note"] else ""), file=out)
    for k in only_base:
        print("missing in NEW: %s" % k, file=out)
    for k in only_new:
        print("missing in BASE (new benchmark): %s" % k, file=out)
    for k in errored:
        print("left out: %s" % k, file=out)
    print(summary_line(rows, only_base, only_new, args), file=out)


def summary_line(rows, only_base, only_new, args):
    c = {v: sum(1 for r in rows if r["verdict"] == v) for v in VERDICTS}
    mode = ("threshold only" if args.metric == "icount" or args.threshold_only
            else "alpha %g" % args.alpha)
    return ("%d regressed, %d improved, %d same, %d inconclusive; %d only in BASE, %d only in "
            "NEW (metric %s, threshold %.2f%%, %s)" % (
                c["regressed"], c["improved"], c["same"], c["inconclusive"], len(only_base),
                len(only_new), args.metric, args.threshold, mode))


def markdown(rows, only_base, only_new, errored, unit, args):
    reg = [r for r in rows if r["verdict"] == "regressed"]
    unsure = [r for r in rows if r["verdict"] == "inconclusive"]
    head = ("**%d regression(s)**" % len(reg) if reg else
            "**inconclusive** (%d benchmark(s) with too few repetitions)" % len(unsure) if unsure
            else "no regression")
    lines = ["### nestbench compare (%s): %s" % (
        "instructions per iteration" if args.metric == "icount" else "time per iteration", head),
        "", "`%s` → `%s`: %s" % (args.base, args.new, summary_line(rows, only_base, only_new, args)),
        ""]

    def table(rs):
        t = ["| Benchmark | Base (%s) | New (%s) | Change | p (U test) | Verdict |" % (unit, unit),
             "|---|---:|---:|---:|---:|---|"]
        for r in rs:
            mark = {"regressed": "❌ regressed", "improved": "✅ improved",
                    "inconclusive": "⚠️ inconclusive"}.get(r["verdict"], "same")
            t.append("| `%s` | %s | %s | %+.2f%% | %s | %s%s |" % (
                r["name"], fmt_val(r["base"]), fmt_val(r["new"]), r["change"], fmt_p(r["p"]),
                mark, " (%s)" % r["note"] if r["note"] else ""))
        return "\n".join(t) + "\n"

    changed = [r for r in rows if r["verdict"] in ("regressed", "improved", "inconclusive")]
    same = [r for r in rows if r["verdict"] == "same"]
    if changed:
        lines.append(table(sorted(changed, key=lambda r: -r["change"])))
    if same:
        lines.append("<details><summary>%d unchanged benchmark(s)</summary>\n\n%s\n</details>\n"
                     % (len(same), table(same)))
    if only_base or only_new or errored:
        lines.append("**Missing benchmarks**\n")
        lines += ["- only in BASE (gone in NEW): `%s`" % k for k in only_base]
        lines += ["- only in NEW (no baseline): `%s`" % k for k in only_new]
        lines += ["- left out: %s" % k for k in errored]
        lines.append("")
    return "\n".join(lines)


class Parser(argparse.ArgumentParser):
    def error(self, message):
        fail(EXIT_USAGE, "%s (usage: %s)" % (message, USAGE))


def parse_args():
    doc = __doc__.split("\n\n", 1)
    ap = Parser(usage=USAGE, description=doc[1].split("\n\n", 1)[1],
                formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base", metavar="BASE", help="results folder or Google Benchmark JSON file")
    ap.add_argument("new", metavar="NEW", help="the same kind as BASE")
    ap.add_argument("--threshold", type=float, metavar="PCT",
                    help="percent change that counts (default 5, icount 0.5)")
    ap.add_argument("--alpha", type=float, default=0.05, metavar="A",
                    help="significance level of the U test, 0 < A < 1 (default 0.05)")
    ap.add_argument("--metric", choices=("time", "icount"), default="time")
    ap.add_argument("--field", choices=("cpu_time", "real_time"), default="cpu_time")
    ap.add_argument("--threshold-only", action="store_true",
                    help="verdicts by --threshold alone, without the U test")
    ap.add_argument("--allow-missing", action="store_true",
                    help="compare what both sides have; list the rest")
    ap.add_argument("--markdown", metavar="FILE", help="write a Markdown table ('-': stdout)")
    ap.add_argument("--json", metavar="FILE", help="write the verdicts as JSON ('-': stdout)")
    args = ap.parse_args()
    if args.threshold is None:
        args.threshold = 0.5 if args.metric == "icount" else 5.0
    if not math.isfinite(args.threshold) or args.threshold < 0:
        fail(EXIT_USAGE, "--threshold: %r is not a percentage >= 0" % args.threshold)
    if not 0 < args.alpha < 1:
        fail(EXIT_USAGE, "--alpha: %r is not in (0, 1)" % args.alpha)
    if args.markdown == "-" and args.json == "-":
        fail(EXIT_USAGE, "--markdown and --json cannot both be '-' (stdout)")
    return args


def check_outputs(args):
    for flag, path in (("--markdown", args.markdown), ("--json", args.json)):
        if path and path != "-":
            try:
                nb_atomic.check_writable(path)
            except nb_atomic.PublishError as e:
                fail(EXIT_OUTPUT, "%s: %s" % (flag, e))


def write_output(flag, path, text):
    if path == "-":
        sys.stdout.write(text)
        return
    try:
        nb_atomic.write_atomic(path, text)
    except nb_atomic.PublishError as e:
        fail(EXIT_OUTPUT, "%s: %s" % (flag, e))


def main():
    args = parse_args()
    check_outputs(args)
    errored = []
    try:
        if os.path.isdir(args.base) != os.path.isdir(args.new) and \
                os.path.exists(args.base) and os.path.exists(args.new):
            raise InputError("%s is a %s and %s a %s: compare two results folders or two files" % (
                args.base, "results folder" if os.path.isdir(args.base) else "file",
                args.new, "results folder" if os.path.isdir(args.new) else "file"))
        base = load_side(args.base, args.metric, args.field, args.allow_missing, errored)
        new = load_side(args.new, args.metric, args.field, args.allow_missing, errored)
    except InputError as e:
        fail(EXIT_USAGE, str(e))
    report = load_gbench()  # SciPy's start-up: after the inputs are known good
    rows, only_base, only_new = compare(report, base, new, args)
    if only_base and not args.allow_missing:
        fail(EXIT_USAGE, "%s lacks %d of %s's benchmarks (%s%s): did they not run? "
             "(--allow-missing compares the rest)" % (
                 args.new, len(only_base), args.base, ", ".join(only_base[:3]),
                 ", ..." if len(only_base) > 3 else ""))
    if not rows:
        fail(EXIT_USAGE, "%s and %s have no benchmark in common" % (args.base, args.new))
    unit = "instr/iter" if args.metric == "icount" else "ns"
    stdout_taken = "-" in (args.markdown, args.json)
    console(rows, only_base, only_new, errored, unit, args, sys.stderr if stdout_taken else sys.stdout)
    if args.markdown:
        write_output("--markdown", args.markdown,
                     markdown(rows, only_base, only_new, errored, unit, args))
    verdicts = {r["verdict"] for r in rows}
    status = (EXIT_REGRESSED if "regressed" in verdicts else
              EXIT_INCONCLUSIVE if "inconclusive" in verdicts else EXIT_OK)
    if args.json:
        write_output("--json", args.json, json.dumps({
            "metric": args.metric, "threshold_pct": args.threshold, "alpha": args.alpha,
            "threshold_only": args.metric == "icount" or args.threshold_only,
            "exit_status": status, "benchmarks": rows, "only_in_base": only_base,
            "only_in_new": only_new, "left_out": errored}, indent=1) + "\n")
    return status


if __name__ == "__main__":
    from nb_stdout import run_main
    run_main(main, "nb_compare")
