# SPDX-License-Identifier: MIT
"""The report section "Nested, real streams" (issue 19; docs/nested.md).

The nested replay (bench/replay/nested.c): K guests' real stage-1 streams over a
real VMM's stage-2 stream, per model. This module builds its two tables and its
reading:
  - per model and K: the cost of a stage-2 change (a VMM's 2 MiB virtio-mem
    unplug; a dirty-tracking round) and of a guest invalidation request
    (commands, syncs, collateral; the request's trapped and hardware-virtualized
    path in modelled ns), with the synthetic family beside it
    (invalidate/<model>/batch/nested:K: a one-page stage-2 unmap with K nested
    domains of one device; strategies/guest_path/<path>/<model>/entries:1);
  - the F&S-shaped run (replay/nested_fs: the captured NIC receive alone, the
    stage 2 static) beside the published figures of calibration.FIGURES (one
    flow), with the ratio and what is known to make them differ.
Counts are counts, times are modelled (configs/*.cfg, configs/guest_path.cfg),
never host time; ties are named as ties; vtd_vmid says it is hypothetical.
"""
import re
from html import escape

from . import calibration
from .readings import groups, tie
from .select import note_hypothetical
from .util import join_and, num

NESTED = re.compile(r"^replay/nested/(?P<config>[^/]+)/(?P<model>[^/]+)/guests:(?P<guests>\d+)$")
FS = re.compile(r"^replay/nested_fs/(?P<model>[^/]+)$")
SYNTH = "invalidate/%s/batch/nested:%d/devices:1/pages:1"
PATH = "strategies/guest_path/%s/%s/entries:1"
CONFIG = "flts"          # the strict guests: a request per unmap (the lazy ones: nested/flts-lazy)

# The captured stage-2 sources (phase 1, tests/traces/README.md "Nested data").
SOURCES_CAPTURED = (
    "VM start and firmware RAM remaps (the stage 2 the guests start on)",
    "virtio-mem plug and unplug, 2 MiB blocks (map2/unmap2: the changes replayed)",
    "dirty-tracking rounds, IOMMU_HWPT_GET_DIRTY_BITMAP on the iommufd selftest mock (dirty2)")
SOURCES_NOT = (
    "migration's dirty rounds on the emulated VT-d: QEMU 10.0.2 refuses VFIO migration "
    "(\"VFIO migration is not supported in kernel\") and sets no ECAP.SLADS (no dirty tracking)",
    "balloon discards: QEMU inhibits them while a device is assigned through VFIO",
    "peer-to-peer BAR maps: IOMMU_IOAS_MAP of the assigned device's BARs fails (EFAULT/ENOENT)")

# (counter of replay/nested, header, unit) in table order; synthetic columns after.
COLUMNS = [
    ("nested_domains", "nested domains", ""),
    ("cmds_per_unmap2", "commands / stage-2 unmap", ""),
    ("syncs_per_unmap2", "syncs / stage-2 unmap", ""),
    ("collateral_per_unmap2", "collateral / stage-2 unmap", ""),
    ("cmds_per_dirty2", "commands / dirty round", ""),
    ("collateral_per_dirty2", "collateral / dirty round", ""),
    ("cmds_per_s2_change", "commands / stage-2 change (all kinds)", ""),
    ("cmds_per_guest_inv", "commands / guest request", ""),
    ("guest_inv_trapped_ns", "guest request, trapped", "ns, modelled"),
    ("guest_inv_virtualized_ns", "guest request, hw-virtualized", "ns, modelled"),
    ("hit_rate", "IOTLB hit rate", "%"),
]
SYNTH_COLUMNS = [
    ("synth_cmds", "synthetic: commands / 1-page stage-2 unmap, K nested domains", ""),
    ("synth_collateral", "synthetic: collateral / unmap", ""),
    ("synth_trapped", "synthetic: 1-entry request, trapped", "ns, modelled"),
]


class Row:
    def __init__(self, model, guests, vals):
        self.model, self.guests, self.vals = model, guests, vals

    @property
    def label(self):
        return note_hypothetical(self.model)


def rows(results):
    """[Row] of the strict guests, by model then K; [] without the benchmarks."""
    values = results.values()
    out = []
    for name, v in values.items():
        m = NESTED.match(name)
        if not m or m.group("config") != CONFIG:
            continue
        model, k = m.group("model"), int(m.group("guests"))
        vals = dict(v)
        if "hit_rate" in vals:
            vals["hit_rate"] = 100.0 * vals["hit_rate"]
        synth = values.get(SYNTH % (model, k), {})
        path = values.get(PATH % ("trapped", model), {})
        vals["synth_cmds"] = synth.get("cmds_per_unmap")
        vals["synth_collateral"] = synth.get("collateral")
        vals["synth_trapped"] = path.get("path_ns")
        out.append(Row(model, k, vals))
    return sorted(out, key=lambda r: (r.model, r.guests))


def fs_runs(results):
    """{model: counters} of the F&S-shaped runs."""
    return {m.group("model"): v for m, v in ((FS.match(n), v) for n, v in results.values().items())
            if m}


def fs_rows(results):
    """[(model, figure, unit, published, model value, role)] for one flow."""
    out = []
    for model, v in sorted(fs_runs(results).items()):
        for figure, unit, counter, pub in calibration.FIGURES:
            if 1 not in pub or counter not in v:
                continue
            value, _, role = pub[1]
            if role == "fitted" and model != calibration.FIT_MODEL:
                role = "fitted to %s's request; the rest is this model's commands" % (
                    calibration.FIT_MODEL)
            out.append((model, figure, unit, value, v[counter], role))
    return out


def _published(counter):
    return next((pub[1][0] for _, _, c, pub in calibration.FIGURES if c == counter and 1 in pub),
                None)


def _at(rs, k, key):
    return [(r.vals.get(key), r.label) for r in rs
            if r.guests == k and r.vals.get(key) is not None]


def _times(vals):
    """'2×' or '2× to 20×': the smallest and largest of ratios."""
    lo, hi = min(vals), max(vals)
    return "%s×" % num(lo) if num(lo) == num(hi) else "%s× to %s×" % (num(lo), num(hi))


def _fmt(vs):
    """Values as text, with digits enough that different values read differently."""
    for digits in (3, 4, 5, 6):
        txt = [num(v) if digits == 3 else "%.*g" % (digits, v) for v in vs]
        if all(a != b for a, b in zip(txt, txt[1:])):
            return txt
    return txt


def _spread(vals, what, unit=""):
    """'commands: vtd_legacy 256, vtd = intel_cachetag 136 ... (128x between ...)'."""
    gs = groups(vals)
    if not gs:
        return ""
    u = (" " + unit) if unit else ""
    txt = _fmt([v for v, _ in gs])
    if len(gs) == 1:
        return "%s: every model (%s) %s%s" % (what, tie(gs[0][1]), txt[0], u)
    parts = ["%s %s%s" % (tie(lbl), t, u) for (_, lbl), t in zip(gs, txt)]
    hi, lo = gs[0][0], gs[-1][0]
    if lo <= 0:
        span = ""
    elif hi / lo < 1.1:  # "1×" would hide the difference the groups show
        span = " (%s%% between the most and the fewest)" % num(100.0 * (hi / lo - 1))
    else:
        span = " (%s× between the most and the fewest)" % num(hi / lo)
    return "%s: %s%s" % (what, join_and(parts), span)


def reading(rs, fs, runs=None):
    """Where the models differ on the real streams, and by how much."""
    if not rs:
        return "No replay/nested benchmarks in these results: no reading."
    k = max(r.guests for r in rs)
    nd = next((r.vals.get("nested_domains") for r in rs if r.guests == k), None)
    out = ["With %d guests (%s nested domains: each guest's NIC and NVMe domains), per stage-2 "
           "unmap (a 2 MiB virtio-mem unplug), %s." % (
               k, num(nd) if nd is not None else "?",
               _spread(_at(rs, k, "cmds_per_unmap2"), "commands sent"))]
    syncs = _spread(_at(rs, k, "syncs_per_unmap2"), "waits (syncs)")
    if syncs:
        out.append("Per unmap, %s." % syncs)
    dirty = _at(rs, k, "cmds_per_dirty2")
    if dirty:
        zero = [lbl for v, lbl in dirty if v == 0]
        why = "; smmuv3 sends nothing: arm_smmu_iotlb_sync returns for a gather without a page " \
            "size (a dirty-bit clear's)" if zero == ["smmuv3"] else \
            ("; %s send nothing" % tie(zero) if zero else "")
        out.append("Per dirty-tracking round, %s%s." % (_spread(dirty, "commands"), why))
    coll = _spread(_at(rs, k, "collateral_per_unmap2"), "still-valid entries thrown away")
    if coll:
        out.append("Collateral per stage-2 unmap (counts), %s." % coll)
    trapped = {lbl: v for v, lbl in _at(rs, k, "guest_inv_trapped_ns")}
    virt = {lbl: v for v, lbl in _at(rs, k, "guest_inv_virtualized_ns")}
    ratios = [(trapped[m] / virt[m], m) for m in trapped if virt.get(m)]
    if ratios:
        gs = groups(ratios)
        out.append("A guest's invalidation request takes %s the modelled time trapped that it "
                   "takes on a hardware-virtualized queue (%s)." % (
                       _times([v for v, _ in ratios]),
                       join_and("%s %s×" % (tie(l), num(v)) for v, l in gs)))
    real_vs = [(r.vals["cmds_per_unmap2"] / r.vals["synth_cmds"], r.label) for r in rs
               if r.guests == k and r.vals.get("synth_cmds")
               and r.vals.get("cmds_per_unmap2") is not None]
    if real_vs:
        gs = groups(real_vs)
        out.append("Beside the synthetic family (a one-page stage-2 unmap, %d nested domains of one "
                   "device each): the real unmap sends %s the synthetic's commands (%s); the real "
                   "guests bring two nested domains each, and a fan-out per nested domain doubles "
                   "where a model sends a command per domain." % (
                       k, _times([v for v, _ in real_vs]),
                       join_and("%s %s×" % (tie(l), num(v)) for v, l in gs)))
    hits = groups(_at(rs, k, "hit_rate"))
    if hits:
        out.append("IOTLB hit rate: %s." % join_and("%s %s%%" % (tie(lbl), num(v))
                                                    for v, lbl in hits))
    if fs:
        out.append(fs_reading(fs, runs or {}))
    return " ".join(out)


def fs_reading(fs, runs):
    """How far each model is from F&S's machine, and why where known."""
    by = {}
    for model, figure, unit, pub, val, role in fs:
        if role == "prediction" and pub:
            by.setdefault(figure, []).append(val / pub)
    parts = ["%s %s the published" % (figure, _times(rs)) for figure, rs in by.items()]
    why = []
    lookups = sorted({v["first_lookups"] for v in runs.values() if "first_lookups" in v})
    pub_lookups = _published("first_lookups")
    if lookups and pub_lookups:
        why.append("the e1000e under QEMU makes %s translations per 4 KiB page received where the "
                   "100 Gb NIC makes %s (first lookups)" % (
                       "/".join(num(x) for x in lookups), num(pub_lookups)))
    reqs = sorted({v["guest_requests"] for v in runs.values() if "guest_requests" in v})
    pub_inv = _published("invalidations")
    if reqs and pub_inv:
        why.append("the guest maps and unmaps every receive buffer (no page pool): %s guest "
                   "invalidation requests per page where F&S's machine counts %s IOTLB "
                   "invalidations" % ("/".join(num(x) for x in reqs), num(pub_inv)))
    return ("Against F&S's machine (one flow; the captured NIC receive alone, the stage 2 static): "
            "%s. Why, where known: %s." % ("; ".join(parts), "; ".join(why) or "not known"))


# ---- rendering ----

def _cell(v, unit):
    return "–" if v is None else num(v)


def _head(cols):
    return [h + (" (%s)" % u if u else "") for _, h, u in cols]


def _intro():
    return ("The nested replay (docs/nested.md): K guests replay the captured stage-1 streams of "
            "a strict Linux guest under QEMU's scalable-mode VT-d (nested/%s: NIC and NVMe "
            "workloads in turn), each guest's domains nested over one stage 2 that a real VMM's "
            "stream changes (nested/s2-vmm: virtio-mem unplugs of 2 MiB) and dirty-tracking "
            "rounds clean. Counts per event; times modelled (configs/guest_path.cfg: trapped = VM "
            "exit, VMM, ioctl, host driver and queue; virtualized = the queue alone), never host "
            "time. Synthetic columns: the invalidate and strategies families at the same K." % CONFIG)


def section_html(results):
    rs, fs, runs = rows(results), fs_rows(results), fs_runs(results)
    out = ['<h2 id="nested-real">Nested, real streams</h2>', "<p class=muted>%s</p>" % escape(_intro())]
    if not rs:
        out.append("<p class=bad>No replay/nested benchmarks in these results (nb-bench-replay "
                   "runs them on tests/traces/nested): nothing to show.</p>")
    else:
        cols = COLUMNS + SYNTH_COLUMNS
        out.append('<p class="reading section">%s</p>' % escape(reading(rs, fs, runs)))
        out.append("<table><tr><th class=l>model</th><th>guests (K)</th>%s</tr>%s</table>" % (
            "".join("<th>%s</th>" % escape(h) for h in _head(cols)),
            "".join("<tr><td class=l>%s</td><td>%d</td>%s</tr>" % (
                escape(r.label), r.guests, "".join("<td>%s</td>" % _cell(r.vals.get(k), u)
                                                   for k, _, u in cols)) for r in rs)))
    if fs:
        out.append("<h3>Against real hardware: the captured NIC receive beside F&amp;S</h3>"
                   "<p class=muted>replay/nested_fs: nested/flts/tcp-rx alone (one guest, the "
                   "e1000e, 1 MiB received), the stage 2 static, per 4 KiB page received; "
                   "published: F&amp;S SOSP'24 results_summary/ (Intel, Linux 6.12.9, 100 Gb NIC "
                   "with a page pool, one flow). Roles as in the calibration table.</p>")
        out.append("<table><tr><th class=l>model</th><th class=l>figure</th><th>published</th>"
                   "<th>model</th><th>model / published</th><th class=l>role</th></tr>%s</table>" %
                   "".join("<tr><td class=l>%s</td><td class=l>%s</td><td>%s</td><td>%s</td>"
                           "<td>%s</td><td class=l>%s</td></tr>" % (
                               escape(note_hypothetical(m)), escape(f + (" (%s)" % u if u else "")),
                               num(p), num(v), num(v / p) if p else "–", escape(role))
                           for m, f, u, p, v, role in fs))
    out.append("<p class=muted>Stage-2 sources captured: %s. Not capturable on this QEMU: %s.</p>" % (
        escape("; ".join(SOURCES_CAPTURED)), escape("; ".join(SOURCES_NOT))))
    return "\n".join(out)


def section_md(results):
    rs, fs, runs = rows(results), fs_rows(results), fs_runs(results)
    out = ["", "## Nested, real streams", "", _intro()]
    if not rs:
        out += ["", "No replay/nested benchmarks in these results: nothing to show."]
    else:
        cols = COLUMNS + SYNTH_COLUMNS
        out += ["", "**Reading:** " + reading(rs, fs, runs), "",
                "| model | K | %s |" % " | ".join(_head(cols)),
                "|---|---:|" + "---:|" * len(cols)]
        out += ["| %s | %d | %s |" % (r.label, r.guests, " | ".join(_cell(r.vals.get(k), u)
                                                                for k, _, u in cols)) for r in rs]
    if fs:
        out += ["", "Against F&S (replay/nested_fs: the captured NIC receive alone, per 4 KiB page; "
                "published: one flow):", "",
                "| model | figure | published | model | model / published | role |",
                "|---|---|---:|---:|---:|---|"]
        out += ["| %s | %s | %s | %s | %s | %s |" % (
            note_hypothetical(m), f + (" (%s)" % u if u else ""), num(p), num(v),
            num(v / p) if p else "–", role) for m, f, u, p, v, role in fs]
    out += ["", "Stage-2 sources captured: %s. Not capturable on this QEMU: %s." % (
        "; ".join(SOURCES_CAPTURED), "; ".join(SOURCES_NOT))]
    return "\n".join(out)
