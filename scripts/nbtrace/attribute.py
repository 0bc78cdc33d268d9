# SPDX-License-Identifier: MIT
"""Stage 3a: which device and domain each guest map/unmap belongs to, where its
ftrace does not say: the domain QEMU used for the device's DMA, the DID of the
descriptor the operation caused (VT-d), a live map of the same address."""
import sys

from nbtrace.decode import VTD_IOTLB, vtd_decode


def attribute(G, sid_dom, vendor, st):
    """Fill each guest map/unmap's sid and dom where they can be known; count the
    attributed and the unattributed ones in st."""
    # VT-d: the descriptor a guest map/unmap caused names its DID (next qi on that CPU)
    next_qi = {}
    for e in reversed(G):
        if e.kind == "qi":
            next_qi[e.cpu] = e
        elif e.kind in ("map", "unmap") and vendor == "vtd":
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


def report_unattributed(st):
    """One line on stderr for the guest operations left out (no device or domain)."""
    dropped = {k: st[k] for k in ("guest_maps_unattributed", "guest_unmaps_unattributed") if st[k]}
    if dropped:
        print("nb_trace_convert: left out guest operations with no device or domain (the iommufd "
              "selftest's boot map has none): %s" % ", ".join("%s %d" % kv for kv in dropped.items()),
              file=sys.stderr)
