#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""(f) The generic section: a family without a plot spec (issue 18).

A results folder is made here with a family "widgets" no spec is for (its
numbers are chosen here, so every expected value follows by hand) and one
covered family (concurrency, which specs.py plots):
  tables    one per group of names differing only in the last component; a
            cell is the median of three repetitions with their min..max
            ("4 (3..5)" from 3, 5, 4), one repetition a plain value;
  kinds     each counter's kind as scripts/nbreport/kinds.py's docstring rules
            it (the expectations below are applied by hand, not computed):
            the family's counter_kind.ops "count" wins over the name; a
            declared "furlongs" is unlabelled and says so; time is host time,
            except under manual time; modelled_ns modelled; host_ns_per_op
            host time; cmds_per_op a count; walk_ns (a time, whose?) and
            hit_rate (nothing says) unlabelled; perf_task_clock host time,
            perf_page_faults a count;
  plots     a default plot per plotted counter and numeric key (cpu_time and
            perf_* only in the tables), drawn as PNG and SVG, one line per
            group, the .dat holding the hand-chosen medians; names whose last
            component is not a number: a table, no plot;
  coverage  the covered family has no generic section;
  markdown  summary.md has the same section, tables and plot links;
  machines  a report over two machines (machines.json) shows each machine's
            tables and both machines' lines in one plot.
The checks are shown to fail once: a kind changed in the page is caught.
"""
import json
import os
import re
import shutil

from nbtest import Test
from test_report import bad_refs, check_plots

REPS = {1: (3, 5, 4), 4: (10, 10, 10), 16: (40, 44, 42)}   # ops per size, 3 repetitions
KINDS = {   # counter -> kind, by the rules in kinds.py's docstring (applied by hand)
    "time": "host time", "cpu_time": "host time", "ops": "count", "bogus": "unlabelled",
    "modelled_ns": "modelled", "host_ns_per_op": "host time", "cmds_per_op": "count",
    "walk_ns": "unlabelled", "hit_rate": "unlabelled", "perf_task_clock": "host time",
    "perf_page_faults": "count"}
PLOTTED = ["time", "ops", "bogus", "modelled_ns", "host_ns_per_op", "cmds_per_op", "walk_ns",
           "hit_rate"]


def bench(name, rep, nreps, **counters):
    b = {"name": name, "run_name": name, "run_type": "iteration", "repetitions": nreps,
         "repetition_index": rep, "threads": 1, "iterations": 100, "time_unit": "ns",
         "real_time": counters.pop("real_time", 100.0), "cpu_time": 90.0}
    b.update(counters)
    return b


def widgets():
    out = []
    for grp, scale in (("small", 1), ("big", 2)):
        for size, reps in REPS.items():
            for i, ops in enumerate(reps):
                out.append(bench("widgets/fill/%s/size:%d" % (grp, size), i, 3,
                                 real_time=10.0 * size * scale, ops=ops * scale,
                                 bogus=1.0, modelled_ns=2.0 * size, host_ns_per_op=5.0,
                                 cmds_per_op=float(size), walk_ns=7.0, hit_rate=0.5,
                                 perf_task_clock=9.0, perf_page_faults=0.0))
    for word in ("alpha", "beta"):
        out.append(bench("widgets/named/" + word, 0, 1, ops=3.0))
    for entries in (2, 8):
        b = bench("widgets/replay/entries:%d/manual_time" % entries, 0, 1, real_time=entries * 1.0,
                  ops=1.0)
        out.append(b)
    return {"context": {"nb_family": "widgets", "counter_kind.ops": "count",
                        "counter_kind.bogus": "furlongs"}, "benchmarks": out}


def concurrency():
    return {"context": {}, "benchmarks": [
        bench("concurrency/walk/writers:%d/real_time" % w, 0, 1, items_per_second=1e6 / (w + 1))
        for w in (0, 1, 2)]}


def make(rd):
    os.makedirs(os.path.join(rd, "raw"))
    for name, doc in (("widgets", widgets()), ("concurrency", concurrency())):
        with open(os.path.join(rd, "raw", name + ".json"), "w") as f:
            json.dump(doc, f)
    with open(os.path.join(rd, "run.json"), "w") as f:
        json.dump({"quick": True, "families": [{"name": n, "status": "ok", "seconds": 1.0}
                                               for n in ("widgets", "concurrency")]}, f)
    with open(os.path.join(rd, "env.json"), "w") as f:
        json.dump({"nestbench": "test"}, f)


def read(path):
    """A file's text, or "" when it is not there (the check then fails)."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def section(html):
    """The generic section of the page (from its heading to the next h2)."""
    m = re.search(r"<h2 id=generic>.*?(?=<h2|<p id=\"nb-selfcheck\")", html, re.S)
    return m.group(0) if m else ""


def kind_cells(sec, group):
    """{counter: kind} from a group table's header (counter<br>kind)."""
    m = re.search(r"<h4>%s/…</h4><div class=wide><table><tr><th class=l>benchmark</th>(.*?)</tr>"
                  % re.escape(group), sec)
    return dict(re.findall(r"<th>([^<]+)<br><span class=muted>([^<]+)</span></th>",
                           m.group(1))) if m else {}


def row(sec, group, bench_label):
    m = re.search(r"<h4>%s/…</h4>(.*?)</table>" % re.escape(group), sec, re.S)
    r = re.search(r"<tr><td class=l>%s</td>(.*?)</tr>" % re.escape(bench_label),
                  m.group(1)) if m else None
    return re.findall(r"<td>([^<]*)</td>", r.group(1)) if r else []


def check_page(t, rd, html):
    sec = section(html)
    t.check('<h3 id="family-widgets">widgets</h3>' in sec,
            "the family without a spec has its section in the page")
    t.check('id="family-concurrency"' not in html,
            "the family with a spec (concurrency) has no generic section")
    got = kind_cells(sec, "widgets/fill/small")
    want = {k: v for k, v in KINDS.items()}
    t.check(got == want, "each counter's kind in the table header, as the rules say", (got, want))
    t.check('furlongs' in sec and 'not host time, modelled or count' in sec,
            "a declared kind that is not one says what was declared")
    got = kind_cells(sec, "widgets/replay")
    t.check(got.get("time") == "unlabelled" and got.get("ops") == "count",
            "manual time is unlabelled (only the family knows it), ops still the family's count",
            got)
    t.check("<td class=l>time</td><td class=l>unlabelled</td><td class=l>manual time: the family "
            "sets each iteration&#x27;s time itself (in widgets/replay/…)</td>" in sec,
            "the kinds table names the group where a counter's kind differs")
    # columns: time cpu_time then by name: bogus cmds_per_op hit_rate host_ns_per_op
    # modelled_ns ops perf_page_faults perf_task_clock walk_ns
    cells = row(sec, "widgets/fill/small", "size:1")
    t.check(len(cells) == 11 and cells[7] == "4 (3..5)",
            "a cell is the median of 3, 5, 4 with their min..max: 4 (3..5)", cells)
    cells = row(sec, "widgets/fill/big", "size:16")
    t.check(len(cells) == 11 and cells[7] == "84 (80..88)" and cells[0] == "320",
            "big/size:16: ops 2 x (40, 44, 42) = 84 (80..88); time 10 x 16 x 2 = 320 ns", cells)
    cells = row(sec, "widgets/fill/small", "size:4")
    t.check(len(cells) == 11 and cells[7] == "10", "equal repetitions: a plain 10", cells)
    t.check(len(row(sec, "widgets/named", "alpha")) == 3,
            "names without a number still get their table (time, cpu_time, ops)")
    ids = ["generic-widgets-%s-size" % c for c in PLOTTED] + ["generic-widgets-time-entries",
                                                              "generic-widgets-ops-entries"]
    check_plots(t, rd, ids)
    made = sorted(f[:-4] for f in os.listdir(os.path.join(rd, "plots")) if f.endswith(".png"))
    want = sorted(ids + ["concurrency_walk"])
    t.check(made == want, "exactly the default plots (no cpu_time, no perf_*, none for "
            "named/) and the covered family's own", (made, want))
    dat = read(os.path.join(rd, "plots", "generic-widgets-ops-size.dat"))
    lines = [ln.split("\t")[:2] for ln in dat.splitlines() if ln and ln[0].isdigit()]
    t.check(lines == [["1", "8"], ["4", "20"], ["16", "84"], ["1", "4"], ["4", "10"], ["16", "42"]]
            and '"widgets/fill/big"' in dat and '"widgets/fill/small"' in dat,
            "the ops plot: one line per group, the medians chosen here", dat)
    heads = [read(os.path.join(rd, "plots", "generic-widgets-%s-size.dat" % c)).split("\n")[1]
             for c in ("time", "ops")]
    t.check("y: time (host time; per iteration, ns; log scale)" in heads[0]
            and "log scale" not in heads[1] and "last component; log" not in heads[0],
            "axes say log scale where select.py's rule takes it (time 10..320 ns: over 30x) and "
            "not where it does not (sizes 1..16, ops 4..84)", heads)
    t.check(re.search(r"generic view\): time \(unlabelled; per iteration, ns\) vs entries", sec),
            "the manual-time plot's title says unlabelled")
    bad, page = bad_refs(rd)
    t.check(not bad, "index.html references only existing files", bad)
    empty = [r for r in page.readings if len(r.strip()) < 20 or r.startswith("No reading")]
    t.check(not empty and len(page.readings) == len(ids) + 1, "every plot has a computed reading",
            (len(page.readings), empty))


def check_md(t, md):
    t.check("## Families without a plot spec (generic view)" in md and "### widgets" in md,
            "summary.md has the generic section")
    t.check("| size:1 | 10 | 90 | 1 | 1 | 0.5 | 5 | 2 | 4 (3..5) | 0 | 9 | 7 |" in md,
            "summary.md: the small/size:1 row with its hand-chosen values", md[-3000:])
    t.check("| benchmark | time (host time) | cpu_time (host time) | bogus (unlabelled) |" in md,
            "summary.md: the kinds in the table header")
    t.check("time: unlabelled (manual time: the family sets each iteration's time itself in "
            "widgets/replay/…)" in md, "summary.md: what each counter is, by group where it differs")
    t.check(md.count("](plots/generic-widgets-") == 2 * 10, "summary.md links every default plot")


def main():
    t = Test("report_generic")
    rd = os.path.join(t.tmp, "one")
    make(rd)
    rc, out, err = t.py("nb_report.py", rd)
    t.check(rc == 0, "nb_report.py on a family without a spec exits 0", err[-600:])
    html = read(os.path.join(rd, "index.html"))
    check_page(t, rd, html)
    check_md(t, read(os.path.join(rd, "summary.md")))

    # The kind check can fail: the same page with one kind changed.
    broken = html.replace("ops<br><span class=muted>count", "ops<br><span class=muted>modelled")
    got = kind_cells(section(broken), "widgets/fill/small")
    t.check(got != KINDS, "a kind changed in the page is caught", got)

    md = os.path.join(t.tmp, "two")
    for label in ("a", "b"):
        shutil.copytree(rd, os.path.join(md, "machines", label))
    with open(os.path.join(md, "machines.json"), "w") as f:
        json.dump({"machines": [{"label": "a"}, {"label": "b"}]}, f)
    rc, out, err = t.py("nb_report.py", md)
    t.check(rc == 0, "nb_report.py over two machines exits 0", err[-600:])
    sec = section(read(os.path.join(md, "index.html")))
    t.check(sec.count("benchmark(s) on a;") == 1 and sec.count("benchmark(s) on b;") == 1,
            "two machines: each machine's tables")
    dat = read(os.path.join(md, "plots", "generic-widgets-ops-size.dat"))
    t.check('"a: widgets/fill/small"' in dat and '"b: widgets/fill/small"' in dat,
            "two machines: one plot with both machines' lines", dat[:400])
    t.done()


if __name__ == "__main__":
    main()
