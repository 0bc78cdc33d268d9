#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The converter's two QEMU log lexers give the same traces, convert.json, errors and
exit statuses: nb-qemu-lex (C, scripts/nbtrace/lex/, --lexer: this build's) against the Python
reference (scripts/nbtrace/qemu_log.py, NB_QEMU_LEX=none).

Captures: synthetic ones made here (every VT-d and AMD-Vi event the converter reads,
every VT-d descriptor type, lines of other forms, a last line without its newline,
guest ftrace compacted and raw, windows, a DMA logged before its map, descriptors and
marks without maps, missing anchors, plain and gzip), the hand-made capture of
test_convert.py and the real one in tests/trace/captures/. For each, both lexers
convert it; the uncompressed traces, convert.json, stderr and the exit status must be
byte-identical. nb-qemu-lex is also run alone on each log: it must lex the plain ASCII
ones itself (status ok: the comparison is not the reference against itself) and hand
back the others (a non-ASCII byte, a number beyond 64 bits, a PSI of 2^52 pages).

Expected values by hand (the generator's own bookkeeping, VT-d spec 6.5.2 for the
descriptor names): the DMA count, the descriptors per op name (type 4, IEC, left out),
QEMU's decodes that agree and disagree, the lines of other forms. Bad input: a line
whose arguments do not parse, for every event with an argument pattern, exits 1 with
"--qemu-log FILE:LINE: EVENT: cannot read its arguments" at the line written; a gzip
cut short names the line after the last whole one.
"""
import gzip
import json
import os
import random
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "report"))
sys.path.insert(0, HERE)
from nbtest import Test  # noqa: E402 (the report tests' harness)
from test_convert import capture as hand_capture, compact, raw  # noqa: E402

HOST0 = 1700000000.0
# VT-d spec 6.5.2: descriptor type (bits 3:0) and granularity (bits 5:4) -> the trace's op
OP_OF = {(1, 1): "CC_INV", (2, 1): "IOTLB_GLOBAL", (2, 2): "IOTLB_DSI", (2, 3): "IOTLB_PSI",
         (3, 0): "DEVTLB", (4, 0): "IEC", (5, 0): "WAIT", (6, 0): "PIOTLB_PASID", (6, 3): "PIOTLB_PSI",
         (7, 0): "PC_INV"}
QEMU_TYPE = {1: "context", 2: "iotlb", 3: "devtlb", 4: "iec", 5: "wait", 6: "p_iotlb", 7: "pc_inv"}


class Log:
    """A QEMU log being written, and what it holds by hand: DMAs, ops, decodes."""

    def __init__(self):
        self.lines, self.t = [], HOST0
        self.dmas, self.ops, self.agree, self.disagree, self.other = 0, {}, 0, 0, 0

    def ev(self, name, args, dt=0.000013):
        self.t += dt
        self.lines.append("4242@%.6f:%s %s" % (self.t, name, args))

    def line(self, text):
        self.lines.append(text)
        self.other += 1

    def dma(self, name, args, dt=0.000013):
        self.ev(name, args, dt)
        self.dmas += 1

    def desc(self, w0, w1, opname):
        self.ev("vtd_inv_desc", "invalidate desc type %s high 0x%x low 0x%x"
                % (QEMU_TYPE.get(w0 & 0xF, "unknown"), w1, w0))
        if opname != "IEC":
            self.ops[opname] = self.ops.get(opname, 0) + 1

    def text(self, newline=True):
        return "\n".join(self.lines) + ("\n" if newline else "")


def vtd_log(rng, n=400):
    """Every VT-d event and descriptor type, QEMU's decodes agreeing and not, lines
    of other forms, blanks around arguments, log times a little out of order."""
    q = Log()
    for k in range(n):
        sid, dom = rng.choice((0x10, 0x18, 0xff07)), rng.choice((1, 2, 0x3e8))
        iova = rng.randrange(1 << 36) & ~0xFFF
        pte = (rng.randrange(1 << 40) & ~0xFFF) | 3 | (0x80 if k % 7 == 0 else 0)
        hit = rng.random() < 0.5
        q.dma("vtd_iotlb_page_" + ("hit" if hit else "update"),
              "IOTLB page %s sid 0x%x iova 0x%x slpte 0x%x domain 0x%x%s"
              % ("hit" if hit else "update", sid, iova, pte, dom, " \t" if k % 11 == 0 else ""),
              dt=-0.000004 if k % 13 == 0 else 0.000013)
        kind = k % 12
        if kind == 0:  # page-selective IOTLB; QEMU's decode agrees, or not (wrong mask)
            am = rng.randrange(10)
            q.desc(0x2 | (3 << 4) | (dom << 16), iova | am, "IOTLB_PSI")
            good = k % 24 == 0
            q.ev("vtd_inv_desc_iotlb_pages", "iotlb invalidate domain 0x%x addr 0x%x mask 0x%x"
                 % (dom, iova, am if good else am + 1))
            q.agree, q.disagree = q.agree + good, q.disagree + (not good)
        elif kind == 1:
            q.desc(0x2 | (2 << 4) | (dom << 16), 0, "IOTLB_DSI")
            good = k % 36 != 1
            q.ev("vtd_inv_desc_iotlb_domain", "iotlb invalidate whole domain 0x%x" % (dom if good else dom + 1))
            if k % 48 == 1:  # QEMU saying global after a domain-selective descriptor
                q.ev("vtd_inv_desc_iotlb_global", "")
                q.disagree += 1
            q.agree, q.disagree = q.agree + good, q.disagree + (not good)
        elif kind == 2:
            q.desc(0x2 | (1 << 4), 0, "IOTLB_GLOBAL")
            q.ev("vtd_inv_desc_iotlb_global", "")
            q.agree += 1
        elif kind == 3:  # device-TLB, with and without the size bit (all-ones: 2^64)
            w1 = rng.choice((iova, iova | 1 | 0x7000, (1 << 64) - 1, iova | 0xFFF))
            q.desc(0x3 | (sid << 32), w1, "DEVTLB")
        elif kind == 4:
            q.desc(0x1 | (1 << 4) | (dom << 16) | (sid << 32), 0, "CC_INV")
        elif kind == 5:
            q.desc(0x5 | (1 << 5), 0x2459804, "WAIT")
            q.ev("vtd_inv_desc_wait_sw", "wait invalidate status write addr 0x2459804 data 0x2")
        elif kind == 6:
            q.desc(0x4 | (k << 32), 0, "IEC")
        elif kind == 7:
            q.desc(0x6 | (3 << 4) | (dom << 16), iova | 2, "PIOTLB_PSI")
        elif kind == 8:
            q.desc(0x6 | (dom << 16), 0, "PIOTLB_PASID")
        elif kind == 9:
            q.desc(0x7 | (dom << 16), 0, "PC_INV")
        elif kind == 10:  # types the spec leaves reserved here
            t = rng.choice((0, 8, 9, 15))
            q.desc(t, 0, "VTD_TYPE_%d" % t)
        elif k % 24 == 11:
            q.ev("vtd_iotlb_reset", "iotlb exceeds size limit \t")  # blanks stripped from comments
            q.ev("vtd_dmar_fault", "sid 0x%x fault 6 addr 0x%x write 1\t" % (sid, iova))
        else:
            q.line("qemu-system-x86_64: warning: host doesn't support requested feature")
            q.line("")
            q.line("4242@1700000000.1:")  # no event name: not QEMU's form
    return q


def amd_log(rng, n=300):
    """Every AMD-Vi event: hits before their devid's first update, each invalidation."""
    q = Log()
    devs = ("00:02.0", "00:03.0", "01:00.1", "ff:1f.7")
    for k in range(n):
        dev, gpa = rng.choice(devs), rng.randrange(1 << 40) & ~0xFFF
        if rng.random() < 0.5:
            q.dma("amdvi_iotlb_hit", "hit iotlb devid %s gpa 0x%x hpa 0x%x" % (dev, gpa, gpa + 0x1000))
        else:
            q.dma("amdvi_cache_update", "update iotlb domid 0x%x devid: %s gpa 0x%x hpa 0x%x"
                  % (rng.choice((1, 2, 0x7fff)), dev, gpa, gpa + 0x1000))
        kind = k % 9
        if kind == 0:
            q.ev("amdvi_pages_inval", "AMD-Vi pages for domain 0x%x invalidated" % rng.choice((1, 2)))
            q.ops["INVALIDATE_IOMMU_PAGES"] = q.ops.get("INVALIDATE_IOMMU_PAGES", 0) + 1
        elif kind == 1:
            q.ev("amdvi_devtab_inval", "device table entry for devid: %s invalidated" % dev)
            q.ops["INVALIDATE_DEVTAB_ENTRY"] = q.ops.get("INVALIDATE_DEVTAB_ENTRY", 0) + 1
        elif kind == 2:
            for name, op in (("amdvi_all_inval", "INVALIDATE_IOMMU_ALL"),
                             ("amdvi_iotlb_inval", "INVALIDATE_IOTLB_PAGES"),
                             ("amdvi_completion_wait", "COMPLETION_WAIT")):
                q.ev(name, "completion wait requested with store address 0x10 and store data 0x1"
                     if name == "amdvi_completion_wait" else "devid %s" % dev)
                q.ops[op] = q.ops.get(op, 0) + 1
        elif kind == 3:
            q.ev("amdvi_iotlb_reset", "\t iotlb exceeds size limit  ")
            q.ev("amdvi_page_fault", "devid %s addr 0x%x flags 0x0" % (dev, gpa))
        elif kind == 4:
            q.line("some other line of the log")
    return q


def guest_capture(n=24, skew_every=5):
    """A VT-d run with the guest's side: per buffer a map (dma_map_page), QEMU's fill
    and hits, an unmap with its page-selective descriptor (the anchor) and QEMU's
    execution of it; every skew_every-th fill logged before the map (causality moves
    the map); NB-MARK windows around two parts. (QEMU log, ftrace lines)."""
    q, f = Log(), []
    f.append((0, 99.9, "tracing_mark_write", "NB-MARK begin part-a"))
    for k in range(n):
        if k == n // 2:
            f.append((0, 100.0 + k * 0.01 - 0.001, "tracing_mark_write", "NB-MARK end part-a"))
            f.append((1, 100.0 + k * 0.01 - 0.0005, "tracing_mark_write", "NB-MARK begin part-b"))
        iova, dev, sid = 0x200000 + k * 0x3000, "0000:00:02.0", 0x10
        g = 100.0 + k * 0.01
        f.append((0, g, "map", "iova=0x%016x - 0x%016x paddr=0x%016x size=8192" % (iova, iova + 0x2000, iova << 4)))
        f.append((0, g + 0.000002, "dma_map_page", "%s dir=TO_DEVICE dma_addr=%x size=8192 phys_addr=%x"
                  % (dev, iova, iova << 4)))
        q.t = HOST0 + g + (-0.0015 if k % skew_every == 0 else 0.001)
        q.dma("vtd_iotlb_page_update", "IOTLB page update sid 0x%x iova 0x%x slpte 0x%x domain 0x1"
              % (sid, iova, (iova << 4) | 3), dt=0)
        for _ in range(3):
            q.dma("vtd_iotlb_page_hit", "IOTLB page hit sid 0x%x iova 0x%x slpte 0x%x domain 0x1"
                  % (sid, iova, (iova << 4) | 3), dt=0.00002)
        w0, w1 = 0x2 | (3 << 4) | (1 << 16), iova | 1
        f.append((0, g + 0.002, "unmap", "iova=0x%016x - 0x%016x size=8192 unmapped_size=8192"
                  % (iova, iova + 0x2000)))
        f.append((0, g + 0.002001, "qi_submit", "inv_iotlb dmar0: 0x%x 0x%x 0x0 0x0" % (w0, w1)))
        f.append((0, g + 0.002003, "dma_unmap_page", "%s dir=TO_DEVICE dma_addr=%x size=8192" % (dev, iova)))
        q.t = HOST0 + g + 0.00201
        q.desc(w0, w1, "IOTLB_PSI")
        q.ev("vtd_inv_desc_iotlb_pages", "iotlb invalidate domain 0x1 addr 0x%x mask 0x1" % iova, dt=0.000001)
        q.agree += 1
    f.append((1, 100.0 + n * 0.01, "tracing_mark_write", "NB-MARK end part-b"))
    return q, sorted(f, key=lambda x: x[1])


class Equiv:
    def __init__(self, t, lexer):
        self.t, self.lexer = t, lexer
        self.inputs = os.path.join(t.tmp, "in")
        os.makedirs(self.inputs)

    def file(self, name, text, gz=False):
        path = os.path.join(self.inputs, name)
        with (gzip.open(path, "wt") if gz else open(path, "w")) as f:
            f.write(text)
        return path

    def convert(self, case, which, args):
        cwd = os.path.join(self.t.tmp, case, which)
        os.makedirs(cwd)
        env = dict(os.environ, NB_QEMU_LEX=self.lexer if which == "c" else "none")
        r = subprocess.run([sys.executable, os.path.abspath(self.t.script("nb_trace_convert.py")), "--out", "out"] + args,
                           cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
        return r.returncode, r.stderr, os.path.join(cwd, "out")

    def status(self, log):
        """nb-qemu-lex's own first line on the log's text: [status, line, ...]."""
        opener = gzip.open if log.endswith(".gz") else open
        with opener(log, "rb") as f:
            data = f.read()
        vendor = "amd" if "amd" in os.path.basename(log) else "vtd"
        r = subprocess.run([self.lexer, "--vendor", vendor], input=data, capture_output=True, timeout=60)
        return r.stdout.split(b"\n", 1)[0].decode().split()[2:4]

    def same(self, case, args, lexed="ok"):
        """Both lexers on args: identical outputs; nb-qemu-lex's status on the log is
        lexed (ok, python, bad; None: not asked)."""
        if lexed:
            got = self.status(args[args.index("--qemu-log") + 1])
            self.t.check(got[0] == lexed, "%s: nb-qemu-lex says %s on its log" % (case, lexed), got)
        rc_c, err_c, out_c = self.convert(case, "c", args)
        rc_p, err_p, out_p = self.convert(case, "py", args)
        diff = differences(out_c, out_p)
        self.t.check(rc_c == rc_p and err_c == err_p and not diff,
                     "%s: C and Python lexers give the same (exit %d%s)" % (
                         case, rc_c, ", %d files" % len(os.listdir(out_c)) if os.path.isdir(out_c) else ""),
                     "exit %d vs %d\nC: %s\nPython: %s\n%s" % (rc_c, rc_p, err_c, err_p, diff))
        return rc_c, err_c, out_c


def differences(a, b):
    """What differs between two output folders (traces compared uncompressed)."""
    if not os.path.isdir(a) or not os.path.isdir(b):
        return "" if os.path.isdir(a) == os.path.isdir(b) else "one output folder only"
    fa, fb = sorted(os.listdir(a)), sorted(os.listdir(b))
    if fa != fb:
        return "files %s vs %s" % (fa, fb)
    out = []
    for name in fa:
        read = (lambda p: gzip.open(p).read()) if name.endswith(".gz") else (lambda p: open(p, "rb").read())
        if read(os.path.join(a, name)) != read(os.path.join(b, name)):
            out.append(name)
    return ", ".join(out)


def trace_events(out, name="all.trace.gz"):
    """(DMA count, {op: count}) of a trace, read here (not by the converter)."""
    dmas, ops = 0, {}
    with gzip.open(os.path.join(out, name), "rt") as f:
        for ln in f:
            p = ln.split()
            if ln.startswith("#") or len(p) < 6:
                continue
            if p[1] == "dma":
                dmas += 1
            elif p[1] == "inv":
                op = [x[3:] for x in p[6:] if x.startswith("op=")][0]
                ops[op] = ops.get(op, 0) + 1
    return dmas, ops


def main():
    t = Test("trace_convert_equiv", extra=("--lexer",))
    lexer = os.path.abspath(t.args.lexer) if t.args.lexer else ""
    if not (lexer and os.access(lexer, os.X_OK)):
        t.check(False, "nb-qemu-lex is built (--lexer)", lexer)
        t.done()
    eq = Equiv(t, lexer)
    rng = random.Random(20261204)

    # VT-d, QEMU's events alone: every event and descriptor; plain (last line without
    # its newline) and gzip; counts by hand
    q = vtd_log(rng)
    vlog = eq.file("vtd.log", q.text(newline=False))
    vtd_events = sum(1 for ln in q.lines if re.match(r"\d+@\d+\.\d+:vtd_", ln))
    vgz = eq.file("vtd.log.gz", q.text(), gz=True)
    for case, log in (("vtd-plain", vlog), ("vtd-gzip", vgz)):
        rc, err, out = eq.same(case, ["--vendor", "vtd", "--qemu-log", log])
        if rc == 0:
            with open(os.path.join(out, "convert.json")) as f:
                counts = json.load(f)["counts"]
            got = (trace_events(out), counts.get("qemu_decode_agree"), counts.get("qemu_decode_disagree"),
                   counts.get("qemu_other_lines"))
            want = ((q.dmas, q.ops), q.agree, q.disagree, q.other)
            t.check(got == want, "%s: DMAs, ops, QEMU's decodes (agree/disagree), other lines as written"
                    % case, "got %s\nwant %s" % (got, want))

    # AMD-Vi, QEMU's events alone (hits before their devid's domain is known)
    q = amd_log(rng)
    alog = eq.file("amd.log", q.text())
    rc, err, out = eq.same("amd", ["--vendor", "amd", "--qemu-log", alog])
    if rc == 0:
        got = trace_events(out)
        t.check(got == (q.dmas, q.ops), "amd: DMAs and ops as written", "got %s want %s" % (got, (q.dmas, q.ops)))

    # VT-d with the guest's side: compacted and raw ftrace, windows, causality
    q, f = guest_capture()
    glog = eq.file("guest.log", q.text())
    fcomp = eq.file("guest-ftrace.txt", compact(f))
    fgz = eq.file("guest-ftrace.txt.gz", compact(f), gz=True)
    fraw = eq.file("guest-raw.txt", raw(f))
    env = eq.file("env.txt", "kernel: 6.12.0\nintel-iommu/cap: d2008c222f0686\n"
                  "intel-iommu/ecap: f00f4a\ncmdline: iommu.strict=1\n")
    base = ["--vendor", "vtd", "--qemu-log", glog, "--env", env, "--config", "synthetic"]
    rc, _, out = eq.same("guest-compacted", base + ["--ftrace", fcomp])
    if rc == 0:
        t.check(sorted(os.listdir(out)) == ["all.trace.gz", "convert.json", "part-a.trace.gz",
                                           "part-b.trace.gz"],
                "guest-compacted: all, part-a, part-b and convert.json", os.listdir(out))
    eq.same("guest-ftrace-gzip", base + ["--ftrace", fgz])
    eq.same("guest-raw", base + ["--ftrace", fraw, "--no-split"])
    # descriptors and marks without maps: the guest's events placed, QEMU's in runs
    nomaps = [x for x in f if x[2] in ("qi_submit", "tracing_mark_write")]
    eq.same("guest-marks-and-anchors", base + ["--ftrace", eq.file("marks.txt", compact(nomaps))])
    # no anchors: an error in both; --no-guest-ops converts
    noqi = eq.file("noqi.txt", compact([x for x in f if x[2] != "qi_submit"]))
    rc, err, _ = eq.same("guest-no-anchors", base + ["--ftrace", noqi])
    t.check(rc == 1 and "no clock anchor" in err, "guest-no-anchors: exit 1, no clock anchor", err)
    # without anchors the workload marks cannot be placed: an error, or with --no-split
    # all.trace.gz alone with the marks counted as left out (they used to fall before
    # QEMU's first event, every workload empty, exit 0)
    rc, err, _ = eq.same("guest-no-guest-ops", base + ["--ftrace", noqi, "--no-guest-ops"])
    t.check(rc == 1 and "workload marks but no clock anchor" in err,
            "guest-no-guest-ops without anchors: exit 1, the marks cannot be placed", err)
    rc, err, out = eq.same("guest-no-guest-ops-no-split", base + ["--ftrace", noqi, "--no-guest-ops", "--no-split"])
    if rc == 0:
        with open(os.path.join(out, "convert.json")) as fj:
            left = json.load(fj)["counts"].get("marks_left_out")
        t.check(sorted(os.listdir(out)) == ["all.trace.gz", "convert.json"] and left == 4,
                "guest-no-guest-ops-no-split: all.trace.gz alone, 4 marks left out", (os.listdir(out), left))

    # the hand-made capture of test_convert.py, and the real one
    hq, hf = hand_capture()
    eq.same("test_convert-capture", ["--vendor", "vtd", "--qemu-log", eq.file("hand.log", hq),
                                     "--ftrace", eq.file("hand-ftrace.txt", compact(hf))])
    real = os.path.join(HERE, "captures", "flts-lazy")
    rargs = ["--vendor", "vtd", "--qemu-log", os.path.join(real, "qemu.log.gz"), "--config", "flts-lazy"]
    eq.same("real-flts-lazy", rargs + ["--ftrace", os.path.join(real, "ftrace.txt.gz"),
                                       "--env", os.path.join(real, "nb-env.txt")])
    eq.same("real-flts-lazy-qemu-only", rargs)
    # --no-guest-ops keeps the anchors: every workload holds the same DMAs and
    # invalidations as in the conversion with the guest's map/unmap, none of those
    rc_g, _, out_g = eq.convert("real-flts-lazy-ops", "py", rargs + [
        "--ftrace", os.path.join(real, "ftrace.txt.gz"), "--env", os.path.join(real, "nb-env.txt")])
    rc, err, out = eq.same("real-flts-lazy-no-guest-ops", rargs + [
        "--ftrace", os.path.join(real, "ftrace.txt.gz"), "--env", os.path.join(real, "nb-env.txt"), "--no-guest-ops"])
    if rc == 0 and rc_g == 0:
        names = sorted(n for n in os.listdir(out_g) if n.endswith(".trace.gz"))
        got = [trace_events(out, n) for n in names]
        want = [trace_events(out_g, n) for n in names]
        t.check(len(names) == 10 and sorted(os.listdir(out)) == sorted(os.listdir(out_g)) and got == want
                and all(d > 0 for d, _ in got),
                "real-flts-lazy --no-guest-ops: the 9 workloads and all hold the DMAs and invalidations "
                "they hold with the guest's operations", "got %s\nwant %s" % (got, want))

    # logs only the reference can lex exactly: handed back, same output
    lines = vtd_log(rng, 40).lines
    for case, bad in (("non-ASCII", "4242@1700000001.000000:vtd_iotlb_reset r\u00e9initialis\u00e9e"),
                      ("iova-beyond-64-bits", "4242@1700000001.000000:vtd_iotlb_page_hit IOTLB page hit "
                       "sid 0x10 iova 0x10000000000000000 slpte 0x3 domain 0x1"),
                      ("PSI-of-2^52-pages", "4242@1700000001.000000:vtd_inv_desc invalidate desc type "
                       "iotlb high 0x34 low 0x10032")):
        log = eq.file("back-%s.log" % case, "\n".join(lines[:20] + [bad] + lines[20:]) + "\n")
        eq.same("handed back: " + case, ["--vendor", "vtd", "--qemu-log", log], lexed="python")

    # bad input through the C lexer: the reference's FILE:LINE error, exit 1
    # (each event's arguments with their last field cut off, and with a hex digit in upper case)
    bad_args = {"vtd": (("vtd_iotlb_page_hit", "IOTLB page hit sid 0x10 iova 0x1000 slpte 0x3 domain"),
                        ("vtd_iotlb_page_update", "IOTLB page update sid 0x10 iova 0x1000 slpte 0X3 domain 0x1"),
                        ("vtd_inv_desc", "invalidate desc type iotlb high 0x0 low"),
                        ("vtd_inv_desc_iotlb_pages", "iotlb invalidate domain 0x1 addr 0x1000 mask"),
                        ("vtd_inv_desc_iotlb_domain", "iotlb invalidate whole domain 0xA"),
                        ("vtd_dmar_fault", "sid 0x10 fault 6 addr 0x1000 write")),
                "amd": (("amdvi_iotlb_hit", "hit iotlb devid 00:02.0 gpa 0x1000 hpa"),
                        ("amdvi_cache_update", "update iotlb domid 0x1 devid: 00:2.0 gpa 0x1000 hpa 0x2000"),
                        ("amdvi_pages_inval", "AMD-Vi pages for domain 0x1 invalid"),
                        ("amdvi_devtab_inval", "device table entry for devid: 00:02.0"))}
    for vendor, events in bad_args.items():
        good = (vtd_log if vendor == "vtd" else amd_log)(rng, 30).lines
        for ev, args in events:
            log = eq.file("bad-%s.log" % ev, "\n".join(good[:17] + ["4242@1700000002.5:%s %s" % (ev, args)]
                                                        + good[17:]) + "\n")
            rc, err, _ = eq.same("bad line, " + ev, ["--vendor", vendor, "--qemu-log", log], lexed="bad")
            want = "nb_trace_convert: --qemu-log %s:18: %s: cannot read its arguments: '%s'\n" % (log, ev, args)
            t.check(rc == 1 and err == want, "bad line, %s: exit 1, FILE:18 named" % ev, err)
    data = open(vgz, "rb").read()
    cut = eq.file("cut.log.gz", "")
    with open(cut, "wb") as f:
        f.write(data[:len(data) // 2])
    with gzip.open(cut, "rt") as f:  # the lines before the cut, counted here
        whole = 0
        try:
            for ln in f:
                whole += ln.endswith("\n")
        except EOFError:
            pass
    rc, err, _ = eq.same("gzip cut short", ["--vendor", "vtd", "--qemu-log", cut], lexed=None)
    t.check(rc == 1 and ("cut.log.gz:%d: truncated" % (whole + 1)) in err,
            "gzip cut short: exit 1 at line %d" % (whole + 1), err)
    rc, err, _ = eq.same("missing log", ["--vendor", "vtd", "--qemu-log", os.path.join(t.tmp, "none.log")],
                         lexed=None)
    t.check(rc == 1 and "No such file" in err, "missing log: exit 1, the errno named", err)
    # a log with no event of --vendor's IOMMU converts to nothing: exit 1 naming the log,
    # and the other vendor when its events are there (they used to give empty traces, exit 0)
    for case, log, vendor, want in (
            ("empty log", eq.file("empty.log", ""), "vtd", "no vtd_* event of QEMU's (0 other lines); was QEMU "
             "started with -trace 'vtd_*'?"),
            ("no IOMMU lines", eq.file("noise.log", "hello\n4242@1700000001.000000:e1000e_irq_msix x\n"), "amd",
             "no amdvi_* event of QEMU's (1 other lines); was QEMU started with -trace 'amdvi_*'?"),
            ("VT-d log as AMD", vlog, "amd", re.compile(r"no amdvi_\* event of QEMU's \(\d+ other lines\); it has "
                                                       r"%d vtd_\* events: --vendor vtd\?$" % vtd_events))):
        rc, err, out = eq.same(case, ["--vendor", vendor, "--qemu-log", log], lexed=None)
        head = "nb_trace_convert: --qemu-log %s: " % log
        said = err.startswith(head) and err.endswith("\n") and (
            want.match(err[len(head):-1]) if hasattr(want, "match") else err[len(head):-1] == want)
        t.check(rc == 1 and said and not (os.path.isdir(out) and os.listdir(out)),
                "%s: exit 1, nothing written, the log and the cause named" % case, err)
    # NB_QEMU_LEX naming no executable, or a lexer that fails: exit 1, one line naming it
    for name, exe, want in (("not an executable", os.path.join(t.tmp, "none"), "not an executable"),
                            ("a lexer that fails", "/bin/false", "failed (exit status 1)")):
        r = subprocess.run([sys.executable, t.script("nb_trace_convert.py"), "--vendor", "vtd", "--qemu-log", vlog,
                            "--out", os.path.join(t.tmp, "env-out")], env=dict(os.environ, NB_QEMU_LEX=exe),
                           capture_output=True, text=True, timeout=60)
        t.check(r.returncode == 1 and len(r.stderr.splitlines()) == 1 and want in r.stderr and exe in r.stderr,
                "NB_QEMU_LEX=%s (%s): exit 1, one line" % (exe, name), "exit %d: %s" % (r.returncode, r.stderr))
    t.done()


if __name__ == "__main__":
    main()
