# SPDX-License-Identifier: MIT
"""A run's families that ran as several processes (raw/parts/<family>.<k>.json
and .log): joined into raw/<family>.json and raw/<family>.log, in the order
of the family's listing (plan.json), then the parts removed. A part that
failed or was stopped left no JSON: the others are joined (run.json says
what failed); no JSON at all leaves raw/<family>.json as it was."""
import glob
import os
import re

import nb_atomic

from . import gbjson
from .folder import read_json

PART = re.compile(r"^(?P<family>[a-z][a-z0-9_]*)\.(?P<part>\d+)\.(?P<ext>json|log)$")


def _parts(raw):
    found = {}
    for p in glob.glob(os.path.join(raw, "parts", "*")):
        m = PART.match(os.path.basename(p))
        if m:
            found.setdefault(m.group("family"), []).append((int(m.group("part")), m.group("ext"), p))
    return {f: sorted(v) for f, v in found.items()}


def join_logs(entries, out):
    """entries: [(header, path)] -> one log with a header line before each."""
    text = []
    for header, path in entries:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                body = f.read()
        except OSError as e:
            body = "(cannot read %s: %s)\n" % (path, e.strerror)
        text.append("==== %s ====\n%s%s" % (header, body, "" if body.endswith("\n") else "\n"))
    nb_atomic.write_atomic(out, "".join(text))


def join(rd):
    """Join every family's parts in results folder rd; returns the families joined."""
    raw = os.path.join(rd, "raw")
    plan = read_json(os.path.join(rd, "plan.json"), "the run's plan")
    position = {f["name"]: {b[1]: b[0] for b in f.get("benchmarks", [])}
                for f in plan.get("families", [])}
    done = []
    for family, files in sorted(_parts(raw).items()):
        jsons = [(k, p) for k, ext, p in files if ext == "json"]
        logs = [("part %d" % k, p) for k, ext, p in files if ext == "log"]
        if jsons:
            docs = [gbjson.load(p) for _, p in jsons]
            doc = gbjson.join(docs, position.get(family, {}),
                              "%d processes of one run: parts %s" % (
                                  len(docs), ", ".join(str(k) for k, _ in jsons)))
            nb_atomic.write_atomic(os.path.join(raw, family + ".json"), gbjson.dumps(doc))
        if logs:
            join_logs(logs, os.path.join(raw, family + ".log"))
        for _, _, p in files:
            os.unlink(p)
        done.append(family)
    try:
        os.rmdir(os.path.join(raw, "parts"))
    except OSError:
        pass                      # not there, or something else is in it: it stays
    return done
