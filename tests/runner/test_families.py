#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The family table (bench/families.txt) against everything derived from it
(issue 18: a family was typed in five places). Fails if a family is missing
from, or extra in, any of:
  - the bench/ folders with sources (a folder that is not a family, a family
    without its folder);
  - the binaries CMake built (nb-bench-<name> for every "bench" family);
  - `nestbench run --help`'s family list (the C table CMake generated);
  - the report: results.py KNOWN_FAMILIES; every plot's family (specs.py) is
    a name prefix some family writes; every family appears in the report:
    either a spec plots one of its prefixes, or the report gives it the
    generic section (scripts/nbreport/generic.py). That second way is
    checked on a report rendered here from a results folder made here: for
    each family without a spec its --describe names (a script family, or the
    made-up family nbtest_nospec that stands for a new one: two names under
    its prefix), each with a counter; its section must list every one;
  - each binary's own --describe: its family name, a quick subset that is a
    non-empty part of its full list, names under its declared prefixes.
Reference: the table file itself, read here with a plain split (not the
project's parser)."""
import glob
import json
import os
import re
import sys
from html import escape

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "report"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nbtest import Test, family_table  # noqa: E402
from runnerenv import no_leak_check  # noqa: E402


def describe(t, binary, *flags):
    rc, out, err = t.run([binary, "--describe"] + list(flags), env=no_leak_check())
    head = dict(re.findall(r"^# ([a-z_]+): ?(.*)$", out, re.M))
    names = [ln for ln in out.splitlines() if ln and not ln.startswith("#")]
    return rc, head, names, err


def generic_sections(t, names):
    """names {family: [benchmark]}: a results folder with them, its report,
    and each family's generic section listing all its benchmarks."""
    rd = os.path.join(t.tmp, "nospec")
    os.makedirs(os.path.join(rd, "raw"))
    for fam, benches in names.items():
        doc = {"context": {"nb_family": fam}, "benchmarks": [
            {"name": b, "run_name": b, "run_type": "iteration", "repetitions": 1,
             "iterations": 1, "real_time": 1.0 + i, "time_unit": "ns", "cmds_per_op": float(i)}
            for i, b in enumerate(benches)]}
        with open(os.path.join(rd, "raw", fam + ".json"), "w") as f:
            json.dump(doc, f)
    with open(os.path.join(rd, "run.json"), "w") as f:
        json.dump({"families": [{"name": n, "status": "ok"} for n in names]}, f)
    rc, out, err = t.run([sys.executable, os.path.join(t.repo, "scripts", "nb_report.py"), rd])
    t.check(rc == 0, "the report of the families without a spec is written", err[-400:])
    page = open(os.path.join(rd, "index.html"), encoding="utf-8").read() if rc == 0 else ""
    md = open(os.path.join(rd, "summary.md"), encoding="utf-8").read() if rc == 0 else ""
    for fam, benches in names.items():
        m = re.search(r'<h3 id="family-%s">.*?(?=<h3|<h2|$)' % re.escape(fam), page, re.S)
        sec = m.group(0) if m else ""
        listed = sum(1 for b in benches if "<h4>%s/…</h4>" % escape(b.rsplit("/", 1)[0]) in sec
                     and "<td class=l>%s</td>" % escape(b.rsplit("/", 1)[1]) in sec)
        t.check(listed == len(benches) and "\n### %s\n" % fam in md,
                "family %s appears in the report: its generic section lists its %d benchmarks "
                "(index.html and summary.md)" % (fam, len(benches)),
                "%d of %d listed; section: %s" % (listed, len(benches), sec[:300]))


def main():
    t = Test("runner_families", extra=("--nestbench", "--bench-dir"))
    repo, bench = t.repo, t.args.bench_dir
    rows = family_table(repo)
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
    nospec = {}
    for row in rows:
        name, ps = row[0], prefixes[row[0]]
        if set(ps) & spec_fams:     # its plots: tests/report/test_report.py on results-full
            print("note family %s appears in the report: specs.py plots %s" % (
                name, sorted(set(ps) & spec_fams)))
        elif row[1] == "bench":
            nospec[name] = describe(t, os.path.join(bench, name, "nb-bench-" + name))[2]
        else:
            nospec[name] = ["%s/generic/n:%d" % (ps[0], n) for n in (1, 2)]
    nospec["nbtest_nospec"] = ["nbtest_nospec/generic/n:%d" % n for n in (1, 2)]
    generic_sections(t, nospec)

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
