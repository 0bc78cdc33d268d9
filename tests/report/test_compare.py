#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""(c) nb_compare.py verdicts on crafted Google Benchmark JSON (fixtures/compare).

base.json -> new.json, 9 repetitions each: walk/same (noise only) same,
walk/slower (+20%) regressed, walk/faster (-20%) improved, walk/small_change
(+2%, significant, under the 5% threshold) same, walk/dropped only in BASE,
walk/added only in NEW; exit 1; Markdown names the regression.
Single repetitions: threshold only, said so. Noise: +6% inside a 40% spread
over 3 repetitions is not significant: same, exit 0. A higher --threshold
turns the regression into "same". Results folders compare family by family
and list a family missing on one side. Malformed inputs exit 2 with one line
naming the file and the fault.
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


def in_process(t):
    """nb_compare.py run as __main__ in this interpreter: (exit status, stdout,
    stderr). Saves a Python and SciPy start-up per call; the first calls of
    the test go through a real process."""
    script = t.script("nb_compare.py")

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


def main():
    t = Test("report_compare")
    js, md = os.path.join(t.tmp, "v.json"), os.path.join(t.tmp, "v.md")
    base, new = os.path.join(CMP, "base.json"), os.path.join(CMP, "new.json")

    rc, out, err = t.py("nb_compare.py", base, new, "--json", js, "--markdown", md)
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
    t.check(rc == 0 and "0 regressed, 0 improved, 5 same" in out, "a file against itself: all same",
            out[-300:])
    rc, out, _ = cmp(base, new, "--threshold", "25")
    t.check(rc == 0 and "0 regressed" in out, "--threshold 25 turns +20% into same", out[-300:])

    rc, out, _ = cmp(os.path.join(CMP, "single-base.json"),
                      os.path.join(CMP, "single-new.json"), "--json", js)
    v, _ = verdicts(js)
    t.check(rc == 1 and v["one/slower"]["verdict"] == "regressed" and
            v["one/same"]["verdict"] == "same" and
            v["one/slower"]["note"] == "no repetitions: threshold only" and
            "no repetitions: threshold only" in out,
            "single repetitions: threshold only, and the output says so", out)

    rc, out, _ = cmp(os.path.join(CMP, "noisy-base.json"),
                      os.path.join(CMP, "noisy-new.json"), "--json", js)
    v, _ = verdicts(js)
    r = v["noisy/walk"]
    t.check(rc == 0 and r["verdict"] == "same" and r["change"] > 5 and r["p"] > 0.05,
            "+6% within noise (3 repetitions, p > 0.05) is not a regression", r)

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
    rc, out, _ = cmp(a, b, "--json", js)
    v, doc = verdicts(js)
    t.check(rc == 1 and v[slow]["verdict"] == "regressed" and
            sum(r["verdict"] == "regressed" for r in v.values()) == 1,
            "results folders: the slowed invalidate benchmark is the one regression", out[-400:])
    t.check(any(m.startswith("mapunmap (whole family") for m in doc["only_in_base"]),
            "results folders: a family missing in NEW is listed", doc["only_in_base"])

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
    shutil.rmtree(a)
    t.done()


if __name__ == "__main__":
    main()
