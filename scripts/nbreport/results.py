# SPDX-License-Identifier: MIT
"""Read a results folder: run.json, env.json and raw/<family>.json.

Nothing here raises on bad data: every fault becomes a line in
Results.problems, and the report renders whatever else is there.
"""
import glob
import json
import math
import os
import re
import statistics

from . import families

# The benchmark binaries (families) of the default suite, from
# bench/families.txt (script families such as the guest are optional); the
# report says which of them are missing. (A binary may hold several name
# prefixes: nb-bench-invalidate also runs iotlb/...)
KNOWN_FAMILIES = families.names(binaries_only=True)

TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
META = {"name", "run_name", "run_type", "repetitions", "repetition_index", "threads",
        "iterations", "real_time", "cpu_time", "time_unit", "family_index",
        "per_family_instance_index", "aggregate_name", "aggregate_unit", "label",
        "error_occurred", "error_message", "big_o", "rms"}
# Google Benchmark's own name suffixes (threads, fixed iterations, ...).
GB_SUFFIX = re.compile(r"/(?:threads|iterations|repeats|min_time|min_warmup_time):[^/]+"
                       r"|/(?:real_time|manual_time)(?=/|$)")


def base_name(name):
    return GB_SUFFIX.sub("", name)


class Family:
    def __init__(self, name):
        self.name = name
        self.status = None     # from run.json: ok, failed, interrupted, skipped
        self.reason = ""
        self.seconds = None
        self.raw = None        # raw/<name>.json path if usable
        self.raw_problem = ""  # why raw/<name>.json could not be used
        self.log = None        # raw/<name>.log (the binary's console output) if present
        self.context = {}
        self.values = {}       # base name -> {metric: value}; metric "time" is ns
        self.spread = {}       # base name -> {metric: (min, max)} over repetitions
        self.reps = {}         # base name -> repetitions that reported
        self.errors = []       # (benchmark, message) of benchmarks that failed
        self.manual_time = set()  # base names whose time the benchmark set itself
        self.repetitions = 1

    @property
    def has_data(self):
        return bool(self.values)


class Results:
    def __init__(self, path):
        self.path = path
        self.run = {}
        self.env = {}
        self.families = {}
        self.problems = []

    def generations(self):
        """The Linux generation each model reproduces and the file its
        hardware came from, from the benchmarks' JSON context (linux.<model>,
        config.<model>): [(model, generation, file)], sorted; "" where a
        family did not say."""
        gen, cfg = {}, {}
        for f in self.families.values():
            for k, v in f.context.items():
                if k.startswith("linux."):
                    gen[k[len("linux."):]] = str(v)
                elif k.startswith("config."):
                    cfg[k[len("config."):]] = str(v)
        return [(m, gen.get(m, ""), cfg.get(m, "")) for m in sorted(gen)]

    def values(self):
        """Every benchmark of every family: base name -> {metric: value}."""
        out = {}
        for f in self.families.values():
            out.update(f.values)
        return out

    def spread(self):
        """base name -> {metric: (min, max)} over its repetitions."""
        out = {}
        for f in self.families.values():
            out.update(f.spread)
        return out

    def reps(self):
        """base name -> number of repetitions behind its median."""
        out = {}
        for f in self.families.values():
            out.update(f.reps)
        return out

    def family(self, name):
        if name not in self.families:
            self.families[name] = Family(name)
        return self.families[name]

    def missing(self):
        """(family, why) for every known or listed family without data."""
        out = []
        for name in sorted(set(KNOWN_FAMILIES) | set(self.families)):
            f = self.families.get(name)
            if f and f.status == "none" and not f.has_data:
                continue          # nothing of it was selected here (--filter, another shard)
            if f and f.has_data:
                if f.status and f.status != "ok":
                    out.append((name, "partial results (%d benchmarks): %s%s" % (
                        len(f.values), f.status, ": " + f.reason if f.reason else "")))
                continue
            if f and f.raw_problem:
                out.append((name, f.raw_problem))
            elif f is None or (f.status is None and f.raw is None):
                out.append((name, "not run: absent from run.json, no raw/%s.json (no benchmark "
                                  "binary for it in this build?)" % name))
            elif f.status and f.status != "ok":
                out.append((name, "%s%s" % (f.status, ": " + f.reason if f.reason else "")))
            elif f.raw is None:
                out.append((name, "run.json says %s, but there is no raw/%s.json" % (
                    f.status, name)))
            else:
                out.append((name, "raw/%s.json holds no usable results" % name))
        return out


def _read_json(path, problems, what, rel):
    try:
        with open(path, "r", encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        problems.append("%s is missing (%s)" % (rel, what))
    except json.JSONDecodeError as e:
        problems.append("%s is not valid JSON (%s at line %d column %d): %s ignored"
                        % (rel, e.msg, e.lineno, e.colno, what))
    except (OSError, UnicodeDecodeError) as e:
        problems.append("%s cannot be read (%s): %s ignored" % (rel, e, what))
    return None


def _numeric(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _load_raw(fam, path, problems):
    rel = "raw/%s.json" % fam.name
    doc = _read_json(path, problems, "family %s" % fam.name, rel)
    if doc is None:
        fam.raw_problem = problems[-1]
        return
    if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list):
        problems.append("%s has no \"benchmarks\" list (not Google Benchmark JSON): ignored"
                        % rel)
        fam.raw_problem = problems[-1]
        return
    fam.raw = path
    fam.context = doc.get("context") if isinstance(doc.get("context"), dict) else {}
    runs, aggs = {}, {}
    for b in doc["benchmarks"]:
        if not isinstance(b, dict) or not isinstance(b.get("name"), str):
            continue
        raw_name = b.get("run_name", b["name"])
        name = base_name(raw_name)
        if re.search(r"/manual_time(?=/|$)", str(raw_name)):
            fam.manual_time.add(name)
        if b.get("error_occurred"):
            fam.errors.append((name, b.get("error_message", "error")))
            continue
        vals = {k: v for k, v in b.items() if k not in META and _numeric(v)}
        unit = TO_NS.get(b.get("time_unit", "ns"), 1.0)
        if _numeric(b.get("real_time")):
            vals["time"] = b["real_time"] * unit
        if _numeric(b.get("cpu_time")):
            vals["cpu_time"] = b["cpu_time"] * unit
        if b.get("run_type") == "aggregate":
            aggs.setdefault(name, {})[b.get("aggregate_name", "")] = vals
        else:
            runs.setdefault(name, []).append(vals)
            fam.repetitions = max(fam.repetitions, int(b.get("repetitions", 1) or 1))
    for name, reps in runs.items():
        keys = set().union(*reps)
        fam.values[name] = {k: statistics.median([r[k] for r in reps if k in r]) for k in keys}
        fam.spread[name] = {k: (min(r[k] for r in reps if k in r), max(r[k] for r in reps if k in r))
                            for k in keys}
        fam.reps[name] = len(reps)
    for name, a in aggs.items():
        if name not in fam.values and ("median" in a or "mean" in a):
            fam.values[name] = a.get("median", a.get("mean"))


def load(path):
    res = Results(path)
    run = _read_json(os.path.join(path, "run.json"), res.problems, "run status", "run.json")
    if isinstance(run, dict):
        res.run = run
        for f in run.get("families", []) if isinstance(run.get("families"), list) else []:
            if isinstance(f, dict) and isinstance(f.get("name"), str):
                fam = res.family(f["name"])
                fam.status = f.get("status")
                fam.reason = str(f.get("reason", "") or "")
                fam.seconds = f.get("seconds") if _numeric(f.get("seconds")) else None
    env = _read_json(os.path.join(path, "env.json"), res.problems, "environment", "env.json")
    if isinstance(env, dict):
        res.env = env
    for raw in sorted(glob.glob(os.path.join(path, "raw", "*.json"))):
        name = os.path.splitext(os.path.basename(raw))[0]
        _load_raw(res.family(name), raw, res.problems)
    for log in sorted(glob.glob(os.path.join(path, "raw", "*.log"))):
        res.family(os.path.splitext(os.path.basename(log))[0]).log = log
    return res
