#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The family table (bench/families.txt) against everything derived from it
(issue 18: a family was typed in five places). Fails if a family is missing
from, or extra in, any of:
  - the bench/ folders with sources (a folder that is not a family, a family
    without its folder);
  - the binaries CMake built (nb-bench-<name> for every "bench" family);
  - `nestbench run --help`'s family list (the C table CMake generated);
  - the report: results.py KNOWN_FAMILIES, and the plot table (specs.py:
    every plot's family is a name prefix some family writes, every family
    has a plot);
  - each binary's own --describe: its family name, a quick subset that is a
    non-empty part of its full list, names under its declared prefixes.
Reference: the table file itself, read here with a plain split (not the
project's parser)."""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "report"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nbtest import Test  # noqa: E402
from runnerenv import no_leak_check  # noqa: E402


def table(repo):
    rows = []
    with open(os.path.join(repo, "bench", "families.txt")) as f:
        for line in f:
            if line.strip() and not line.lstrip().startswith("#"):
                rows.append(line.split())
    return rows


def describe(t, binary, *flags):
    rc, out, err = t.run([binary, "--describe"] + list(flags), env=no_leak_check())
    head = dict(re.findall(r"^# ([a-z_]+): ?(.*)$", out, re.M))
    names = [ln for ln in out.splitlines() if ln and not ln.startswith("#")]
    return rc, head, names, err


def main():
    t = Test("runner_families", extra=("--nestbench", "--bench-dir"))
    repo, bench = t.repo, t.args.bench_dir
    rows = table(repo)
    fams = [r[0] for r in rows]
    binaries = [r[0] for r in rows if r[1] == "bench"]
    t.check(len(rows) >= 6 and len(set(fams)) == len(fams), "the table has the families, each once",
            fams)

    dirs = sorted(os.path.basename(os.path.dirname(p))
                  for p in glob.glob(os.path.join(repo, "bench", "*", "*.c")))
    dirs = sorted(set(dirs) - {"common", "shim"})
    t.check(dirs == sorted(binaries), "bench/<folder>s with sources are exactly the bench families",
            "folders %s, table %s" % (dirs, sorted(binaries)))
    for name in binaries:
        b = os.path.join(bench, name, "nb-bench-" + name)
        t.check(os.access(b, os.X_OK), "CMake built nb-bench-%s" % name, b)

    rc, out, err = t.run([t.args.nestbench, "run", "--help"])
    listed = re.search(r"^families:(.*)$", out, re.M)
    t.check(rc == 0 and listed and listed.group(1).split() == fams,
            "nestbench run --help lists the table's families in its order (the generated C table)",
            listed.group(0) if listed else out[-300:])

    sys.path.insert(0, os.path.join(repo, "scripts"))
    from nbreport import results, specs
    t.check(tuple(results.KNOWN_FAMILIES) == tuple(binaries),
            "the report's KNOWN_FAMILIES are the table's binary families",
            "%s vs %s" % (results.KNOWN_FAMILIES, binaries))
    prefixes = {r[0]: r[7].split(",") for r in rows}
    every = {p for ps in prefixes.values() for p in ps}
    spec_fams = {s["family"] for s in specs.SPECS}
    t.check(spec_fams <= every, "every plot's family is a prefix some family writes",
            sorted(spec_fams - every))
    for name, ps in prefixes.items():
        t.check(bool(set(ps) & spec_fams), "family %s has a plot in the report (specs.py)" % name,
                "its prefixes %s, plot families %s" % (ps, sorted(spec_fams)))

    for name in binaries:
        b = os.path.join(bench, name, "nb-bench-" + name)
        rc, head, full, err = describe(t, b)
        t.check(rc == 0 and head.get("family") == name and full,
                "nb-bench-%s --describe: its family and its benchmarks" % name, err[-300:])
        rc, qhead, quick, err = describe(t, b, "--quick")
        t.check(rc == 0 and quick and set(quick) <= set(full),
                "nb-bench-%s --quick selects a non-empty part of its list (%d of %d)" % (
                    name, len(quick), len(full)), err[-300:])
        outside = sorted({n.split("/")[0] for n in full} - set(prefixes[name]))
        t.check(not outside, "nb-bench-%s writes only its declared prefixes %s" % (
            name, prefixes[name]), outside)
        if head.get("host_timed"):
            t.check(any(re.search(head["host_timed"], n) for n in full),
                    "nb-bench-%s's host_timed filter matches some of its benchmarks" % name,
                    head["host_timed"])
    t.done()


if __name__ == "__main__":
    main()
