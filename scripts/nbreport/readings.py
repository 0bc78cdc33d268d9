# SPDX-License-Identifier: MIT
"""One sentence per plot, computed from its data: what the picture says."""
from .util import join_and, num, ratio


def _main(plot):
    return [s for s in plot.series if not s.ref and s.points]


def _xmax(series):
    """Largest x that most series share (the right edge of the comparison)."""
    counts = {}
    for s in series:
        for x, _ in s.points:
            counts[x] = counts.get(x, 0) + 1
    best = max(counts.values())
    return max(x for x, c in counts.items() if c == best)


def _v(value, unit):
    return num(value) + (" " + unit if unit else "")


def human_ns(v):
    for div, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
        if v >= div:
            return "%s %s" % (num(v / div), unit)
    return "%s ns" % num(v)


def at_max(plot, o):
    ss = _main(plot)
    x = _xmax(ss)
    vals = sorted(((s.at(x), s.label) for s in ss if s.at(x) is not None), reverse=True)
    where = o.get("x", "{x}").replace("{x}", plot.xlabel_of(x))
    what, verb = o.get("what", plot.spec["ylabel"]), o.get("verb", "gives")
    if len({v for v, _ in vals}) == 1:
        return "At %s, every series %s %s %s." % (where, verb, num(vals[0][0]), what)
    if len(vals) <= 4:
        rest = ["%s %s" % (lbl, num(v)) for v, lbl in vals[1:]]
        return "At %s, %s %s %s %s, %s." % (where, vals[0][1], verb, num(vals[0][0]), what,
                                           join_and(rest))
    return "At %s, %s ranges from %s (%s) down to %s (%s) across %d series." % (
        where, what, num(vals[0][0]), vals[0][1], num(vals[-1][0]), vals[-1][1], len(vals))


def growth(plot, o):
    ss = _main(plot)
    unit, what = o.get("unit", ""), o.get("what", "the value")
    grow = [(s.points[-1][1] / s.points[0][1], s) for s in ss
            if len(s.points) > 1 and s.points[0][1] > 0]
    x = _xmax(ss)
    at = sorted((s.at(x), s.label) for s in ss if s.at(x) is not None)
    parts = []
    if grow:
        r, s = max(grow, key=lambda t: t[0])
        parts.append("from %s to %s of working set, %s grows most for %s (%s → %s, %s)" % (
            plot.xlabel_of(s.points[0][0]), plot.xlabel_of(s.points[-1][0]), what, s.label,
            num(s.points[0][1]), _v(s.points[-1][1], unit), ratio(s.points[-1][1],
                                                                   s.points[0][1])))
    if len(at) > 1:
        parts.append("at %s the fastest is %s (%s) and the slowest %s (%s)" % (
            plot.xlabel_of(x), at[0][1], _v(at[0][0], unit), at[-1][1], _v(at[-1][0], unit)))
    ref = [s for s in plot.series if s.ref and s.at(x) is not None]
    if ref:
        parts.append("one dependent load alone takes %s there" % _v(ref[0].at(x), "ns"))
    if not parts:
        return extremes(plot, o)
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def nested_vs_single(plot, o):
    nested = _main(plot)[0]
    singles = [s for s in plot.series if s.ref and s.label.startswith("single")]
    x = _xmax([nested] + singles) if singles else nested.points[-1][0]
    n = nested.at(x)
    if n is None:
        return extremes(plot, o)
    text = "At %s of working set, a %s walk takes %s ns" % (plot.xlabel_of(x), nested.label,
                                                           num(n))
    cmp = ["%s the %s walk (%s ns)" % (ratio(n, s.at(x)), s.label, num(s.at(x)))
           for s in singles if s.at(x)]
    if cmp:
        text += ", " + join_and(cmp)
    else:
        text += " (no single-stage run of its formats to compare with)"
    return text + "."


def _swap(label, a, b):
    """label with the word a replaced by b, or None if a is not one of its words."""
    words = label.split(" ")
    return " ".join(b if w == a else w for w in words) if a in words else None


def onoff(plot, o):
    """Pairs of series that differ in one word (on/off): how much 'on' changes y.
    o["pairs"]: [(on word, off word, cause, singular cause?)], the first present wins."""
    ss = {s.label: s for s in _main(plot)}
    for on, off, cause, singular in o["pairs"]:
        pairs = [(lbl, ss[lbl], ss[_swap(lbl, on, off)]) for lbl in sorted(ss)
                 if _swap(lbl, on, off) in ss]
        if pairs:
            break
    else:
        return extremes(plot, o) + " (no on/off pair to compare)"
    x = _xmax([p for _, a, b in pairs for p in (a, b)])
    where = o.get("x", "{x}").replace("{x}", plot.xlabel_of(x))
    parts, signs = [], set()
    for lbl, s_on, s_off in pairs[:4]:
        a, b = s_off.at(x), s_on.at(x)
        if a is None or b is None:
            continue
        signs.add((b > a) - (b < a))
        r = ratio(a, b) if b < a else ratio(b, a)
        who = " ".join(w for w in lbl.split(" ") if w != on) or "the series"
        parts.append("from %s to %s for %s%s" % (num(a), _v(b, o.get("unit", "")), who,
                                                 " (%s)" % r if r and a != b else ""))
    if not parts:
        return extremes(plot, o)
    verb = {frozenset([-1]): "cut", frozenset([1]): "raise", frozenset([0]): "leave"}.get(
        frozenset(signs), "change") + ("s" if singular else "")
    return "At %s, %s %s %s %s." % (where, cause, verb, o.get("what", "the value"),
                                    join_and(parts))


def hit(plot, o):
    ss = _main(plot)
    x = _xmax(ss)
    vals = sorted(((s.at(x), s.label) for s in ss if s.at(x) is not None), reverse=True)
    text = "With %s entries, %s hits %s" % (
        plot.xlabel_of(x), "the " + plot.groups["workload"] + " workload"
        if "workload" in plot.groups else "the workload",
        join_and("%s%% on %s" % (num(v), lbl) for v, lbl in vals[:4]))
    reach = []
    for s in ss:
        first = next((px for px, py in s.points if py >= 90.0), None)
        if first is not None:
            reach.append((first, s.label))
    if reach:
        first = min(r[0] for r in reach)
        who = [lbl for f, lbl in reach if f == first]
        if len(who) == len(ss) > 1:
            text += "; every model reaches 90%% at %s entries" % plot.xlabel_of(first)
        else:
            text += "; %s %s 90%% first, at %s entries" % (
                join_and(who), "reaches" if len(who) == 1 else "reach", plot.xlabel_of(first))
    else:
        text += "; no model reaches 90%% within %s entries" % plot.xlabel_of(plot.xs()[-1])
    return text + "."


def backends(plot, o):
    ss = _main(plot)
    x = _xmax(ss)
    vals = [(s.label, s.at(x)) for s in ss if s.at(x) is not None]
    text = "At %s, a map + unmap pair takes %s" % (
        plot.xlabel_of(x), join_and("%s on %s" % (human_ns(v), lbl) for lbl, v in vals))
    emu = [v for lbl, v in vals if lbl.startswith("emu")]
    real = [v for lbl, v in vals if lbl.startswith("iommufd")]
    if emu and real:
        text += " (the real iommufd is %s the emulation)" % ratio(min(real), min(emu))
    elif not real:
        text += "; the iommufd backend did not run (no /dev/iommu here), so there is no real line"
    return text + "."


def scaling(plot, o):
    s = _main(plot)[0]
    (x0, y0), (x1, y1) = s.points[0], s.points[-1]
    return ("With %s writer thread(s), walkers complete %s million walks/s, %.0f%% of their "
            "rate with %s writer(s)." % (num(x1), num(y1), 100.0 * y1 / y0 if y0 else 0, num(x0)))


def extremes(plot, o):
    return at_max(plot, {"what": plot.spec["ylabel"], "verb": "gives"})


KINDS = {"at_max": at_max, "growth": growth, "nested_vs_single": nested_vs_single,
         "onoff": onoff, "hit": hit, "backends": backends, "scaling": scaling,
         "extremes": extremes}


def reading(plot):
    kind, opts = plot.spec["reading"]
    try:
        return KINDS[kind](plot, opts)
    except (KeyError, IndexError, ValueError, ZeroDivisionError, TypeError) as e:
        return "No reading: the data do not fit the '%s' reading (%s)." % (kind, e)
