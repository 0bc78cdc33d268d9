#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""(f) Repetitions and spread, end to end: `nestbench run --quick` on the two
small host-timed families (concurrency, mapunmap), then the report.

  - without --repetitions, each family runs its own repetitions (3 in the
    quick suite for these two: cli/cmd_run.c family_reps), recorded per
    family in run.json and visible as 3 runs per benchmark in the raw JSON;
  - the plots' data files carry each point's min and max over those runs,
    the gnuplot script draws them as error bars, and the page says "median
    of 3 repetitions, bars: their min..max";
  - --repetitions=1 still overrides (one run, no bars).
"""
import json
import os

from nbtest import Test


def main():
    t = Test("report_spread", extra=("--nestbench",))
    nb = t.args.nestbench

    def run(out, *extra):
        return t.run([nb, "run", "--quick", "--families=concurrency,mapunmap", "--out=" + out]
                     + list(extra), timeout=170)

    out = os.path.join(t.tmp, "reps")
    rc, so, se = run(out)
    t.check(rc == 0, "nestbench run --quick on concurrency and mapunmap", (rc, so[-300:], se[-300:]))
    with open(os.path.join(out, "run.json")) as f:
        fams = {f["name"]: f for f in json.load(f)["families"]}
    for name in ("concurrency", "mapunmap"):
        t.check(fams[name].get("repetitions") == 3,
                "run.json: %s ran 3 repetitions" % name, fams[name])
        with open(os.path.join(out, "raw", name + ".json")) as f:
            runs = [b for b in json.load(f)["benchmarks"] if b.get("run_type") == "iteration"]
        per = {}
        for b in runs:
            per[b["run_name"]] = per.get(b["run_name"], 0) + 1
        t.check(per and set(per.values()) == {3}, "raw/%s.json: 3 runs per benchmark" % name, per)

    dat = os.path.join(out, "plots", "mapunmap_latency.dat")
    rows = []
    if os.path.isfile(dat):
        with open(dat) as f:
            rows = [l.split() for l in f if l[0].isdigit()]
    t.check(rows and all(len(r) == 4 and float(r[2]) <= float(r[1]) <= float(r[3]) for r in rows)
            and any(float(r[2]) < float(r[3]) for r in rows),
            "the plot data hold median, min and max, and the runs differ somewhere", rows[:3])
    with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
        html = f.read()
    t.check("points: median of 3 repetitions, bars: their min..max" in html,
            "the page says what the points and bars are")

    one = os.path.join(t.tmp, "one")
    rc, so, se = run(one, "--repetitions=1", "--no-report")
    with open(os.path.join(one, "run.json")) as f:
        fams = {f["name"]: f for f in json.load(f)["families"]}
    t.check(rc == 0 and fams["mapunmap"].get("repetitions") == 1,
            "--repetitions=1 overrides the family's own", fams.get("mapunmap"))
    t.done()


if __name__ == "__main__":
    main()
