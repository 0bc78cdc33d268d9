#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Convert a capture of scripts/guest/capture-nested's s2 part into nestbench
traces of format version 2 (docs/trace-format.md, "Stage-2 streams").

Inputs (--raw DIR, what scripts/guest/run left there):
  qemu.log                L0 QEMU's trace log (its intel-iommu: the IOMMU the
                          stage 2 lives in): vtd_iotlb_page_hit/update (L2's
                          DMA through the stage 2, with the leaf QEMU used),
                          vtd_inv_desc (the host driver's invalidations)
  vmm/ftrace.txt          L1's ftrace (trace_clock=mono): iommu:map/unmap (the
                          stage-2 page-table changes the L1 kernel made),
                          intel_iommu:qi_submit (the anchors to L0's clock),
                          NB-MARK begin/end STEP and NB-MARK clock REALTIME_NS
  vmm/qemu-l1.log         L1 QEMU's (the VMM's) trace log, wall clock:
                          iommufd_backend_map_dma/unmap_dma (IOMMU_IOAS_MAP/
                          UNMAP), virtio_mem_*, virtio_balloon_*,
                          ram_block_discard_range, migrate_set_state
  vmm/qmp.log, vmm/steps.txt, vmm/probe.txt (nb-s2tool probe)
Inputs (--raw-dirty DIR, the mock boot): vmm/dirty.txt (nb-s2tool dirty),
  vmm/ftrace.txt (the mock domain's iommu:map, the dirty markers)
Output (--out DIR):
  all.trace.gz   the VMM's run: map2/unmap2 of the stage 2 (the kernel's own
                 iommu:map/unmap of the assigned device's domain, out= the
                 host address, step= the QMP step, cause= what asked for it),
                 L2's DMA (dma ... out=), the host's descriptors (inv), the
                 QMP steps as comments
  dirty-mock.trace.gz   the dirty-tracking rounds (dirty2) on the mock's HWPT,
                 after its mapping (map2)
  convert.json   counts per step and kind, the VMM's calls, what QEMU said
"""
import argparse
import bisect
import gzip
import io
import json
import os
import re
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import nb_atomic  # noqa: E402 (scripts/: the one way results are published)
from nbtrace.clocks import local_offsets, vtd_anchors  # noqa: E402
from nbtrace.ftrace import read_ftrace  # noqa: E402
from nbtrace.qemu_log import read_qemu  # noqa: E402

FORMAT_VERSION = 2
L1LINE = re.compile(r"^\d+@(\d+)\.(\d+):(\w+) ?(.*)$")
IOMMUFD_MAP = re.compile(r"iommufd=(\d+) ioas=(\d+) iova=0x([0-9a-f]+) size=0x([0-9a-f]+) addr=(\S+) "
                         r"readonly=(\d+) \((-?\d+)\)")
IOMMUFD_UNMAP = re.compile(r"iommufd=(\d+) ioas=(\d+) iova=0x([0-9a-f]+) size=0x([0-9a-f]+) \((-?\d+)\)")
VMEM_REQ = re.compile(r"addr=0x([0-9a-f]+) nb_blocks=(\d+)")
DIRTY_ROUND = re.compile(r"round (\d+) t_ns (\d+) end_ns (\d+) iova 0x([0-9a-f]+) length 0x([0-9a-f]+) "
                         r"dirty (\d+) marked (\d+) first (?:0x)?([0-9a-f]+) last (?:0x)?([0-9a-f]+)")
DIRTY_HEAD = re.compile(r"dirty: ioas (\d+) hwpt (\d+) iova 0x([0-9a-f]+) length 0x([0-9a-f]+)")
VMEM_BLOCK = 2 << 20  # scripts/guest/nb-vmm: virtio-mem-pci block-size=2M


def read_l1_qemu(path, st):
    """The VMM's events: (wall us, name, args)."""
    out = []
    if not os.path.exists(path):
        return out
    for line in open(path, errors="replace"):
        m = L1LINE.match(line)
        if not m:
            continue
        out.append((int(m[1]) * 1000000 + int(m[2]), m[3], m[4].strip()))
        st["vmm_" + m[3]] += 1
    return out


def wall_to_mono(G):
    """L1's wall clock (QEMU's log) -> L1's mono clock (ftrace), from the
    "NB-MARK clock REALTIME_NS" markers: offsets in us, by mono time."""
    pts = []
    for e in G:
        if e.kind == "mark" and e.text.startswith("clock "):
            pts.append((e.t, int(e.text.split()[1]) // 1000 - e.t))
    if not pts:
        raise SystemExit("s2vmm: no NB-MARK clock marker in the L1 ftrace")
    walls = [t + off for t, off in pts]

    def conv_(wall_us):
        k = min(max(bisect.bisect_right(walls, wall_us) - 1, 0), len(pts) - 1)
        return wall_us - pts[k][1]
    return conv_, [off for _, off in pts]


def steps_of(G):
    """[(name, begin mono us, end mono us)] from the begin/end markers."""
    open_, out = {}, []
    for e in G:
        if e.kind != "mark":
            continue
        p = e.text.split()
        if len(p) >= 2 and p[0] == "begin":
            open_[p[1]] = e.t
        elif len(p) >= 2 and p[0] == "end":
            out.append((p[1], open_.pop(p[1], None), e.t))
    return out


def step_at(steps, t):
    """The QMP step a mono time falls in; between steps, the one before."""
    name = "boot"
    for s, b, e in steps:
        if s == "dirty":
            continue
        if b is not None and b <= t <= e:
            return s
        if e <= t:
            name = "after-" + s
    return name


class Out:
    """One trace, compressed in memory and published whole at close (nb_atomic)."""

    def __init__(self, path, header):
        self.path = path
        self.buf = io.BytesIO()
        self.f = io.TextIOWrapper(gzip.GzipFile(fileobj=self.buf, mode="wb", compresslevel=9),
                                  encoding="utf-8")
        self.f.write("nestbench-trace %d\n" % FORMAT_VERSION)
        for h in header:
            self.f.write("# %s\n" % h)
        self.f.write("# TIME_NS KIND SID IOVA SIZE DOMAIN [key=value ...]\n")
        self.t0, self.last = None, 0
        self.n = Counter()

    def line(self, t_us, text, kind):
        if self.t0 is None:
            self.t0 = t_us
        ns = max(int((t_us - self.t0) * 1000), self.last)
        self.last = ns
        self.f.write("%d %s\n" % (ns, text))
        self.n[kind] += 1

    def comment(self, text):
        self.f.write("# %s\n" % text)

    def close(self):
        self.f.close()
        nb_atomic.write_atomic(self.path, self.buf.getvalue())
        d = dict(self.n)
        d["span_s"] = self.last / 1e9
        d["bytes_gz"] = len(self.buf.getvalue())
        return d


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--raw", required=True)
    ap.add_argument("--raw-dirty", default="", help="the mock boot's raw directory (dirty rounds)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--note", default="")
    ap.add_argument("--capture-seconds", type=float, default=None)
    a = ap.parse_args()
    st = Counter()
    vmm = os.path.join(a.raw, "vmm")
    for need in ("qemu.log", "vmm/ftrace.txt"):
        if not os.path.exists(os.path.join(a.raw, need)):
            raise SystemExit("s2vmm: %s missing in %s (did the guest run finish? see serial.log)" % (need, a.raw))
    Q = read_qemu(os.path.join(a.raw, "qemu.log"), "vtd", st)
    G = read_ftrace(os.path.join(vmm, "ftrace.txt"), st)
    L1 = read_l1_qemu(os.path.join(vmm, "qemu-l1.log"), st)
    to_mono, clock_offsets = wall_to_mono(G)
    steps = steps_of(G)
    vmm_begin = min((b for s, b, e in steps if s == "vmm-boot" and b is not None), default=None)
    if vmm_begin is None:
        raise SystemExit("s2vmm: no 'begin vmm-boot' marker: the VMM did not start")

    # The assigned device: the source id of L2's DMA in L0's log; the stage-2
    # domain: the DID of L0's translations for it.
    sid_dom = Counter((e.sid, e.dom) for e in Q if e.kind == "dma")
    if not sid_dom:
        raise SystemExit("s2vmm: L0 QEMU logged no DMA translation (L2 did no DMA through the stage 2?)")
    (sid, did), _ = sid_dom.most_common(1)[0]

    # The kernel's stage-2 changes: iommu:map/unmap after the VMM started
    # (before it: the DMA API's own domain of L1's drivers).
    s2 = [e for e in G if e.kind in ("map", "unmap") and e.t >= vmm_begin]

    # The VMM's calls (IOMMU_IOAS_MAP/UNMAP) on the mono clock; each kernel
    # map/unmap belongs to the call whose range holds it, the latest one traced
    # at or after it (QEMU traces after the ioctl returns).
    calls = []
    for wall, name, args in L1:
        t = to_mono(wall)
        if name == "iommufd_backend_map_dma":
            m = IOMMUFD_MAP.match(args)
            if m:
                calls.append((t, "map", int(m[3], 16), int(m[4], 16), int(m[7])))
        elif name == "iommufd_backend_unmap_dma":
            m = IOMMUFD_UNMAP.match(args)
            if m:
                calls.append((t, "unmap", int(m[3], 16), int(m[4], 16), int(m[5])))
    vmem = []  # (mono us, plug/unplug, addr, bytes)
    for wall, name, args in L1:
        if name in ("virtio_mem_plug_request", "virtio_mem_unplug_request"):
            m = VMEM_REQ.match(args)
            if m:
                vmem.append((to_mono(wall), name.split("_")[2], int(m[1], 16), int(m[2]) * VMEM_BLOCK))

    def cause(e):
        for t, kind, lo, bytes_ in vmem:
            if lo <= e.iova < lo + bytes_ and t <= e.t + 1000000:
                return "virtio-mem"
        # q35's PCI hole starts at 0xE0000000 (L2 has 256 MiB of RAM below it):
        # what QEMU maps there is firmware ROM (0xffff0000) or a BAR
        if e.iova < 0xE0000000:
            return "ram"
        return "rom-or-mmio" if e.iova < (4 << 30) else "ram-high"
    call_of = {}
    ci = 0
    for e in sorted(s2, key=lambda x: x.t):
        best = None
        for k in range(max(0, ci - 64), len(calls)):
            t, kind, lo, n, rc = calls[k]
            if t < e.t - 50:
                continue
            if t > e.t + 2000000:
                break
            if kind == e.kind and lo <= e.iova and e.iova + e.size <= lo + n:
                best = k
                break
        if best is not None:
            call_of[id(e)] = best
            ci = best
        else:
            st["s2_%s_without_vmm_call" % e.kind] += 1
    # maps of one IOMMU_IOAS_MAP: more=1 on all but the last (one flush after the call)
    last_of_call = {}
    for e in s2:
        if e.kind == "map" and id(e) in call_of:
            last_of_call[call_of[id(e)]] = id(e)

    # L0's events on L1's clock: the descriptors L1 queued (qi_submit) are the
    # ones L0 executed (vtd_inv_desc), word for word.
    pairs = vtd_anchors(G, Q, st)
    offs = local_offsets(G, Q, pairs, True)
    anchor_t = [G[g].t for g, _ in pairs]

    def host_of(t_mono):
        k = bisect.bisect_left(anchor_t, t_mono)
        return t_mono + (offs[min(k, len(offs) - 1)] if offs else 0)

    items = []  # (host us, order, kind, payload)
    for e in s2:
        items.append((host_of(e.t), 1, "s2", e))
    for e in Q:
        if e.kind == "dma" or (e.kind == "inv" and e.op not in ("IEC",)):
            items.append((e.t, 2, "q", e))
    for s, b, e in steps:
        if b is not None:
            items.append((host_of(b), 0, "note", "begin %s" % s))
        items.append((host_of(e), 0, "note", "end %s" % s))
    for t, kind, lo, bytes_ in vmem:
        items.append((host_of(t), 0, "note", "virtio-mem %s request: GPA %#x, %d bytes" % (kind, lo, bytes_)))
    for wall, name, args in L1:
        if name in ("ram_block_discard_range", "migrate_set_state", "virtio_balloon_to_target",
                    "virtio_mem_unplug_all_request", "virtio_mem_resized_usable_region"):
            items.append((host_of(to_mono(wall)), 0, "note", "VMM %s %s" % (name, args)))
    start = host_of(vmm_begin)
    items = sorted((it for it in items if it[0] >= start), key=lambda x: (x[0], x[1]))

    os.makedirs(a.out, exist_ok=True)
    header = ["source: a VMM's stage-2 changes with a device assigned (scripts/guest/capture-nested s2): "
              "L1 QEMU 10.0.2 (TCG) runs L2 with L0's e1000e through iommufd; map2/unmap2 = L1's "
              "iommu:map/unmap of that device's domain, dma/inv = L0 QEMU's intel-iommu events, "
              "converted by scripts/nbtrace/s2vmm.py",
              "config: s2-vmm", "stage2-domain: %d" % did, "device-sid: %#x" % sid]
    if a.note:
        header.append("capture: %s" % a.note)
    w = Out(os.path.join(a.out, "all.trace.gz"), header + ["workload: the whole VMM run"])
    per_step = {}
    for t, _, kind, e in items:
        if kind == "note":
            w.comment(e)
            continue
        if kind == "s2":
            step = step_at(steps, e.t)
            k = "map2" if e.kind == "map" else "unmap2"
            c = per_step.setdefault(step, Counter())
            c[k] += 1
            c[k + "_bytes"] += e.size
            extra = ""
            if e.kind == "map":
                extra = " out=%#x" % e.pa
                ci_ = call_of.get(id(e))
                if ci_ is not None and last_of_call.get(ci_) != id(e):
                    extra += " more=1"
            w.line(t, "%s %#x %#x %d %d%s step=%s cause=%s" % (k, sid, e.iova, e.size, did, extra, step,
                                                                 cause(e)), k)
        else:
            if e.kind == "dma":
                if e.sid != sid:
                    continue
                w.line(t, "dma %#x %#x 0 %d hit=%d out=%#x" % (e.sid, e.iova, e.dom, e.hit, e.out), "dma")
            else:
                w.line(t, "inv %#x %#x %d %d op=%s w0=%#x w1=%#x" % (e.sid, e.iova, e.size, e.dom, e.op,
                                                                     e.w0, e.w1), "inv")
    traces = {"all": w.close()}

    # The dirty rounds on the mock's HWPT (nb-s2tool dirty: CLOCK_MONOTONIC ns,
    # the clock of that boot's ftrace, which has the mock domain's maps).
    dirty_info = {}
    probe = os.path.join(vmm, "probe.txt")
    if os.path.exists(probe):
        dirty_info["vfio_probe"] = open(probe, errors="replace").read().splitlines()
    ddir = os.path.join(a.raw_dirty, "vmm") if a.raw_dirty else ""
    dpath = os.path.join(ddir, "dirty.txt")
    if ddir and os.path.exists(dpath):
        text = open(dpath, errors="replace").read()
        h = DIRTY_HEAD.search(text)
        rounds = [m for m in DIRTY_ROUND.finditer(text)]
        GD = read_ftrace(os.path.join(ddir, "ftrace.txt"), st) if os.path.exists(
            os.path.join(ddir, "ftrace.txt")) else []
        win = [(b, e) for s_, b, e in steps_of(GD) if s_ == "dirty" and b is not None]
        mock = [e for e in GD if e.kind == "map" and any(b <= e.t <= x for b, x in win)]
        if not h or not rounds:
            raise SystemExit("s2vmm: %s has no dirty rounds: %s" % (dpath, text.strip()[:300]))
        hwpt = int(h[2])
        d = Out(os.path.join(a.out, "dirty-mock.trace.gz"),
                header[:1] + ["config: s2-dirty: dirty tracking through the real iommufd uAPI on the selftest "
                              "mock (hwpt %d; a boot without an emulated IOMMU)" % hwpt,
                              "workload: nb-s2tool dirty: a 512-buffer receive ring, 64 buffers written per round "
                              "(IOMMU_TEST_OP_DIRTY), IOMMU_HWPT_GET_DIRTY_BITMAP (clearing) after each"]
                + (["capture: %s" % a.note] if a.note else []))
        for e in mock:
            d.line(e.t, "map2 0 %#x %d %d out=%#x step=dirty cause=ioas-map" % (e.iova, e.size, hwpt, e.pa), "map2")
        for m in rounds:
            n, first, last = int(m[6]), int(m[8], 16), int(m[9], 16)
            fl = " flush-iova=%#x flush-size=%d" % (first, last + 4096 - first) if n else ""
            d.line(int(m[2]) / 1000.0, "dirty2 0 %#x %d %d dirty=%d%s" % (int(m[4], 16), int(m[5], 16), hwpt,
                                                                         n, fl), "dirty2")
            if 2 * n != int(m[7]):  # marked: the mock's 2 KiB pages, two per 4 KiB page
                st["dirty_rounds_count_mismatch"] += 1
        traces["dirty-mock"] = d.close()
        dirty_info["rounds"] = len(rounds)
        dirty_info["mock_maps"] = len(mock)

    qmp = open(os.path.join(vmm, "qmp.log"), errors="replace").read() if os.path.exists(
        os.path.join(vmm, "qmp.log")) else ""
    # The balloon with VFIO: QEMU inhibits discards of guest RAM while VFIO
    # pins it (ram_block_discard_disable), so the pages the guest gives back
    # (virtio_balloon_handle_output) should have no ram_block_discard_range of
    # the RAM they are in; virtio-mem's coordinated discards still happen.
    discards = Counter()
    for wall, name, args in L1:
        if name == "ram_block_discard_range":
            discards[args.split("@")[0] or "(unnamed)"] += 1
    balloon = {"pages_given_back": st["vmm_virtio_balloon_handle_output"],
               "ram_block_discard_range_by_block": dict(discards)}
    vmm_calls = Counter()
    for t, kind, lo, n, rc in calls:
        s = step_at(steps, t)
        vmm_calls["%s %s" % (s, kind)] += 1
        vmm_calls["%s %s_bytes" % (s, kind)] += n
    res = {"config": "s2-vmm", "capture_seconds": a.capture_seconds, "device_sid": "%#x" % sid,
           "stage2_domain": did, "counts": dict(st), "per_step": {k: dict(v) for k, v in per_step.items()},
           "vmm_calls": dict(vmm_calls), "virtio_mem_requests": len(vmem),
           "clock_offsets_us": clock_offsets, "steps": [list(s) for s in steps], "dirty": dirty_info,
           "qmp_errors": [l for l in qmp.splitlines() if '"error"' in l], "balloon": balloon, "traces": traces}
    nb_atomic.write_atomic(os.path.join(a.out, "convert.json"), json.dumps(res, indent=1, sort_keys=True))
    al = traces["all"]
    print("s2vmm: %d map2, %d unmap2, %d dma, %d inv; %d anchors; dirty rounds %s" % (
        al.get("map2", 0), al.get("unmap2", 0), al.get("dma", 0), al.get("inv", 0), st["anchors"],
        dirty_info.get("rounds", 0)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
