# SPDX-License-Identifier: MIT
"""summary.md: the run in a page of Markdown (status, readings, environment)."""
from . import nested
from .util import num

ENV_KEYS = ("nestbench", "build", "date_utc", "kernel", "cpu", "topology", "pmu",
            "perf_counters", "google_benchmark", "dev_iommu")


def cell(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


def summary(res, plots, skipped, title, checks=(), calib=(), machines=None, generic=""):
    """machines: a report over several machines (machines.py "md" replaces
    the run's families and environment); generic: the section of the
    families without a plot spec (generic.py)."""
    out = ["# %s" % title, ""]
    run = res.run
    out.append("Results: `%s` (%s). Host time: this machine running the simulator (its "
               "speed); modelled: the IOMMU's time from the timing model and configs/*.cfg." % (
                   res.path, "quick suite" if run.get("quick") else "default suite"))
    if machines:
        out += ["", machines["md"]]
    out += [] if machines else ["", "## Families", "", "| family | status | seconds | benchmarks |"
                                " repetitions |", "|---|---|---:|---:|---:|"]
    for name in sorted(res.families) if not machines else ():
        f = res.families[name]
        out.append("| %s | %s | %s | %d | %s |" % (
            name, cell(f.status or "no run.json entry"),
            num(f.seconds) if f.seconds is not None else "–", len(f.values),
            max(f.reps.values()) if f.reps else "–"))
    if checks:
        out += ["", "## Self-checks", "", "| check | status | detail |", "|---|---|---|"]
        out += ["| %s | %s | %s |" % (cell(c.name), c.status, cell(c.detail)) for c in checks]
    calib = list(calib)
    if calib:
        out += ["", "## Calibration (model %s vs F&S SOSP'24)" % calib[0].model_name, "",
                "| figure | flows | published | source | model | model / published | role |",
                "|---|---:|---:|---|---:|---:|---|"]
        for r in calib:
            out.append("| %s | %d | %s | %s | %s | %s | %s |" % (
                cell(r.figure + (" (%s)" % r.unit if r.unit else "")), r.flows, num(r.published),
                cell(r.source), num(r.model) if r.model is not None else "–",
                "%.2f" % r.ratio if r.ratio is not None else "–", r.role))
    out += nested.section_md(res).split("\n")
    missing = res.missing() if not machines else []
    if missing:
        out += ["", "**Missing or incomplete:** " + "; ".join("%s (%s)" % (cell(n), cell(w))
                                                for n, w in missing)]
    if res.problems:
        out += ["", "**Problems:**"] + ["- " + cell(p) for p in res.problems]
    out += ["", "## Readings", ""]
    for p in plots:
        img = " ([PNG](%s), [SVG](%s))" % (p.files["png"], p.files["svg"]) \
            if "png" in p.files and "svg" in p.files else " (no image: %s)" % p.error
        out.append("- **%s**%s: %s" % (cell(p.title), img, cell(p.reading)))
    if not plots:
        out.append("No plot could be drawn from these results%s." % (
            " with the plot table (specs.py); the families without a spec have their section "
            "below" if generic else ""))
    if skipped:
        out += ["", "Not drawn: " + "; ".join("%s (%s)" % (i, cell(r)) for i, r in skipped)]
    if generic:
        out += generic.split("\n")
    gens = res.generations()
    if gens:
        out += ["", "## Models: which Linux each reproduces (docs/models.md), on which hardware file", "",
                "| model | generation | hardware description |", "|---|---|---|"]
        out += ["| %s | %s | %s |" % (cell(m), cell(g), cell(c)) for m, g, c in gens]
    if machines:
        return "\n".join(out) + "\n"
    out += ["", "## Environment", "", "| key | value |", "|---|---|"]
    for k in ENV_KEYS:
        if k in res.env:
            out.append("| %s | %s |" % (k, cell(res.env[k])))
    if not res.env:
        out.append("| env.json | missing |")
    return "\n".join(out) + "\n"
