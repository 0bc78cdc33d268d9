# SPDX-License-Identifier: MIT
"""Stage 5b: the traces of one capture from the merged stream. all.trace.gz takes
everything up to the last NB-MARK; each workload marked "begin NAME" ... "end NAME"
gets NAME.trace.gz, which starts with the mappings live at its begin."""
import os

from nbtrace.writer import Writer


def windows(marks):
    """[(name, begin mark, end mark)] of the marked workloads."""
    wins = []
    open_w = {}
    for e in marks:
        parts = e.text.split()
        if len(parts) >= 2 and parts[0] == "begin":
            open_w[parts[1]] = e
        elif len(parts) >= 2 and parts[0] == "end" and parts[1] in open_w:
            wins.append((parts[1], open_w.pop(parts[1]), e))
    return wins


def write_traces(items, marks, header, out, vendor, no_split, Q=None):
    """Write every trace in one pass over items (merge.stream's, or with QEMU events
    as runs ("r", (first, end), ...) of Q's, see nbtrace/qemu_lex.py); returns
    {trace name: its counts}."""
    traces = {}
    wins = windows(marks)
    w_all = Writer(os.path.join(out, "all.trace.gz"), header + ["workload: all (the whole run)"], vendor)
    live = {}  # (dom, iova) -> (sid, size)
    active = {}
    done_all = False
    for kind, e, t, _ in items:
        if kind == "g" and e.kind == "mark":
            parts = e.text.split()
            name = parts[1] if len(parts) > 1 else ""
            if parts[0] == "begin" and not no_split and any(w[0] == name for w in wins):
                w = Writer(os.path.join(out, name + ".trace.gz"),
                           header + ["workload: %s (the mappings live at its start come first)" % name], vendor)
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
        elif kind == "r":
            # a run of QEMU events with no guest event between them: what the "q"
            # branch below does one by one (nothing is written without a target)
            for w in targets:
                w.qemu_run(Q, e[0], e[1])
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
    return traces
