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

Stages, one file each in scripts/nbtrace/: qemu_log (QEMU's log, the Python
reference lexer) or qemu_lex (the same in C, scripts/nbtrace/qemu_lex.c),
ftrace, attribute (device and domain of each guest operation), clocks (anchors,
placement), merge (one stream, causality), windows + writer (the traces),
summary (convert.json).
"""
import argparse
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nb_atomic  # noqa: E402 (this folder's publishing helper)
from nbtrace.attribute import attribute, report_unattributed  # noqa: E402
from nbtrace.capabilities import capabilities, env_regs, hex_reg  # noqa: E402
from nbtrace.clocks import anchors, place  # noqa: E402
from nbtrace.ftrace import read_ftrace  # noqa: E402
from nbtrace.header import trace_header  # noqa: E402
from nbtrace.inputs import ConvertError  # noqa: E402
from nbtrace.merge import runs, stream  # noqa: E402
from nbtrace.qemu_lex import read_qemu_log  # noqa: E402
from nbtrace.summary import write_summary  # noqa: E402
from nbtrace.windows import write_traces  # noqa: E402

EPILOG = """Environment: NB_QEMU_LEX=PATH runs that nb-qemu-lex (the C lexer of QEMU's
log), NB_QEMU_LEX=none the Python one; unset: build/release's nb-qemu-lex if it
was built, else the Python one. Both give the same traces (docs/trace-format.md).

Exit status: 0 converted; 1 an input that cannot be converted (a line whose
arguments do not parse, a gzip cut short, a QEMU log with no event of
--vendor's IOMMU (empty, another vendor's, not a QEMU log), an ftrace in neither form, guest
operations without clock anchors, capability registers that disagree), an
output that cannot be written, or NB_QEMU_LEX naming no executable, one line
naming the file; 2 usage."""


def parser():
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
                    help="leave the guest's map/unmap out (e.g. an ftrace without clock anchors); its "
                         "descriptors still place the workload marks")
    ap.add_argument("--out", required=True)
    ap.add_argument("--config", default="")
    ap.add_argument("--note", default="", help="the command that made the capture (written to the header)")
    ap.add_argument("--capture-seconds", type=float, default=None)
    ap.add_argument("--no-split", action="store_true", help="write all.trace.gz only")
    return ap


def main():
    a = parser().parse_args()
    try:
        return convert(a)
    except (ConvertError, nb_atomic.PublishError) as e:
        print("nb_trace_convert: %s" % e, file=sys.stderr)
        return 1


QEMU_PREFIX = {"vtd": "vtd_", "amd": "amdvi_"}


def vendor_events(a, st):
    """A QEMU log with no event of --vendor's IOMMU converts to nothing: an empty
    or wrong log, or the wrong --vendor, is an error, not an empty trace."""
    seen = {v: sum(n for k, n in st.items() if k.startswith("qemu_" + p)) for v, p in QEMU_PREFIX.items()}
    if seen[a.vendor]:
        return
    other = [v for v in seen if v != a.vendor and seen[v]]
    raise ConvertError("--qemu-log %s: no %s* event of QEMU's (%d other lines)%s" % (
        a.qemu_log, QEMU_PREFIX[a.vendor], st.get("qemu_other_lines", 0),
        "; it has %d %s* events: --vendor %s?" % (seen[other[0]], QEMU_PREFIX[other[0]], other[0]) if other
        else "; was QEMU started with -trace '%s*'?" % QEMU_PREFIX[a.vendor]))


def marks_placeable(G, pairs, a, st):
    """Workload marks need a clock anchor to be placed among QEMU's events: without
    one they stop the conversion, or with --no-split are left out (counted)."""
    marks = sum(1 for e in G if e.kind == "mark")
    if not marks or pairs:
        return G
    if not a.no_split:
        raise ConvertError(
            "--ftrace %s: %d workload marks but no clock anchor (%s): they cannot be placed "
            "among QEMU's events; --no-split writes all.trace.gz alone, without them" % (
                a.ftrace, marks, "no intel_iommu:qi_submit descriptor matches QEMU's vtd_inv_desc"
                if a.vendor == "vtd" else "AMD anchors are the guest's unmaps, left out"
                if a.no_guest_ops else "none matched an INVALIDATE_IOMMU_PAGES of QEMU's"))
    st["marks_left_out"] = marks
    return [e for e in G if e.kind != "mark"]


def convert(a):
    st = Counter()
    Q = read_qemu_log(a.qemu_log, a.vendor, st)
    vendor_events(a, st)
    G = read_ftrace(a.ftrace, st) if a.ftrace else []
    if a.no_guest_ops:
        st["guest_ops_left_out"] = sum(1 for e in G if e.kind in ("map", "unmap"))
        # the descriptors the guest queued stay: they are the clock anchors that
        # place the workload marks among QEMU's events (without them every mark
        # fell before QEMU's first event and every trace came out empty)
        G = [e for e in G if e.kind in ("mark", "qi")]
    regs = env_regs(a.env)
    capabilities(a, regs)
    sid_dom = Q.sid_domains()
    attribute(G, sid_dom, a.vendor, st)
    QE = Q.events() if G else Q  # one object per event: only for guest events to meet
    pairs = anchors(G, QE, a.vendor, a.ftrace, st)
    G = marks_placeable(G, pairs, a, st)
    report_unattributed(st)
    placed = place(G, QE, pairs, a.vendor == "vtd")
    if Q.columns and not any(e.kind in ("map", "unmap") for e in G):
        items = runs(G, Q, placed, st)  # QEMU's events stay in nb-qemu-lex's columns
    else:
        items = stream(G, QE, placed, st)
    try:
        os.makedirs(a.out, exist_ok=True)
    except OSError as e:
        raise ConvertError("--out %s: %s" % (a.out, e.strerror or e))
    traces = write_traces(items, [e for e in G if e.kind == "mark"], trace_header(a, regs), a.out,
                          a.vendor, a.no_split, Q)
    write_summary(a, st, sid_dom, Q.large_dmas(), regs, traces)
    return 0

if __name__ == "__main__":
    sys.exit(main())
