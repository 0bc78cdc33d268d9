# SPDX-License-Identifier: MIT
"""Several machines in one report (`nestbench merge --by-machine`): the folder
holds machines.json and machines/<label>/ (each machine's results folder).
Every plot is drawn from every machine's results, each series once per
machine ("<label>: <series>"); the readings are each machine's own; the
environments and the family status stand side by side; the compare verdicts
(nb_compare.py, each machine against the first) are linked."""
import copy
import json
import os

from . import results, select
from .html import e, status_section
from .util import num

MARK = "machines.json"


def is_multi(rd):
    return os.path.isfile(os.path.join(rd, MARK))


def load(rd):
    """[(label, Results, machine entry)] in machines.json's order."""
    with open(os.path.join(rd, MARK), encoding="utf-8") as f:
        doc = json.load(f)
    return [(m["label"], results.load(os.path.join(rd, "machines", m["label"])), m)
            for m in doc.get("machines", [])]


def _relabel(series, label):
    s = copy.copy(series)
    s.label = "%s: %s" % (label, series.label)
    s.color_key = "%s: %s" % (label, series.color_key)
    return s


def build(spec, machines, reading):
    """(plots, why) of one spec over every machine; reading(plot) gives a
    plot's sentence (each machine's is computed on its own plot)."""
    by_id, why = {}, []
    for label, res, _ in machines:
        got, w = select.build(spec, res)
        if w:
            why.append("%s: %s" % (label, w))
        for p in got:
            by_id.setdefault(p.id, []).append((label, p))
    plots = []
    for pid, per in by_id.items():
        first = per[0][1]
        combined = copy.copy(first)
        combined.series = [_relabel(s, label) for label, p in per for s in p.series]
        combined.files, combined.error = {}, None
        xs = [x for s in combined.series for x, _ in s.points]
        ys = [y for s in combined.series for _, y in s.points]
        combined.logx = select._auto_log(spec["logx"], xs)
        combined.logy = select._auto_log(spec["logy"], ys)
        combined.reading = " ".join("%s: %s" % (label, reading(p)) for label, p in per)
        missing = [label for label, _, _ in machines if label not in {lb for lb, _ in per}]
        if missing:
            combined.reading += " (No data from %s.)" % ", ".join(missing)
        plots.append(combined)
    return plots, "; ".join(why) if not plots else ""


def _raw_links(label, res):
    links = {}
    for n, f in res.families.items():
        base = "machines/%s/raw/%s" % (label, n)
        items = ['<a href="%s.json">raw/%s.json</a>' % (e(base), e(n))] if f.raw else []
        if f.log:
            items.append('<a href="%s.log">log</a>' % e(base))
        if items:
            links[n] = " · ".join(items)
    return links


def status_html(machines):
    out = ["<h2>Machines</h2><table><tr><th class=l>machine</th><th class=l>commit</th>"
           "<th class=l>configuration</th><th class=l>compared with %s</th></tr>" % e(
               machines[0][0])]
    for label, res, m in machines:
        c = m.get("compare")
        verdict = ('%s (exit %d; <a href="%s">table</a>)' % (
            e(c["verdict"]), c["exit_status"], e(c["markdown"])) if c else "(the base)")
        out.append("<tr><td class=l><b>%s</b><br><span class=muted>%s</span></td>"
                   "<td class=l><code>%s</code></td><td class=l><code>%s</code></td>"
                   "<td class=l>%s</td></tr>" % (
                       e(label), e(m.get("source", "")), e(m.get("commit") or "?"),
                       e(json.dumps(m.get("config"), sort_keys=True)), verdict))
    out.append("</table><p class=muted>Compare: scripts/nb_compare.py, each machine's results "
               "(NEW) against the first's (BASE), its verdict rules and exit statuses.</p>")
    for label, res, _ in machines:
        sec = status_section(res, _raw_links(label, res)).replace("<h2>Run</h2>", "")
        out.append("<h3>Run on %s</h3>%s" % (e(label), sec))
    return "\n".join(out)


def iommu_facts(res):
    """What the benchmarks recorded about a real IOMMU (the iommufd backend's
    context keys nb_iommufd*: skipped and why, nesting, GET_HW_INFO)."""
    out = {}
    for fam, f in sorted(res.families.items()):
        for k, v in sorted(f.context.items()):
            if k.startswith("nb_iommufd"):
                out["%s (%s)" % (k, fam)] = v
    return out


def env_html(machines):
    keys, facts = [], []
    for _, res, _ in machines:
        facts.append(dict(res.env, **iommu_facts(res)))
        keys += [k for k in facts[-1] if k not in keys]
    head = "".join("<th class=l>%s</th>" % e(label) for label, _, _ in machines)
    rows = []
    for k in keys:
        vals = [f.get(k) for f in facts]
        same = len({json.dumps(v) for v in vals}) == 1
        rows.append("<tr><td class=l>%s%s</td>%s</tr>" % (
            e(k), "" if same else " <span class=bad>≠</span>",
            "".join("<td class=l><code>%s</code></td>" % e(v if v is not None else "–")
                    for v in vals)))
    return ("<h2>Environments side by side</h2><p class=muted>≠: the machines differ. IOMMU "
            "facts (dev_iommu, the iommufd backend's GET_HW_INFO when it ran) are rows like "
            "the others.</p><table><tr><th class=l>fact</th>%s</tr>%s</table>" % (head, "".join(rows)))


def summary_md(machines):
    out = ["## Machines", "", "| machine | commit | CPU | kernel | vs %s |" % machines[0][0],
           "|---|---|---|---|---|"]
    for label, res, m in machines:
        c = m.get("compare")
        out.append("| %s | %s | %s | %s | %s |" % (
            label, m.get("commit") or "?", res.env.get("cpu", "?"), res.env.get("kernel", "?"),
            "[%s](%s)" % (c["verdict"], c["markdown"]) if c else "(base)"))
    for label, res, _ in machines:
        out += ["", "Families on %s: %s" % (label, ", ".join(
            "%s %s (%s benchmarks)" % (n, f.status or "?", num(len(f.values)))
            for n, f in sorted(res.families.items())))]
    return "\n".join(out) + "\n"


def checks(machines, run_all):
    """The report's self-checks on every machine's results, named by machine."""
    out = []
    for label, res, _ in machines:
        for c in run_all(res):
            c.name = "%s: %s" % (label, c.name)
            out.append(c)
    return out
