#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""nb_report.py: plots, index.html and summary.md for a nestbench results folder.

Usage: nb_report.py RESULTS_DIR [--templates DIR] [--gnuplot PATH] [--title TEXT]

RESULTS_DIR is what `nestbench run` writes: raw/<family>.json (Google Benchmark
JSON), env.json and run.json. Writes RESULTS_DIR/plots/<id>.{png,svg,dat},
RESULTS_DIR/index.html and RESULTS_DIR/summary.md, each through a temporary
name and a rename. What to plot is the table in scripts/nbreport/specs.py;
the gnuplot templates are reports/templates/*.gp. A family without a spec
gets a generic section (scripts/nbreport/generic.py: its counters in tables,
each with its kind, and default plots). Missing or failed families are
reported, and everything else is still rendered.

Exit status: 0 report written (even if families or plots are missing: the
report says so); 1 a plot failed in gnuplot (the report is still written), or
a file of the report could not be written (full disk, read-only folder: one
line says which; what was there before stays whole); 2 usage (RESULTS_DIR is
not a folder); 3 a self-check on the results failed (scripts/nbreport/
checks.py, e.g. a walk faster than its limit; the report is still written and
says which).
"""
import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nbreport import (calibration, checks, generic, html, machines, markdown, plot,  # noqa: E402
                      readings, results, select, specs, util)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    try:
        return generate()
    except util.PublishError as e:
        print("nb_report: cannot write the report: %s" % e, file=sys.stderr)
        return 1
    except OSError as e:
        print("nb_report: %s: %s" % (e.filename or "the report", e.strerror or e), file=sys.stderr)
        return 1


def generate():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results_dir")
    ap.add_argument("--templates", default=os.path.join(REPO, "reports", "templates"))
    ap.add_argument("--gnuplot", default=None, help="gnuplot binary (default: from PATH)")
    ap.add_argument("--title", default=None)
    args = ap.parse_args()
    rd = args.results_dir.rstrip("/") or "/"
    if not os.path.isdir(rd):
        print("nb_report: '%s' is not a results folder" % rd, file=sys.stderr)
        return 2
    if not os.path.isfile(os.path.join(args.templates, "lines.gp")):
        print("nb_report: no gnuplot templates in '%s'" % args.templates, file=sys.stderr)
        return 2
    gnuplot = shutil.which(args.gnuplot) if args.gnuplot else plot.find_gnuplot()
    if not gnuplot:
        print("nb_report: gnuplot not found (Debian gnuplot-nox, scripts/setup): tables only, "
              "no images", file=sys.stderr)
    multi = machines.load(rd) if machines.is_multi(rd) else None
    res = results.load(rd) if not multi else multi[0][1]
    outdir = os.path.join(rd, "plots")
    os.makedirs(outdir, exist_ok=True)

    def draw_all(spec_list):
        """(plots drawn, [(spec, why not)]) of a list of specs."""
        drawn, why_not = [], []
        for sp in spec_list:
            if multi:             # every machine's series in each plot
                got, why = machines.build(sp, multi, readings.reading)
            else:
                got, why = select.build(sp, res)
                for p in got:
                    p.reading = readings.reading(p)
            if why:
                why_not.append((sp, why))
            for p in got:
                plot.draw(p, outdir, os.path.abspath(args.templates), gnuplot)
                drawn.append(p)
        return drawn, why_not

    plots, skipped = draw_all(specs.SPECS)
    skipped = [(sp["id"], why) for sp, why in skipped]
    # Families without a spec: their generic section and default plots.
    views = [(label, generic.views(r)) for label, r, _ in multi] if multi else [
        ("", generic.views(res))]
    gplots, gskipped = draw_all(generic.plot_specs([v for _, v in views]))
    gen = {"html": generic.section_html(views, gplots, gskipped, html.figure),
           "md": generic.section_md(views, gplots, gskipped)}

    # Plots of an earlier generation that this one did not draw would linger
    # unreferenced: remove them (plots/ holds only what this script writes).
    keep = {os.path.basename(f) for p in plots + gplots for f in p.files.values()}
    for f in os.listdir(outdir):
        if f not in keep and f.rsplit(".", 1)[-1] in ("png", "svg", "dat"):
            os.unlink(os.path.join(outdir, f))

    title = args.title or "nestbench report: %s" % os.path.basename(os.path.abspath(rd))
    raw_links = {}
    for n, f in res.families.items():
        links = ['<a href="raw/%s.json">raw/%s.json</a>' % (n, n)] if f.raw else []
        if f.log:
            links.append('<a href="raw/%s.log">log</a>' % n)
        if links:
            raw_links[n] = " · ".join(links)
    extra = None
    if multi:
        title = args.title or "nestbench report: %d machines (%s)" % (
            len(multi), ", ".join(label for label, _, _ in multi))
        extra = {"status": machines.status_html(multi), "env": machines.env_html(multi),
                 "md": machines.summary_md(multi)}
    verdicts = machines.checks(multi, checks.run_all) if multi else checks.run_all(res)
    calib = calibration.rows(res)
    util.write_atomic(os.path.join(rd, "index.html"),
                      html.page(res, plots, skipped, title, raw_links, verdicts, calib, extra,
                                gen["html"]))
    util.write_atomic(os.path.join(rd, "summary.md"),
                      markdown.summary(res, plots, skipped, title, verdicts, calib, extra,
                                       gen["md"]))

    failed = [p for p in plots + gplots if p.error]
    for p in failed:
        print("nb_report: %s: %s" % (p.id, p.error), file=sys.stderr)
    for label, r, _ in multi or [("", res, None)]:
        for name, why in r.missing():
            print("nb_report: %smissing family %s: %s" % (label + ": " if label else "", name, why),
                  file=sys.stderr)
        for prob in r.problems:
            print("nb_report: %s%s" % (label + ": " if label else "", prob), file=sys.stderr)
    print("nb_report: %d plot(s) in %s, %s, %s" % (
        len(plots) + len(gplots) - len(failed), outdir, os.path.join(rd, "index.html"),
        os.path.join(rd, "summary.md")))
    for c in verdicts:
        if c.status == "fail":
            print("nb_report: self-check failed: %s: %s" % (c.name, c.detail), file=sys.stderr)
    if failed:
        return 1
    return 3 if any(c.status == "fail" for c in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
