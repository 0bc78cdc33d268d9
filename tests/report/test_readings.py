#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""(e) Readings and plots a reader can trust, on small hand-made results.

Each case builds Google Benchmark-shaped results in memory (the numbers are
chosen here, so the expected sentence follows from them by hand), runs the
report's own selection and reading code on them, and checks what a reader
gets:
  ties        five models with the same commands per unmap: one line
              labelled "amd = amd_hostdid = intel_cachetag = vtd = vtd_legacy"
              and a reading that names the tie (not one of them as the
              maximum), with a plural verb;
  slowdown    an "on" series 5% slower than its "off" pair: worded as
              slower and worse, never as a gain; a 5x faster one as faster;
  noise       two repetitions whose ranges overlap: "within noise";
  units       a reading without an explicit x phrase still names the x axis;
  hypothetical  vtd_vmid is labelled "(hypothetical)";
  configs     five trace configurations: five lines in the replay plot;
  title       the map/unmap plot without an iommufd line does not promise one;
  spread      repetitions give each point a min..max band (error bars);
  bound       a walk faster than 0.9x its limit fails the limit self-check.
"""
import os
import sys

from nbtest import Test


def main():
    t = Test("report_readings")
    sys.path.insert(0, os.path.join(t.repo, "scripts"))
    from nbreport import readings, results, select, specs

    def res(rows):
        """rows: {name: [ {metric: value} per repetition ]} -> Results."""
        r = results.Results(t.tmp)
        fam = r.family("x")
        for name, reps in rows.items():
            keys = set().union(*reps)
            fam.values[name] = {k: sorted(v[k] for v in reps)[len(reps) // 2] for k in keys}
            if hasattr(fam, "spread"):       # (so the test also runs on older report code)
                fam.spread[name] = {k: (min(v[k] for v in reps), max(v[k] for v in reps))
                                    for k in keys}
                fam.reps[name] = len(reps)
        return r

    def plots(spec_id, r):
        sp = next(s for s in specs.SPECS if s["id"] == spec_id)
        got, why = select.build(sp, r)
        for p in got:
            p.reading = readings.reading(p)
        return got, why

    # ties: commands per unmap at K = 1 and 64; five models equal everywhere
    tied = ("amd", "amd_hostdid", "intel_cachetag", "vtd", "vtd_legacy")
    rows = {}
    for k, base in ((1, 2.0), (64, 66.0)):
        for m in tied:
            rows["invalidate/%s/batch/nested:%d/devices:1/pages:1" % (m, k)] = [
                {"cmds_per_unmap": base}]
        rows["invalidate/smmuv3/batch/nested:%d/devices:1/pages:1" % k] = [{"cmds_per_unmap": 3.0}]
        rows["invalidate/vtd_vmid/batch/nested:%d/devices:1/pages:1" % k] = [{"cmds_per_unmap": 2.0}]
    got, why = plots("inval_cmds", res(rows))
    t.check(len(got) == 1, "the invalidation plot is drawn", why)
    if got:
        p = got[0]
        labels = [s.label for s in p.series]
        t.check(" = ".join(tied) in labels and len(labels) == 3,
                "five tied models are one line whose label names all five", labels)
        t.check(("At 64 nested domains per stage-2, %s send 66 invalidation commands per "
                 "unmap" % " = ".join(tied)) in p.reading,
                "the reading names the tie, with a plural verb", p.reading)
        t.check("vtd_vmid (hypothetical) 2" in p.reading,
                "a hypothetical model says so in the reading", p.reading)

    # slowdown and gain: walk caches on (pwc_on) vs off, modelled ns per walk
    rows = {"pgwalk/cached/vtd/pwc_on/random/pages:64": [{"modelled_ns": 105.0}],
            "pgwalk/cached/vtd/pwc_off/random/pages:64": [{"modelled_ns": 100.0}],
            "pgwalk/cached/vtd/pwc_on/random/pages:4096": [{"modelled_ns": 105.0}],
            "pgwalk/cached/vtd/pwc_off/random/pages:4096": [{"modelled_ns": 100.0}],
            "pgwalk/cached/amd/pwc_on/random/pages:64": [{"modelled_ns": 20.0}],
            "pgwalk/cached/amd/pwc_off/random/pages:64": [{"modelled_ns": 100.0}],
            "pgwalk/cached/amd/pwc_on/random/pages:4096": [{"modelled_ns": 20.0}],
            "pgwalk/cached/amd/pwc_off/random/pages:4096": [{"modelled_ns": 100.0}]}
    got, _ = plots("pgwalk_cached_ns", res(rows))
    text = got[0].reading if got else ""
    t.check("page-walk caches raise modelled walk time from 100 to 105 ns for vtd "
            "(1.05× slower, worse)" in text,
            "a 1.05x slowdown is worded as slower and worse", text)
    t.check("page-walk caches cut modelled walk time from 100 to 20 ns for amd (5× faster)"
            in text, "a 5x gain is worded as faster", text)
    t.check("modelled" in got[0].title.lower() if got else False,
            "the walk-cache plot's title says modelled", got[0].title if got else "")

    # noise: two repetitions each, overlapping ranges
    rows = {"pgwalk/cached/vtd/pwc_on/random/pages:64": [{"modelled_ns": 98.0},
                                                         {"modelled_ns": 104.0}],
            "pgwalk/cached/vtd/pwc_off/random/pages:64": [{"modelled_ns": 100.0},
                                                          {"modelled_ns": 103.0}],
            "pgwalk/cached/vtd/pwc_on/random/pages:4096": [{"modelled_ns": 98.0},
                                                           {"modelled_ns": 104.0}],
            "pgwalk/cached/vtd/pwc_off/random/pages:4096": [{"modelled_ns": 100.0},
                                                            {"modelled_ns": 103.0}]}
    got, _ = plots("pgwalk_cached_ns", res(rows))
    text = got[0].reading if got else ""
    t.check("within noise" in text and "cut" not in text and "raise" not in text,
            "a difference inside the repetitions' spread is within noise", text)
    t.check(got and got[0].has_band() and got[0].series[0].range_at(64.0) in
            ((98.0, 104.0), (100.0, 103.0)),
            "repetitions give each point its min..max band", got[0].series[0].band if got else "")

    # units: a reading with no x phrase of its own names the x axis
    rows = {"replay/hit/vtd-lazy/tcp-4m/vtd/ways:%d/entries:%d" % (w, e): [{"hit_rate": 0.5}]
            for w in (0, 8) for e in (64, 4096)}
    sp = dict(next(s for s in specs.SPECS if s["id"] == "replay_assoc"))
    sp["reading"] = ("extremes", {})
    got, _ = select.build(sp, res(rows))
    text = readings.reading(got[0]) if got else ""
    t.check(text.startswith("At IOTLB entries = 4096,"), "the x value comes with its name", text)

    # every trace configuration is a line of the replay hit-rate plot
    configs = ("amd", "virtio", "vtd-cm", "vtd-lazy", "vtd-strict")
    rows = {}
    for i, c in enumerate(configs):
        for e in (64, 4096):
            rows["replay/hit/%s/tcp-4m/vtd/ways:8/entries:%d" % (c, e)] = [
                {"hit_rate": 0.1 * (i + 1) * (2 if e == 4096 else 1)}]
    got, _ = plots("replay_hit", res(rows))
    t.check(got and sorted(s.label for s in got[0].series) == list(configs),
            "the replay plot has a line per captured configuration (all five)",
            [s.label for s in got[0].series] if got else "no plot")

    # the map/unmap title promises a real line only when there is one
    emu = {"mapunmap/emu/strict/size_kib:%d" % k: [{"time": 1000.0 * k}] for k in (4, 2048)}
    got, _ = plots("mapunmap_latency", res(emu))
    t.check(got and "real iommufd" not in got[0].title and "emulation only" in got[0].title,
            "without an iommufd line the title does not promise one", got[0].title if got else "")
    emu.update({"mapunmap/iommufd-intel/strict/size_kib:%d" % k: [{"time": 3000.0 * k}]
                for k in (4, 2048)})
    emu.update({"mapunmap/iommufd-mock/strict/size_kib:%d" % k: [{"time": 9.0}]
                for k in (4, 2048)})
    got, _ = plots("mapunmap_latency", res(emu))
    t.check(got and "vs the real iommufd" in got[0].title,
            "with an iommufd line the title names it", got[0].title if got else "")
    t.check(got and not any("mock" in s.label for s in got[0].series),
            "the iommufd selftest mock (a test driver) is not drawn",
            [s.label for s in got[0].series] if got else "")

    # the limit bound: one walk at 0.5x its limit fails the self-check
    from nbreport import checks
    walks = {"pgwalk/single/x86_64-4lvl/base/random/ws_kib:16": [{"ratio_to_limit": 1.4}],
             "pgwalk/nested/x86_64-4lvl+vtdss-4lvl/base/random/ws_kib:262144": [
                 {"ratio_to_limit": 0.5}]}
    c = checks.limit_bound(res(walks))
    t.check(c.status == "fail" and "ws_kib:262144 0.5" in c.detail,
            "a walk faster than 0.9x its limit fails the limit check, by name", c.detail)
    walks["pgwalk/nested/x86_64-4lvl+vtdss-4lvl/base/random/ws_kib:262144"] = [
        {"ratio_to_limit": 0.95}]
    c = checks.limit_bound(res(walks))
    t.check(c.status == "ok", "0.95 is within the noise margin", c.detail)
    # a walk of sequential IOVAs reports no limit (bench/pgwalk/pgwalk.c):
    # the check says how many, and a run of only those compared nothing
    walks["pgwalk/single/x86_64-4lvl/base/seq/ws_kib:16"] = [{"host_ns_per_walk": 5.0}]
    c = checks.limit_bound(res(walks))
    t.check(c.status == "ok" and "1 walk(s) report no limit" in c.detail,
            "walks without a limit are counted in the check's line", c.detail)
    c = checks.limit_bound(res({"pgwalk/single/x86_64-4lvl/base/seq/ws_kib:16": [
        {"host_ns_per_walk": 5.0}]}))
    t.check(c.status == "not run" and "1 walk(s) report no limit" in c.detail,
            "only walks without a limit: the check did not run, and says why", c.detail)
    t.done()


if __name__ == "__main__":
    main()
