#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""(a) The report generator on fixture results.

results-full: every plot the fixture data call for exists as PNG and SVG,
non-empty and of the right kind (and no other); index.html and summary.md
exist; every file the HTML references exists and every in-page link has its
target; every plot has a computed reading. What is reported missing is
derived from bench/families.txt, not kept in the fixture: each benchmark
family of the table with no results in the fixture is reported "not run"
(scripts/nbreport/results.py Results.missing), exactly as for a real run
without it, and nothing else; with the shipped families that is nothing. A
family added to a copy of the table is reported so, with the same plots
(the fixture stays valid when a family is added).
The page has the self-checks (both ok on a real run) and the calibration table
(the published F&S figures beside the model's, with ratios).
old-limit: the previous pgwalk results, whose walks beat the old pointer-chase
"limit" (ratio 0.02): the limit self-check fails, the page says so, and
nb_report.py exits 3.
results-degraded: the report is still written; the interrupted family, the
family without raw file, the truncated raw file, the errored benchmark and the
missing env.json are each named; what data there is is plotted.
The reference check is shown to catch a deleted plot (it can fail).
"""
import glob
import json
import os
import re
import shutil
import sys
from html import unescape
from html.parser import HTMLParser

from nbtest import FIXTURES, Test, family_table

FULL_PLOTS = [
    "replay_hit-nvme-4m", "replay_hit-tcp-4m", "replay_assoc-nvme-4m", "replay_assoc-tcp-4m",
    "replay_cmds-nvme-4m", "replay_cmds-tcp-4m", "replay_cmds_models-amd",
    "replay_cmds_models-virtio", "replay_cmds_models-vtd-cm", "replay_cmds_models-vtd-lazy",
    "replay_cmds_models-vtd-strict",
    "pgwalk_ns_single", "pgwalk_ns_nested", "pgwalk_refs", "pgwalk_limit", "pgwalk_modelled",
    "pgwalk_chase",
    "pgwalk_nested_vs_single-x86_64-4lvl_vtdss-4lvl",
    "pgwalk_nested_vs_single-x86_64-4lvl_amdv1-4lvl",
    "pgwalk_nested_vs_single-arm_s1-4K_arm_s2-4K",
    "pgwalk_cached_ns", "pgwalk_cached_refs", "pgwalk_cached_speed",
    "inval_cmds", "inval_collateral", "inval_refill", "inval_cycles", "inval_devices",
    "inval_policy", "inval_collateral_equal", "inval_ats",
    "iotlb_hit-nic", "iotlb_hit-random", "iotlb_hit-seq", "iotlb_hit-storage", "iotlb_hit-zipf",
    "mapunmap_latency", "concurrency_walk", "strategies_instances", "strategies_guest_path",
    "nested_s2_cmds", "nested_s2_syncs", "nested_s2_collateral", "nested_dirty_cmds",
    "nested_guest_path", "nested_hit",
]
DEGRADED_PLOTS = ["pgwalk_ns_single", "pgwalk_refs", "mapunmap_latency"]


class Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.ids, self.readings, self._in_reading = [], set(), [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for k in ("src", "href"):
            if a.get(k):
                self.refs.append(a[k])
        if tag == "p" and a.get("class") == "reading":
            self._in_reading = True
            self.readings.append("")

    def handle_endtag(self, tag):
        if tag == "p":
            self._in_reading = False

    def handle_data(self, data):
        if self._in_reading:
            self.readings[-1] += data


def bad_refs(rd):
    """References in index.html to files that do not exist, or anchors without target."""
    p = Refs()
    with open(os.path.join(rd, "index.html"), encoding="utf-8") as f:
        p.feed(f.read())
    bad = []
    for r in p.refs:
        if r.startswith("#"):
            if r[1:] not in p.ids:
                bad.append(r)
        elif re.match(r"^[a-z]+:", r):
            bad.append(r + " (external: the page must be self-contained)")
        elif not os.path.isfile(os.path.join(rd, r)):
            bad.append(r)
    return bad, p


def check_plots(t, rd, ids):
    for pid in ids:
        png, svg = (os.path.join(rd, "plots", pid + e) for e in (".png", ".svg"))
        ok_png = os.path.isfile(png) and os.path.getsize(png) > 1000
        if ok_png:
            with open(png, "rb") as f:
                ok_png = f.read(8) == b"\x89PNG\r\n\x1a\n"
        ok_svg = os.path.isfile(svg) and os.path.getsize(svg) > 1000
        if ok_svg:
            with open(svg, encoding="utf-8") as f:
                text = f.read()
            ok_svg = "<svg" in text and text.rstrip().endswith("</svg>")
        t.check(ok_png and ok_svg, "plot %s: PNG and SVG exist, non-empty, well-formed" % pid)


def expected_missing(repo, rd):
    """The table's benchmark families with neither raw/<name>.json nor a
    run.json row in the results folder rd (the report calls them "not run")."""
    with open(os.path.join(rd, "run.json"), encoding="utf-8") as f:
        listed = {r["name"] for r in json.load(f)["families"]}
    have = {os.path.basename(p)[:-5] for p in glob.glob(os.path.join(rd, "raw", "*.json"))}
    return sorted(r[0] for r in family_table(repo) if r[1] == "bench"
                  and r[0] not in listed | have)


def reported_missing(html, md, err):
    """{family: reason} as the page, summary.md and stderr each say it."""
    m = re.search(r"<b>Missing or incomplete:</b> (.*?)\. Everything else", html)
    page = dict(re.findall(r"([a-z0-9_]+) \((.*?)\)(?:; |$)", unescape(m.group(1)))) if m else {}
    m = re.search(r"^\*\*Missing or incomplete:\*\* (.*)$", md, re.M)
    summary = dict(re.findall(r"([a-z0-9_]+) \((.*?)\)(?:; |$)", m.group(1))) if m else {}
    lines = dict(re.findall(r"^nb_report: missing family ([a-z0-9_]+): (.*)$", err, re.M))
    return page, summary, lines


def check_missing(t, rd, err, want, what):
    """Exactly the families of want are reported missing, each as not run."""
    html = open(os.path.join(rd, "index.html"), encoding="utf-8").read()
    md = open(os.path.join(rd, "summary.md"), encoding="utf-8").read()
    reason = "not run: absent from run.json, no raw/%s.json"
    for where, got in zip(("index.html", "summary.md", "stderr"), reported_missing(html, md, err)):
        ok = sorted(got) == want and all(got[n].startswith(reason % n) for n in want)
        t.check(ok, "%s: %s reports missing exactly the table's families without results %s" % (
            what, where, want), got)
    if not want:
        t.check("Missing or incomplete" not in html, "%s: nothing reported missing" % what)


def added_family(t, repo):
    """A copy of the report code whose family table has one more family
    (the report finds the table beside its scripts/ folder)."""
    root = os.path.join(t.tmp, "repo-added")
    shutil.copytree(os.path.join(repo, "scripts"), os.path.join(root, "scripts"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    os.makedirs(os.path.join(root, "bench"))
    with open(os.path.join(repo, "bench", "families.txt"), encoding="utf-8") as f:
        table = f.read()
    with open(os.path.join(root, "bench", "families.txt"), "w", encoding="utf-8") as f:
        f.write(table + "nbtest_added  bench  0.05  1  1  2  1  nbtest_added\n")
    return root


def main():
    t = Test("report_generator")
    rd = t.copy_fixture("results-full")
    rc, out, err = t.py("nb_report.py", rd)
    t.check(rc == 0, "nb_report.py on results-full exits 0", "exit %d: %s" % (rc, err[-500:]))
    check_plots(t, rd, FULL_PLOTS)
    made = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(rd, "plots", "*.png")))
    t.check(made == sorted(FULL_PLOTS), "exactly the expected plots are drawn", made)
    for name in ("index.html", "summary.md"):
        t.check(os.path.getsize(os.path.join(rd, name)) > 0, "%s written" % name)
    leftovers = [p for p in glob.glob(os.path.join(rd, "**", ".*"), recursive=True)]
    t.check(not leftovers, "no temporary files left behind", leftovers)
    bad, page = bad_refs(rd)
    t.check(not bad, "index.html references only existing files and anchors", bad)
    t.check(len(page.readings) == len(FULL_PLOTS), "one reading per plot (%d)" % len(page.readings))
    empty = [r for r in page.readings if len(r.strip()) < 20 or r.startswith("No reading")]
    t.check(not empty, "every reading is a computed sentence", empty)
    html = open(os.path.join(rd, "index.html"), encoding="utf-8").read()
    t.check("At 64 nested domains per stage-2, invalidation commands per unmap ranges from 130 "
            "(vtd_legacy) down to 2 (vtd_vmid (hypothetical)) across 7 series (5 distinct "
            "values)." in html,
            "the invalidation reading counts every model, names the extremes and the "
            "hypothetical one")
    t.check(re.search(r"<td class=l>limit bound</td><td class='l ok'>ok</td>", html) is not None
            and re.search(r"<td class=l>calibration fit</td><td class='l ok'>ok</td>", html)
            is not None, "both self-checks pass on a real run")
    t.check(re.search(r"<td class=l>guest qi_submit_sync, modelled trapped path \(ns\)</td>"
                      r"<td>4</td><td>9646</td><td class=l>F&amp;S SOSP&#x27;24, results_summary/"
                      r"no_map_contention.md</td><td>[0-9,.]+</td><td>0\.9\d</td>"
                      r"<td class=l>prediction</td>", html) is not None,
            "the calibration table puts a prediction beside its published figure, with the ratio")
    check_missing(t, rd, err, expected_missing(t.repo, rd), "results-full")
    t.check("task-clock=real" in html and "instructions=unavailable" in html,
            "the environment table says which perf counters were real")
    md = open(os.path.join(rd, "summary.md"), encoding="utf-8").read()
    t.check(md.count("](plots/") == 2 * len(FULL_PLOTS), "summary.md links every plot")

    # A family added to the table: the same fixture stays valid, the family is
    # reported as not run (and listed in the section of families without a spec).
    root = added_family(t, t.repo)
    ad = t.copy_fixture("results-full", "added")
    rc, out, err = t.run([sys.executable, os.path.join(root, "scripts", "nb_report.py"), ad,
                          "--templates", os.path.join(t.repo, "reports", "templates")])
    t.check(rc == 0, "a family added to the table: nb_report.py on results-full exits 0",
            "exit %d: %s" % (rc, err[-500:]))
    made = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(ad, "plots", "*.png")))
    t.check(made == sorted(FULL_PLOTS), "a family added to the table: the same plots", made)
    check_missing(t, ad, err, sorted(expected_missing(t.repo, ad) + ["nbtest_added"]),
                  "a family added to the table")
    html = open(os.path.join(ad, "index.html"), encoding="utf-8").read()
    t.check(re.search(r'<h3 id="family-nbtest_added">nbtest_added</h3>\s*<p class=bad>No results '
                      r'of nbtest_added in this run', html) is not None,
            "a family added to the table: its section says it has no results")

    # The reference check can fail: remove a plot and it must notice.
    os.unlink(os.path.join(rd, "plots", "inval_cmds.svg"))
    bad, _ = bad_refs(rd)
    t.check(bad == ["plots/inval_cmds.svg"], "a deleted plot is caught by the check (%s)" % bad)

    od = t.copy_fixture("results-full", "old-limit")
    shutil.copy(os.path.join(FIXTURES, "old-limit", "raw", "pgwalk.json"),
                os.path.join(od, "raw", "pgwalk.json"))
    rc, out, err = t.py("nb_report.py", od)
    html = open(os.path.join(od, "index.html"), encoding="utf-8").read()
    t.check(rc == 3 and "self-check failed: limit bound" in err,
            "walks that beat the old limit: nb_report.py exits 3 naming the check",
            "exit %d: %s" % (rc, err[-300:]))
    t.check(re.search(r"<td class=l>limit bound</td><td class='l bad'>fail</td><td class=l>\d+ "
                      r"of \d+ walks beat their limit", html) is not None,
            "the page says the limit self-check failed")

    dd = t.copy_fixture("results-degraded")
    rc, out, err = t.py("nb_report.py", dd)
    t.check(rc == 0, "nb_report.py on results-degraded still exits 0",
            "exit %d: %s" % (rc, err[-500:]))
    check_plots(t, dd, DEGRADED_PLOTS)
    bad, _ = bad_refs(dd)
    t.check(not bad, "degraded index.html references only existing files", bad)
    html = open(os.path.join(dd, "index.html"), encoding="utf-8").read()
    for what, pat in (
            ("interrupted pgwalk", r"pgwalk \(partial results \(\d+ benchmarks\): interrupted"),
            ("invalidate without raw file", r"invalidate \(run.json says ok, but there is no raw"),
            ("malformed concurrency JSON with line and column",
             r"raw/concurrency.json is not valid JSON \([^)]* at line \d+ column \d+\)"),
            ("missing env.json", r"env.json is missing"),
            ("benchmark that reported an error", r"1 benchmark\(s\) reported errors: pgwalk/"),
            ("log of the interrupted family", r'href="raw/pgwalk.log"'),
            ("iommufd that did not run", r"the iommufd backend did not run")):
        t.check(re.search(pat, html) is not None, "degraded report names the %s" % what)
    md = open(os.path.join(dd, "summary.md"), encoding="utf-8").read()
    t.check(re.search(r"\*\*Missing or incomplete:\*\* .*concurrency.*invalidate.*pgwalk", md)
            is not None,
            "degraded summary.md lists what is missing", md[:800])
    t.done()


if __name__ == "__main__":
    main()
