#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""(d) Instruction-count mode: a 1% change in work is caught, ten identical runs
raise no false alarm.

nb-icount-probe runs NB_ICOUNT_WORK dependent steps per iteration through the
project's common benchmark main (and so its icount region hooks); each run is
scripts/nb_icount.py under callgrind, 5 repetitions, with an iteration count
Google Benchmark picks by time (so it differs from run to run).
  --mode detect   runs at work 1000, 1010 (+1%) and 990 (-1%): nb_compare.py
                  --metric icount at its default threshold must say regressed
                  (exit 1) and improved, with a change of about 1%.
  --mode noalarm  ten runs at work 1000: they agree within 0.1%, and comparing
                  runs 2..10 with run 1 gives "same" every time (exit 0).
  --mode bracket  the count covers only the timed work: icount/probe_paused
                  (the probe's work timed, ten times as much with the timer
                  paused in every iteration) counts what icount/probe counts,
                  within 2% (counting the paused work too would be 11x); and
                  icount/probe_manual (manual time) is refused: exit 2, its
                  name and the reason on stderr, and with --skip-refused the
                  other benchmarks are written and the refusal recorded.
Skipped (77) without valgrind or in a sanitizer build.
"""
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor

from nbtest import Test


def main():
    t = Test("report_icount", extra=("--probe", "--valgrind", "--sanitize", "--mode"))
    if t.args.sanitize:
        t.skip("sanitizer build (%s): valgrind cannot run it" % t.args.sanitize)
    if not t.args.valgrind or not os.access(t.args.valgrind, os.X_OK):
        t.skip("valgrind is not installed (Debian package valgrind; scripts/setup installs it)")

    def icount(job, filt="^icount/probe$", extra=()):
        tag, work = job
        out = os.path.join(t.tmp, "%s.json" % tag)
        env = dict(os.environ, NB_ICOUNT_WORK=str(work))
        rc, _, err = t.py("nb_icount.py", "--valgrind", t.args.valgrind, "--repetitions", "5",
                          "--min-time", "0.03", "--filter", filt, "--out", out, *extra,
                          t.args.probe, env=env)
        return tag, rc, err, out

    if t.args.mode == "bracket":
        bracket(t, icount)
        t.done()

    if t.args.mode == "detect":
        jobs = [("base", 1000), ("plus1", 1010), ("minus1", 990)]
    else:
        jobs = [("run%d" % i, 1000) for i in range(1, 11)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = {tag: (rc, err, out) for tag, rc, err, out in pool.map(icount, jobs)}
    bad = {k: (rc, err[-400:]) for k, (rc, err, _) in runs.items() if rc != 0}
    t.check(not bad, "nb_icount.py ran the probe under callgrind %d times" % len(jobs), bad)
    if bad:
        t.done()

    # One nb_compare.py call for all pairs: results folders, one raw file per pair.
    base_dir, new_dir = (os.path.join(t.tmp, d) for d in ("base", "new"))
    pairs = ([("plus1", "base", "plus1"), ("minus1", "base", "minus1")]
             if t.args.mode == "detect" else
             [("run%02d" % i, "run1", "run%d" % i) for i in range(2, 11)])
    for fam, a, b in pairs:
        for d, tag in ((base_dir, a), (new_dir, b)):
            os.makedirs(os.path.join(d, "raw"), exist_ok=True)
            shutil.copy(runs[tag][2], os.path.join(d, "raw", fam + ".json"))
    js = os.path.join(t.tmp, "verdicts.json")
    rc, out, err = t.py("nb_compare.py", "--metric", "icount", base_dir, new_dir, "--json", js)
    with open(js) as f:
        rows = {r["family"]: r for r in json.load(f)["benchmarks"]}

    if t.args.mode == "detect":
        t.check(rc == 1, "a regression exits 1", out + err)
        for fam, want in (("plus1", "regressed"), ("minus1", "improved")):
            r = rows[fam]
            t.check(r["verdict"] == want and 0.8 < abs(r["change"]) < 1.2 and r["p"] < 0.05,
                    "a %s1%% change in work is %s (change %+.3f%%, p %.4f)" % (
                        "+" if fam == "plus1" else "-", want, r["change"], r["p"]), r)
    else:
        vals, iters = [], set()
        for i in range(1, 11):
            with open(runs["run%d" % i][2]) as f:
                doc = json.load(f)
            vals += [b["real_time"] for b in doc["benchmarks"]]
            iters |= {b["iterations"] for b in doc["benchmarks"]}
        t.check(doc["context"].get("nb_metric") == "instructions", "output says its metric")
        spread = (max(vals) - min(vals)) / min(vals) * 100
        print("     instructions/iteration over 10 runs: %.2f .. %.2f (spread %.4f%%; "
              "iteration counts %s)" % (min(vals), max(vals), spread, sorted(iters)))
        t.check(spread < 0.1, "ten identical runs agree within 0.1%", spread)
        alarms = [(f, r["verdict"], r["change"]) for f, r in rows.items() if r["verdict"] != "same"]
        t.check(rc == 0 and len(rows) == 9 and not alarms,
                "ten identical runs: no false alarm (runs 2..10 against run 1)", (rc, alarms, out))
    t.done()


def bracket(t, icount):
    # Enough work per iteration that the timer's own clock reads (inside the
    # counted region by design, about 250 instructions) stay well under 2%.
    _, rc, err, out = icount(("paused", 10000), filt="^icount/probe(_paused)?$")
    t.check(rc == 0, "nb_icount.py counts icount/probe and icount/probe_paused", err[-400:])
    if rc == 0:
        with open(out) as f:
            per = {}
            for b in json.load(f)["benchmarks"]:
                per.setdefault(b["name"], []).append(b["real_time"])
        plain, paused = min(per.get("icount/probe", [0])), min(per.get("icount/probe_paused", [0]))
        print("     instructions/iteration: probe %.1f, probe_paused %.1f" % (plain, paused))
        t.check(plain > 0 and abs(paused - plain) / plain < 0.02,
                "work done with the timer paused is not counted (probe_paused %.1f vs probe %.1f "
                "instructions per iteration; counting it would give about %.0f)" % (
                    paused, plain, 11 * plain))
    _, rc, err, out = icount(("manual", 1000), filt="^icount/probe(_manual/manual_time)?$")
    t.check(rc == 2 and "refused icount/probe_manual" in err and "manual" in err,
            "a benchmark icount cannot bracket (manual time) is refused by name, exit 2",
            "exit %d: %s" % (rc, err[-400:]))
    _, rc, err, out = icount(("skip", 1000), filt="^icount/probe(_manual/manual_time)?$",
                             extra=("--skip-refused",))
    ok = rc == 0 and os.path.isfile(out)
    if ok:
        with open(out) as f:
            doc = json.load(f)
        names = {b["name"] for b in doc["benchmarks"]}
        ok = names == {"icount/probe"} and "icount/probe_manual" in doc["context"].get(
            "nb_icount_refused", "")
    t.check(ok, "--skip-refused writes the others and records the refusal", err[-400:])


if __name__ == "__main__":
    main()
