#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check nb_topo_json's output with a real JSON parser.

Runs `machine_topo --json`, which prints the JSON line, then the summary's
fields as key=value pairs, then the CPU model; the JSON must be an object
holding exactly those values, and the CPU count must match Python's own view
of the machine (os.cpu_count(): online CPUs).
"""
import json
import os
import subprocess
import sys


def main():
    out = subprocess.run([sys.argv[1], "--json"], check=True, capture_output=True,
                         text=True).stdout.split("\n")
    obj = json.loads(out[0])
    facts = dict(kv.split("=") for kv in out[1].split())
    model = out[2]
    bad = []
    if not isinstance(obj, dict):
        bad.append("not an object: %r" % obj)
        obj = {}
    for key, val in facts.items():
        if type(obj.get(key)) is not int or obj[key] != int(val):
            bad.append("%s: JSON %r, summary %s" % (key, obj.get(key), val))
    if obj.get("cpu_model") != model or not model:
        bad.append("cpu_model: JSON %r, summary %r" % (obj.get("cpu_model"), model))
    if obj.get("pus") != os.cpu_count():
        bad.append("pus %r, os.cpu_count() %r" % (obj.get("pus"), os.cpu_count()))
    for key in ("cores", "packages", "numa_nodes"):
        if not isinstance(obj.get(key), int) or obj[key] < 1:
            bad.append("%s: %r, want >= 1" % (key, obj.get(key)))
    if not isinstance(obj.get("hwloc_version"), str):
        bad.append("hwloc_version missing")
    for b in bad:
        print("check_topo_json: " + b, file=sys.stderr)
    print(out[0])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
