# SPDX-License-Identifier: MIT
"""Google Benchmark JSON files of one family, joined into one: the context of
the first, every benchmark entry in the order of the family's listing (the
order one process would have run them in), entries of one benchmark
(repetitions, then aggregates) in their own order."""
import json

from .folder import MergeError, read_json


def load(path):
    doc = read_json(path, "benchmark results")
    if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list):
        raise MergeError("%s has no \"benchmarks\" list: not Google Benchmark JSON" % path)
    return doc


def join(docs, position, note):
    """docs: [doc]; position: {benchmark name: place in the listing} (names it
    lacks go last, in their order); note: said in the context (nb_joined)."""
    entries = []
    for d, doc in enumerate(docs):
        for i, b in enumerate(doc["benchmarks"]):
            name = b.get("run_name", b.get("name")) if isinstance(b, dict) else None
            entries.append((position.get(name, len(position)), d, i, b))
    entries.sort(key=lambda e: e[:3])
    ctx = dict(docs[0].get("context", {})) if isinstance(docs[0].get("context"), dict) else {}
    ctx["nb_joined"] = note
    return {"context": ctx, "benchmarks": [e[3] for e in entries]}


def dumps(doc):
    return json.dumps(doc, indent=2) + "\n"
