#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""(c) nb_compare.py verdicts on crafted Google Benchmark JSON (fixtures/compare and
files made here).

base.json -> new.json, 9 repetitions each: walk/same (noise only) same,
walk/slower (+20%) regressed, walk/faster (-20%) improved, walk/small_change
(+2%, significant, under the 5% threshold) same; walk/dropped only in BASE is
refused (exit 2) unless --allow-missing, walk/added only in NEW is listed.

Power (issue 15): every repetition count 1, 2, 3, 4, 5, 10 per side against
changes of 0%, +3% and +30%. The expected verdict comes from the exact U test's
smallest two-sided p for n vs n repetitions, 2 / C(2n, n), written out below
by hand (C(2n, n) = 2, 6, 20, 70, 252, 184756), not from the tool: where it is
>= alpha (0.05) no data can be significant and the verdict must be
"inconclusive" (exit 3); otherwise +30% is "regressed" (exit 1) and 0% and +3%
(under the 5% threshold) are "same". --threshold-only and --metric icount judge
by the threshold alone at every n.

Inputs that cannot be compared (empty benchmark array, an errored benchmark, a
folder against a file, NEW lacking BASE's benchmarks, --threshold nan/inf/-1)
exit 2 with one line; an unwritable --markdown exits 4 (not the regression
code) with one line; --json=- writes JSON to stdout; outputs are mode 0644
under any umask. Malformed inputs exit 2 naming the file and the fault.
"""
import io
import json
import os
import runpy
import shutil
import sys
from contextlib import redirect_stderr, redirect_stdout

from nbtest import FIXTURES, Test

CMP = os.path.join(FIXTURES, "compare")

# Smallest two-sided p of the exact Mann-Whitney U test, n vs n repetitions:
# the C(2n, n) rank orders are equally likely under the null hypothesis; the
# extreme one at each end gives p = 2 / C(2n, n) (Mann & Whitney, Ann. Math.
# Statist. 18(1), 1947). By hand: C(2,1)=2, C(4,2)=6, C(6,3)=20, C(8,4)=70,
# C(10,5)=252, C(20,10)=184756.
MIN_P = {1: 2 / 2, 2: 2 / 6, 3: 2 / 20, 4: 2 / 70, 5: 2 / 252, 10: 2 / 184756}
ALPHA, THRESHOLD = 0.05, 5.0
CHANGES = {"zero": 0.0, "small": 3.0, "big": 30.0}


def in_process(t):
    """nb_compare.py run as __main__ in this interpreter: (exit status, stdout,
    stderr). Saves a Python and SciPy start-up per call; the first calls of
    the test go through a real process."""
    script = os.path.abspath(t.script("nb_compare.py"))

    def run(*args):
        out, err, argv = io.StringIO(), io.StringIO(), sys.argv
        sys.argv = [script] + [str(a) for a in args]
        rc = 0
        try:
            with redirect_stdout(out), redirect_stderr(err):
                runpy.run_path(script, run_name="__main__")
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        finally:
            sys.argv = argv
        return rc, out.getvalue(), err.getvalue()
    return run


def verdicts(path):
    with open(path) as f:
        doc = json.load(f)
    return {r["name"]: r for r in doc["benchmarks"]}, doc


def gbench(path, series, context=None):
    """A Google Benchmark JSON file: series = {name: [cpu_time, ...]}."""
    benches = []
    for name, values in series.items():
        for i, v in enumerate(values):
            benches.append({"name": name, "run_name": name, "run_type": "iteration",
                            "repetitions": len(values), "repetition_index": i,
                            "iterations": 1000, "real_time": v, "cpu_time": v,
                            "time_unit": "ns"})
    with open(path, "w") as f:
        json.dump({"context": context or {}, "benchmarks": benches}, f)
    return path


def expected(n, change, threshold_only=False):
    if not threshold_only and MIN_P[n] >= ALPHA:
        return "inconclusive"
    return "regressed" if change > THRESHOLD else "same"


def power_table(t, cmp):
    """n x change against the hand-computed smallest p."""
    for n in sorted(MIN_P):
        # 0.1% steps around 100 ns: every BASE value below every +3% value
        base = [100.0 * (1 + 0.001 * (i - n // 2)) for i in range(n)]
        b, m = (os.path.join(t.tmp, "p%d-%s.json" % (n, s)) for s in ("base", "new"))
        gbench(b, {k: base for k in CHANGES})
        gbench(m, {k: [v * (1 + c / 100) for v in base] for k, c in CHANGES.items()})
        js = os.path.join(t.tmp, "p%d.json" % n)
        rc, out, err = cmp(b, m, "--json", js)
        v, _ = verdicts(js)
        got = {k: v[k]["verdict"] for k in CHANGES}
        want = {k: expected(n, c) for k, c in CHANGES.items()}
        want_rc = 1 if "regressed" in want.values() else 3 if "inconclusive" in want.values() else 0
        t.check(got == want and rc == want_rc,
                "%d vs %d repetitions (smallest p %.3g): 0%% %s, +3%% %s, +30%% %s, exit %d" % (
                    n, n, MIN_P[n], want["zero"], want["small"], want["big"], want_rc),
                "got %s, exit %d: %s%s" % (got, rc, out[-400:], err))
        t.check(all(abs(v[k].get("min_p", -1) - MIN_P[n]) < 1e-12 for k in CHANGES) and
                all(v[k]["p"] is None or v[k]["p"] >= MIN_P[n] * (1 - 1e-9) or n >= 8
                    for k in CHANGES),
                "%d vs %d: the reported smallest p is 2/C(2n,n), and no p is below it" % (n, n),
                {k: (v[k]["p"], v[k].get("min_p")) for k in CHANGES})
        if MIN_P[n] >= ALPHA:
            t.check("cannot reach p < 0.05" in out and "inconclusive" in out,
                    "%d vs %d: the output says why it is inconclusive" % (n, n), out[-300:])
        rc, out, err = cmp(b, m, "--json", js, "--threshold-only")
        v, doc = verdicts(js)
        got = {k: v[k]["verdict"] for k in CHANGES}
        t.check(got == {k: expected(n, c, True) for k, c in CHANGES.items()} and rc == 1 and
                doc.get("threshold_only") and "threshold only" in out,
                "%d vs %d --threshold-only: +30%% regressed, the rest same, exit 1, says so" % (n, n),
                (got, rc, out[-300:]))


def icount_mode(t, cmp):
    """Instruction counts: threshold only at any repetition count, and said so."""
    ctx = {"nb_metric": "instructions"}
    for n in (2, 5):
        b = gbench(os.path.join(t.tmp, "ic%d-base.json" % n), {"walk": [1000.0] * n}, ctx)
        m = gbench(os.path.join(t.tmp, "ic%d-new.json" % n), {"walk": [1010.0] * n}, ctx)
        js = os.path.join(t.tmp, "ic.json")
        rc, out, _ = cmp("--metric", "icount", b, m, "--json", js)
        v, _ = verdicts(js)
        t.check(rc == 1 and v["walk"]["verdict"] == "regressed" and
                "deterministic" in v["walk"].get("note", "") and "threshold only" in out,
                "icount, %d repetitions: +1%% regressed by the threshold alone, and says so" % n,
                (rc, v["walk"], out[-300:]))


def refused(t, cmp):
    """Inputs that cannot be compared: exit 2, one line naming what is wrong."""
    good = gbench(os.path.join(t.tmp, "good.json"), {"a": [1.0] * 5, "b": [2.0] * 5})
    empty = os.path.join(t.tmp, "empty-array.json")
    with open(empty, "w") as f:
        json.dump({"context": {}, "benchmarks": []}, f)
    errored = os.path.join(t.tmp, "errored.json")
    with open(good) as f:
        d = json.load(f)
    d["benchmarks"][0].update(error_occurred=True, error_message="arena: out of memory")
    with open(errored, "w") as f:
        json.dump(d, f)
    fewer = gbench(os.path.join(t.tmp, "fewer.json"), {"a": [1.0] * 5})
    folder = t.copy_fixture("results-full", "folder")
    cases = [
        ((good, empty), "empty-array.json: no benchmarks", "an empty benchmark array in NEW"),
        ((empty, good), "empty-array.json: no benchmarks", "an empty benchmark array in BASE"),
        ((good, errored), "errored.json: benchmarks[0] (a) reported an error: arena: out of memory",
         "an errored benchmark in NEW"),
        ((errored, good), "reported an error", "an errored benchmark in BASE"),
        ((folder, good), "is a results folder and", "a folder against a file"),
        ((good, folder), "is a file and", "a file against a folder"),
        ((good, fewer), "fewer.json lacks 1 of", "NEW lacking one of BASE's benchmarks"),
        ((good, good, "--threshold=nan"), "--threshold: nan", "--threshold=nan"),
        ((good, good, "--threshold=inf"), "--threshold: inf", "--threshold=inf"),
        ((good, good, "--threshold=-1"), "--threshold: -1", "--threshold=-1"),
        ((good, good, "--alpha=nan"), "--alpha: nan", "--alpha=nan"),
        ((good, good, "--markdown=-", "--json=-"), "cannot both be '-'", "two outputs on stdout"),
    ]
    for args, msg, what in cases:
        rc, out, err = cmp(*args)
        lines = err.strip().splitlines()
        t.check(rc == 2 and len(lines) == 1 and msg in lines[0],
                "%s: exit 2 with one line" % what, "exit %d, stderr: %s" % (rc, err))
    rc, out, err = cmp(good, errored, "--allow-missing")
    t.check(rc == 0 and "left out:" in out and "arena: out of memory" in out,
            "--allow-missing: the errored benchmark is left out and listed", (rc, out, err))
    rc, out, err = cmp(good, fewer, "--allow-missing")
    t.check(rc == 0 and "missing in NEW: b" in out, "--allow-missing: the missing one is listed",
            (rc, out, err))


def outputs(t, cmp):
    """--markdown to a bad path: exit 4, one line; --json=- on stdout; mode 0644."""
    base, new = os.path.join(CMP, "base.json"), os.path.join(CMP, "new.json")
    bad = os.path.join(t.tmp, "no-such-folder", "v.md")
    rc, out, err = t.py("nb_compare.py", base, new, "--allow-missing", "--markdown", bad)
    lines = err.strip().splitlines()
    t.check(rc == 4 and len(lines) == 1 and "--markdown: " + bad in lines[0] and
            "Traceback" not in err,
            "--markdown into a missing folder: exit 4 (not 1, the regression code), one line",
            "exit %d, stderr: %s" % (rc, err))
    cwd = os.getcwd()
    os.chdir(t.tmp)
    try:
        rc, out, err = cmp(base, new, "--allow-missing", "--json=-")
    finally:
        os.chdir(cwd)
    try:
        doc = json.loads(out)
    except ValueError:
        doc = None
    t.check(rc == 1 and doc is not None and not os.path.exists(os.path.join(t.tmp, "-")) and
            "walk/slower" in err,
            "--json=-: the JSON alone on stdout (the table on stderr), no file named '-'",
            (rc, out[:300], err[-200:]))
    old = os.umask(0o077)
    try:
        js, md = os.path.join(t.tmp, "m.json"), os.path.join(t.tmp, "m.md")
        cmp(base, new, "--allow-missing", "--json", js, "--markdown", md)
    finally:
        os.umask(old)
    modes = {os.path.basename(p): oct(os.stat(p).st_mode & 0o777) for p in (js, md)}
    t.check(set(modes.values()) == {"0o644"}, "outputs are mode 0644 under umask 077", modes)
    left = [f for f in os.listdir(t.tmp) if ".tmp." in f]
    t.check(not left, "no temporary file left", left)


def main():
    t = Test("report_compare")
    js, md = os.path.join(t.tmp, "v.json"), os.path.join(t.tmp, "v.md")
    base, new = os.path.join(CMP, "base.json"), os.path.join(CMP, "new.json")

    rc, out, err = t.py("nb_compare.py", base, new, "--json", js, "--markdown", md)
    t.check(rc == 2 and "lacks 1 of" in err and "walk/dropped" in err and not os.path.exists(js),
            "NEW without one of BASE's benchmarks: exit 2 naming it, nothing written",
            "exit %d: %s%s" % (rc, out, err))
    rc, out, err = t.py("nb_compare.py", base, new, "--allow-missing", "--json", js,
                        "--markdown", md)
    t.check(rc == 1, "a regression exits 1", "exit %d: %s%s" % (rc, out, err))
    v, doc = verdicts(js)
    want = {"walk/same": "same", "walk/slower": "regressed", "walk/faster": "improved",
            "walk/small_change": "same"}
    got = {k: v[k]["verdict"] for k in want if k in v}
    t.check(got == want, "verdicts regressed / improved / same", got)
    t.check(v["walk/slower"]["p"] < 0.05 and 19 < v["walk/slower"]["change"] < 21,
            "the regression carries its change (+20%) and U-test p-value", v["walk/slower"])
    t.check(v["walk/small_change"]["p"] < 0.05, "+2% is significant but under the threshold")
    t.check(doc["only_in_base"] == ["walk/dropped"] and doc["only_in_new"] == ["walk/added"],
            "missing benchmarks are listed on each side", (doc["only_in_base"], doc["only_in_new"]))
    text = open(md, encoding="utf-8").read()
    t.check("**1 regression(s)**" in text and "| `walk/slower` |" in text and
            "only in BASE (gone in NEW): `walk/dropped`" in text,
            "the Markdown table names the regression and the missing benchmarks", text[:600])

    cmp = in_process(t)
    rc, out, _ = cmp(base, base)
    t.check(rc == 0 and "0 regressed, 0 improved, 5 same, 0 inconclusive" in out,
            "a file against itself: all same", out[-300:])
    rc, out, _ = cmp(base, new, "--allow-missing", "--threshold", "25")
    t.check(rc == 0 and "0 regressed" in out, "--threshold 25 turns +20% into same", out[-300:])

    rc, out, _ = cmp(os.path.join(CMP, "noisy-base.json"),
                     os.path.join(CMP, "noisy-new.json"), "--json", js)
    v, _ = verdicts(js)
    r = v["noisy/walk"]
    t.check(rc == 3 and r["verdict"] == "inconclusive" and r["change"] > 5,
            "+6% over 3 repetitions (smallest p 0.1): inconclusive, exit 3, not 'same'", r)

    power_table(t, cmp)
    icount_mode(t, cmp)
    refused(t, cmp)
    outputs(t, cmp)

    # Results folders: family by family; a family missing on one side is listed.
    a = t.copy_fixture("results-full", "a")
    b = t.copy_fixture("results-full", "b")
    os.unlink(os.path.join(b, "raw", "mapunmap.json"))
    inv = os.path.join(b, "raw", "invalidate.json")
    with open(inv) as f:
        d = json.load(f)
    slow = next(b["run_name"] for b in d["benchmarks"] if b["name"].startswith("invalidate/")
                and "/nested:64/" in b["name"])
    for bench in d["benchmarks"]:
        if bench["run_name"] == slow:
            bench["cpu_time"] *= 1.5
            bench["real_time"] *= 1.5
    with open(inv, "w") as f:
        json.dump(d, f)
    rc, _, err = cmp(a, b)
    t.check(rc == 2 and "mapunmap (whole family" in err,
            "results folders: a family missing in NEW is refused, named", err)
    rc, out, _ = cmp(a, b, "--json", js, "--allow-missing", "--threshold-only")
    v, doc = verdicts(js)
    t.check(rc == 1 and v[slow]["verdict"] == "regressed" and
            sum(r["verdict"] == "regressed" for r in v.values()) == 1,
            "results folders: the slowed invalidate benchmark is the one regression", out[-400:])
    t.check(any(m.startswith("mapunmap (whole family") for m in doc["only_in_base"]),
            "results folders: a family missing in NEW is listed", doc["only_in_base"])
    rc, out, _ = cmp(a, b, "--allow-missing")
    t.check(rc == 3, "results folders of 1 repetition: inconclusive without --threshold-only",
            out[-300:])

    # Malformed or wrong inputs: exit 2, one line naming the file and the fault.
    cases = [
        (os.path.join(CMP, "malformed.json"), "malformed.json: not valid JSON: "
         "Expecting property name enclosed in double quotes at line 4 column"),
        (os.path.join(CMP, "not-gbench.json"), "not-gbench.json: no \"benchmarks\" list"),
        (os.path.join(t.tmp, "absent.json"), "absent.json: no such file or folder"),
    ]
    empty = os.path.join(t.tmp, "empty.json")
    open(empty, "w").close()
    cases.append((empty, "empty.json: empty file"))
    for k, (bad, msg) in enumerate(cases):
        rc, out, err = (t.py("nb_compare.py", base, bad) if k == 0 else cmp(base, bad))
        lines = err.strip().splitlines()
        t.check(rc == 2 and len(lines) == 1 and msg in lines[0],
                "bad input %s: exit 2 with one clear line" % os.path.basename(bad),
                "exit %d, stderr: %s" % (rc, err))
    rc, _, err = cmp(base, new, "--metric", "icount")
    t.check(rc == 2 and "not an instruction-count file" in err,
            "--metric icount on timing files: exit 2, says why", err)
    rc, _, err = cmp(base, new, "--threshold", "x")
    t.check(rc == 2 and len(err.strip().splitlines()) == 1, "a bad flag value: exit 2", err)
    rc, _, err = cmp(base)
    t.check(rc == 2, "a missing argument: exit 2", err)
    rc, out, _ = cmp("-h")
    t.check(rc == 0 and "BASE" in out and "--alpha" in out and "Exit status:" in out and
            "inconclusive" in out, "-h names BASE/NEW, --alpha and the exit statuses", out[:300])
    shutil.rmtree(a)
    t.done()


if __name__ == "__main__":
    main()
