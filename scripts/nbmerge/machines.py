# SPDX-License-Identifier: MIT
"""Results of several machines in one folder, for one report: OUT/machines.json
names them, OUT/machines/<label>/ holds each one's results folder as it was
(run.json, env.json, plan.json, raw/), and OUT/compare/ each machine against
the first through scripts/nb_compare.py (its verdict rules and exit statuses,
--allow-missing: machines may run different benchmarks). The report
(scripts/nb_report.py) sees machines.json and draws every plot with the
machine as a series dimension, the environments side by side.

Machines may differ in anything (commit, configuration, CPU, kernel): each
one's is shown, nothing is refused but an unreadable folder or a label given
twice."""
import json
import os
import re
import subprocess
import sys

import nb_atomic

from .folder import Folder, MergeError

LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _host(folder):
    """The host name the benchmarks recorded (Google Benchmark's context)."""
    for path in folder.raw.values():
        try:
            with open(path, encoding="utf-8") as f:
                host = json.load(f).get("context", {}).get("host_name")
        except (OSError, ValueError, AttributeError):
            continue
        if host:
            return host
    return None


def labels(specs, folders):
    """specs: [(path, label or None)] -> labels: given, else the host name when
    the hosts differ, else the folder's name."""
    hosts = [_host(f) for f in folders]
    use_host = all(hosts) and len(set(hosts)) == len(hosts)
    out = []
    for (path, given), host in zip(specs, hosts):
        label = given or (host if use_host else os.path.basename(os.path.abspath(path)))
        label = label if given else re.sub(r"[^A-Za-z0-9._-]+", "_", label)[:64]
        if not LABEL.match(label):
            raise MergeError("label '%s' (for %s): letters, digits, '.', '_', '-', at most 64, "
                             "starting with a letter or digit" % (label, path))
        if label in out:
            raise MergeError("two machines are labelled '%s': name them, DIR=LABEL" % label)
        out.append(label)
    return out


def _copy(src, dst):
    with open(src, "rb") as f:
        nb_atomic.write_atomic(dst, f.read())


def _compare(out, base, label):
    """nb_compare.py BASE NEW for one machine against the first; its exit status."""
    d = os.path.join(out, "compare")
    os.makedirs(d, exist_ok=True)
    stem = os.path.join(d, "%s-vs-%s" % (label, base))
    r = subprocess.run([sys.executable, os.path.join(HERE, "nb_compare.py"),
                        os.path.join(out, "machines", base), os.path.join(out, "machines", label),
                        "--allow-missing", "--markdown", stem + ".md", "--json", stem + ".json"],
                       capture_output=True, text=True)
    nb_atomic.write_atomic(stem + ".log", r.stdout + r.stderr)
    return r.returncode


def merge(specs, out):
    """specs: [(path, label or None)]; writes out; returns machines.json's content."""
    if len(specs) < 2:
        raise MergeError("--by-machine needs the results of two machines or more")
    folders = [Folder(p, need_plan=False) for p, _ in specs]
    names = labels(specs, folders)
    machines = []
    for folder, label in zip(folders, names):
        dst = os.path.join(out, "machines", label)
        os.makedirs(os.path.join(dst, "raw"), exist_ok=True)
        for name in ("run.json", "env.json", "plan.json"):
            if os.path.exists(os.path.join(folder.path, name)):
                _copy(os.path.join(folder.path, name), os.path.join(dst, name))
        for fam, p in list(folder.raw.items()) + list(folder.logs.items()):
            _copy(p, os.path.join(dst, "raw", os.path.basename(p)))
        machines.append({"label": label, "source": os.path.abspath(folder.path),
                         "commit": folder.run.get("commit"), "config": folder.run.get("config"),
                         "cpu": folder.env.get("cpu"), "kernel": folder.env.get("kernel")})
    for m in machines[1:]:
        status = _compare(out, machines[0]["label"], m["label"])
        m["compare"] = {"against": machines[0]["label"], "exit_status": status,
                        "verdict": {0: "no regression", 1: "regressed", 2: "not comparable",
                                    3: "inconclusive", 4: "output not written"}.get(status, "?"),
                        "markdown": "compare/%s-vs-%s.md" % (m["label"], machines[0]["label"])}
    doc = {"version": 1, "machines": machines}
    nb_atomic.write_atomic(os.path.join(out, "machines.json"), json.dumps(doc, indent=2) + "\n")
    return doc
