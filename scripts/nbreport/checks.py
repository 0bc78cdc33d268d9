# SPDX-License-Identifier: MIT
"""Self-checks on the benchmark output: claims the results must keep.

  limit bound   every pgwalk walk with a limit takes at least 0.9x it (the
                same reads replayed, bench/pgwalk/limit.h): a limit a walk
                beats by more than noise is not a bound, and the report says
                so. Walks of sequential IOVAs report none (pgwalk.c says why);
                the check names how many.
  fitted        every calibration figure a constant was fitted to
                (configs/guest_path.cfg) is still reproduced within 2%: the
                model's command costs or the formula moved under the fit.
  nested oracle the stale-translation oracle found nothing in the nested replay
                (replay/nested*: real guest streams over a VMM's stage 2) with
                the shipped models, and it ran.
A check with nothing to look at (the family did not run) is "not run", not
passed. nb_report.py exits 3 when one fails.
"""
import re

from . import calibration
from .util import num

BOUND = 0.9
FIT_TOLERANCE = 0.02
WALK = re.compile(r"^pgwalk/(single|nested)/")
NESTED = re.compile(r"^replay/nested")


class Check:
    def __init__(self, name, status, detail):
        self.name, self.status, self.detail = name, status, detail   # ok, fail, not run


def limit_bound(results):
    walks = [(n, v) for n, v in results.values().items() if WALK.match(n)]
    ratios = [(v["ratio_to_limit"], n) for n, v in walks if "ratio_to_limit" in v]
    # walks of sequential IOVAs report no limit (bench/pgwalk/pgwalk.c, measure_limit)
    without = len(walks) - len(ratios)
    unlimited = "; %d walk(s) report no limit (sequential IOVAs: no replay was a bound)" % without \
        if without else ""
    if not ratios:
        return Check("limit bound", "not run", "no pgwalk walk with a ratio_to_limit counter" + unlimited)
    bad = sorted(r for r in ratios if r[0] < BOUND)
    low = min(ratios)
    if bad:
        return Check("limit bound", "fail", "%d of %d walks beat their limit by more than noise "
                     "(ratio below %s): %s%s" % (len(bad), len(ratios), num(BOUND), "; ".join(
                         "%s %s" % (n, num(r)) for r, n in bad[:5]), unlimited))
    return Check("limit bound", "ok", "all %d walks at or above %s of their limit (smallest %s: "
                 "%s)%s" % (len(ratios), num(BOUND), num(low[0]), low[1], unlimited))


def fitted(results):
    rows = [r for r in calibration.rows(results) if r.role == "fitted"]
    if not rows or all(r.model is None for r in rows):
        return Check("calibration fit", "not run", "no calibrate/ benchmarks in the results")
    bad = [r for r in rows if r.ratio is None or abs(r.ratio - 1) > FIT_TOLERANCE]
    if bad:
        return Check("calibration fit", "fail", "fitted figures no longer reproduced within "
                     "%d%% (refit configs/guest_path.cfg): %s" % (FIT_TOLERANCE * 100, "; ".join(
                         "%s at %d flow(s): model %s, published %s" % (
                             r.figure, r.flows, num(r.model) if r.model is not None else "-",
                             num(r.published)) for r in bad)))
    return Check("calibration fit", "ok", "%d fitted figures reproduced within %d%%" % (
        len(rows), FIT_TOLERANCE * 100))


def nested_oracle(results):
    runs = [(v.get("stale", 0), v.get("oracle_checks", 0), n) for n, v in results.values().items()
            if NESTED.match(n) and "oracle_checks" in v]
    checks = sum(c for _, c, _ in runs)
    if not runs or not checks:
        return Check("nested oracle", "not run", "no replay/nested benchmark ran the oracle "
                     "(--oracle-every=0, or the family did not run)")
    bad = [(s, n) for s, _, n in runs if s]
    if bad:
        return Check("nested oracle", "fail", "stale translations in %d nested replay(s): %s" % (
            len(bad), "; ".join("%s: %s" % (n, num(s)) for s, n in bad[:5])))
    return Check("nested oracle", "ok", "%s checks over %d nested replays, nothing stale" % (
        num(checks), len(runs)))


def run_all(results):
    return [limit_bound(results), fitted(results), nested_oracle(results)]
