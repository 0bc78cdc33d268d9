# SPDX-License-Identifier: MIT
"""Stage 2: the guest's ftrace (compacted by scripts/guest/capture, or raw as
/sys/kernel/tracing/trace prints it): iommu:map/unmap attributed to the device of
the dma:* call they belong to, intel_iommu:qi_submit descriptors, NB-MARK markers."""
import re

from nbtrace.decode import devid_sid
from nbtrace.inputs import ConvertError, lines_of, need, open_text

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
