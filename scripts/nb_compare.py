#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""nb_compare.py: did NEW get slower than BASE? A verdict per benchmark, and one for CI.

Usage: nb_compare.py BASE NEW [--threshold PCT] [--alpha A] [--metric time|icount]
                     [--field cpu_time|real_time] [--markdown FILE|-] [--json FILE]

BASE and NEW are Google Benchmark JSON files, or results folders (reports/<run>/,
compared family by family through raw/<family>.json). Per benchmark (repetitions
grouped by run_name; aggregates are used only when a file has no individual runs):
  change   (median NEW - median BASE) / median BASE, from Google Benchmark's
           gbench.report.calculate_change;
  p        the two-sided Mann-Whitney U test over the repetitions, from Google
           Benchmark's own gbench.report (libbenchmark-tools), needing >= 2
           repetitions on both sides; with fewer: "no repetitions: threshold only";
  verdict  regressed / improved when p < alpha (or no repetitions) and
           |change| > threshold, else same.
--metric time compares times (ns per iteration; --field, default cpu_time, except
for benchmarks named .../real_time or .../manual_time, which measured real time);
--metric icount compares instructions per iteration from nb_icount.py files
(context.nb_metric = "instructions"), whose default threshold is 0.5% (counts are
deterministic: a 1% change must show). The time default is 5%.

Exit status: 0 no regression; 1 at least one benchmark regressed; 2 usage error or
a malformed input (one line naming the file and what is wrong).
"""
import argparse
import glob
import json
import math
import os
import re
import statistics
import sys
import tempfile

GBENCH_DIRS = [os.environ.get("NB_GBENCH_DIR", ""), "/usr/share/benchmark"]
TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


class InputError(Exception):
    """A malformed input: the message names the file and the fault."""


def load_gbench():
    for d in GBENCH_DIRS:
        if d and os.path.isfile(os.path.join(d, "gbench", "report.py")):
            sys.path.insert(0, d)
            try:
                from gbench import report  # noqa: E402 (Google Benchmark's tooling)
            except ImportError as e:
                fail_usage("Google Benchmark's gbench in %s does not import (%s): "
                           "run with Debian's /usr/bin/python3 and python3-scipy" % (d, e))
            return report
    fail_usage("Google Benchmark's tools are missing (/usr/share/benchmark/gbench): "
               "install Debian's libbenchmark-tools (scripts/setup)")


def fail_usage(msg):
    print("nb_compare: " + msg, file=sys.stderr)
    sys.exit(2)


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
    """Validate a Google Benchmark document; return {run_name: [ns values]} per run."""
    if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list):
        raise InputError("%s: no \"benchmarks\" list: not Google Benchmark JSON "
                         "(--benchmark_out_format=json)" % path)
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


def samples(path, benchmarks, field):
    runs, aggs, order = {}, {}, []
    for i, b in enumerate(benchmarks):
        if not isinstance(b, dict) or not isinstance(b.get("name"), str):
            raise InputError("%s: benchmarks[%d] has no \"name\" string" % (path, i))
        if b.get("error_occurred"):
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


def load_side(path, metric, field):
    """{family or '': {run_name: [values]}} from a JSON file or a results folder."""
    if os.path.isdir(path):
        files = sorted(glob.glob(os.path.join(path, "raw", "*.json")))
        if not files:
            raise InputError("%s: a folder without raw/*.json: not a results folder" % path)
        fams = {}
        for f in files:
            fam = os.path.splitext(os.path.basename(f))[0]
            fams[fam] = samples(f, check_doc(f, read_json(f), metric), field)
        return fams
    if not os.path.exists(path):
        raise InputError("%s: no such file or folder" % path)
    return {"": samples(path, check_doc(path, read_json(path), metric), field)}


def compare(report, base, new, threshold, alpha, deterministic=False):
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
            rows.append(judge(report, name, b[name], n[name], threshold, alpha, deterministic))
            rows[-1]["family"] = fam
    return rows, only_base, only_new


def judge(report, name, bv, nv, threshold, alpha, deterministic=False):
    mb, mn = statistics.median(bv), statistics.median(nv)
    change = report.calculate_change(mb, mn) * 100.0
    pvalue, note = None, ""
    if min(len(bv), len(nv)) >= report.UTEST_MIN_REPETITIONS:
        # Google Benchmark's own U test (both timings are the same series here).
        _, pvalue, _ = report.calc_utest([bv, nv], [bv, nv])
        if pvalue is not None and math.isnan(pvalue):
            pvalue = 1.0
        if not deterministic and min(len(bv), len(nv)) < report.UTEST_OPTIMAL_REPETITIONS:
            note = "only %d vs %d repetitions (%d+ advised)" % (
                len(bv), len(nv), report.UTEST_OPTIMAL_REPETITIONS)
    else:
        note = "no repetitions: threshold only"
    significant = pvalue is None or pvalue < alpha
    if significant and change > threshold:
        verdict = "regressed"
    elif significant and change < -threshold:
        verdict = "improved"
    else:
        verdict = "same"
    return {"name": name, "base": mb, "new": mn, "change": change, "p": pvalue,
            "n": (len(bv), len(nv)), "verdict": verdict, "note": note}


def fmt_val(v):
    if v >= 1e4:
        return "{:,.0f}".format(v)
    return "%.4g" % v


def fmt_p(p):
    return "-" if p is None else ("%.4f" % p if p >= 1e-4 else "%.1e" % p)


def console(rows, only_base, only_new, unit, args):
    w = max([len(r["name"]) for r in rows] + [9])
    print("%-*s %14s %14s %9s %9s  %s" % (w, "Benchmark", "Base " + unit, "New " + unit,
                                           "Change", "p", "Verdict"))
    for r in rows:
        print("%-*s %14s %14s %+8.2f%% %9s  %s%s" % (
            w, r["name"], fmt_val(r["base"]), fmt_val(r["new"]), r["change"], fmt_p(r["p"]),
            r["verdict"], " (%s)" % r["note"] if r["note"] else ""))
    for k in only_base:
        print("missing in NEW: %s" % k)
    for k in only_new:
        print("missing in BASE (new benchmark): %s" % k)
    print(summary_line(rows, only_base, only_new, args))


def summary_line(rows, only_base, only_new, args):
    c = {v: sum(1 for r in rows if r["verdict"] == v) for v in ("regressed", "improved", "same")}
    return ("%d regressed, %d improved, %d same; %d only in BASE, %d only in NEW "
            "(metric %s, threshold %.2f%%, alpha %g)" % (
                c["regressed"], c["improved"], c["same"], len(only_base), len(only_new),
                args.metric, args.threshold, args.alpha))


def markdown(rows, only_base, only_new, unit, args):
    reg = [r for r in rows if r["verdict"] == "regressed"]
    lines = ["### nestbench compare (%s): %s" % (
        "instructions per iteration" if args.metric == "icount" else "time per iteration",
        "**%d regression(s)**" % len(reg) if reg else "no regression"), "",
        "`%s` → `%s`: %s" % (args.base, args.new, summary_line(rows, only_base, only_new, args)),
        ""]

    def table(rs):
        t = ["| Benchmark | Base (%s) | New (%s) | Change | p (U test) | Verdict |" % (unit, unit),
             "|---|---:|---:|---:|---:|---|"]
        for r in rs:
            mark = {"regressed": "❌ regressed",
                    "improved": "✅ improved"}.get(r["verdict"], "same")
            t.append("| `%s` | %s | %s | %+.2f%% | %s | %s%s |" % (
                r["name"], fmt_val(r["base"]), fmt_val(r["new"]), r["change"], fmt_p(r["p"]),
                mark, " (%s)" % r["note"] if r["note"] else ""))
        return "\n".join(t) + "\n"

    changed = [r for r in rows if r["verdict"] != "same"]
    same = [r for r in rows if r["verdict"] == "same"]
    if changed:
        lines.append(table(sorted(changed, key=lambda r: -r["change"])))
    if same:
        lines.append("<details><summary>%d unchanged benchmark(s)</summary>\n\n%s\n</details>\n"
                     % (len(same), table(same)))
    if only_base or only_new:
        lines.append("**Missing benchmarks**\n")
        lines += ["- only in BASE (gone in NEW): `%s`" % k for k in only_base]
        lines += ["- only in NEW (no baseline): `%s`" % k for k in only_new]
        lines.append("")
    return "\n".join(lines)


def write_atomic(path, text):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=d)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class Parser(argparse.ArgumentParser):
    def error(self, message):
        fail_usage("%s (usage: nb_compare.py BASE NEW [--threshold PCT] [--alpha A] "
                   "[--metric time|icount] [--markdown FILE])" % message)


def main():
    ap = Parser(description=__doc__.split("\n\n")[0])
    ap.add_argument("base")
    ap.add_argument("new")
    ap.add_argument("--threshold", type=float, help="percent (default 5, icount 0.5)")
    ap.add_argument("--alpha", type=float, default=0.05)
    ap.add_argument("--metric", choices=("time", "icount"), default="time")
    ap.add_argument("--field", choices=("cpu_time", "real_time"), default="cpu_time")
    ap.add_argument("--markdown", metavar="FILE", help="write a Markdown table ('-': stdout)")
    ap.add_argument("--json", metavar="FILE", help="write the verdicts as JSON (for scripts)")
    args = ap.parse_args()
    if args.threshold is None:
        args.threshold = 0.5 if args.metric == "icount" else 5.0
    if args.threshold < 0 or not 0 < args.alpha < 1:
        fail_usage("--threshold must be >= 0 and --alpha in (0, 1)")
    report = load_gbench()
    try:
        base = load_side(args.base, args.metric, args.field)
        new = load_side(args.new, args.metric, args.field)
    except InputError as e:
        fail_usage(str(e))
    rows, only_base, only_new = compare(report, base, new, args.threshold, args.alpha,
                                        args.metric == "icount")
    if not rows and not only_base and not only_new:
        fail_usage("%s and %s hold no benchmarks" % (args.base, args.new))
    unit = "instr/iter" if args.metric == "icount" else "ns"
    console(rows, only_base, only_new, unit, args)
    if args.markdown:
        md = markdown(rows, only_base, only_new, unit, args)
        if args.markdown == "-":
            sys.stdout.write(md)
        else:
            write_atomic(args.markdown, md)
    if args.json:
        write_atomic(args.json, json.dumps({
            "metric": args.metric, "threshold_pct": args.threshold, "alpha": args.alpha,
            "benchmarks": rows, "only_in_base": only_base, "only_in_new": only_new},
            indent=1) + "\n")
    return 1 if any(r["verdict"] == "regressed" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
