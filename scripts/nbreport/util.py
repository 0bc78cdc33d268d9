# SPDX-License-Identifier: MIT
"""Small helpers: atomic writes (scripts/nb_atomic.py's) and number formatting."""
from nb_atomic import PublishError, publish, write_atomic  # noqa: F401 (the one helper)


def num(v):
    """A short human number: 65, 2.5, 0.931, 12,345, 1.2e-05."""
    if v is None:
        return "-"
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 1e4:
        return "{:,.0f}".format(v)
    if a >= 100:
        return "%.0f" % v
    if a >= 1e-3:
        s = "%.3g" % v
        return s
    return "%.2e" % v


def kib(v):
    """KiB count as a size: 16 KiB, 4 MiB, 256 MiB, 1 GiB."""
    v = float(v)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        if v < 1024 or unit == "TiB":
            return ("%d %s" % (v, unit)) if v == int(v) else ("%.3g %s" % (v, unit))
        v /= 1024.0
    return "%g" % v


def ratio(a, b):
    """a / b as '8.3x' (None when b is 0)."""
    if not b:
        return None
    r = a / b
    return ("%.0f" % r if r >= 100 else "%.3g" % r) + "×"


def join_and(items):
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def same_value(a, b):
    """Equal as a reader sees them: within 0.05% (averages of deterministic
    counts over different iteration counts differ in the last digits)."""
    return abs(a - b) <= 5e-4 * max(abs(a), abs(b), 1e-12)
