# SPDX-License-Identifier: MIT
"""Stage 5: writing one trace (docs/trace-format.md, version 1), gzip-compressed in
memory and published whole at close."""
import gzip
import io

import nb_atomic
from nbtrace.qemu_lex import OUT, RAW

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
        one, IEC descriptors left out as windows.py leaves them out."""
        t0, last, n = self.t0, self.last, self.n
        inv_ops = n["inv_ops"]
        T, F, sid, iova, dom = Q.t, Q.flags, Q.sid, Q.iova, Q.dom
        lines = []
        add = lines.append
        for j in range(first, end):
            f = F[j]
            kind = f & 15
            if kind == 0:  # dma
                t = T[j]
                if t0 is None:
                    t0 = t
                ns = (t - t0) * 1000
                if ns < last:
                    ns = last
                last = ns
                hit = ((f >> 4) & 15) - 1
                if f & OUT:
                    add("%d dma %#x %#x 0 %d hit=%d out=%#x\n" % (ns, sid[j], iova[j], dom[j], hit, Q.out[j]))
                else:
                    add("%d dma %#x %#x 0 %d hit=%d\n" % (ns, sid[j], iova[j], dom[j], hit))
                n["dmas"] += 1
                n["src_hits"] += hit == 1
                n["events"] += 1
            elif kind == 1:  # inv
                op = Q.ops[f >> 16]
                if op == "IEC":
                    continue
                t = T[j]
                if t0 is None:
                    t0 = t
                ns = (t - t0) * 1000
                if ns < last:
                    ns = last
                last = ns
                raw = " w0=%#x w1=%#x" % (Q.w0[j], Q.w1[j]) if f & RAW else ""
                add("%d inv %#x %#x %d %d op=%s%s\n" % (ns, sid[j], iova[j], Q.size[j], dom[j], op, raw))
                n["invs"] += 1
                inv_ops[op] = inv_ops.get(op, 0) + 1
                n["events"] += 1
            else:  # note, fault
                add("# %s\n" % Q.texts.get(j, ""))
                n["faults"] += kind == 3
        self.t0, self.last = t0, last
        self.f.write("".join(lines))
