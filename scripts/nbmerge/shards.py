# SPDX-License-Identifier: MIT
"""The shards of one suite (`nestbench run --shard=I/N` folders) joined into
one results folder, as one run would have left it.

Refused, with the reason: folders of different commits or configurations
(run.json "commit", "config"), of different shard counts, a shard given twice,
a shard missing (unless partial=True), shards whose selections differ (plan.json
"selection": the same build on machines that list different benchmarks), and
shards that do not cover their selection exactly once (the union of their
plan.json benchmarks against the selection's size and FNV-1a fingerprint,
computed as cli/run_plan.c does)."""
import json
import os

import nb_atomic

from . import gbjson, parts
from .folder import Folder, MergeError

RANK = ("none", "ok", "skipped", "interrupted", "failed")


def fnv1a(text, h=0xcbf29ce484222325):
    for c in text.encode("utf-8"):
        h = ((h ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def _same(folders, key, what):
    first = folders[0]
    for f in folders[1:]:
        if f.run.get(key) != first.run.get(key):
            a, b = first.run.get(key), f.run.get(key)
            if isinstance(a, dict) and isinstance(b, dict):
                diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                a = ", ".join("%s=%s" % (k, json.dumps(a.get(k))) for k in diff)
                b = ", ".join("%s=%s" % (k, json.dumps(b.get(k))) for k in diff)
            raise MergeError("%s differs: %s in %s, %s in %s: shards of one suite come from one "
                             "commit and one set of flags" % (what, a, first.path, b, f.path))


def check(folders, partial=False):
    """The shards' count, after checking that they make one suite; MergeError if not."""
    for f in folders:
        if not f.shard:
            raise MergeError("%s is not a shard (run.json has no \"shard\"): merge the folders of "
                             "`nestbench run --shard=I/N`; results of other machines: --by-machine"
                             % f.path)
    _same(folders, "commit", "the commit")
    _same(folders, "config", "the configuration")
    counts = {f.shard[1] for f in folders}
    if len(counts) > 1:
        raise MergeError("shard counts differ: %s" % "; ".join(
            "%s is shard %d of %d" % (f.path, f.shard[0], f.shard[1]) for f in folders))
    n = counts.pop()
    seen = {}
    for f in folders:
        if f.shard[0] in seen:
            raise MergeError("shard %d of %d is given twice: %s and %s" % (
                f.shard[0], n, seen[f.shard[0]].path, f.path))
        seen[f.shard[0]] = f
    missing = [i for i in range(1, n + 1) if i not in seen]
    if missing and not partial:
        raise MergeError("shard%s %s of %d missing (have %s); --partial merges what is there" % (
            "s" if len(missing) > 1 else "", ", ".join(map(str, missing)), n,
            ", ".join(map(str, sorted(seen)))))
    sels = {json.dumps(f.plan.get("selection"), sort_keys=True) for f in folders}
    if len(sels) > 1:
        raise MergeError("the shards selected different benchmarks (plan.json \"selection\": %s): "
                         "different builds, or machines whose binaries list different benchmarks "
                         "(e.g. /dev/iommu on one only)" % "; ".join(
                             "%s in %s" % (json.dumps(f.plan.get("selection")), f.path)
                             for f in folders))
    if not missing:
        _covers(folders)
    return n


def _covers(folders):
    """Every benchmark of the selection in exactly one shard."""
    sel = folders[0].plan["selection"]
    order = [f["name"] for f in folders[0].plan.get("families", [])]
    union, owner = {}, {}
    for f in sorted(folders, key=lambda x: x.shard[0]):
        for fam in f.plan.get("families", []):
            for pos, name in [(b[0], b[1]) for b in fam.get("benchmarks", [])]:
                key = (fam["name"], name)
                if key in owner:
                    raise MergeError("benchmark %s of %s is in shard %d (%s) and shard %d (%s)" % (
                        name, fam["name"], owner[key].shard[0], owner[key].path, f.shard[0], f.path))
                owner[key] = f
                union.setdefault(fam["name"], []).append((pos, name))
    h, n = 0xcbf29ce484222325, 0
    scripts = {fam["name"] for fam in folders[0].plan.get("families", []) if fam.get("script")}
    for fam in order:
        if fam in scripts:
            h = fnv1a("%s\t*\n" % fam, h)
            continue
        for _, name in sorted(union.get(fam, [])):
            h = fnv1a("%s\t%s\n" % (fam, name), h)
            n += 1
    if n != sel.get("benchmarks") or "%016x" % h != sel.get("fnv1a64"):
        raise MergeError("the shards' benchmarks (%d, fingerprint %016x) are not their selection "
                         "(%s, %s): the shards were cut differently (another estimates file?)"
                         % (n, h, sel.get("benchmarks"), sel.get("fnv1a64")))


def _family_entry(name, entries):
    """One run.json entry for a family from the shards' entries."""
    real = [e for e in entries if e.get("status") != "none"]
    if not real:
        return dict(entries[0], name=name)
    worst = max(real, key=lambda e: RANK.index(e.get("status")) if e.get("status") in RANK else 4)
    reason = "; ".join("%s" % e["reason"] for e in real if e.get("reason"))
    return {"name": name, "status": worst.get("status"),
            "seconds": round(sum(e.get("seconds", 0) or 0 for e in real), 1),
            "cpu_seconds": round(sum(e.get("cpu_seconds", 0) or 0 for e in real), 1),
            "repetitions": worst.get("repetitions"),
            "benchmarks": sum(e.get("benchmarks", 0) or 0 for e in real),
            "reason": reason, "shards": len(real)}


def merge(paths, out, partial=False):
    """Merge the shard folders paths into the new folder out; returns the
    families whose status is not ok (failed, interrupted somewhere)."""
    folders = [Folder(p) for p in paths]
    n = check(folders, partial)
    folders.sort(key=lambda f: f.shard[0])
    os.makedirs(os.path.join(out, "raw"), exist_ok=True)
    first = folders[0]
    order = [f["name"] for f in first.run["families"]]
    position = {}
    for f in folders:
        for fam, lst in f.planned().items():
            position.setdefault(fam, {}).update({name: pos for pos, name in lst})
    for fam in order:
        have = [f for f in folders if fam in f.raw]
        if have:
            docs = [gbjson.load(f.raw[fam]) for f in have]
            doc = gbjson.join(docs, position.get(fam, {}), "%d of %d shards: %s" % (
                len(have), n, ", ".join("%d" % f.shard[0] for f in have)))
            nb_atomic.write_atomic(os.path.join(out, "raw", fam + ".json"), gbjson.dumps(doc))
        logs = [("shard %d of %d (%s)" % (f.shard[0], n, f.path), f.logs[fam])
                for f in folders if fam in f.logs]
        if logs:
            parts.join_logs(logs, os.path.join(out, "raw", fam + ".log"))
    fams = [_family_entry(fam, [f.family_status()[fam] for f in folders
                                if fam in f.family_status()]) for fam in order]
    run = {"version": first.run.get("version"), "quick": first.run.get("quick"),
           "repetitions": first.run.get("repetitions"), "commit": first.run.get("commit"),
           "config": first.run.get("config"), "shard": None,
           "merged_from": [{"shard": f.shard[0], "of": n, "folder": os.path.abspath(f.path),
                            "processes_at_once": f.run.get("processes_at_once")}
                           for f in folders],
           "families": fams}
    plan = dict(first.plan, shard=None, families=[])
    for fam in first.plan.get("families", []):
        entry = dict(fam, other_shard=False, benchmarks=[])
        for f in folders:
            for g in f.plan.get("families", []):
                if g["name"] == fam["name"]:
                    entry["benchmarks"] += g.get("benchmarks", [])
        entry["benchmarks"].sort(key=lambda b: b[0])
        entry["estimate_s"] = round(sum(b[2] for b in entry["benchmarks"]), 2)
        plan["families"].append(entry)
    env = dict(first.env)
    differ = sorted(k for f in folders[1:] for k in set(f.env) | set(env)
                    if k != "date_utc" and f.env.get(k) != env.get(k))
    env["shards"] = "%d of %d shards merged; this is shard %d's environment%s" % (
        len(folders), n, first.shard[0],
        "; the others differ in: " + ", ".join(sorted(set(differ))) if differ else
        " (the others' is the same but for the date)")
    nb_atomic.write_atomic(os.path.join(out, "run.json"), json.dumps(run, indent=2) + "\n")
    nb_atomic.write_atomic(os.path.join(out, "plan.json"), json.dumps(plan, indent=1) + "\n")
    nb_atomic.write_atomic(os.path.join(out, "env.json"), json.dumps(env, indent=2) + "\n")
    return [e["name"] for e in fams if e.get("status") not in ("ok", "skipped", "none", "not run")]
