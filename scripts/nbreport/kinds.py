# SPDX-License-Identifier: MIT
"""What a counter is: host time, modelled, a count, or unlabelled.

The generic section (generic.py) shows a family's counters without a plot
spec to say what they mean, so each number is labelled from what the results
themselves say, in this order (the first that says something wins):
  1. the family: a JSON context key "counter_kind.<counter>" whose value is
     "host time", "modelled" or "count" (a family writes it from its
     register function: nb_bench_ctx("counter_kind.cmds", "count"));
  2. Google Benchmark's own figures: time (real time per iteration) and
     cpu_time are host time, except time when the benchmark set its own
     iteration time (manual time: only the family knows what that is); items_per_second and
     bytes_per_second are per second of host time;
  3. perf_* (bench/common: the perf events of this host per iteration):
     perf_task_clock and perf_cpu_clock are host time, the others counts of
     host events;
  4. the name's words (split at "_"): "host" is host time; "modelled" or
     "modeled" is modelled; a rate (per_second, per_s) or a time unit (ns,
     us, ms, cycles, seconds) without one of those is unlabelled (the name
     does not say whose time); a word of COUNT_WORDS is a count;
  5. nothing said: "unlabelled". Never a guess.
"""
import re

HOST, MODELLED, COUNT, UNLABELLED = "host time", "modelled", "count", "unlabelled"
DECLARED = {"host time": HOST, "host": HOST, "modelled": MODELLED, "modeled": MODELLED,
            "count": COUNT}
CONTEXT_PREFIX = "counter_kind."
# Words that make a counter a count: the counters the shipped families write
# (bench/*/: cmds_per_unmap, refs_per_walk, refill_misses, syncs_per_io, ...).
COUNT_WORDS = {"count", "cmds", "commands", "refs", "reads", "misses", "hits", "syncs",
               "doorbells", "collateral", "stale", "checks", "updates", "flushes",
               "invalidations"}
TIME_WORDS = {"ns", "us", "ms", "cycles", "seconds"}
GB_RATES = {"items_per_second", "bytes_per_second"}
PERF_TIME = {"perf_task_clock", "perf_cpu_clock"}


def declared(context):
    """{counter: (kind, source)} of the family's counter_kind.* context keys;
    a value that is not a kind is unlabelled, and says so."""
    out = {}
    for key, value in context.items():
        if not key.startswith(CONTEXT_PREFIX):
            continue
        counter = key[len(CONTEXT_PREFIX):]
        kind = DECLARED.get(str(value).strip().lower())
        if kind:
            out[counter] = (kind, "the family (context %s)" % key)
        else:
            out[counter] = (UNLABELLED, "the family's context %s is \"%s\": not host time, "
                            "modelled or count" % (key, value))
    return out


def by_name(counter, manual_time=False):
    """(kind, source) from the counter's name alone (rules 2 to 5)."""
    if counter == "time" and manual_time:
        return UNLABELLED, "manual time: the family sets each iteration's time itself"
    if counter in ("time", "cpu_time"):
        what = "real" if counter == "time" else "CPU"
        return HOST, "Google Benchmark: %s time per iteration (ns)" % what
    if counter in GB_RATES:
        return HOST, "Google Benchmark: a rate per second of host time"
    if counter in PERF_TIME:
        return HOST, "perf: this host's task clock per iteration"
    if counter.startswith("perf_"):
        return COUNT, "perf: events on this host per iteration"
    words = set(re.split(r"_+", counter.lower()))
    if "host" in words:
        return HOST, "the name: \"host\""
    hit = words & {"modelled", "modeled"}
    if hit:
        return MODELLED, "the name: \"%s\"" % sorted(hit)[0]
    if "per_second" in counter or counter.endswith("per_s") or words & TIME_WORDS:
        return UNLABELLED, "a time or rate, but the name does not say whose (host or modelled)"
    hit = words & COUNT_WORDS
    if hit:
        return COUNT, "the name: \"%s\"" % sorted(hit)[0]
    return UNLABELLED, "neither the family nor the name says"


def kind_of(counter, declared_kinds, manual_time=False):
    """(kind, source): the family's declaration first, then the name."""
    if counter in declared_kinds:
        return declared_kinds[counter]
    return by_name(counter, manual_time)
