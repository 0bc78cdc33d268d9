#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""nb_merge.py: results folders of `nestbench run` joined into one, with its report.

usage: nb_merge.py DIR... --out OUT [--partial] [--no-report]
       nb_merge.py --by-machine DIR[=LABEL]... --out OUT [--no-report]
       nb_merge.py --join-parts DIR

DIR...        the shards of one suite (`nestbench run --shard=I/N`, any machines):
              OUT becomes the results folder one unsharded run would have left
              (raw/<family>.json with every benchmark in its listing's order,
              run.json, plan.json, env.json, the report). Refused, with the
              reason: different commits or flags, a shard given twice, a shard
              missing (--partial merges what is there and the report says what
              is missing), shards that selected different benchmarks or do not
              cover their selection exactly once.
--by-machine  results of different machines (any flags, any commits) in one
              report: OUT/machines/<LABEL>/ holds each folder, every plot draws
              each machine as its own series, the environments side by side, and
              OUT/compare/<LABEL>-vs-<FIRST>.md is nb_compare.py's verdict for each
              machine against the first (its rules and exit statuses). LABEL
              (default: the host name the benchmarks recorded if the hosts
              differ, else the folder's name) names the machine in the plots.
--join-parts  what `nestbench run` does after a run whose families ran in several
              processes: raw/parts/<family>.<k>.json and .log into
              raw/<family>.json and .log (docs/runner.md).
--out OUT     a new folder (or an empty one).
--no-report   the merged results only (no plots, index.html, summary.md).

Exit status: 0 merged (and the report written); 1 merged, but a family failed or
was interrupted in some shard, or the report generator failed or found a
self-check failed (nb_report.py exit 3); 2 usage, or
folders that cannot be merged as given (the message says why); 4 OUT or a file in
it, or standard output, could not be written.
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nb_atomic  # noqa: E402 (this folder's publishing helper)
from nbmerge import machines, parts, shards  # noqa: E402
from nbmerge.folder import MergeError  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_OUTPUT = 0, 1, 2, 4


class Usage(argparse.ArgumentParser):
    def error(self, message):
        print("nb_merge: %s (see --help)" % message, file=sys.stderr)
        sys.exit(EXIT_USAGE)


def fresh_out(out, inputs):
    real = os.path.realpath(out)
    for d in inputs:
        if os.path.realpath(d) == real:
            raise MergeError("--out %s is one of the folders to merge" % out)
    if os.path.exists(out) and (not os.path.isdir(out) or os.listdir(out)):
        raise MergeError("--out %s exists and is not an empty folder: merge into a new one" % out)
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as e:
        raise nb_atomic.PublishError("%s: cannot create: %s" % (out, e.strerror))


def report(out):
    r = subprocess.run([sys.executable, os.path.join(HERE, "nb_report.py"), out])
    return r.returncode


def main():
    ap = Usage(prog="nb_merge.py", description=__doc__.split("\n\n")[0], add_help=True,
               usage=__doc__.split("\n\n")[1].replace("usage: ", "", 1))
    ap.add_argument("dirs", nargs="*")
    ap.add_argument("--out")
    ap.add_argument("--by-machine", action="store_true")
    ap.add_argument("--join-parts", metavar="DIR")
    ap.add_argument("--partial", action="store_true")
    ap.add_argument("--no-report", action="store_true")
    if any(a in ("-h", "--help") for a in sys.argv[1:]):
        print(__doc__.strip())
        return EXIT_OK
    a = ap.parse_args()
    try:
        if a.join_parts:
            if a.dirs or a.out or a.by_machine:
                ap.error("--join-parts DIR takes no other folders or flags")
            parts.join(a.join_parts)
            return EXIT_OK
        if not a.out:
            ap.error("--out OUT is required")
        if len(a.dirs) < (2 if a.by_machine else 1):
            ap.error("give the folders to merge (two or more with --by-machine)")
        if a.by_machine and a.partial:
            ap.error("--partial is for shards, not --by-machine")
        specs = [(d.split("=", 1)[0], d.split("=", 1)[1] if "=" in d else None)
                 if a.by_machine else (d, None) for d in a.dirs]
        fresh_out(a.out, [p for p, _ in specs])
        if a.by_machine:
            doc = machines.merge(specs, a.out)
            bad = []
            for m in doc["machines"][1:]:
                print("nb_merge: %s vs %s: %s (see %s)" % (
                    m["label"], m["compare"]["against"], m["compare"]["verdict"],
                    os.path.join(a.out, m["compare"]["markdown"])))
        else:
            bad = shards.merge(a.dirs, a.out, a.partial)
            for fam in bad:
                print("nb_merge: family %s did not complete in every shard (see run.json)" % fam,
                      file=sys.stderr)
    except MergeError as e:
        print("nb_merge: cannot merge: %s" % e, file=sys.stderr)
        return EXIT_USAGE
    except nb_atomic.PublishError as e:
        print("nb_merge: %s" % e, file=sys.stderr)
        return EXIT_OUTPUT
    rc = EXIT_PROBLEMS if bad else EXIT_OK
    rep = report(a.out) if not a.no_report else 0
    if rep:   # 3: written, but a self-check of the results failed
        print("nb_merge: the report generator %s" % (
            "found a self-check failed (see the report)" if rep == 3 else "failed"), file=sys.stderr)
        rc = EXIT_PROBLEMS
    print("nb_merge: merged %d folders into %s" % (len(a.dirs), a.out))
    return rc


if __name__ == "__main__":
    from nb_stdout import run_main
    run_main(main, "nb_merge")
