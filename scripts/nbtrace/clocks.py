# SPDX-License-Identifier: MIT
"""Stage 3: lining the guest's clock up with QEMU's. Anchors are events seen on both
sides (VT-d: the same descriptor queued and executed; AMD-Vi: a guest map/unmap and
the INVALIDATE_IOMMU_PAGES QEMU executed for it); each guest event is then placed
among QEMU's events between the anchors of its CPU, by time."""
import bisect

from nbtrace.inputs import ConvertError

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
    # the events that have a flush of their own: unmaps, and the last map of a call
    gi = [i for i, e in enumerate(G) if e.kind in ("map", "unmap") and e.dom >= 0 and not e.more]
    qj = [j for j, e in enumerate(Q) if e.kind == "inv" and e.op == "INVALIDATE_IOMMU_PAGES"]
    if not gi or not qj:
        return []
    import numpy as np  # here: a capture with nothing to match converts without it
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
    if not G:
        return {}
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


def anchors(G, Q, vendor, ftrace, st):
    """The anchor pairs of the capture's vendor; guest map/unmap events that no anchor
    can place stop the conversion (ConvertError naming the ftrace)."""
    if not G:
        return []  # nothing to anchor (and Q may be nb-qemu-lex's columns)
    pairs = vtd_anchors(G, Q, st) if vendor == "vtd" else amd_anchors(G, Q, st)
    ops = sum(1 for e in G if e.kind in ("map", "unmap") and e.sid >= 0 and e.dom >= 0)
    if ops and not pairs:
        raise ConvertError(
            "--ftrace %s: %d guest map/unmap events but no clock anchor (%s): they cannot be "
            "placed among QEMU's events; --no-guest-ops converts QEMU's events alone" % (
                ftrace, ops, "no intel_iommu:qi_submit descriptor matches QEMU's vtd_inv_desc"
                if vendor == "vtd" else "none matched an INVALIDATE_IOMMU_PAGES of QEMU's"))
    return pairs
