#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Convert a QEMU trace-event log plus the guest's ftrace into nestbench traces.

Inputs (what scripts/guest/capture collects):
  --qemu-log   QEMU's log backend output (-trace events=FILE -D LOG -msg timestamp=on):
               lines "PID@SECONDS.MICROS:EVENT ARGS"
  --ftrace     the guest's ftrace (iommu:map/unmap, dma:*, intel_iommu:qi_submit, and
               NB-MARK begin/end markers), compacted by the capture script to
               "CPU SECONDS.MICROS EVENT: ARGS" or raw as /sys/kernel/tracing/trace
               prints it; optional: without it the trace is QEMU's events alone
               (each first DMA implies its map). Guest map/unmap events need clock
               anchors (below); without any the conversion stops, unless
               --no-guest-ops leaves them out.
  --env        the guest's nb-env.txt (VT-d CAP/ECAP, kernel, command line);
  --vtd-cap, --vtd-ecap  the registers as hex, instead of (or checked against) --env
Output (--out DIR): all.trace.gz (everything from the first event to the end of
the last workload), <workload>.trace.gz per marked workload (the mappings live
at its start as map events, then its own events), convert.json (counts).

Every mapping from a QEMU or guest event to a trace event is documented in
docs/trace-format.md ("From QEMU and the guest's ftrace"). In short:
  vtd_iotlb_page_hit / vtd_iotlb_page_update -> dma hit=1 / hit=0 (sid, iova, domain)
  vtd_inv_desc (type != iec)                  -> inv op=NAME w0=LOW w1=HIGH
  amdvi_iotlb_hit / amdvi_cache_update         -> dma hit=1 / hit=0
  amdvi_pages_inval / _all_inval / _devtab_inval / _iotlb_inval / _completion_wait
                                               -> inv op=INVALIDATE_IOMMU_PAGES / ... (no raw words)
  guest iommu:map / iommu:unmap                -> map / unmap (device from the dma:* event
                                                  that follows on the same CPU)
The two clocks are lined up by anchors: on VT-d every descriptor the guest
queued (intel_iommu:qi_submit) is the same 128 bits QEMU logs (vtd_inv_desc);
on AMD-Vi each guest map/unmap is matched to the INVALIDATE_IOMMU_PAGES QEMU
executed for it (same domain, nearest in time after a cross-correlation of the
two streams). A guest event is put after the QEMU event of the anchor before it
and before the QEMU event of the anchor after it, and between them by time.
"""
import argparse
import bisect
import gzip
import io
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nb_atomic  # noqa: E402 (this folder's publishing helper)
from nbtrace.translation import vtd_out  # noqa: E402  (conversion stages: scripts/nbtrace/)
from nbtrace.vtd_mode import first_stage_dma  # noqa: E402

FORMAT_VERSION = 1


class ConvertError(Exception):
    """Input that cannot be converted: one line naming the file, the line and what is wrong."""


def need(rx, args, where):
    """rx's match of an event's arguments; a line whose arguments do not parse is refused."""
    m = rx.match(args)
    if not m:
        raise ConvertError("%s: cannot read its arguments: '%s'" % (where, args[:120]))
    return m


def open_text(path, flag):
    opener = gzip.open if path.endswith(".gz") else open
    try:
        return opener(path, "rt", errors="replace")
    except OSError as e:
        raise ConvertError("%s %s: %s" % (flag, path, e.strerror or e))


def lines_of(f, path, flag):
    """(line number, line) of an open input; a gzip cut short is named."""
    n = 0
    try:
        for n, line in enumerate(f, 1):
            yield n, line
    except EOFError:
        raise ConvertError("%s %s:%d: truncated: the gzip data ends in the middle" % (flag, path, n + 1))
    except OSError as e:
        raise ConvertError("%s %s:%d: %s" % (flag, path, n + 1, e.strerror or e))

EPILOG = """Exit status: 0 converted; 1 an input that cannot be converted (a line whose
arguments do not parse, a gzip cut short, an ftrace in neither form, guest
operations without clock anchors, capability registers that disagree) or an
output that cannot be written, one line naming the file; 2 usage."""

# ---- QEMU log ---------------------------------------------------------------

QLINE = re.compile(r"^\d+@(\d+)\.(\d+):(\w+) ?(.*)$")
HEX = r"0x([0-9a-f]+)"
Q_VTD_PAGE = re.compile(r"IOTLB page (hit|update) sid %s iova %s slpte %s domain %s" % (HEX, HEX, HEX, HEX))
Q_VTD_DESC = re.compile(r"invalidate desc type (\S+) high %s low %s" % (HEX, HEX))
Q_VTD_PAGES = re.compile(r"iotlb invalidate domain %s addr %s mask %s" % (HEX, HEX, HEX))
Q_VTD_DOMAIN = re.compile(r"iotlb invalidate whole domain %s" % HEX)
Q_VTD_FAULT = re.compile(r"sid %s fault (\d+) addr %s write (\d+)" % (HEX, HEX))
DEVID = r"([0-9a-f]{2}):([0-9a-f]{2})\.([0-9a-f])"
Q_AMD_HIT = re.compile(r"hit iotlb devid %s gpa %s hpa %s" % (DEVID, HEX, HEX))
Q_AMD_UPDATE = re.compile(r"update iotlb domid %s devid: %s gpa %s hpa %s" % (HEX, DEVID, HEX, HEX))
Q_AMD_PAGES = re.compile(r"AMD-Vi pages for domain %s invalidated" % HEX)
Q_AMD_DEVTAB = re.compile(r"device table entry for devid: %s invalidated" % DEVID)
Q_AMD_WAIT = re.compile(r"completion wait requested with store address %s and store data %s" % (HEX, HEX))

# VT-d descriptor types (VT-d spec 6.5.2; src/inval/enc_vtd.c)
VTD_CC, VTD_IOTLB, VTD_DEVTLB, VTD_IEC, VTD_WAIT, VTD_PIOTLB, VTD_PC = 1, 2, 3, 4, 5, 6, 7


def vtd_decode(w0, w1):
    """(op name, sid, iova, size, domain) of a VT-d descriptor, as the trace names them."""
    t = w0 & 0xF
    g = (w0 >> 4) & 3
    did = (w0 >> 16) & 0xFFFF
    if t == VTD_CC:
        return "CC_INV", (w0 >> 32) & 0xFFFF, 0, 0, did
    if t == VTD_IOTLB:
        if g == 3:
            am = w1 & 0x3F
            return "IOTLB_PSI", 0, w1 & ~0xFFF & (2**64 - 1), 4096 << am, did
        return ("IOTLB_DSI" if g == 2 else "IOTLB_GLOBAL"), 0, 0, 0, did if g == 2 else 0
    if t == VTD_DEVTLB:
        sid = (w0 >> 32) & 0xFFFF
        addr = w1 & ~0xFFF & (2**64 - 1)
        size = 4096
        if w1 & 1:  # S: the size is in the lowest clear address bit
            b = 12
            while b < 64 and (w1 >> b) & 1:
                b += 1
            size = 1 << (b + 1) if b < 63 else 0
            addr &= ~(size - 1) if size else 0
        return "DEVTLB", sid, addr, size, 0
    if t == VTD_WAIT:
        return "WAIT", 0, 0, 0, 0
    if t == VTD_PIOTLB:
        if g == 3:
            am = w1 & 0x3F
            return "PIOTLB_PSI", 0, w1 & ~0xFFF & (2**64 - 1), 4096 << am, did
        return "PIOTLB_PASID", 0, 0, 0, did
    if t == VTD_PC:
        return "PC_INV", 0, 0, 0, did
    if t == VTD_IEC:
        return "IEC", 0, 0, 0, 0
    return "VTD_TYPE_%d" % t, 0, 0, 0, 0


def devid_sid(bus, slot, fn):
    return (int(bus, 16) << 8) | (int(slot, 16) << 3) | int(fn, 16)


class QEv:
    """One QEMU event: kind 'dma', 'inv', 'note' or 'fault'."""
    __slots__ = ("t", "kind", "sid", "iova", "size", "dom", "hit", "op", "w0", "w1", "text", "large", "out")

    def __init__(self, t, kind, sid=0, iova=0, size=0, dom=0, hit=-1, op="", w0=None, w1=None,
                 text="", large=False):
        self.t, self.kind, self.sid, self.iova, self.size, self.dom = t, kind, sid, iova, size, dom
        self.hit, self.op, self.w0, self.w1, self.text, self.large = hit, op, w0, w1, text, large
        self.out = None  # dma: the address it translated to (nbtrace.translation)


def read_qemu(path, vendor, st):
    """QEMU events in log order; st counts what was seen and cross-checked."""
    out = []
    last_inv = None
    amd_dom = {}  # devid -> domain (from amdvi_cache_update)
    amd_pending = []  # AMD hits before the devid's domain is known
    with open_text(path, "--qemu-log") as f:
        for lineno, line in lines_of(f, path, "--qemu-log"):
            m = QLINE.match(line)
            if not m:
                st["qemu_other_lines"] += 1
                continue
            t = int(m[1]) * 1000000 + int(m[2])
            ev, a = m[3], m[4].strip()
            where = "--qemu-log %s:%d: %s" % (path, lineno, ev)
            st["qemu_" + ev] = st.get("qemu_" + ev, 0) + 1
            if vendor == "vtd":
                if ev in ("vtd_iotlb_page_hit", "vtd_iotlb_page_update"):
                    p = need(Q_VTD_PAGE, a, where)
                    slpte = int(p[4], 16)
                    out.append(QEv(t, "dma", sid=int(p[2], 16), iova=int(p[3], 16), dom=int(p[5], 16),
                                   hit=1 if p[1] == "hit" else 0, large=bool(slpte & 0x80)))
                    out[-1].out = vtd_out(out[-1].iova, slpte)
                elif ev == "vtd_inv_desc":
                    p = need(Q_VTD_DESC, a, where)
                    w1, w0 = int(p[2], 16), int(p[3], 16)
                    op, sid, iova, size, dom = vtd_decode(w0, w1)
                    last_inv = QEv(t, "inv", sid=sid, iova=iova, size=size, dom=dom, op=op, w0=w0, w1=w1,
                                   text=p[1])
                    out.append(last_inv)
                elif ev == "vtd_inv_desc_iotlb_pages":
                    # QEMU's own decode of the descriptor just logged: must agree with ours
                    p = need(Q_VTD_PAGES, a, where)
                    dom, addr, am = int(p[1], 16), int(p[2], 16), int(p[3], 16)
                    ok = (last_inv is not None and last_inv.op == "IOTLB_PSI" and last_inv.dom == dom
                          and last_inv.iova == addr and last_inv.size == 4096 << am)
                    st["qemu_decode_agree" if ok else "qemu_decode_disagree"] += 1
                elif ev == "vtd_inv_desc_iotlb_domain":
                    p = need(Q_VTD_DOMAIN, a, where)
                    ok = last_inv is not None and last_inv.op == "IOTLB_DSI" and last_inv.dom == int(p[1], 16)
                    st["qemu_decode_agree" if ok else "qemu_decode_disagree"] += 1
                elif ev == "vtd_inv_desc_iotlb_global":
                    ok = last_inv is not None and last_inv.op == "IOTLB_GLOBAL"
                    st["qemu_decode_agree" if ok else "qemu_decode_disagree"] += 1
                elif ev == "vtd_iotlb_reset":
                    out.append(QEv(t, "note", text="QEMU IOTLB reset: " + a.strip()))
                elif ev == "vtd_dmar_fault":
                    p = need(Q_VTD_FAULT, a, where)
                    out.append(QEv(t, "fault", sid=int(p[1], 16), iova=int(p[3], 16),
                                   text="QEMU DMAR fault: " + a.strip()))
            else:
                if ev == "amdvi_iotlb_hit":
                    p = need(Q_AMD_HIT, a, where)
                    sid = devid_sid(p[1], p[2], p[3])
                    e = QEv(t, "dma", sid=sid, iova=int(p[4], 16), dom=amd_dom.get(sid, -1), hit=1)
                    if e.dom < 0:
                        amd_pending.append(e)
                    out.append(e)
                elif ev == "amdvi_cache_update":
                    p = need(Q_AMD_UPDATE, a, where)
                    sid, dom = devid_sid(p[2], p[3], p[4]), int(p[1], 16)
                    amd_dom[sid] = dom
                    out.append(QEv(t, "dma", sid=sid, iova=int(p[5], 16), dom=dom, hit=0))
                elif ev == "amdvi_pages_inval":
                    out.append(QEv(t, "inv", dom=int(need(Q_AMD_PAGES, a, where)[1], 16), op="INVALIDATE_IOMMU_PAGES"))
                elif ev == "amdvi_all_inval":
                    out.append(QEv(t, "inv", op="INVALIDATE_IOMMU_ALL"))
                elif ev == "amdvi_devtab_inval":
                    p = need(Q_AMD_DEVTAB, a, where)
                    out.append(QEv(t, "inv", sid=devid_sid(p[1], p[2], p[3]), op="INVALIDATE_DEVTAB_ENTRY"))
                elif ev == "amdvi_iotlb_inval":
                    out.append(QEv(t, "inv", op="INVALIDATE_IOTLB_PAGES"))
                elif ev == "amdvi_completion_wait":
                    out.append(QEv(t, "inv", op="COMPLETION_WAIT"))
                elif ev == "amdvi_iotlb_reset":
                    out.append(QEv(t, "note", text="QEMU IOTLB reset: " + a.strip()))
                elif ev == "amdvi_page_fault":
                    out.append(QEv(t, "fault", text="QEMU AMD-Vi page fault: " + a.strip()))
    for e in amd_pending:  # a hit before any update of its devid: its first later domain
        e.dom = amd_dom.get(e.sid, 0)
    return out


# ---- guest ftrace --------------------------------------------------------------

FLINE = re.compile(r"^(\d+) (\d+)\.(\d+) (\w+): ?(.*)$")
# Raw ftrace text (/sys/kernel/tracing/trace, not compacted): "TASK-PID [CPU]
# FLAGS SECONDS.MICROS: EVENT: ARGS", the irq-info flags column optional.
FRAW = re.compile(r"^\s*.+?-\d+\s+(?:\(\s*[\d-]+\)\s+)?\[(\d+)\](?:\s+[\w.]{4,5})?\s+"
                  r"(\d+)\.(\d+): (\w+): ?(.*)$")


def ftrace_line(line, st):
    """(cpu, seconds, micros, event, args) of a compacted or a raw ftrace line,
    the raw one cleaned as scripts/guest/capture compacts it; None otherwise."""
    m = FLINE.match(line)
    if m:
        return m.groups()
    m = FRAW.match(line)
    if not m:
        return None
    st["ftrace_raw_lines"] += 1
    a = re.sub(r" attrs=\S*$", "", re.sub(r" virt_addr=\S*", "", m[5].replace("IOMMU: ", "", 1)))
    return m[1], m[2], m[3], m[4], a
F_MAP = re.compile(r"iova=0x([0-9a-f]+) - 0x[0-9a-f]+ paddr=0x([0-9a-f]+) size=(\d+)")
F_UNMAP = re.compile(r"iova=0x([0-9a-f]+) - 0x[0-9a-f]+ size=(\d+) unmapped_size=(\d+)")
F_QI = re.compile(r"(\S+) \S+: 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+)")
F_DEV = re.compile(r"^(\S+) ")
F_ADDR = re.compile(r"dma_addr=([0-9a-f]+) size=(\d+)")
F_SG = re.compile(r"dma_addrs=\{([^}]*)\} sizes=\{([^}]*)\}")
PCI_NAME = re.compile(r"^[0-9a-f]{4}:([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$")
# How long an iommu:map/unmap waits for the dma:* event of its call on the same CPU
# (a TCG vCPU thread can be descheduled for milliseconds on a loaded host).
ATTRIBUTE_US = 100000
# dma:* events traced after the IOMMU work they name (kernel/dma/mapping.c) ...
DMA_MAP_EVENTS = {"dma_map_page", "dma_map_resource", "dma_map_sg", "dma_alloc", "dma_alloc_pages",
                  "dma_alloc_sgt"}
DMA_UNMAP_EVENTS = {"dma_unmap_page", "dma_unmap_resource"}
# ... and before it (the unmap comes next on the same CPU)
DMA_PRE_UNMAP_EVENTS = {"dma_unmap_sg", "dma_free", "dma_free_pages", "dma_free_sgt"}


class GEv:
    """One guest event: kind 'map', 'unmap', 'qi', 'mark'."""
    __slots__ = ("t", "cpu", "kind", "iova", "size", "pa", "sid", "dom", "w0", "w1", "text", "qi_op",
                 "more", "group")

    def __init__(self, t, cpu, kind, iova=0, size=0, pa=0, text="", w0=0, w1=0, qi_op=""):
        self.t, self.cpu, self.kind, self.iova, self.size, self.pa = t, cpu, kind, iova, size, pa
        self.sid, self.dom, self.w0, self.w1, self.text, self.qi_op = -1, -1, w0, w1, text, qi_op
        self.more = False  # map: more maps of the same call follow (one iotlb_sync_map after the last)
        self.group = id(self)  # map: the driver call (dma:* event) it belongs to


def pci_sid(name):
    m = PCI_NAME.match(name)
    return devid_sid(m[1], m[2], m[3]) if m else -1


def dma_ranges(ev, args):
    """The (first, size) DMA address ranges a dma:* event names, or None if it names none."""
    if ev == "dma_map_sg":
        m = F_SG.search(args)
        if not m:
            return None
        addrs = [int(x, 16) for x in m[1].split(",") if x]
        sizes = [int(x, 16) for x in m[2].split(",") if x]
        return list(zip(addrs, sizes))
    m = F_ADDR.search(args)
    return [(int(m[1], 16), int(m[2]))] if m else None


def covers(ranges, iova, size):
    """Does a DMA range touch the IOVA range (page granular)?"""
    for a, s in ranges:
        lo, hi = a & ~0xFFF, (a + max(s, 1) + 0xFFF) & ~0xFFF
        if lo < iova + size and iova < hi:
            return True
    return False


def read_ftrace(path, st):
    out = []
    pending = {}  # cpu -> [GEv map/unmap waiting for their dma:* event]
    pre = {}  # cpu -> (sid, ranges, t) of a dma:* unmap/free whose iommu:unmap comes next
    seen = 0  # lines in either form
    first_other = None
    with open_text(path, "--ftrace") as f:
        for lineno, line in lines_of(f, path, "--ftrace"):
            m = ftrace_line(line.rstrip("\n"), st)
            if not m:
                if line.strip() and not line.startswith("#"):
                    st["ftrace_other_lines"] += 1
                    first_other = first_other or (lineno, line.strip())
                continue
            seen += 1
            cpu, t = int(m[0]), int(m[1]) * 1000000 + int(m[2].ljust(6, "0")[:6])
            ev, a = m[3], m[4]
            where = "--ftrace %s:%d: %s" % (path, lineno, ev)
            if ev == "map":
                p = need(F_MAP, a, where)
                e = GEv(t, cpu, "map", iova=int(p[1], 16), size=int(p[3]), pa=int(p[2], 16))
                out.append(e)
                pending.setdefault(cpu, []).append(e)
            elif ev == "unmap":
                p = need(F_UNMAP, a, where)
                if int(p[3]) == 0:
                    st["guest_unmaps_of_nothing"] += 1
                    continue
                e = GEv(t, cpu, "unmap", iova=int(p[1], 16), size=int(p[3]))
                out.append(e)
                b = pre.pop(cpu, None)
                if b and t - b[2] < ATTRIBUTE_US and (b[1] is None or covers(b[1], e.iova, e.size)):
                    e.sid = b[0]
                else:
                    pending.setdefault(cpu, []).append(e)
            elif ev == "qi_submit":
                p = need(F_QI, a, where)
                out.append(GEv(t, cpu, "qi", w0=int(p[2], 16), w1=int(p[3], 16), qi_op=p[1]))
            elif ev == "tracing_mark_write":
                if a.startswith("NB-MARK "):
                    out.append(GEv(t, cpu, "mark", text=a[8:].strip()))
            elif ev in DMA_PRE_UNMAP_EVENTS:
                pre[cpu] = (pci_sid(need(F_DEV, a, where)[1]), dma_ranges(ev, a), t)
            elif ev in DMA_MAP_EVENTS or ev in DMA_UNMAP_EVENTS:
                kind = "map" if ev in DMA_MAP_EVENTS else "unmap"
                sid = pci_sid(need(F_DEV, a, where)[1])
                ranges = dma_ranges(ev, a)
                keep, got = [], []
                for e in pending.get(cpu, []):
                    if e.kind == kind and e.sid < 0 and (ranges is None or covers(ranges, e.iova, e.size)):
                        e.sid = sid
                        got.append(e)
                    elif t - e.t < ATTRIBUTE_US and e.sid < 0:
                        keep.append(e)  # still waiting (another device's event came between)
                pending[cpu] = keep
                # one dma:* call that made several maps (iommu_map_sg): one flush after the last
                for e in got[:-1]:
                    if e.kind == "map":
                        e.more = True
                for e in got:
                    e.group = id(got[-1])
    if first_other and not seen:
        raise ConvertError("--ftrace %s:%d: neither the compacted form 'CPU SECONDS.MICROS EVENT: ARGS' "
                           "(scripts/guest/capture) nor raw ftrace text: '%s'"
                           % (path, first_other[0], first_other[1][:100]))
    return out


# ---- lining the clocks up ------------------------------------------------------

def vtd_anchors(G, Q, st):
    """Pairs (guest index, QEMU index): the same descriptor queued and executed."""
    # QEMU 10.0 logs no vtd_inv_desc for wait descriptors it completes nor for
    # PASID-cache (pc_inv) descriptors (scalable mode): those anchor nothing.
    gq = [i for i, e in enumerate(G) if e.kind == "qi" and e.qi_op not in ("inv_wait", "pc_inv")]
    qa = [j for j, e in enumerate(Q) if e.kind == "inv" and e.op != "WAIT"]
    if not gq:
        return []
    # where the guest's first descriptors start in QEMU's sequence
    k = min(16, len(gq))
    start = None
    for s in range(0, len(qa) - k + 1):
        if all(G[gq[i]].w0 == Q[qa[s + i]].w0 and G[gq[i]].w1 == Q[qa[s + i]].w1 for i in range(k)):
            start = s
            break
    if start is None:
        raise SystemExit("nb_trace_convert: the guest's first %d descriptors (intel_iommu:qi_submit) "
                         "are not in QEMU's vtd_inv_desc stream: not the same run?" % k)
    pairs, j = [], start
    for i in gq:
        for look in range(j, min(j + 64, len(qa))):
            if G[i].w0 == Q[qa[look]].w0 and G[i].w1 == Q[qa[look]].w1:
                st["anchor_skipped_qemu"] += look - j
                pairs.append((i, qa[look]))
                j = look + 1
                break
        else:
            st["anchor_unmatched_guest"] += 1
    st["anchors"] = len(pairs)
    return pairs


def amd_anchors(G, Q, st):
    """Guest map/unmap matched to the INVALIDATE_IOMMU_PAGES QEMU executed for it."""
    import numpy as np
    # the events that have a flush of their own: unmaps, and the last map of a call
    gi = [i for i, e in enumerate(G) if e.kind in ("map", "unmap") and e.dom >= 0 and not e.more]
    qj = [j for j, e in enumerate(Q) if e.kind == "inv" and e.op == "INVALIDATE_IOMMU_PAGES"]
    if not gi or not qj:
        return []
    gt = np.array([G[i].t for i in gi], dtype=np.int64)
    qt = np.array([Q[j].t for j in qj], dtype=np.int64)
    # coarse offset: cross-correlate 1 ms event counts (FFT), the peak is the clock offset
    lo = qt[0] - gt[-1]
    nb = int((qt[-1] - lo - gt[0]) // 1000) + 2
    n = 1 << int(nb * 2).bit_length()
    a = np.zeros(n)
    b = np.zeros(n)
    np.add.at(a, ((gt - gt[0]) // 1000).astype(np.int64), 1)
    np.add.at(b, ((qt - (gt[0] + lo)) // 1000).astype(np.int64), 1)
    corr = np.fft.irfft(np.fft.rfft(b) * np.conj(np.fft.rfft(a)), n)
    shift = int(np.argmax(corr[:nb]))
    coarse = lo + shift * 1000
    # fine: match each guest event to the first free flush of its domain after it, with
    # the offset so far; then again with each anchor's local (median) offset
    def match(offset_of, lo_us, hi_us):
        pairs, last = [], -1
        for n, (i, t) in enumerate(zip(gi, gt)):
            want = t + offset_of(n)
            p = max(bisect.bisect_left(qt, want + lo_us), last + 1)
            for q in range(p, min(p + 32, len(qt))):
                if qt[q] > want + hi_us:
                    break
                if Q[qj[q]].dom == G[i].dom:
                    pairs.append((n, q))
                    last = q
                    break
        return pairs

    pairs = match(lambda n: coarse, -3000, 3000)
    for _ in range(2):
        if not pairs:
            break
        ns = [n for n, _ in pairs]
        lag = [int(qt[q] - gt[n]) for n, q in pairs]
        med = [int(np.median(lag[max(0, k - 16):k + 17])) for k in range(len(lag))]

        def local(n, ns=ns, med=med):
            k = min(bisect.bisect_left(ns, n), len(ns) - 1)
            return med[k]
        pairs = match(local, -300, 1500)
    st["anchor_unmatched_guest"] += len(gi) - len(pairs)
    st["anchors"] = len(pairs)
    st["clock_offset_us"] = int(np.median([qt[q] - gt[n] for n, q in pairs])) if pairs else coarse
    return [(gi[n], qj[q]) for n, q in pairs]


def local_offsets(G, Q, pairs, exact, width=8):
    """Per anchor, the guest->host clock offset near it. Exact anchors (VT-d: the same
    descriptor on both sides): the smallest (host - guest) of the anchors around it,
    as QEMU executes a descriptor a little after the guest traced it (a few us,
    sometimes ms), and the offset itself is stable over seconds. Matched anchors
    (AMD-Vi): the median, which a wrong match does not move."""
    raw = [Q[q].t - G[g].t for g, q in pairs]
    if exact:
        return [min(raw[max(0, k - width):k + width + 1]) for k in range(len(raw))]
    w = 2 * width
    return [sorted(raw[max(0, k - w):k + w + 1])[len(raw[max(0, k - w):k + w + 1]) // 2]
            for k in range(len(raw))]


def place(G, Q, pairs, exact):
    """For each guest event (not qi): (QEMU index it goes before, lowest allowed,
    highest allowed, host time). The bounds are the anchors of the same CPU around it
    (program order); another CPU's anchor bounds nothing, as that vCPU may have been
    descheduled between tracing a descriptor and queuing it."""
    qt = []
    m = 0
    for e in Q:  # times made monotone for bisect (log order is what QEMU saw)
        m = max(m, e.t)
        qt.append(m)
    anchor_of = dict(pairs)
    gs = [p[0] for p in pairs]
    offs = local_offsets(G, Q, pairs, exact)
    per_cpu = {}  # cpu -> ([guest index], [QEMU index]) of its anchors
    for g, q in pairs:
        a = per_cpu.setdefault(G[g].cpu, ([], []))
        a[0].append(g)
        a[1].append(q)
    out = {}
    for i, e in enumerate(G):
        if e.kind == "qi":
            continue
        k = bisect.bisect_left(gs, i)
        off = offs[k - 1] if k > 0 else (offs[0] if offs else 0)
        cg, cq = per_cpu.get(e.cpu, ([], []))
        c = bisect.bisect_left(cg, i)
        lo = cq[c - 1] + 1 if c > 0 else 0
        if i in anchor_of:
            # AMD: just before the flush matched to it; the match is by domain and time
            # (QEMU logs no address), so causality may still move it up to its neighbours
            hi = cq[c + 1] if c + 1 < len(cg) else len(Q)
            out[i] = (anchor_of[i], lo, hi, e.t + off)
            continue
        hi = cq[c] if c < len(cg) else len(Q)
        p = bisect.bisect_right(qt, e.t + off, lo, hi) if lo < hi else lo
        out[i] = (min(max(p, lo), hi), lo, hi, e.t + off)
    return out


def causality(items, bounds, st, window_us=5000, look=3000):
    """A device cannot DMA through a mapping before the map, nor miss in the IOTLB on
    one after the unmap (QEMU logs only translations that succeeded). Where time
    placement put a map after the first DMA that needs it, the map (with the rest of
    its driver call) is moved before that DMA; where it put an unmap before a later
    miss on its range, the unmap is moved after that miss; both within the anchors
    around them. items: (kind, event, host time, QEMU index or None), in order;
    bounds: id(guest event) -> (lowest, highest QEMU index allowed)."""
    out, live, done, deferred = [], {}, set(), {}

    def pages(e):
        return ((e.dom, pg) for pg in range(e.iova >> 12, (e.iova + e.size + 0xFFF) >> 12))

    def apply(e):
        if e.dom < 0:
            return
        for k in pages(e):
            if e.kind == "map":
                live[k] = live.get(k, 0) + 1
            elif live.get(k, 0) > 1:
                live[k] -= 1
            else:
                live.pop(k, None)

    def touches(e, dom, lo, hi):
        return e.dom == dom and e.iova < hi and lo < e.iova + e.size

    n = len(items)
    # A DMA's forward scan looks only at guest events: jump from one to the next
    # (gpos) instead of stepping over every QEMU event between them, and stop
    # where the scan would have met an item later than its window (block maxima
    # of the times; items are in placement order, their times nearly so).
    gpos = [k for k in range(n) if items[k][0] == "g"]
    times = [it[2] for it in items]
    block = 64
    bmax = [max(times[b:b + block]) for b in range(0, n, block)]

    def later_than(lo, hi, limit):
        """Is any item in [lo, hi] later than limit?"""
        k = lo
        while k <= hi:
            if k % block == 0 and k + block - 1 <= hi:
                if bmax[k // block] > limit:
                    return True
                k += block
            elif times[k] > limit:
                return True
            else:
                k += 1
        return False
    for i in range(n):
        kind, e, t, qi = items[i]
        if kind == "g":
            if id(e) in done:
                continue
            if e.kind == "unmap" and e.dom >= 0:
                last, hi = None, bounds[id(e)][1]
                for j in range(i + 1, min(i + look, n)):
                    kj, ej, tj, qj = items[j]
                    if tj > t + window_us:
                        break
                    if kj == "g" and ej.kind == "map" and touches(ej, e.dom, e.iova, e.iova + e.size):
                        break
                    if (kj == "q" and ej.kind == "dma" and ej.hit == 0 and ej.dom == e.dom
                            and e.iova <= ej.iova < e.iova + e.size and qj + 1 <= hi):
                        last = j
                if last is not None:
                    deferred.setdefault(last, []).append(items[i])
                    st["causality_unmaps_moved"] += 1
                    continue
            out.append(items[i])
            apply(e)
        else:
            if e.kind == "dma" and (e.dom, e.iova >> 12) not in live:
                end = min(i + look, n)
                for p in range(bisect.bisect_right(gpos, i), len(gpos)):
                    j = gpos[p]
                    if j >= end or later_than(i + 1, j, t + window_us):
                        break
                    ej = items[j][1]
                    if id(ej) in done or not touches(ej, e.dom, e.iova, e.iova + 1):
                        continue
                    if ej.kind == "map":
                        grp = [items[k] for k in range(i + 1, j + 1) if items[k][0] == "g"
                               and items[k][1].kind == "map" and items[k][1].group == ej.group
                               and id(items[k][1]) not in done]
                        if all(bounds[id(g[1])][0] <= qi for g in grp):
                            for g in grp:
                                out.append(g)
                                apply(g[1])
                                done.add(id(g[1]))
                            st["causality_maps_moved"] += len(grp)
                    break
                if (e.dom, e.iova >> 12) not in live:
                    st["dma_outside_mappings"] += 1
            out.append(items[i])
        for g in deferred.pop(i, ()):
            out.append(g)
            apply(g[1])
    return out


def gather_calls(items):
    """The maps of one driver call (iommu_map_sg: one iotlb_sync_map after the last)
    together, where its last map is: another CPU's events may have come between them
    in time, but no DMA can use the call's pages before the call returns."""
    last = {}
    for k, it in enumerate(items):
        if it[0] == "g" and it[1].kind == "map":
            last[it[1].group] = k
    out, held = [], {}
    for k, it in enumerate(items):
        if it[0] == "g" and it[1].kind == "map":
            if last[it[1].group] != k:
                held.setdefault(it[1].group, []).append(it)
                continue
            out.extend(held.pop(it[1].group, ()))
        out.append(it)
    return out


# ---- writing -------------------------------------------------------------------

class Writer:
    """One trace, compressed in memory and published whole at close (nb_atomic)."""

    def __init__(self, path, header, vendor):
        self.path, self.vendor = path, vendor
        self.buf = io.BytesIO()
        self.f = io.TextIOWrapper(gzip.GzipFile(fileobj=self.buf, mode="wb", compresslevel=9, mtime=0),
                                  encoding="utf-8")
        self.f.write("nestbench-trace %d\n" % FORMAT_VERSION)
        for h in header:
            self.f.write("# %s\n" % h)
        self.f.write("# TIME_NS KIND SID IOVA SIZE DOMAIN [key=value ...]\n")
        self.t0 = None
        self.last = 0
        self.n = {"events": 0, "maps": 0, "unmaps": 0, "dmas": 0, "invs": 0, "src_hits": 0,
                  "inv_ops": {}, "span_s": 0.0, "faults": 0}

    def time(self, t_us):
        if self.t0 is None:
            self.t0 = t_us
        ns = max((t_us - self.t0) * 1000, self.last)
        self.last = ns
        return ns

    def comment(self, text):
        self.f.write("# %s\n" % text)

    def map(self, t, sid, iova, size, dom, kind="map", more=False, live=False, pa=None):
        self.f.write("%d %s %#x %#x %d %d%s%s\n" % (self.time(t), kind, sid, iova, size, dom,
                                                    " more=1" if more else " live=1" if live else "",
                                                    " out=%#x" % pa if kind == "map" and pa is not None else ""))
        if live:
            self.n["live_maps"] = self.n.get("live_maps", 0) + 1
            return
        self.n["events"] += 1
        self.n["maps" if kind == "map" else "unmaps"] += 1

    def qemu(self, e):
        if e.kind == "dma":
            self.f.write("%d dma %#x %#x 0 %d hit=%d%s\n" % (self.time(e.t), e.sid, e.iova, e.dom, e.hit,
                                                            "" if e.out is None else " out=%#x" % e.out))
            self.n["dmas"] += 1
            self.n["src_hits"] += e.hit == 1
        elif e.kind == "inv":
            raw = " w0=%#x w1=%#x" % (e.w0, e.w1) if e.w0 is not None else ""
            self.f.write("%d inv %#x %#x %d %d op=%s%s\n" % (self.time(e.t), e.sid, e.iova, e.size, e.dom,
                                                            e.op, raw))
            self.n["invs"] += 1
            self.n["inv_ops"][e.op] = self.n["inv_ops"].get(e.op, 0) + 1
        elif e.kind in ("note", "fault"):
            self.comment(e.text)
            self.n["faults"] += e.kind == "fault"
            return
        self.n["events"] += 1

    def close(self):
        self.f.close()
        nb_atomic.write_atomic(self.path, self.buf.getvalue())
        self.n["span_s"] = self.last / 1e9
        return self.n


def env_regs(path):
    regs = {}
    if path:
        try:
            text = open(path, errors="replace").read()
        except OSError as e:
            raise ConvertError("--env %s: %s" % (path, e.strerror or e))
        for line in text.splitlines():
            m = re.search(r"intel-iommu/(cap|ecap): ([0-9a-f]+)", line)
            if m:
                regs[m[1]] = int(m[2], 16)
            m = re.search(r"^kernel: (\S+)", line)
            if m:
                regs["kernel"] = m[1]
            m = re.search(r"^cmdline: (.*)", line)
            if m:
                regs["cmdline"] = m[1]
    return regs


def hex_reg(text):
    try:
        v = int(text, 16)
    except ValueError:
        raise argparse.ArgumentTypeError("'%s' is not a hexadecimal register value" % text)
    if not 0 <= v < 1 << 64:
        raise argparse.ArgumentTypeError("'%s' does not fit in 64 bits" % text)
    return v


def capabilities(a, regs):
    """The VT-d CAP/ECAP from --vtd-cap/--vtd-ecap and/or the env file; they must agree."""
    for k, flag in (("cap", a.vtd_cap), ("ecap", a.vtd_ecap)):
        if flag is None:
            continue
        if k in regs and regs[k] != flag:
            raise ConvertError("--vtd-%s %#x disagrees with --env %s (%#x)" % (k, flag, a.env, regs[k]))
        regs[k] = flag
    if ("cap" in regs) != ("ecap" in regs):
        raise ConvertError("VT-d %s given without %s (--vtd-cap and --vtd-ecap go together)"
                           % (("cap", "ecap") if "cap" in regs else ("ecap", "cap")))
    if "cap" in regs and a.vendor != "vtd":
        raise ConvertError("VT-d capability registers for a --vendor %s capture" % a.vendor)


def main():
    try:
        return convert()
    except (ConvertError, nb_atomic.PublishError) as e:
        print("nb_trace_convert: %s" % e, file=sys.stderr)
        return 1


def convert():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=EPILOG,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vendor", choices=("vtd", "amd"), required=True)
    ap.add_argument("--qemu-log", required=True)
    ap.add_argument("--ftrace", default=None,
                    help="the guest's ftrace, compacted or raw (without: QEMU's events alone, maps "
                         "implied by each first DMA)")
    ap.add_argument("--env", default="", help="the guest's nb-env.txt (VT-d CAP/ECAP, kernel, cmdline)")
    ap.add_argument("--vtd-cap", type=hex_reg, default=None, metavar="HEX",
                    help="the VT-d CAP register the guest saw (instead of, or checked against, --env)")
    ap.add_argument("--vtd-ecap", type=hex_reg, default=None, metavar="HEX", help="its ECAP register")
    ap.add_argument("--no-guest-ops", action="store_true",
                    help="leave the guest's map/unmap out (e.g. an ftrace without clock anchors)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--config", default="")
    ap.add_argument("--note", default="", help="the command that made the capture (written to the header)")
    ap.add_argument("--capture-seconds", type=float, default=None)
    ap.add_argument("--no-split", action="store_true", help="write all.trace.gz only")
    a = ap.parse_args()

    from collections import Counter
    st = Counter()
    Q = read_qemu(a.qemu_log, a.vendor, st)
    G = read_ftrace(a.ftrace, st) if a.ftrace else []
    if a.no_guest_ops:
        st["guest_ops_left_out"] = sum(1 for e in G if e.kind in ("map", "unmap"))
        G = [e for e in G if e.kind == "mark"]
    regs = env_regs(a.env)
    capabilities(a, regs)

    # sid -> domain, from QEMU's own DMA events (the domain the IOMMU used)
    sid_dom = {}
    for e in Q:
        if e.kind == "dma":
            sid_dom.setdefault(e.sid, Counter())[e.dom] += 1
    # VT-d: the descriptor a guest map/unmap caused names its DID (next qi on that CPU)
    next_qi = {}
    for e in reversed(G):
        if e.kind == "qi":
            next_qi[e.cpu] = e
        elif e.kind in ("map", "unmap") and a.vendor == "vtd":
            q = next_qi.get(e.cpu)
            if q and q.t - e.t < 1000 and (q.w0 & 0xF) == VTD_IOTLB and ((q.w0 >> 4) & 3) == 3:
                op, _, iova, size, did = vtd_decode(q.w0, q.w1)
                if iova <= e.iova and e.iova + e.size <= iova + size:
                    e.dom = did
    live = {}  # (sid, iova) -> size, to attribute unmaps whose dma:* event names no address
    for e in G:
        if e.kind == "map":
            if e.sid >= 0:
                live[(e.sid, e.iova)] = e.size
        elif e.kind == "unmap" and e.sid < 0:
            cands = [s for (s, iova) in live if iova == e.iova]
            if len(set(cands)) == 1:
                e.sid = cands[0]
                st["unmaps_attributed_by_live_map"] += 1
        if e.kind == "unmap" and e.sid >= 0:
            live.pop((e.sid, e.iova), None)
        if e.kind in ("map", "unmap") and e.sid >= 0 and e.dom < 0 and e.sid in sid_dom:
            e.dom = sid_dom[e.sid].most_common(1)[0][0]
    for e in G:
        if e.kind in ("map", "unmap"):
            if e.sid < 0 or e.dom < 0:
                st["guest_%ss_unattributed" % e.kind] += 1
            else:
                st["guest_%ss" % e.kind] += 1
    multi = {("%#x" % s): dict(c) for s, c in sid_dom.items() if len(c) > 1}

    pairs = vtd_anchors(G, Q, st) if a.vendor == "vtd" else amd_anchors(G, Q, st)
    ops = sum(1 for e in G if e.kind in ("map", "unmap") and e.sid >= 0 and e.dom >= 0)
    if ops and not pairs:
        raise ConvertError(
            "--ftrace %s: %d guest map/unmap events but no clock anchor (%s): they cannot be "
            "placed among QEMU's events; --no-guest-ops converts QEMU's events alone" % (
                a.ftrace, ops, "no intel_iommu:qi_submit descriptor matches QEMU's vtd_inv_desc"
                if a.vendor == "vtd" else "none matched an INVALIDATE_IOMMU_PAGES of QEMU's"))
    dropped = {k: st[k] for k in ("guest_maps_unattributed", "guest_unmaps_unattributed") if st[k]}
    if dropped:
        print("nb_trace_convert: left out guest operations with no device or domain (the iommufd "
              "selftest's boot map has none): %s" % ", ".join("%s %d" % kv for kv in dropped.items()),
              file=sys.stderr)
    placed = place(G, Q, pairs, a.vendor == "vtd")

    # the merged stream: each guest event before the QEMU event of its position
    by_pos = {}
    for i in sorted(placed):
        by_pos.setdefault(placed[i][0], []).append(G[i])
    items, bounds = [], {}
    for j in range(len(Q) + 1):
        for g in by_pos.get(j, ()):
            items.append(("g", g, 0, None))
        if j < len(Q):
            items.append(("q", Q[j], Q[j].t, j))
    gidx = {id(e): i for i, e in enumerate(G)}
    for k, (kind, e, t, q) in enumerate(items):
        if kind == "g":
            _, lo, hi, ht = placed[gidx[id(e)]]
            items[k] = ("g", e, ht, None)
            bounds[id(e)] = (lo, hi)
    items = gather_calls(causality(items, bounds, st))
    marks = [e for e in G if e.kind == "mark"]

    try:
        os.makedirs(a.out, exist_ok=True)
    except OSError as e:
        raise ConvertError("--out %s: %s" % (a.out, e.strerror or e))
    guest = ("guest ftrace iommu:map/unmap" if a.ftrace and not a.no_guest_ops else
             "no guest map/unmap (--no-guest-ops): maps are implied by each first DMA" if a.ftrace else
             "no guest ftrace: maps are implied by each first DMA")
    header = ["source: QEMU trace events (%s) + %s, converted by scripts/nb_trace_convert.py"
              % ("intel-iommu" if a.vendor == "vtd" else "amd-iommu", guest)]
    if a.config:
        header.append("config: %s" % a.config)
    if a.note:
        header.append("capture: %s" % a.note)
    if "kernel" in regs:
        header.append("guest-kernel: %s" % regs["kernel"])
    if "cap" in regs:
        header.append("vtd-cap: %#018x" % regs["cap"])
        header.append("vtd-ecap: %#018x" % regs["ecap"])
        header.append("caching-mode: %d" % ((regs["cap"] >> 7) & 1))
    if "cmdline" in regs:
        m = re.search(r"iommu\.strict=(\d)", regs["cmdline"])
        if m:
            header.append("guest-strict: %s" % m[1])
    first_stage = a.vendor == "vtd" and first_stage_dma(regs)
    if first_stage:
        header.append("first-stage: 1")
    flush_on_map = (a.vendor == "vtd" and (regs.get("cap", 0) >> 7) & 1 and not first_stage) or a.vendor == "amd"
    header.append("flush-on-map: %d" % (1 if flush_on_map else 0))

    traces = {}
    wins = []  # (name, begin mark, end mark)
    open_w = {}
    for e in marks:
        parts = e.text.split()
        if len(parts) >= 2 and parts[0] == "begin":
            open_w[parts[1]] = e
        elif len(parts) >= 2 and parts[0] == "end" and parts[1] in open_w:
            wins.append((parts[1], open_w.pop(parts[1]), e))

    # one pass over the merged stream; each writer takes its window
    w_all = Writer(os.path.join(a.out, "all.trace.gz"), header + ["workload: all (the whole run)"], a.vendor)
    live = {}  # (dom, iova) -> (sid, size)
    active = {}
    done_all = False
    for kind, e, t, _ in items:
        if kind == "g" and e.kind == "mark":
            parts = e.text.split()
            name = parts[1] if len(parts) > 1 else ""
            if parts[0] == "begin" and not a.no_split and any(w[0] == name for w in wins):
                w = Writer(os.path.join(a.out, name + ".trace.gz"),
                           header + ["workload: %s (the mappings live at its start come first)" % name], a.vendor)
                for (dom, iova), (sid, size, pa) in sorted(live.items()):
                    w.map(t, sid, iova, size, dom, live=True, pa=pa)
                active[name] = w
            elif parts[0] == "end" and name in active:
                traces[name] = active.pop(name).close()
            if e is marks[-1]:
                done_all = True
            if not done_all:
                w_all.comment("mark %s" % e.text)
            continue
        targets = ([] if done_all else [w_all]) + list(active.values())
        if kind == "g":
            if e.sid < 0 or e.dom < 0:
                continue
            if e.kind == "map":
                live[(e.dom, e.iova)] = (e.sid, e.size, e.pa)
            else:
                for k in [k for k in live if k[0] == e.dom and e.iova <= k[1] < e.iova + e.size]:
                    del live[k]
            for w in targets:
                w.map(t, e.sid, e.iova, e.size, e.dom, e.kind, e.more, pa=e.pa)
        else:
            if e.kind == "inv" and e.op == "IEC":
                continue  # interrupt-entry cache: interrupt remapping, not DMA translation
            if e.kind == "dma" and not targets:
                continue
            for w in targets:
                w.qemu(e)
        if done_all and not active:
            break
    traces["all"] = w_all.close()
    for name, w in active.items():
        traces[name] = w.close()

    large = sum(1 for e in Q if e.kind == "dma" and e.large)
    res = {"config": a.config, "vendor": a.vendor, "capture_seconds": a.capture_seconds,
           "counts": dict(st), "sid_multiple_domains": multi, "large_page_dmas": large,
           "sid_domain": {("%#x" % s): c.most_common(1)[0][0] for s, c in sid_dom.items()},
           "regs": {k: (("%#x" % v) if isinstance(v, int) else v) for k, v in regs.items()},
           "traces": traces}
    nb_atomic.write_atomic(os.path.join(a.out, "convert.json"),
                           json.dumps(res, indent=1, sort_keys=True) + "\n")
    bad = st["anchor_unmatched_guest"]
    al = traces["all"]
    print("nb_trace_convert: %s: %d events (%d dma, %d inv, %d map, %d unmap), %d anchors, "
          "%d workloads%s" % (a.config or a.vendor, al["events"], al["dmas"], al["invs"], al["maps"],
                              al["unmaps"], st["anchors"], len(traces) - 1,
                              ", %d guest anchors unmatched" % bad if bad else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
