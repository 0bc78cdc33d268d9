# SPDX-License-Identifier: MIT
"""Stage 5: writing one trace (docs/trace-format.md, version 1), gzip-compressed in
memory and published whole at close."""
import gzip
import io
from collections import Counter
from itertools import accumulate, compress

import nb_atomic

FORMAT_VERSION = 1


class Writer:
    """One trace, compressed in memory and published whole at close (nb_atomic)."""

    def __init__(self, path, header, vendor):
        self.path, self.vendor = path, vendor
        self.buf = io.BytesIO()
        self.f = io.TextIOWrapper(gzip.GzipFile(fileobj=self.buf, mode="wb", compresslevel=6, mtime=0),
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

    def qemu_run(self, Q, first, end):
        """Q's events first..end-1 (nb-qemu-lex's columns) as qemu() writes them one by
        one, IEC descriptors left out as windows.py leaves them out: nb-qemu-lex wrote
        each line but its time; the times are clamped here as time() does."""
        timed = Q.timed[first:end]
        times = list(compress(Q.t[first:end], timed))
        if times and self.t0 is None:
            self.t0 = times[0]
        t0 = self.t0
        ns = list(accumulate(((t - t0) * 1000 for t in times), max, initial=self.last))
        self.last = ns[-1]
        stamp = map(str, ns[1:])
        self.f.write("".join([next(stamp) + tail + "\n" if tm else tail + "\n"
                              for tm, tail in zip(timed, Q.tails[first:end]) if tm or tail]))
        self.count_run(Q, first, end)

    def count_run(self, Q, first, end):
        """The counts qemu() keeps, for Q's events first..end-1."""
        n = self.n
        for f, k in Counter(Q.flags[first:end]).items():
            kind = f & 15
            if kind == 0:  # dma
                n["dmas"] += k
                n["src_hits"] += k if (f >> 4) & 15 == 2 else 0
                n["events"] += k
            elif kind == 1 and Q.ops[f >> 16] != "IEC":
                op = Q.ops[f >> 16]
                n["invs"] += k
                n["inv_ops"][op] = n["inv_ops"].get(op, 0) + k
                n["events"] += k
            elif kind == 3:
                n["faults"] += k
