# SPDX-License-Identifier: MIT
"""One sentence per plot, computed from its data: what the picture says.

Rules the sentences keep: equal values are named as ties ("vtd = amd send
3"); a change is worded by its direction (a ratio above 1 that makes things
worse is "1.05x slower", never a gain); a difference the repetitions' own
spread covers is "within noise"; every number carries its unit.
"""
import re

from .util import join_and, num, same_value

NOISE_NOTE = "within noise (the repetitions' ranges overlap)"


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


def _where(plot, o, x):
    """'4096 entries': the x value with what it counts (units everywhere)."""
    if "x" in o:
        return o["x"].replace("{x}", plot.xlabel_of(x))
    name = re.sub(r"\s*\(.*?\)", "", plot.spec["xlabel"]).strip()
    return "%s = %s" % (name, plot.xlabel_of(x)) if name else plot.xlabel_of(x)


def _what(plot, o):
    return o.get("what") or re.sub(r"\s*\(log scale\)|;\s*log scale", "", plot.spec["ylabel"])


def groups(vals):
    """[(value, [labels])] from [(value, label)]: equal values grouped, highest first."""
    out = []
    for v, lbl in sorted(vals, key=lambda t: -t[0]):
        if out and same_value(out[-1][0], v):
            out[-1][1].append(lbl)
        else:
            out.append((v, [lbl]))
    return out


def tie(labels):
    """Names of series with one value: 'vtd = amd' (a merged line already is one)."""
    return " = ".join(labels)


def overlap(a, b):
    """Do two (min, max) ranges overlap, with at least one a real range?"""
    return (a[0] != a[1] or b[0] != b[1]) and a[0] <= b[1] and b[0] <= a[1]


def change(new, old, lower_better, unit="", time=False):
    """How new compares with old, worded by direction: '(5.35× less)',
    '(1.05× slower)'; equal: '(unchanged)'."""
    if not old or not new or new == old:
        return "(unchanged)" if new == old else ""
    r = max(new, old) / min(new, old)
    rs = ("%.0f" % r if r >= 100 else "%.3g" % r) + "×"
    if time:
        word = "faster" if new < old else "slower"
    else:
        word = "less" if new < old else "more"
    if lower_better is not None:
        word += "" if (new < old) == lower_better else ", worse"
    return "(%s %s)" % (rs, word)


def plural(verb):
    """'sends' -> 'send', 'throws away' -> 'throw away': the verb for a tie."""
    first, _, rest = verb.partition(" ")
    first = first[:-2] if first.endswith(("sses", "shes", "ches", "xes", "zes")) else \
        first[:-1] if first.endswith("s") else first
    return (first + " " + rest).strip()


def _n(v, unit):
    """A number with its unit; '%' attaches."""
    return num(v) + unit if unit == "%" else _v(v, unit)


def at_max(plot, o):
    ss = _main(plot)
    x = _xmax(ss)
    where, what, verb = _where(plot, o, x), _what(plot, o), o.get("verb", "gives")
    unit = o.get("unit", "")
    gs = groups([(s.at(x), s.label) for s in ss if s.at(x) is not None])
    n = sum(len(s.tied) for s in ss if s.at(x) is not None)   # series, tied ones each
    if len(gs) == 1:
        names = tie(gs[0][1])
        if " = " in names:
            return "At %s, every series (%s) %s %s %s." % (where, names, verb,
                                                           _n(gs[0][0], unit), what)
        return "At %s, %s %s %s %s." % (where, names, verb, _n(gs[0][0], unit), what)
    if len(gs) <= 4:
        first = tie(gs[0][1])
        parts = ["%s %s" % (tie(l), _n(v, unit)) for v, l in gs[1:]]
        return "At %s, %s %s %s %s, %s." % (where, first, plural(verb) if " = " in first else verb,
                                           _n(gs[0][0], unit), what, join_and(parts))
    return ("At %s, %s ranges from %s (%s) down to %s (%s) across %d series "
            "(%d distinct values)." % (where, o.get("subject", what), _n(gs[0][0], unit),
                                        tie(gs[0][1]), _n(gs[-1][0], unit), tie(gs[-1][1]), n,
                                        len(gs)))


def growth(plot, o):
    ss = _main(plot)
    unit, what = o.get("unit", ""), o.get("what", "the value")
    grow = [(s.points[-1][1] / s.points[0][1], s) for s in ss
            if len(s.points) > 1 and s.points[0][1] > 0]
    x = _xmax(ss)
    at = groups([(s.at(x), s.label) for s in ss if s.at(x) is not None])
    parts = []
    if grow:
        r, s = max(grow, key=lambda t: t[0])
        parts.append("from %s to %s of working set, %s grows most for %s (%s → %s, %s)" % (
            plot.xlabel_of(s.points[0][0]), plot.xlabel_of(s.points[-1][0]), what, s.label,
            num(s.points[0][1]), _v(s.points[-1][1], unit),
            change(s.points[-1][1], s.points[0][1], None).strip("()")))
    if len(at) > 1:
        slow, fast = at[0], at[-1]
        text = "at %s the fastest is %s (%s) and the slowest %s (%s)" % (
            plot.xlabel_of(x), tie(fast[1]), _v(fast[0], unit), tie(slow[1]), _v(slow[0], unit))
        a = next(s for s in ss if s.label == fast[1][0])
        b = next(s for s in ss if s.label == slow[1][0])
        if overlap(a.range_at(x), b.range_at(x)):
            text += ", " + NOISE_NOTE
        parts.append(text)
    if not parts:
        return extremes(plot, o)
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def nested_vs_single(plot, o):
    nested = _main(plot)[0]
    singles = [s for s in plot.series if s.ref and s.label.startswith("single")]
    limit = next((s for s in plot.series if s.ref and s.label.startswith("limit")), None)
    x = _xmax([nested] + singles) if singles else nested.points[-1][0]
    n = nested.at(x)
    if n is None:
        return extremes(plot, o)
    text = "At %s of working set, a %s walk takes %s ns of host time" % (
        plot.xlabel_of(x), nested.label, num(n))
    cmp = []
    for s in singles:
        v = s.at(x)
        if v:
            r = n / v
            word = "%s× as long as" % ("%.3g" % r) if r >= 1 else "%.3g× faster than" % (1 / r)
            cmp.append("%s the %s walk (%s ns)" % (word, s.label, num(v)))
    text += (", " + join_and(cmp)) if cmp else \
        " (no single-stage run of its formats to compare with)"
    if limit and limit.at(x):
        text += "; its limit (the same reads replayed) is %s ns" % num(limit.at(x))
    return text + "."


def _swap(label, a, b):
    """label with the word a replaced by b, or None if a is not one of its words."""
    words = label.split(" ")
    return " ".join(b if w == a else w for w in words) if a in words else None


def onoff(plot, o):
    """Pairs of series that differ in one word (on/off): how much 'on' changes y.
    o["pairs"]: [(on word, off word, cause, singular cause?)], the first present wins;
    o["lower"]: lower values are better (a rise is worded as worse)."""
    ss = {}
    for s in _main(plot):
        for lbl in s.tied:                        # a merged line stands for each of its series
            ss[lbl] = s
    for on, off, cause, singular in o["pairs"]:
        pairs = [(lbl, ss[lbl], ss[_swap(lbl, on, off)]) for lbl in sorted(ss)
                 if _swap(lbl, on, off) in ss]
        if pairs:
            break
    else:
        return extremes(plot, o) + " (no on/off pair to compare)"
    x = _xmax([p for _, a, b in pairs for p in (a, b)])
    where = _where(plot, o, x)
    unit, time = o.get("unit", ""), o.get("unit") == "ns"
    by_effect = {}
    for lbl, s_on, s_off in pairs[:6]:
        a, b = s_off.at(x), s_on.at(x)
        if a is None or b is None:
            continue
        who = " ".join(w for w in lbl.split(" ") if w != on) or "the series"
        if overlap(s_off.range_at(x), s_on.range_at(x)):
            key = "noise"
        else:
            key = "cut" if b < a else "raise" if b > a else "leave"
        part = "from %s to %s for %s %s" % (num(a), _v(b, unit), who,
                                           change(b, a, o.get("lower"), time=time))
        if key in ("noise", "leave"):
            part = "%s for %s" % (_v(a, unit), who)
        by_effect.setdefault(key, []).append(part)
    if not by_effect:
        return extremes(plot, o)
    s_ = "s" if singular else ""
    what = o.get("what", "the value")
    sentences = []
    for key in ("cut", "raise", "leave", "noise"):
        if key not in by_effect:
            continue
        if key == "noise":
            sentences.append("%s change%s %s only %s: %s" % (cause, s_, what, NOISE_NOTE,
                                                              join_and(by_effect[key])))
        elif key == "leave":
            sentences.append("%s leave%s %s unchanged: %s" % (cause, s_, what,
                                                               join_and(by_effect[key])))
        else:
            sentences.append("%s %s%s %s %s" % (cause, key, s_, what, join_and(by_effect[key])))
    return "At %s, %s." % (where, "; ".join(sentences))


def hit(plot, o):
    ss = _main(plot)
    x = _xmax(ss)
    gs = groups([(s.at(x), s.label) for s in ss if s.at(x) is not None])
    text = "With %s entries, %s hits %s" % (
        plot.xlabel_of(x), "the " + plot.groups["workload"] + " workload"
        if "workload" in plot.groups else "the workload",
        join_and("%s%% on %s" % (num(v), tie(l)) for v, l in gs[:4]))
    if len(gs) > 4:
        text += " (and %d more series)" % sum(len(l) for _, l in gs[4:])
    reach = []
    for s in ss:
        first = next((px for px, py in s.points if py >= 90.0), None)
        if first is not None:
            reach.append((first, s.label))
    if reach:
        first = min(r[0] for r in reach)
        who = [lbl for f, lbl in reach if f == first]
        if len(who) == len(ss) > 1:
            text += "; every series reaches 90%% at %s entries" % plot.xlabel_of(first)
        else:
            text += "; %s %s 90%% first, at %s entries" % (
                join_and(who), "reaches" if len(who) == 1 else "reach", plot.xlabel_of(first))
    else:
        text += "; none reaches 90%% within %s entries" % plot.xlabel_of(plot.xs()[-1])
    return text + "."


def backends(plot, o):
    ss = _main(plot)
    x = _xmax(ss)
    vals = [(s.label, s.at(x)) for s in ss if s.at(x) is not None]
    text = "At %s, a map + unmap pair takes this machine (host time) %s" % (
        plot.xlabel_of(x), join_and("%s on %s" % (human_ns(v), lbl) for lbl, v in vals))
    emu = [v for lbl, v in vals if lbl.startswith("emu")]
    real = [v for lbl, v in vals if lbl.startswith("iommufd")]
    if emu and real:
        r = min(real) / min(emu)
        text += " (the real iommufd takes %s the emulation's time)" % (
            "%.3g×" % r if r >= 1 else "%.3g× less than" % (1 / r))
    elif not real:
        text += "; the iommufd backend did not run (no /dev/iommu here), so there is no real line"
    return text + "."


def scaling(plot, o):
    s = _main(plot)[0]
    (x0, y0), (x1, y1) = s.points[0], s.points[-1]
    text = ("With %s writer thread(s), walkers complete %s million walks/s of host throughput, "
            "%.0f%% of their rate with %s writer(s)" % (num(x1), num(y1),
                                                        100.0 * y1 / y0 if y0 else 0, num(x0)))
    if overlap(s.range_at(x0), s.range_at(x1)):
        text += ", " + NOISE_NOTE
    return text + "."


def bound(plot, o):
    """The limit plot: every walk at or above its limit, up to noise (0.9)."""
    pts = [(y, s.label, x) for s in _main(plot) for x, y in s.points]
    if not pts:
        return extremes(plot, o)
    low = min(pts)
    bad = [p for p in pts if p[0] < 0.9]
    head = "%d walk(s) beat their limit by more than noise (ratio below 0.9), the worst %s " \
           "(%s at %s): the limit is not a bound there" % (
               len(bad), num(low[0]), low[1], plot.xlabel_of(low[2])) if bad else \
        "No walk beats its limit: the smallest ratio of host time to the limit is %s (%s at " \
        "%s), above the 0.9 noise margin" % (num(low[0]), low[1], plot.xlabel_of(low[2]))
    return head + "; the largest is %s." % num(max(pts)[0])


def extremes(plot, o):
    return at_max(plot, dict({"what": _what(plot, o), "verb": "gives"}, **o))


KINDS = {"at_max": at_max, "growth": growth, "nested_vs_single": nested_vs_single,
         "onoff": onoff, "hit": hit, "backends": backends, "scaling": scaling,
         "extremes": extremes, "bound": bound}


def reading(plot):
    kind, opts = plot.spec["reading"]
    try:
        return KINDS[kind](plot, opts)
    except (KeyError, IndexError, ValueError, ZeroDivisionError, TypeError, StopIteration) as e:
        return "No reading: the data do not fit the '%s' reading (%s)." % (kind, e)
