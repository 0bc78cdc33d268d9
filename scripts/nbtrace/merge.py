# SPDX-License-Identifier: MIT
"""Stage 4: pairing maps with DMA. The guest's events placed among QEMU's make one
stream; a map the clocks put after the first DMA through it, or an unmap before a
later miss on its range, is moved (causality), and the maps of one driver call are
kept together (gather_calls)."""
import bisect

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


def merged(G, Q, placed):
    """The one stream: (kind "g"/"q", event, host time, QEMU index or None), each
    guest event before the QEMU event of its position; bounds: id(guest event) ->
    (lowest, highest QEMU index its anchors allow)."""
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
    return items, bounds


def stream(G, Q, placed, st):
    """The merged stream with causality applied and each driver call's maps together."""
    items, bounds = merged(G, Q, placed)
    return gather_calls(causality(items, bounds, st))


def runs(G, Q, placed, st):
    """merge.stream's result when no guest map/unmap takes part (G holds marks and
    descriptors only) and Q is nb-qemu-lex's columns: each mark before the QEMU event
    of its position as there, QEMU's events between marks as runs ("r", (first,
    end), None, None) that nbtrace/windows.py writes whole. Causality has nothing
    to move then and counts every DMA outside a mapping, as it would one by one."""
    assert not any(e.kind in ("map", "unmap") for e in G)
    by_pos = {}
    for i in sorted(placed):
        by_pos.setdefault(placed[i][0], []).append(i)
    items, prev = [], 0
    for p in sorted(by_pos):
        if p > prev:
            items.append(("r", (prev, p), None, None))
            prev = p
        items.extend(("g", G[i], placed[i][3], None) for i in by_pos[p])
    if prev < len(Q):
        items.append(("r", (prev, len(Q)), None, None))
    n = Q.dmas()
    if n:
        st["dma_outside_mappings"] += n
    return items
