# SPDX-License-Identifier: MIT
"""Stage 6: convert.json (what was matched and counted) and the one-line summary."""
import json
import os
import sys

import nb_atomic


def write_summary(a, st, sid_dom, large, regs, traces):
    """Publish OUT/convert.json and print the summary line on stderr."""
    multi = {("%#x" % s): dict(c) for s, c in sid_dom.items() if len(c) > 1}
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
