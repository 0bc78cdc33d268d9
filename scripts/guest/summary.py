#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""summary.py: summary.md and summary.json of one guest matrix folder.

Usage: summary.py OUT_DIR KERNEL KERNEL_SECONDS CONFIG...

Reads, per configuration folder OUT_DIR/CONFIG (scripts/guest/run wrote them):
run.json, smoke.json (tests/guest/iommufd_smoke), backends.json
(tests/drivers/test_backends --json, when the matrix ran it) and
selftest_*.txt (the kernel's iommufd selftests through
scripts/guest/selftests-run). Writes both files through scripts/nb_atomic.py
(whole or not at all) and prints summary.md. A configuration or file that is missing is
shown as missing, never as passed.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import nb_atomic  # noqa: E402  the one publishing helper (scripts/nb_atomic.py)

SELFTEST_LINE = re.compile(r"^# nb-selftests: (\S+) pass (\d+) fail (\d+) excluded (\d+) "
                           r"skip (\d+) \(of (\d+)\) in ([0-9.]+) s$", re.M)


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def selftests(cfg_dir, run):
    """{program: totals} from selftest_*.txt, with each command's exit status."""
    got = {}
    for name in sorted(os.listdir(cfg_dir)):
        if not (name.startswith("selftest_") and name.endswith(".txt")) or name.endswith(".stderr.txt"):
            continue
        with open(os.path.join(cfg_dir, name), errors="replace") as f:
            text = f.read()
        cmd = name[:-4]
        rc = run.get("commands", {}).get(cmd, {}).get("rc")
        m = None
        for m in SELFTEST_LINE.finditer(text):
            pass
        if m is None:
            got[cmd] = {"program": cmd, "ok": False, "rc": rc, "problem": "no totals line (killed? see " + name + ")"}
            continue
        keys = ("pass", "fail", "excluded", "skip", "tests")
        entry = dict(zip(keys, (int(m[i]) for i in range(2, 7))))
        entry.update(program=m[1], seconds=float(m[7]), rc=rc, ok=rc == 0)
        bad = re.findall(r"^# nb-selftests: (?:not passed and not excluded|.*planned).*$", text, re.M)
        if bad:
            entry["problem"] = "; ".join(bad)
        got[cmd] = entry
    return got


def main():
    out, kernel, kernel_s, configs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    summary = {"kernel": kernel, "kernel_seconds": kernel_s, "configs": {}}
    rows, st_rows, conf = [], [], {}
    for cfg in configs:
        d = os.path.join(out, cfg)
        run = load_json(os.path.join(d, "run.json")) or {"ok": False, "problems": ["no run.json"]}
        smoke = load_json(os.path.join(d, "smoke.json"))
        backends = load_json(os.path.join(d, "backends.json"))
        st = selftests(d, run) if os.path.isdir(d) else {}
        summary["configs"][cfg] = {"run": run, "smoke": smoke, "backends": backends, "selftests": st}
        res = (smoke or {}).get("results", {})
        notok = ", ".join(f"{k}={v}" for k, v in res.items() if v != "ok") or "-"
        hw = (smoke or {}).get("vfio_hw_info") or (smoke or {}).get("mock_hw_info") or {}
        hwtxt = f"VT-d cap {hw['cap']} ecap {hw['ecap']}" if "cap" in hw else \
            f"selftest test_reg {hw['test_reg']}" if "test_reg" in hw else \
            (f"type {hw['type']} (no vendor data)" if hw else "-")
        rows.append(f"| {cfg} | {'ok' if run.get('ok') else 'FAILED'} | {run.get('wall_seconds', '-')} | "
                    f"{run.get('guest_uptime_at_init', '-')} | "
                    f"{sum(1 for v in res.values() if v == 'ok')}/{len(res)} | {notok} | {hwtxt} |")
        for e in st.values():
            if "tests" in e:
                st_rows.append(f"| {cfg} | {e['program']} | {e['pass']} | {e['fail']} | {e['excluded']} | "
                               f"{e['skip']} | {e['tests']} | {e['seconds']} | "
                               f"{'ok' if e['ok'] else 'FAILED: ' + e.get('problem', 'exit status %s' % e['rc'])} |")
            else:
                st_rows.append(f"| {cfg} | {e['program']} | - | - | - | - | - | - | FAILED: {e['problem']} |")
        if backends:
            conf[cfg] = backends
    md = ["# nestbench guest matrix", "", f"kernel: `{kernel}` (build or cache lookup: {kernel_s} s)", "",
          "| config | run | wall s | /init at s | smoke ok | not ok | GET_HW_INFO |",
          "|---|---|---|---|---|---|---|", *rows, ""]
    if st_rows:
        md += ["## The kernel's iommufd selftests", "",
               "Counts of tests (kselftest TAP); fail and skip: not in scripts/guest/selftests-exclusions; "
               "seconds: guest time.", "",
               "| config | program | pass | fail | excluded | skip | tests | s | verdict |",
               "|---|---|---|---|---|---|---|---|---|", *st_rows, ""]
    if conf:
        feats = []
        for b in conf.values():
            feats += [k for k in b.get("features", {}) if k not in feats]
        md += ["## Backend conformance (tests/drivers/test_backends)", "",
               "| config | checks | failed | skipped | " + " | ".join(feats) + " |",
               "|---|---|---|---|" + "---|" * len(feats)]
        for cfg in configs:
            b = conf.get(cfg)
            if b is None:  # the others ran it: this one's result is missing
                md.append(f"| {cfg} | missing (no backends.json) | | | " + " | ".join("-" for _ in feats) + " |")
                continue
            cells = [b.get("features", {}).get(k, {}).get("result", "-") for k in feats]
            md.append(f"| {cfg} | {b.get('checks', '-')} | {b.get('failed', '-')} | {b.get('skipped', '-')} | "
                      + " | ".join(cells) + " |")
        md.append("")
    aborts = []
    try:
        with open(os.path.join(out, "qemu-aborts.tsv")) as f:
            aborts = [ln.rstrip("\n").split("\t", 1) for ln in f if ln.strip()]
    except FileNotFoundError:
        pass
    summary["qemu_aborts"] = [{"config": a[0], "assertion": a[-1]} for a in aborts]
    if aborts:
        md += ["## QEMU aborts, booted once more", "",
               "QEMU itself aborted on an assertion (exit 134); the run is kept as CFG.qemu-abort "
               "and the table above shows the second boot.", "",
               "| config | QEMU's assertion |", "|---|---|",
               *[f"| {a[0]} | {a[-1]} |" for a in aborts], ""]
    for name, text in (("summary.md", "\n".join(md)), ("summary.json", json.dumps(summary, indent=2) + "\n")):
        try:
            nb_atomic.write_atomic(os.path.join(out, name), text)
        except nb_atomic.PublishError as e:
            sys.exit("guest/matrix: %s" % e)
    print("\n".join(md))


if __name__ == "__main__":
    main()
