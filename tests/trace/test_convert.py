#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""scripts/nb_trace_convert.py on a hand-made VT-d capture: nothing accepted silently.

The capture (written here): a device 0000:00:02.0 (SID 0x10) in domain 1 maps
four 4 KiB buffers, DMAs each (QEMU's IOTLB fills), unmaps it; the guest's
driver queues one page-selective IOTLB invalidation per unmap (qi_submit),
which QEMU executes (vtd_inv_desc): the clock anchors. Counted by hand: 4 maps,
4 unmaps, 4 DMAs, 4 invalidations.

Checks: the compacted ftrace converts (exit 0, the counts above); raw ftrace
text (as /sys/kernel/tracing/trace prints it) gives the same trace; without
--ftrace the trace is QEMU's alone and its header says so; guest operations
without clock anchors (qi_submit missing) exit 1 naming the file, unless
--no-guest-ops; a file in neither ftrace form exits 1; --vtd-cap/--vtd-ecap
reach the header, must come together and agree with --env; a QEMU line whose
arguments do not parse and a gzip cut short exit 1 with FILE:LINE; an output
folder that cannot be made exits 1 in one line. Outputs are mode 0644.
"""
import gzip
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "report"))
from nbtest import Test  # noqa: E402 (the report tests' harness)

SID_DEV = "0000:00:02.0"  # bus 0, slot 2, function 0: SID 0x10
DID = 1
HOST0 = 1700000000.0  # QEMU's clock: host seconds; the guest's: mono seconds from 100


def capture(n=4):
    """(QEMU log, compacted ftrace lines as (cpu, seconds, event, args))."""
    q, f = [], []
    for k in range(n):
        iova = 0x100000 + k * 0x1000
        g = 100.0 + k * 0.01
        f.append((0, g, "map", "iova=0x%016x - 0x%016x paddr=0x%016x size=4096"
                  % (iova, iova + 0x1000, 0x5000000 + iova)))
        f.append((0, g + 0.000002, "dma_map_page", "%s dir=TO_DEVICE dma_addr=%x size=4096 "
                  "phys_addr=%x" % (SID_DEV, iova, 0x5000000 + iova)))
        q.append((HOST0 + g + 0.001, "vtd_iotlb_page_update", "IOTLB page update sid 0x10 iova "
                  "0x%x slpte 0x%x domain 0x%x" % (iova, 0x5000000 + iova + 3, DID)))
        w0, w1 = 0x2 | (3 << 4) | (DID << 16), iova  # IOTLB, page-selective, AM 0
        f.append((0, g + 0.002, "unmap", "iova=0x%016x - 0x%016x size=4096 unmapped_size=4096"
                  % (iova, iova + 0x1000)))
        f.append((0, g + 0.002001, "qi_submit", "inv_iotlb dmar0: 0x%x 0x%x 0x0 0x0" % (w0, w1)))
        f.append((0, g + 0.002003, "dma_unmap_page", "%s dir=TO_DEVICE dma_addr=%x size=4096"
                  % (SID_DEV, iova)))
        q.append((HOST0 + g + 0.002010, "vtd_inv_desc",
                  "invalidate desc type iotlb high 0x%x low 0x%x" % (w1, w0)))
        q.append((HOST0 + g + 0.002011, "vtd_inv_desc_iotlb_pages",
                  "iotlb invalidate domain 0x%x addr 0x%x mask 0x0" % (DID, iova)))
    qlog = "".join("4242@%.6f:%s %s\n" % (t, ev, a) for t, ev, a in q)
    return qlog, f


def compact(lines):
    return "".join("%d %.6f %s: %s\n" % (c, t, ev, a) for c, t, ev, a in lines)


def raw(lines):
    """As /sys/kernel/tracing/trace prints them (capture.sh compacts this)."""
    head = "# tracer: nop\n#\n#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
    return head + "".join(
        "     kworker/%d:1-42      [%03d] d..1. %12.6f: %s: %s%s\n" % (
            c, c, t, ev, "IOMMU: " if ev in ("map", "unmap") else "", a)
        for c, t, ev, a in lines)


def events(path):
    with gzip.open(path, "rt") as f:
        text = f.read()
    lines = [ln.split() for ln in text.splitlines() if ln and not ln.startswith(("#", "nestbench"))]
    kinds = {}
    for ln in lines:
        kinds[ln[1]] = kinds.get(ln[1], 0) + 1
    return text, kinds, lines


def main():
    t = Test("trace_convert")
    conv = "nb_trace_convert.py"
    qlog, flines = capture()
    files = {"qemu.log": qlog, "ftrace.txt": compact(flines), "raw.txt": raw(flines),
             "noanchor.txt": compact([x for x in flines if x[2] != "qi_submit"]),
             "garbage.txt": "this is not ftrace\nnor is this\n",
             "env.txt": "kernel: 6.12.0\nintel-iommu/cap: d2008c222f0606\n"
                        "intel-iommu/ecap: f00f4a\ncmdline: iommu.strict=1\n",
             "badqemu.log": qlog + "4242@1700000200.000000:vtd_inv_desc invalidate desc type x\n"}
    for name, text in files.items():
        with open(os.path.join(t.tmp, name), "w") as f:
            f.write(text)
    with gzip.open(os.path.join(t.tmp, "qemu.log.gz"), "wb") as f:
        f.write(qlog.encode() * 50)
    with open(os.path.join(t.tmp, "qemu.log.gz"), "rb") as f:
        data = f.read()
    with open(os.path.join(t.tmp, "cut.log.gz"), "wb") as f:
        f.write(data[:len(data) // 2])
    p = {k: os.path.join(t.tmp, k) for k in list(files) + ["cut.log.gz"]}

    def run(out, *args):
        return t.py(conv, "--vendor", "vtd", "--out", os.path.join(t.tmp, out), *args)

    old = os.umask(0o077)
    rc, _, err = run("compact", "--qemu-log", p["qemu.log"], "--ftrace", p["ftrace.txt"])
    os.umask(old)
    path = os.path.join(t.tmp, "compact", "all.trace.gz")
    ok = rc == 0 and os.path.isfile(path)
    t.check(ok, "the compacted ftrace converts (exit 0)", "exit %d: %s" % (rc, err))
    if ok:
        text, kinds, _ = events(path)
        t.check(kinds == {"map": 4, "unmap": 4, "dma": 4, "inv": 4},
                "4 maps, 4 unmaps, 4 DMAs, 4 invalidations, as made", kinds)
        modes = {f: oct(os.stat(os.path.join(t.tmp, "compact", f)).st_mode & 0o777)
                 for f in os.listdir(os.path.join(t.tmp, "compact"))}
        t.check(set(modes.values()) == {"0o644"}, "outputs are mode 0644 under umask 077", modes)

    rc, _, err = run("raw", "--qemu-log", p["qemu.log"], "--ftrace", p["raw.txt"])
    same = (rc == 0 and ok and
            events(os.path.join(t.tmp, "raw", "all.trace.gz"))[2] == events(path)[2])
    t.check(same, "raw ftrace text gives the same events as the compacted one",
            "exit %d: %s" % (rc, err))

    rc, _, err = run("qemu-only", "--qemu-log", p["qemu.log"])
    qpath = os.path.join(t.tmp, "qemu-only", "all.trace.gz")
    if rc == 0 and os.path.isfile(qpath):
        text, kinds, _ = events(qpath)
        t.check(kinds == {"dma": 4, "inv": 4} and "no guest ftrace" in text,
                "without --ftrace: QEMU's events alone, and the header says so", (kinds, text[:300]))
    else:
        t.check(False, "without --ftrace: converts (exit 0)", "exit %d: %s" % (rc, err))

    def refused(what, want, out, *args):
        rc, _, err = run(out, *args)
        lines = err.strip().splitlines()
        t.check(rc == 1 and len(lines) == 1 and want in lines[0] and "Traceback" not in err,
                "%s: exit 1, one line naming it" % what, "exit %d: %s" % (rc, err))

    refused("guest operations without clock anchors", "no clock anchor", "noanchor",
            "--qemu-log", p["qemu.log"], "--ftrace", p["noanchor.txt"])
    rc, _, err = run("noanchor-ok", "--qemu-log", p["qemu.log"], "--ftrace", p["noanchor.txt"],
                     "--no-guest-ops")
    t.check(rc == 0 and "--no-guest-ops" in events(
        os.path.join(t.tmp, "noanchor-ok", "all.trace.gz"))[0] if rc == 0 else False,
            "--no-guest-ops: converts QEMU's events and says the guest's were left out",
            "exit %d: %s" % (rc, err))
    refused("an ftrace in neither form", "garbage.txt:1: neither the compacted form", "garbage",
            "--qemu-log", p["qemu.log"], "--ftrace", p["garbage.txt"])
    refused("a QEMU line whose arguments do not parse", "badqemu.log:13: vtd_inv_desc: cannot read",
            "badqemu", "--qemu-log", p["badqemu.log"], "--ftrace", p["ftrace.txt"])
    refused("a gzip QEMU log cut short", "truncated", "cut", "--qemu-log", p["cut.log.gz"])
    refused("--vtd-cap without --vtd-ecap", "--vtd-cap and --vtd-ecap go together", "caps1",
            "--qemu-log", p["qemu.log"], "--vtd-cap", "d2008c222f0606")
    refused("--vtd-cap disagreeing with --env", "disagrees with --env", "caps2",
            "--qemu-log", p["qemu.log"], "--env", p["env.txt"], "--vtd-cap", "d2008c222f0686",
            "--vtd-ecap", "f00f4a")
    refused("--env that is not there", "--env %s" % os.path.join(t.tmp, "none.txt"), "env",
            "--qemu-log", p["qemu.log"], "--env", os.path.join(t.tmp, "none.txt"))
    rc, _, err = t.py(conv, "--vendor", "vtd", "--out", "/proc/nb-convert", "--qemu-log", p["qemu.log"])
    lines = err.strip().splitlines()
    t.check(rc == 1 and len(lines) == 1 and "/proc/nb-convert" in lines[0],
            "an output folder that cannot be made: exit 1, one line", "exit %d: %s" % (rc, err))

    # QEMU logged the IOTLB fill of buffer 2 (0x102000) 1.5 ms before the guest's map
    # of it (clock skew): the DMA's forward scan must find that map, past the QEMU
    # events between them, and put it (with its call) first: 1 map moved, every DMA
    # inside a mapping, and in the trace the map of 0x102000 before its DMA.
    skew = "".join("4242@%.6f:%s" % (float(ln.split("@")[1].split(":")[0]) - 0.0015, ln.split(":", 1)[1])
                   if "iova 0x102000 " in ln and "page_update" in ln else ln
                   for ln in qlog.splitlines(True))
    with open(os.path.join(t.tmp, "skew.log"), "w") as f:
        f.write(skew)
    rc, _, err = run("skew", "--qemu-log", os.path.join(t.tmp, "skew.log"), "--ftrace", p["ftrace.txt"])
    if rc == 0:
        with open(os.path.join(t.tmp, "skew", "convert.json")) as f:
            cj = json.load(f)["counts"]
        _, _, ev = events(os.path.join(t.tmp, "skew", "all.trace.gz"))
        order = [(e[1], e[3]) for e in ev if e[3] == "0x102000" and e[1] in ("map", "dma")]
        t.check(cj.get("causality_maps_moved") == 1 and cj.get("dma_outside_mappings", 0) == 0 and
                order == [("map", "0x102000"), ("dma", "0x102000")],
                "a DMA logged before its map: the map found past QEMU's events and moved before it",
                (cj.get("causality_maps_moved"), cj.get("dma_outside_mappings"), order))
    else:
        t.check(False, "the skewed capture converts", "exit %d: %s" % (rc, err))

    rc, _, err = run("caps", "--qemu-log", p["qemu.log"], "--vtd-cap", "d2008c222f0686",
                     "--vtd-ecap", "f00f4a")
    if rc == 0:
        text = events(os.path.join(t.tmp, "caps", "all.trace.gz"))[0]
        with open(os.path.join(t.tmp, "caps", "convert.json")) as f:
            regs = json.load(f)["regs"]
        t.check("# vtd-cap: 0x00d2008c222f0686" in text and "# caching-mode: 1" in text and
                regs.get("cap") == "0xd2008c222f0686",
                "--vtd-cap/--vtd-ecap without an env file reach the header (caching mode from CAP.CM)",
                text[:500])
    else:
        t.check(False, "--vtd-cap/--vtd-ecap without an env file: exit 0", "exit %d: %s" % (rc, err))
    t.done()


if __name__ == "__main__":
    main()
