#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The report's "Nested, real streams" section (scripts/nbreport/nested.py), on
hand-made results whose expected sentences follow from the numbers by hand:
  reading   at the largest K it names the spread of commands per stage-2 unmap with
            ties merged ("intel_cachetag = vtd 136") and the ratio 256 / 2 = 128x,
            smmuv3's empty dirty round with its reason, collateral values that round
            alike at 3 digits printed with the digits that tell them apart, the trapped
            / virtualized ratio (8690 / 420 = 20.7x, modelled), the real / synthetic
            ratio (136 / 70 = 1.94x) and a hypothetical model labelled;
  F&S       the F&S table's ratio (3.7 / 0.946 = 3.91) and the reading's why
            (first lookups 12.9 vs 10.3, requests per page 3.03 vs 0.102);
  tables    units in the headers, the lazy guests left out of the strict table;
  plots     the trapped and virtualized counters of one benchmark are two series
            whose reading is worded as a cut ("20.7× faster");
  check     the nested oracle self-check fails on a stale entry, passes on none,
            and is "not run" without checks;
  empty     without the benchmarks the section says so.
"""
import os
import sys

from nbtest import Test

MODELS = {  # model: (cmds, syncs, dirty cmds, collateral, trapped ns, virtualized ns)
    "vtd": (136, 8, 136, 24.28, 8690, 420),
    "intel_cachetag": (136, 8, 136, 24.28, 8690, 420),
    "vtd_legacy": (256, 128, 256, 24.28, 8690, 420),
    "smmuv3": (4, 2, 0, 24.34, 8685, 415),
    "vtd_vmid": (2, 1, 2, 24.28, 8690, 420),
}


def main():
    t = Test("report_nested")
    sys.path.insert(0, os.path.join(t.repo, "scripts"))
    from nbreport import checks, nested, readings, results, select, specs

    def res(rows):
        r = results.Results(t.tmp)
        fam = r.family("replay")
        for name, vals in rows.items():
            fam.values[name] = vals
        return r

    rows = {}
    for k in (1, 8, 64):
        for m, (cmds, syncs, dirty, coll, trap, virt) in MODELS.items():
            scale = k / 64.0
            rows["replay/nested/flts/%s/guests:%d" % (m, k)] = {
                "nested_domains": 2 * k, "cmds_per_unmap2": cmds if k == 64 else 3 + scale,
                "syncs_per_unmap2": syncs, "cmds_per_dirty2": dirty, "collateral_per_unmap2": coll,
                "collateral_per_dirty2": 50.0, "cmds_per_s2_change": 1.0, "cmds_per_guest_inv": 2,
                "guest_inv_trapped_ns": trap, "guest_inv_virtualized_ns": virt,
                "hit_rate": 0.448, "stale": 0, "oracle_checks": 10}
            rows["replay/nested/flts-lazy/%s/guests:%d" % (m, k)] = {
                "nested_domains": 2 * k, "cmds_per_unmap2": 999.0, "stale": 0, "oracle_checks": 1}
    rows["invalidate/vtd/batch/nested:64/devices:1/pages:1"] = {"cmds_per_unmap": 70.0,
                                                                "collateral": 96.0}
    rows["replay/nested_fs/vtd"] = {"iotlb_misses": 3.7, "mem_reads": 3.74, "invalidations": 3.027,
                                    "first_lookups": 12.93, "qi_submit_sync_ns": 8690.0,
                                    "tlb_sync_ns": 12090.0, "guest_requests": 3.027}
    r = res(rows)
    rs = nested.rows(r)
    text = nested.reading(rs, nested.fs_rows(r), nested.fs_runs(r))
    t.check(len(rs) == 15, "one table row per model and K of the strict guests (lazy left out)",
            [(x.model, x.guests) for x in rs])
    t.check("commands sent: vtd_legacy 256, intel_cachetag = vtd 136, smmuv3 4 and vtd_vmid "
            "(hypothetical) 2 (128× between the most and the fewest)" in text,
            "the reading names the spread, the tie and the ratio", text)
    t.check("With 64 guests (128 nested domains" in text, "it says K and the nested domains", text)
    t.check("smmuv3 sends nothing: arm_smmu_iotlb_sync returns" in text,
            "smmuv3's empty dirty round is explained", text)
    t.check("smmuv3 24.34" in text and "24.28" in text,
            "collateral values that round alike are printed apart", text)
    t.check("20.7×" in text and "modelled time trapped" in text,
            "the trapped / virtualized ratio, modelled", text)
    t.check("real unmap sends 1.94× the synthetic's commands (vtd 1.94×)" in text,
            "real over synthetic commands per unmap (only vtd has a synthetic run here)", text)
    t.check("(0.247% between the most and the fewest)" in text,
            "a small spread is a percentage, not '1×'", text)
    t.check("IOTLB misses per 4 KiB page 3.91× the published" in text,
            "the F&S ratio, computed by hand: 3.7 / 0.946", text)
    t.check("12.9 translations per 4 KiB page received where the 100 Gb NIC makes 10.3" in text
            and "3.03 guest invalidation requests per page" in text,
            "the reading says why the model is far from the machine", text)
    html = nested.section_html(r)
    md = nested.section_md(r)
    t.check("(ns, modelled)" in html and "(ns, modelled)" in md, "times say they are modelled")
    t.check("vtd_vmid (hypothetical)" in md, "the hypothetical model says so in the table")
    t.check("| vtd | IOTLB misses per 4 KiB page | 0.946 | 3.7 | 3.91 | prediction |" in md,
            "the F&S table: published, model, ratio, role", md)
    t.check("Not capturable on this QEMU" in md and "balloon" in md,
            "the stage-2 sources not captured are listed")

    sp = next(s for s in specs.SPECS if s["id"] == "nested_guest_path")
    got, why = select.build(sp, r)
    t.check(len(got) == 1, "the guest-path plot is drawn from two counters", why)
    if got:
        p = got[0]
        p.reading = readings.reading(p)
        labels = sorted(lbl for s in p.series for lbl in s.tied)
        t.check("vtd trapped" in labels and "vtd virtualized" in labels,
                "trapped and virtualized are two series", labels)
        t.check("cuts modelled time per request from 8690 to 420 ns" in p.reading and
                "20.7× faster" in p.reading, "the reading words the cut as faster", p.reading)

    ok = checks.nested_oracle(r)
    t.check(ok.status == "ok", "the nested oracle check passes with nothing stale", ok.detail)
    rows["replay/nested/flts/vtd/guests:8"]["stale"] = 3
    bad = checks.nested_oracle(res(rows))
    t.check(bad.status == "fail" and "replay/nested/flts/vtd/guests:8: 3" in bad.detail,
            "a stale entry fails it, naming the replay", bad.detail)
    none = checks.nested_oracle(res({"replay/nested/flts/vtd/guests:1": {"stale": 0,
                                                                          "oracle_checks": 0}}))
    t.check(none.status == "not run", "no check at all is not a pass", none.status)
    empty = res({})
    t.check("No replay/nested benchmarks" in nested.section_html(empty) and
            "No replay/nested benchmarks" in nested.section_md(empty),
            "without the benchmarks the section says so")
    t.done()


if __name__ == "__main__":
    main()
