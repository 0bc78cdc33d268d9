# SPDX-License-Identifier: MIT
"""Turn a plot spec and the loaded results into plots: panels of series of points."""
import re

from . import util
from .specs import HYPOTHETICAL


class Series:
    def __init__(self, label, points, dashed=False, ref=False, color_key=None, band=None):
        self.label = label
        self.points = points          # [(x, y)] sorted by x
        self.dashed = dashed
        self.ref = ref
        self.color_key = color_key or label
        self.band = band or {}        # x -> (min, max) over repetitions, when there were several
        self.tied = [label]           # the series this line stands for (ties merged)

    def at(self, x):
        for px, py in self.points:
            if px == x:
                return py
        return None

    def range_at(self, x):
        """(min, max) of the repetitions at x, or (y, y)."""
        y = self.at(x)
        return self.band.get(x, (y, y))


class Plot:
    def __init__(self, spec, pid, title, groups, series, logx, logy):
        self.spec = spec
        self.id = pid
        self.title = title
        self.groups = groups          # panel groups and fixed values (for readings)
        self.series = series
        self.logx = logx
        self.logy = logy
        self.reading = ""
        self.files = {}               # "png"/"svg"/"dat" -> relative path, once written
        self.error = None
        self.reps = 1                 # most repetitions behind a point

    def has_band(self):
        return any(lo != hi for s in self.series for lo, hi in s.band.values())

    def xs(self):
        return sorted({x for s in self.series for x, _ in s.points})

    def xlabel_of(self, x):
        return util.kib(x) if self.spec["xfmt"] == "kib" else util.num(x)


def natural(s):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def slug(s):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", s).strip("_")


class Fmt(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def fill(fmt, groups):
    return fmt.format_map(Fmt(groups))


def _rows(values, rx, split):
    rows = []
    for name, vals in values.items():
        m = rx.search(name)
        if not m:
            continue
        g = {k: v for k, v in m.groupdict().items() if v is not None}
        for key, (a, b, sep) in split.items():
            if key in g and sep in g[key]:
                g[a], g[b] = g[key].split(sep, 1)
        g["_name"] = name
        rows.append((g, vals))
    return rows


def note_hypothetical(label):
    """A model of hardware that does not exist says so in its label."""
    return " ".join(w + " (hypothetical)" if w in HYPOTHETICAL else w for w in label.split(" "))


def _same(a, b):
    if [x for x, _ in a.points] != [x for x, _ in b.points]:
        return False
    return all(util.same_value(ya, yb) for (_, ya), (_, yb) in zip(a.points, b.points))


def tie_label(labels):
    """'amd pwc_off', 'vtd pwc_off' -> 'amd = vtd pwc_off' (words all share
    at the end are said once), else 'a = b'."""
    words = [l.split(" ") for l in labels]
    k = 0
    while all(len(w) > k + 1 for w in words) and len({tuple(w[len(w) - k - 1:])
                                                       for w in words}) == 1:
        k += 1
    if not k:
        return " = ".join(labels)
    return " = ".join(" ".join(w[:len(w) - k]) for w in words) + " " + " ".join(words[0][-k:])


def merge_ties(series):
    """Series with identical values would hide each other: one line stands
    for all of them, labelled "a = b = c" (Series.tied lists them)."""
    out = []
    for s in series:
        twin = next((o for o in out if not o.ref and not s.ref and _same(o, s)), None)
        if twin is None:
            out.append(s)
        else:
            twin.tied.append(s.label)
            twin.label = tie_label(twin.tied)
    return out


def _expand(rows, ys):
    """ys {word: counter}: one row per counter a benchmark has, its value as
    y ("_ys") and the word as group "path" (two counters of one run, e.g.
    a request's trapped and virtualized time, as two series)."""
    out = []
    for g, vals in rows:
        for word, counter in ys.items():
            if counter in vals:
                out.append((dict(g, path=word), dict(vals, _ys=vals[counter])))
    return out


def _fix(rows, where):
    fixed = {}
    for k, v in where.items():
        if isinstance(v, (list, tuple)):          # the first value present
            present = {r[0].get(k) for r in rows}
            v = next((c for c in v if c in present), None)
            if v is None:
                continue
        if v not in ("min", "max"):
            rows = [r for r in rows if r[0].get(k) == v]
            fixed[k] = v
    for k, v in where.items():
        if v in ("min", "max"):
            present = sorted({float(r[0][k]) for r in rows if k in r[0]})
            if not present:
                continue
            pick = present[0] if v == "min" else present[-1]
            rows = [r for r in rows if k in r[0] and float(r[0][k]) == pick]
            fixed[k] = util.num(pick)
    return rows, fixed


def _auto_log(flag, values):
    if flag != "auto":
        return bool(flag) and all(v > 0 for v in values)
    pos = [v for v in values if v > 0]
    return bool(pos) and len(pos) == len(values) and max(pos) / min(pos) > 30


def _refs(spec, values, groups):
    out = []
    for ref in spec["refs"]:
        match = ref["match"]
        for k, v in groups.items():
            match = match.replace("{%s}" % k, re.escape(v))
        if re.search(r"\{[a-z_0-9]+\}", match):
            continue              # a group this panel does not have
        rx, pts = re.compile(match), []
        for name, vals in values.items():
            m = rx.search(name)
            if m and spec["x"] in m.groupdict() and ref["y"] in vals:
                pts.append((float(m.group(spec["x"])), vals[ref["y"]] * spec["yscale"]))
        if len(pts) >= 1:
            out.append((fill(ref["label"], groups), sorted(pts)))
    return out


def _band(spread, name, y, scale):
    lo, hi = spread.get(name, {}).get(y, (None, None))
    return None if lo is None else (lo * scale, hi * scale)


def build(spec, results):
    """([Plot], reason): the plots of one spec, or why there are none."""
    values, spread, nreps = results.values(), results.spread(), results.reps()
    rows = _rows(values, re.compile(spec["match"]), spec["split"])
    if spec.get("ys"):
        rows = _expand(rows, spec["ys"])
    if not rows:
        prefix = re.match(r"\^?([^(\\\[]*)", spec["match"]).group(1)
        return [], "no %s… benchmarks in the results" % prefix
    rows, fixed = _fix(rows, spec["where"])
    for group in spec["distinct"]:
        if len({r[0].get(group) for r in rows}) < 2:
            return [], "only one %s in the results: nothing to compare" % group
    rows = [r for r in rows if spec["y"] in r[1] and spec["x"] in r[0]]
    if not rows:
        return [], "no benchmark with counter '%s' in the slice %s" % (spec["y"], fixed)
    panels = {}
    for g, vals in rows:
        panels.setdefault(fill(spec["panel"], g) if spec["panel"] else "", []).append((g, vals))
    dashed = re.compile(spec["dashed"]) if spec["dashed"] else None
    plots, why = [], []
    for panel in sorted(panels, key=natural):
        prow = panels[panel]
        groups = dict(fixed)
        if spec["panel"]:
            common = set(prow[0][0].items())
            for g, _ in prow[1:]:
                common &= set(g.items())
            groups.update(dict(common))
        by, colour, bands, reps = {}, {}, {}, 1
        for g, vals in prow:
            lbl = note_hypothetical(fill(spec["series"], g))
            colour[lbl] = fill(spec["color_by"] or spec["series"], g)
            x = float(g[spec["x"]])
            by.setdefault(lbl, []).append((x, vals[spec["y"]] * spec["yscale"]))
            band = _band(spread, g["_name"], spec["y"], spec["yscale"])
            if band and nreps.get(g["_name"], 1) > 1:
                bands.setdefault(lbl, {})[x] = band
            reps = max(reps, nreps.get(g["_name"], 1))
        series = merge_ties([Series(lbl, sorted(pts), bool(dashed and dashed.search(lbl)),
                                    color_key=colour[lbl], band=bands.get(lbl))
                             for lbl, pts in sorted(by.items(), key=lambda kv: natural(kv[0]))])
        if max(len(s.points) for s in series) < 2:
            why.append("%s: fewer than 2 values of %s" % (panel or spec["id"], spec["x"]))
            continue
        for lbl, pts in _refs(spec, values, groups):
            series.append(Series(lbl, pts, bool(dashed and dashed.search(lbl)), ref=True))
        ys = [y for s in series for _, y in s.points]
        xs = [x for s in series for x, _ in s.points]
        pid = spec["id"] + ("-" + slug(panel) if panel else "")
        title = spec["title"]
        if spec["alt_title"] and not any(re.search(spec["alt_title"][0], s.label)
                                         for s in series if not s.ref):
            title = spec["alt_title"][1]      # what the title promises is not there
        p = Plot(spec, pid, fill(title, groups), groups, series,
                 _auto_log(spec["logx"], xs), _auto_log(spec["logy"], ys))
        p.reps = reps
        plots.append(p)
    return plots, "; ".join(why)
