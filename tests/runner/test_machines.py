#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""One report over several machines (`nestbench merge --by-machine`, issue 20
point 3). Two results folders made here with different hardware descriptions
stand in for two machines ("big", --set=iotlb.entries=512; "shipped", the
shipped models). Checks:
  - merge writes machines.json, each machine's folder, and compare's verdict
    (scripts/nb_compare.py, "shipped" against "big") with its exit status;
  - every plot the report draws has series of both machines (plots/*.dat:
    the series headers, "big: ..." and "shipped: ..."), and every reading
    speaks for both;
  - the environments stand side by side, the configurations differ visibly;
  - the page loads in headless Chromium: every image and SVG decodes, no
    script error (the page's own self-check, as tests/report/test_browser.py).
No chromium: the browser check is skipped (77) after the others passed."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "report"))
sys.path.insert(0, HERE)
from nbtest import Test  # noqa: E402
from test_browser import selfcheck  # noqa: E402
from runnerenv import no_leak_check  # noqa: E402

FLAGS = ["--quick", "--no-report", "--jobs=1", "--families=invalidate,strategies,mapunmap",
         "--filter=^(invalidate/|iotlb/random/|strategies/instances/|mapunmap/emu/strict/)"]
MACHINES = (("big", ["--set=iotlb.entries=512"]), ("shipped", []))


def main():
    t = Test("runner_machines", extra=("--nestbench", "--bench-dir", "--chromium"))
    nb = t.args.nestbench
    env = {k: v for k, v in no_leak_check().items() if not k.startswith(("SLURM_", "NB_SHARD"))}
    procs = {}
    for label, extra in MACHINES:
        procs[label] = subprocess.Popen([nb, "run", "--out=" + os.path.join(t.tmp, label)] + FLAGS + extra,
                                        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for label, p in procs.items():
        out = p.communicate(timeout=180)[0]
        t.check(p.returncode == 0, "the '%s' machine's run" % label, out[-600:])
    rd = os.path.join(t.tmp, "both")
    rc, so, se = t.run([nb, "merge", "--by-machine"] + ["%s=%s" % (os.path.join(t.tmp, lb), lb)
                                                         for lb, _ in MACHINES] + ["--out", rd],
                       timeout=180)
    t.check(rc == 0, "merge --by-machine writes the report", so[-600:] + se[-600:])
    doc = json.load(open(os.path.join(rd, "machines.json")))
    labels = [m["label"] for m in doc["machines"]]
    t.check(labels == ["big", "shipped"], "machines.json names both, in order", labels)
    cmp_ = doc["machines"][1].get("compare", {})
    t.check(cmp_.get("exit_status") in (0, 1, 3) and os.path.isfile(os.path.join(rd, cmp_["markdown"])),
            "compare ran shipped against big: '%s' (exit %s), its table written" % (
                cmp_.get("verdict"), cmp_.get("exit_status")), cmp_)

    dats = sorted(glob.glob(os.path.join(rd, "plots", "*.dat")))
    t.check(len(dats) >= 5, "%d plots drawn" % len(dats))
    for d in dats:
        series = re.findall(r'^\S+ "([^"]*)"$', open(d).read(), re.M)
        who = {s.split(": ", 1)[0] for s in series}
        t.check(who == {"big", "shipped"}, "%s: series of both machines (%d series)" % (
            os.path.basename(d), len(series)), series)
    page = open(os.path.join(rd, "index.html"), encoding="utf-8").read()
    readings = re.findall(r'<p class="reading">(.*?)</p>', page, re.S)
    t.check(readings and all("big:" in r and "shipped:" in r for r in readings),
            "every reading speaks for both machines (%d)" % len(readings),
            [r[:120] for r in readings if not ("big:" in r and "shipped:" in r)][:3])
    t.check("Environments side by side" in page and "iotlb.entries=512" in page,
            "the environments side by side, the configurations visible")
    t.check(os.path.isfile(os.path.join(rd, "summary.md")) and "## Machines" in open(
        os.path.join(rd, "summary.md")).read(), "summary.md has the machines' table")

    chromium = t.args.chromium or shutil.which("chromium") or ""
    if not chromium or not os.access(chromium, os.X_OK):
        if t.failures:
            t.done()
        t.skip("chromium is not installed (Debian package chromium): the page was not loaded")
    pngs = len(glob.glob(os.path.join(rd, "plots", "*.png")))
    status, text = selfcheck(t, chromium, os.path.join(rd, "index.html"))
    t.check(status == "ok" and ("OK %d images, %d svg" % (pngs, pngs)) in text,
            "Chromium loads the page: all %d images and SVGs, no script error" % pngs,
            "%s: %s" % (status, text))
    t.done()


if __name__ == "__main__":
    main()
