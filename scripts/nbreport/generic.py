# SPDX-License-Identifier: MIT
"""The generic view of a family the plot table (specs.py) has no plot for.

A family is added with one file and one line of bench/families.txt; a plot
spec is an improvement, not a condition. Until it has one, its results get a
section of their own, derived from the results alone:
  - its benchmarks in groups: the names that differ only in their last
    component ("demo/ring/small/entries:16", ".../entries:64", ...), one table
    per group, a row per benchmark and a column per counter (the median of the
    repetitions, their min..max beside it when they differ);
  - each counter's kind (kinds.py: host time, modelled, count, or unlabelled)
    and who said so;
  - a default plot per counter when the last name component is a number
    ("entries:16" or "16"): x that number, one line per group, drawn by the
    same code (select.py, plot.py: gnuplot) as the specified plots;
    cpu_time and perf_* stay in the tables (a plot would repeat time / show
    this host's noise).
Which benchmarks are generic: those whose first name component (the prefix
of bench/families.txt's report column) no spec is for and no section of the
report renders (calibrate/: the calibration table). A family of the table
whose prefixes have no spec and that has no results here is listed too, with
"no results" (the Run table says why).
"""
import re
from html import escape

from . import calibration, families, kinds, nested, select, specs
from .select import natural, slug
from .util import num

LAST = re.compile(r"^(?P<parent>.+)/(?:(?P<key>[A-Za-z_][A-Za-z0-9_]*):)?"
                  r"(?P<x>-?[0-9]+(?:\.[0-9]+)?)$")
NOT_PLOTTED = re.compile(r"^(cpu_time|perf_.*)$")
TITLE = "Families without a plot spec (generic view)"
HOW = ("Each family below has no plot in scripts/nbreport/specs.py, so its results are shown as "
       "they are: a table per group of benchmarks (names that differ only in the last "
       "component), the median of the repetitions with their min..max, and a default plot per "
       "counter when that last component is a number. Each counter's kind (host time, "
       "modelled, count) is what the family's context (counter_kind.&lt;counter&gt;) or the "
       "counter's name says (scripts/nbreport/kinds.py); \"unlabelled\" when nothing says. "
       "A spec(...) in specs.py gives a family its own plots (README, \"Adding a benchmark "
       "family\").")


def covered():
    """The name prefixes the report already shows: those some spec plots, and
    those a section of its own renders (calibration.py's calibrate/...)."""
    own = (calibration.NAME, nested.NESTED, nested.FS)
    return {s["family"] for s in specs.SPECS} | {
        re.match(r"\^?([^/]+)/", rx.pattern).group(1) for rx in own}


def prefix(name):
    return name.split("/", 1)[0]


class Group:
    """Benchmarks that differ only in their last name component."""

    def __init__(self, parent, key):
        self.parent = parent
        self.key = key            # "entries" (.../entries:N), "" (.../N), None: not a number
        self.names = []
        self.counters = []        # time first, then by name
        self.kinds = {}           # counter -> (kind, source)


class View:
    """One family's generic section on one machine's results."""

    def __init__(self, name, fam=None):
        self.name = name
        self.fam = fam            # results.Family, or None (no results here)
        self.groups = []

    @property
    def has_data(self):
        return bool(self.groups)


def _group(view, names, covered_prefixes):
    fam, by = view.fam, {}
    declared = kinds.declared(fam.context)
    for name in sorted(names, key=natural):
        if prefix(name) in covered_prefixes:
            continue
        m = LAST.match(name)
        parent, key = (m.group("parent"), m.group("key") or "") if m else (
            name.rsplit("/", 1)[0] if "/" in name else "", None)
        g = by.get((parent, key))
        if g is None:
            g = by[(parent, key)] = Group(parent, key)
            view.groups.append(g)
        g.names.append(name)
    for g in view.groups:
        keys = set().union(*(fam.values[n] for n in g.names))
        g.counters = [c for c in ("time", "cpu_time") if c in keys] + sorted(
            keys - {"time", "cpu_time"})
        manual = any(n in fam.manual_time for n in g.names)
        g.kinds = {c: kinds.kind_of(c, declared, manual) for c in g.counters}


def views(res):
    """[View] of one Results: the table's families first (run order), then
    any other family of the results, by name."""
    cov = covered()
    out = []
    table = families.read()       # (a malformed table already stopped results.py's import)
    order = [f.name for f in table] + sorted(set(res.families) - {f.name for f in table})
    for name in order:
        fam = res.families.get(name)
        view = View(name, fam)
        if fam and fam.has_data:
            _group(view, fam.values, cov)
        row = next((f for f in table if f.name == name), None)
        no_spec = row is not None and not set(families.report_prefixes(row)) & cov
        if view.has_data or (no_spec and not (fam and fam.has_data)):
            out.append(view)
    return out


def _label(counter, kind, log=False):
    """'time (host time; per iteration, ns; log scale)'."""
    parts = [kind] + (["per iteration, ns"] if counter in ("time", "cpu_time") else []) + (
        ["log scale"] if log else [])
    return "%s (%s)" % (counter, "; ".join(parts))


def plot_specs(machine_views):
    """The default plots: one spec per family, numeric key and counter, over
    the groups of every machine (machine_views: [[View]])."""
    plan = {}                     # (family, key, counter) -> ({parent}, {kind}, [x], [y])
    for vs in machine_views:
        for v in vs:
            for g in v.groups:
                if g.key is None:
                    continue
                for c in g.counters:
                    if NOT_PLOTTED.match(c):
                        continue
                    parents, seen, xs, ys = plan.setdefault((v.name, g.key, c),
                                                            (set(), set(), [], []))
                    parents.add(g.parent)
                    seen.add(g.kinds[c][0])
                    for n in g.names:
                        if c in v.fam.values[n]:
                            xs.append(float(LAST.match(n).group("x")))
                            ys.append(v.fam.values[n][c])
    out = []
    for (fam, key, counter), (parents, seen, xs, ys) in plan.items():
        kind = seen.pop() if len(seen) == 1 else "%s: the groups differ, see the tables" % (
            kinds.UNLABELLED)
        # log where select.py's "auto" would choose it, decided here so the axis labels say so
        logx, logy = select._auto_log("auto", xs), select._auto_log("auto", ys)
        xname = key or "last name component"
        ylabel = _label(counter, kind)
        out.append(specs.spec(
            id="generic-%s-%s%s" % (slug(fam), slug(counter), "-" + slug(key) if key else ""),
            family=fam, generic_family=fam,
            title="%s (no plot spec, generic view): %s vs %s" % (fam, ylabel, xname),
            match="^(?P<parent>%s)/%s(?P<x>-?[0-9]+(?:\\.[0-9]+)?)$" % (
                "|".join(re.escape(p) for p in sorted(parents)),
                re.escape(key) + ":" if key else ""),
            x="x", y=counter, series="{parent}", logx=logx, logy=logy,
            xlabel=xname + " (the benchmark name's last component%s)" % (
                "; log scale" if logx else ""), ylabel=_label(counter, kind, logy),
            reading=("extremes", {})))
    return out                # in the order of the groups and their counters (time first)


def _cell(fam, name, counter):
    v = fam.values[name].get(counter)
    if v is None:
        return "–"
    lo, hi = fam.spread.get(name, {}).get(counter, (v, v))
    return num(v) + (" (%s..%s)" % (num(lo), num(hi)) if fam.reps.get(name, 1) > 1 and lo != hi
                     else "")


def _e(s):
    return escape(str(s), quote=True)


def _group_html(view, g):
    head = "".join("<th>%s<br><span class=muted>%s</span></th>" % (_e(c), _e(g.kinds[c][0]))
                   for c in g.counters)
    rows = "".join("<tr><td class=l>%s</td>%s</tr>" % (
        _e(n[len(g.parent) + 1:] if g.parent else n),
        "".join("<td>%s</td>" % _e(_cell(view.fam, n, c)) for c in g.counters))
        for n in g.names)
    return ("<h4>%s/…</h4><div class=wide><table><tr><th class=l>benchmark</th>%s</tr>%s"
            "</table></div>" % (_e(g.parent or view.name), head, rows))


def kind_rows(view):
    """[(counter, kind, source, groups)]: each counter once, or once per
    kind when its groups differ (groups: the parents, or [] for all)."""
    seen = {}
    for g in view.groups:
        for c in g.counters:
            seen.setdefault((c,) + g.kinds[c], []).append(g.parent)
    every = len(view.groups)
    return [(c, k, src, [] if len(parents) == every else parents)
            for (c, k, src), parents in seen.items()]


def _kinds_html(view):
    rows = "".join("<tr><td class=l>%s</td><td class=l>%s</td><td class=l>%s%s</td></tr>" % (
        _e(c), _e(k), _e(src), _e(" (in %s)" % ", ".join(p + "/…" for p in parents))
        if parents else "") for c, k, src, parents in kind_rows(view))
    return ("<details><summary>What each counter is</summary><table><tr><th class=l>counter"
            "</th><th class=l>kind</th><th class=l>said by</th></tr>%s</table></details>" % rows)


def _reps_note(fam):
    reps = max(fam.reps.values()) if fam.reps else 1
    return ("median of %d repetitions, (min..max) where they differ" % reps if reps > 1
            else "one repetition")


def section_html(machine_views, plots, skipped, figure):
    """machine_views: [(label, [View])] (label "" for a single run); plots
    and skipped ([(spec, why)]): the default plots drawn and not drawn;
    figure: the page's figure renderer (html.figure)."""
    names = []
    for _, vs in machine_views:
        names += [v.name for v in vs if v.name not in names]
    if not names:
        return ""
    out = ["<h2 id=generic>%s</h2><p class=muted>%s</p>" % (TITLE, HOW)]
    for name in names:
        out.append('<h3 id="family-%s">%s</h3>' % (_e(slug(name)), _e(name)))
        for label, vs in machine_views:
            v = next((x for x in vs if x.name == name), None)
            on = " on %s" % label if label else ""
            if v is None or not v.has_data:
                out.append("<p class=bad>No results of %s%s in this run (the run's status above "
                           "says why).</p>" % (_e(name), _e(on)))
                continue
            out.append("<p class=muted>%d benchmark(s)%s; %s.</p>" % (
                sum(len(g.names) for g in v.groups), _e(on), _e(_reps_note(v.fam))))
            out.append(_kinds_html(v))
            out += [_group_html(v, g) for g in v.groups]
        out += [figure(p) for p in plots if p.spec.get("generic_family") == name]
        why = [r for sp, r in skipped if sp.get("generic_family") == name]
        if why:
            out.append("<p class=muted>Default plots not drawn: %s</p>" % _e("; ".join(why)))
    return "\n".join(out)


def _md(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


def section_md(machine_views, plots, skipped):
    names = []
    for _, vs in machine_views:
        names += [v.name for v in vs if v.name not in names]
    if not names:
        return ""
    out = ["", "## " + TITLE, "", HOW.replace("&lt;", "<").replace("&gt;", ">")]
    for name in names:
        out += ["", "### %s" % name]
        for label, vs in machine_views:
            v = next((x for x in vs if x.name == name), None)
            on = " on %s" % label if label else ""
            if v is None or not v.has_data:
                out += ["", "No results of %s%s in this run (the run's status above says why)." % (
                    name, on)]
                continue
            out += ["", "%d benchmark(s)%s; %s." % (sum(len(g.names) for g in v.groups), on,
                                                    _reps_note(v.fam))]
            out += ["", "What each counter is: " + _md("; ".join(
                "%s: %s (%s%s)" % (c, k, src, " in " + ", ".join(p + "/…" for p in parents)
                                   if parents else "")
                for c, k, src, parents in kind_rows(v))) + "."]
            for g in v.groups:
                out += ["", "**%s/…**" % _md(g.parent or name), "",
                        "| benchmark | %s |" % " | ".join(
                            "%s (%s)" % (_md(c), g.kinds[c][0]) for c in g.counters),
                        "|---|%s" % ("---:|" * len(g.counters))]
                out += ["| %s | %s |" % (_md(n[len(g.parent) + 1:] if g.parent else n),
                                         " | ".join(_md(_cell(v.fam, n, c)) for c in g.counters))
                        for n in g.names]
        for p in plots:
            if p.spec.get("generic_family") != name:
                continue
            img = " ([PNG](%s), [SVG](%s))" % (p.files["png"], p.files["svg"]) \
                if "png" in p.files and "svg" in p.files else " (no image: %s)" % p.error
            out += ["", "- **%s**%s: %s" % (_md(p.title), img, _md(p.reading))]
        why = [r for sp, r in skipped if sp.get("generic_family") == name]
        if why:
            out += ["", "Default plots not drawn: " + _md("; ".join(why))]
    return "\n".join(out)
