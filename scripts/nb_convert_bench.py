#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Benchmark of scripts/nb_trace_convert.py: QEMU log lines per second of host time,
the C lexer (nb-qemu-lex) against the Python reference (NB_QEMU_LEX=none) in the
same run, on the same captures, interleaved.

Captures: "qemu-only" is tests/trace/captures/flts-lazy/qemu.log.gz (a real VT-d
capture) written --scale times over with its times shifted (QEMU's events alone:
no guest map, every DMA outside a known mapping, the case issue 17 measures);
"with-ftrace" the same capture once with its guest ftrace and env (anchors,
placement, causality, nine workload traces); --qemu-log adds a log of yours.

Every figure is measured host time (wall clock of the whole command, Python's
start-up included): min/median/max of --runs runs, lines/s = the log's lines /
the median, and the ratio of the two lexers' medians. The load average before and
after is printed: the machine is shared, so read the spread. --stages also times
each pipeline stage in-process (one run per lexer).

Exit status: 0 measured; 1 a conversion failed or nb-qemu-lex is not built; 2 usage.
"""
import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CAPTURE = os.path.join(ROOT, "tests", "trace", "captures", "flts-lazy")
LEXER = os.path.join(ROOT, "build", "release", "scripts", "nbtrace", "lex", "nb-qemu-lex")


def scaled_log(src, dst, times):
    """src written times over, each copy's timestamps 1000 s after the last's."""
    with gzip.open(src, "rt") as f:
        lines = f.read().splitlines(True)
    with open(dst, "w") as out:
        for k in range(times):
            for ln in lines:
                pid, rest = ln.split("@", 1)
                secs, tail = rest.split(".", 1)
                out.write("%s@%d.%s" % (pid, int(secs) + 1000 * k, tail))
    return len(lines) * times


def lines_of(path):
    with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
        return sum(1 for _ in f)


def run_once(args, lexer, out):
    env = dict(os.environ, NB_QEMU_LEX=lexer)
    t = time.perf_counter()
    r = subprocess.run([sys.executable, os.path.join(HERE, "nb_trace_convert.py"), "--out", out] + args,
                       env=env, capture_output=True, text=True)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit("nb_convert_bench: the conversion failed (NB_QEMU_LEX=%s, exit %d): %s"
                 % (lexer, r.returncode, r.stderr.strip()))
    return dt


def stages(args, lexer, out):
    """Host seconds per pipeline stage of one in-process conversion."""
    sys.path.insert(0, HERE)
    import nb_trace_convert as conv
    os.environ["NB_QEMU_LEX"] = lexer
    spent, orig = {}, {}
    names = ("read_qemu_log", "read_ftrace", "env_regs", "attribute", "anchors", "place", "runs",
             "stream", "write_traces", "write_summary")
    for name in names:
        fn = orig[name] = getattr(conv, name)

        def timed(*a, _fn=fn, _name=name, **kw):
            t = time.perf_counter()
            try:
                return _fn(*a, **kw)
            finally:
                spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - t
        setattr(conv, name, timed)
    a = conv.parser().parse_args(["--out", out] + args)
    t = time.perf_counter()
    conv.convert(a)
    spent["total (in-process)"] = time.perf_counter() - t
    for name in names:
        setattr(conv, name, orig[name])
    return spent


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=__doc__.split("\n\n", 3)[3],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scale", type=int, default=16, help="copies of the real log in qemu-only (default 16)")
    ap.add_argument("--qemu-log", help="also time this QEMU log (QEMU's events alone)")
    ap.add_argument("--vendor", default="vtd", choices=("vtd", "amd"), help="of --qemu-log")
    ap.add_argument("--lexer", default=LEXER, help="nb-qemu-lex (default: the release build's)")
    ap.add_argument("--stages", action="store_true", help="also time each stage in-process")
    a = ap.parse_args()
    if a.runs < 1 or a.scale < 1:
        ap.error("--runs and --scale take a positive count")
    if not os.access(a.lexer, os.X_OK):
        sys.exit("nb_convert_bench: %s: not built (scripts/build)" % a.lexer)
    tmp = tempfile.mkdtemp(prefix="nb-convert-bench.")
    big = os.path.join(tmp, "qemu-only.log")
    cases = [("qemu-only", scaled_log(os.path.join(CAPTURE, "qemu.log.gz"), big, a.scale),
              ["--vendor", "vtd", "--qemu-log", big]),
             ("with-ftrace", lines_of(os.path.join(CAPTURE, "qemu.log.gz")),
              ["--vendor", "vtd", "--qemu-log", os.path.join(CAPTURE, "qemu.log.gz"),
               "--ftrace", os.path.join(CAPTURE, "ftrace.txt.gz"), "--env", os.path.join(CAPTURE, "nb-env.txt")])]
    if a.qemu_log:
        cases.append(("--qemu-log", lines_of(a.qemu_log), ["--vendor", a.vendor, "--qemu-log", a.qemu_log]))
    print("load average before: %.2f %.2f %.2f (%d CPUs)" % (os.getloadavg() + (os.cpu_count(),)))
    print("%-12s %-7s %9s  %-24s %12s" % ("capture", "lexer", "lines", "wall s min/median/max", "lines/s"))
    for name, lines, args in cases:
        times = {"python": [], "c": []}
        for _ in range(a.runs):
            for lexer, key in (("none", "python"), (a.lexer, "c")):
                times[key].append(run_once(args, lexer, os.path.join(tmp, "out")))
        for key in ("python", "c"):
            s = sorted(times[key])
            print("%-12s %-7s %9d  %.3f/%.3f/%.3f %18.0f" % (name, key, lines, s[0], statistics.median(s),
                                                             s[-1], lines / statistics.median(s)))
        print("%-12s C/Python speed-up (medians): %.2fx" % (
            name, statistics.median(times["python"]) / statistics.median(times["c"])))
        if a.stages:
            for lexer, key in (("none", "python"), (a.lexer, "c")):
                spent = stages(args, lexer, os.path.join(tmp, "stages-" + key))
                print("  stages (%s, host s): %s" % (key, ", ".join(
                    "%s %.3f" % kv for kv in spent.items())))
    print("load average after:  %.2f %.2f %.2f" % os.getloadavg())
    subprocess.run(["rm", "-rf", tmp])
    return 0


if __name__ == "__main__":
    sys.exit(main())
