# SPDX-License-Identifier: MIT
"""The plot table: what to draw, from which benchmarks, and how to read it.

One row per plot (or one per panel value, when the row has a panel):
  id        file name stem of the plot (plots/<id>[-<panel>].png/.svg)
  title     plot title ({panel} and the fixed values are filled in)
  family    the benchmark name prefix (documentation; names are searched in
            every raw/*.json, as one binary may run several prefixes)
  match     regex over the benchmark name; named groups are the name's parts
  where     fixed values for groups: a value, or "min"/"max" (the smallest /
            largest present, numerically), so one plot is one slice
  x         group that is the x axis (numeric)
  y         counter to plot, or "time" (real time per iteration, ns)
  yscale    factor applied to y (100 for rates shown in %)
  series    format over the groups: one line per distinct value
  panel     format over the groups: one plot per distinct value (optional)
  split     derived groups: {"pair": ("s1", "s2", "+")} splits pair "a+b"
  refs      extra lines from other benchmarks: {label, match, y}; "{group}" in
            label and match is replaced by that group's value of the panel
            (escaped in match); x comes from the group of the same name
  dashed    regex over series labels drawn dashed (e.g. walk caches off)
  color_by  format over the groups: series with the same value share a colour
            (default: each series its own)
  distinct  groups that must take at least two values, or the plot is skipped
            (a comparison of policies needs two policies)
  logx/logy True, False or "auto" (log when all > 0 and max/min > 30)
  xfmt      "kib" to label x tics as sizes, else plain numbers
  xlabel, ylabel  axis labels with units
  reading   (kind, options) for readings.py: the one-sentence reading
  template  gnuplot template in reports/templates (lines.gp)
"""

WS = r"ws_kib:(?P<ws_kib>\d+)"
FMT_PAGE_PAT = r"(?P<page>base|huge)/(?P<pattern>seq|random)/" + WS
CHASE = {"label": "pointer chase: one dependent load", "match": r"^pgwalk/chase/" + WS + "$",
         "y": "time"}
# invalidate/<model>/<policy>/...: policy strict|lazy (flush queue) or
# batch|nobatch (queue submission); the plots take the first present.
INVAL = (r"^invalidate/(?P<model>[^/]+)/(?P<policy>[a-z_]+)/nested:(?P<nested>\d+)"
         r"/devices:(?P<devices>\d+)/pages:(?P<pages>\d+)$")
INVAL_WHERE = {"policy": ["strict", "batch"], "devices": "min", "pages": "min"}
# The submission policies only (the family also has batch_ats and equal-cache variants).
INVAL_POLICIES = INVAL.replace("[a-z_]+", "strict|lazy|batch|nobatch")
# On/off pairs for the "onoff" reading: (on word, off word, cause, cause is singular).
PWC = [("pwc_on", "pwc_off", "page-walk caches", False)]
POLICY = [("lazy", "strict", "the lazy flush queue", True),
          ("batch", "nobatch", "batched command submission", True)]
# replay/...: real traces (tests/traces/<config>/<workload>.trace.gz) through every model.
# The plots take the lazy VT-d guest (Linux's default on x86: IOVAs rotate through the
# flush queue); the JSON has every configuration.
RP_HIT = (r"^replay/hit/(?P<config>[^/]+)/(?P<workload>[^/]+)/(?P<model>[^/]+)"
          r"/ways:(?P<ways>\d+)/entries:(?P<entries>\d+)$")
RP_INVAL = (r"^replay/inval/(?P<config>[^/]+)/(?P<workload>[^/]+)/(?P<model>[^/]+)"
            r"/fq_entries:(?P<fq_entries>\d+)$")
RP_CONFIG = ["vtd-lazy", "vtd-strict", "vtd-cm"]


def spec(**kw):
    d = dict(panel=None, where={}, refs=(), split={}, color_by=None, distinct=(), dashed=None,
             logx=True, logy="auto", xfmt=None, yscale=1.0, yrange="", template="lines",
             reading=("extremes", {}))
    d.update(kw)
    return d


SPECS = [
    spec(id="pgwalk_ns_single", family="pgwalk",
         title="Single-stage walk time vs working set, per format (4 KiB pages, random IOVAs)",
         match=r"^pgwalk/single/(?P<fmt>[^/]+)/" + FMT_PAGE_PAT + "$",
         where={"page": "base", "pattern": "random"}, x="ws_kib", y="walk_ns",
         series="{fmt}", refs=(CHASE,), dashed="^pointer chase", xfmt="kib", logy=True,
         xlabel="working set (log scale)", ylabel="walk time (ns per walk, log scale)",
         reading=("growth", {"what": "walk time", "unit": "ns"})),
    spec(id="pgwalk_ns_nested", family="pgwalk",
         title="Nested (stage-1 over stage-2) walk time vs working set (4 KiB pages, random IOVAs)",
         match=r"^pgwalk/nested/(?P<pair>[^/]+)/" + FMT_PAGE_PAT + "$",
         where={"page": "base", "pattern": "random"}, x="ws_kib", y="walk_ns",
         series="{pair}", refs=(CHASE,), dashed="^pointer chase", xfmt="kib", logy=True,
         xlabel="working set (log scale)", ylabel="walk time (ns per walk, log scale)",
         reading=("growth", {"what": "nested walk time", "unit": "ns"})),
    spec(id="pgwalk_refs", family="pgwalk",
         title="Memory references per walk vs working set, single-stage and nested (4 KiB pages)",
         match=r"^pgwalk/(?P<stage>single|nested)/(?P<fmt>[^/]+)/" + FMT_PAGE_PAT + "$",
         where={"page": "base", "pattern": "random"}, x="ws_kib", y="refs_per_walk",
         series="{stage} {fmt}", dashed="^single", xfmt="kib", logy=False, yrange="[0:*]",
         xlabel="working set (log scale)", ylabel="memory references per walk",
         reading=("at_max", {"x": "{x} of working set", "verb": "makes",
                             "what": "memory references per walk"})),
    spec(id="pgwalk_nested_vs_single", family="pgwalk", panel="{pair}",
         title="Nested {pair} vs its single stages: walk time (4 KiB pages, random IOVAs)",
         match=r"^pgwalk/nested/(?P<pair>[^/]+)/" + FMT_PAGE_PAT + "$",
         where={"page": "base", "pattern": "random"}, x="ws_kib", y="walk_ns",
         series="nested {pair}", split={"pair": ("s1", "s2", "+")},
         refs=({"label": "single {s1}", "y": "walk_ns",
                "match": r"^pgwalk/single/{s1}/base/random/" + WS + "$"},
               {"label": "single {s2}", "y": "walk_ns",
                "match": r"^pgwalk/single/{s2}/base/random/" + WS + "$"}, CHASE),
         dashed="^(single|pointer)", xfmt="kib",
         logy=True, xlabel="working set (log scale)", ylabel="walk time (ns per walk, log scale)",
         reading=("nested_vs_single", {})),
    spec(id="pgwalk_cached_ns", family="pgwalk",
         title="Walk caches on vs off: nested walk time per model (IOTLB off, random IOVAs)",
         match=r"^pgwalk/cached/(?P<model>[^/]+)/(?P<pwc>pwc_on|pwc_off)"
               r"/(?P<pattern>seq|random)/pages:(?P<pages>\d+)$",
         where={"pattern": "random"}, x="pages", y="walk_ns", series="{model} {pwc}",
         color_by="{model}", dashed="pwc_off", logy=True,
         xlabel="pages mapped, 4 KiB each (log scale)", ylabel="walk time (ns per walk, log scale)",
         reading=("onoff", {"pairs": PWC, "what": "walk time", "unit": "ns",
                            "x": "{x} pages mapped"})),
    spec(id="pgwalk_cached_refs", family="pgwalk",
         title="Walk caches on vs off: memory references per nested walk (IOTLB off, random IOVAs)",
         match=r"^pgwalk/cached/(?P<model>[^/]+)/(?P<pwc>pwc_on|pwc_off)"
               r"/(?P<pattern>seq|random)/pages:(?P<pages>\d+)$",
         where={"pattern": "random"}, x="pages", y="refs_per_walk", series="{model} {pwc}",
         color_by="{model}", dashed="pwc_off", logy="auto",
         xlabel="pages mapped, 4 KiB each (log scale)", ylabel="memory references per walk",
         reading=("onoff", {"pairs": PWC, "what": "references per walk",
                            "x": "{x} pages mapped"})),
    spec(id="inval_cmds", family="invalidate",
         title="Invalidation commands per unmap vs nested domains per stage-2 "
               "({policy}, {devices} device(s), {pages} page(s))",
         match=INVAL, where=INVAL_WHERE, x="nested", y="cmds_per_unmap", series="{model}",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="invalidation commands per unmap (incl. syncs)",
         reading=("at_max", {"x": "{x} nested domains per stage-2", "verb": "sends",
                             "what": "invalidation commands per unmap"})),
    spec(id="inval_collateral", family="invalidate",
         title="Collateral invalidations: still-valid cached entries thrown away per unmap "
               "({policy}, {devices} device(s), {pages} page(s))",
         match=INVAL, where=INVAL_WHERE, x="nested", y="collateral", series="{model}",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="still-valid entries invalidated per unmap",
         reading=("at_max", {"x": "{x} nested domains per stage-2", "verb": "throws away",
                             "what": "still-valid cached entries per unmap"})),
    spec(id="inval_refill", family="invalidate",
         title="Refill misses after an unmap vs nested domains per stage-2 "
               "({policy}, {devices} device(s), {pages} page(s))",
         match=INVAL, where=INVAL_WHERE, x="nested", y="refill_misses", series="{model}",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="IOTLB refill misses after the unmap",
         reading=("at_max", {"x": "{x} nested domains per stage-2", "verb": "takes",
                             "what": "refill misses after an unmap"})),
    spec(id="inval_collateral_equal", family="invalidate",
         title="Collateral at equal cache sizes (every model: the same IOTLB and walk caches, "
               "bench/invalidate EQUAL_CACHES; {devices} device(s), {pages} page(s))",
         match=INVAL, where={"policy": "equal", "devices": "min", "pages": "min"}, x="nested",
         y="collateral", series="{model}",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="still-valid entries invalidated per unmap",
         reading=("at_max", {"x": "{x} nested domains per stage-2", "verb": "throws away",
                             "what": "still-valid cached entries per unmap at equal sizes"})),
    spec(id="inval_ats", family="invalidate",
         title="With ATS: invalidation commands per unmap (device-TLB flushes included; "
               "{devices} device(s), {pages} page(s))",
         match=INVAL, where={"policy": "batch_ats", "devices": "min", "pages": "min"}, x="nested",
         y="cmds_per_unmap", series="{model}",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="invalidation commands per unmap (incl. syncs)",
         reading=("at_max", {"x": "{x} nested domains per stage-2", "verb": "sends",
                             "what": "commands per unmap with ATS"})),
    spec(id="inval_cycles", family="invalidate",
         title="Modelled invalidation cost per unmap vs nested domains per stage-2 "
               "({policy}, {devices} device(s), {pages} page(s)); not alike across vendors: "
               "VT-d/AMD waits are a CPU-time-saved figure, SMMU CMD_SYNC a latency",
         match=INVAL, where=INVAL_WHERE, x="nested", y="modeled_cycles", series="{model}",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="modelled cycles per unmap (command costs)",
         reading=("at_max", {"x": "{x} nested domains per stage-2", "verb": "costs",
                             "what": "modelled cycles per unmap"})),
    spec(id="inval_devices", family="invalidate",
         title="Invalidation commands per unmap vs devices per domain "
               "({policy}, {nested} nested domain(s), {pages} page(s))",
         match=INVAL, where={"policy": ["strict", "batch"], "nested": "8", "pages": "min"},
         x="devices", y="cmds_per_unmap", series="{model}",
         xlabel="devices per domain (log scale)", ylabel="invalidation commands per unmap",
         reading=("at_max", {"x": "{x} devices per domain", "verb": "sends",
                             "what": "invalidation commands per unmap"})),
    spec(id="inval_policy", family="invalidate",
         title="Invalidation policies compared: commands per unmap "
               "({devices} device(s), {pages} page(s))",
         match=INVAL_POLICIES, where={"devices": "min", "pages": "min"}, x="nested",
         distinct=("policy",),
         y="cmds_per_unmap", series="{model} {policy}", color_by="{model}",
         dashed="^[^ ]+ (lazy|nobatch)$",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="invalidation commands per unmap",
         reading=("onoff", {"pairs": POLICY, "what": "commands per unmap",
                            "x": "{x} nested domains per stage-2"})),
    spec(id="iotlb_hit", family="iotlb", panel="{workload}",
         title="IOTLB hit rate vs IOTLB size: {workload} workload",
         match=r"^iotlb/(?P<workload>[^/]+)/(?P<model>[^/]+)/entries:(?P<entries>\d+)$",
         x="entries", y="hit_rate", yscale=100.0, yrange="[0:100]", series="{model}",
         logy=False, xlabel="IOTLB entries (log scale)", ylabel="IOTLB hit rate (%)",
         reading=("hit", {})),
    spec(id="replay_hit", family="replay", panel="{workload}",
         title="Real {workload} trace ({config}): IOTLB hit rate vs entries, 8-way",
         match=RP_HIT, where={"config": RP_CONFIG, "ways": "8"}, x="entries", y="hit_rate",
         yscale=100.0, yrange="[0:100]", series="{model}", logy=False,
         xlabel="IOTLB entries (log scale)", ylabel="IOTLB hit rate per DMA (%)",
         reading=("hit", {})),
    spec(id="replay_assoc", family="replay", panel="{workload}",
         title="Real {workload} trace ({config}, {model}): hit rate vs entries and ways "
               "(0 = full)",
         match=RP_HIT, where={"config": RP_CONFIG, "model": ["vtd", "amd", "smmuv3"]},
         x="entries", y="hit_rate", yscale=100.0, yrange="[0:100]", series="ways:{ways}",
         dashed="^ways:0$", logy=False,
         xlabel="IOTLB entries (log scale)", ylabel="IOTLB hit rate per DMA (%)",
         reading=("extremes", {})),
    spec(id="replay_cmds", family="replay", panel="{workload}",
         title="Real {workload} trace ({config}): commands per I/O vs flush queue (0 = strict)",
         match=RP_INVAL, where={"config": RP_CONFIG}, x="fq_entries", y="cmds_per_io",
         series="{model}", logx=False, logy=False, yrange="[0:*]",
         xlabel="flush-queue entries (0: strict, every unmap invalidated at once)",
         ylabel="invalidation commands per unmap (incl. syncs)",
         reading=("at_max", {"x": "{x} flush-queue entries", "verb": "sends",
                             "what": "commands per I/O"})),
    spec(id="mapunmap_latency", family="mapunmap",
         title="map + unmap latency vs mapping size: emulation vs real iommufd",
         match=r"^mapunmap/(?P<backend>emu|iommufd[-a-z]*)/(?P<policy>[a-z_]+)/"
               r"size_kib:(?P<size_kib>\d+)$",
         x="size_kib", y="time", series="{backend} {policy}", color_by="{backend}",
         dashed="lazy", xfmt="kib",
         logy=True, xlabel="mapping size (log scale)",
         ylabel="time per map + unmap pair (ns, log scale)",
         reading=("backends", {})),
    spec(id="strategies_instances", family="strategies",
         title="Stage-2 change across IOMMU instances: commands per unmap "
               "(one stage 2 shared vs a copy per instance)",
         match=r"^strategies/instances/(?P<model>[^/]+)/(?P<layout>shared_s2|per_instance_s2)"
               r"/units:(?P<units>\d+)$",
         x="units", y="cmds_per_unmap", series="{model} {layout}", color_by="{model}",
         dashed="per_instance", xlabel="IOMMU instances (vSMMUs / units, log scale)",
         ylabel="invalidation commands per stage-2 unmap",
         reading=("at_max", {"x": "{x} IOMMU instances", "verb": "sends",
                             "what": "commands per stage-2 unmap"})),
    spec(id="strategies_guest_path", family="strategies",
         title="A guest's stage-1 invalidation: trapped path vs hardware-virtualized queue",
         match=r"^strategies/guest_path/(?P<path>trapped|virtualized)/(?P<model>[^/]+)"
               r"/entries:(?P<entries>\d+)$",
         x="entries", y="path_ns_per_entry", series="{model} {path}", color_by="{model}",
         dashed="trapped", logy=True,
         xlabel="invalidation entries per request (log scale)",
         ylabel="modelled time per entry (ns, log scale)",
         reading=("onoff", {"pairs": [("virtualized", "trapped", "a hardware-virtualized queue", True)],
                            "what": "time per entry", "unit": "ns", "x": "{x} entries per request"})),
    spec(id="concurrency_walk", family="concurrency",
         title="Walk throughput while other threads map and unmap",
         match=r"^concurrency/walk/writers:(?P<writers>\d+)$", x="writers",
         y="items_per_second", yscale=1e-6, series="walkers", logx=False, logy=False,
         yrange="[0:*]",
         xlabel="writer threads", ylabel="walks per second (millions)",
         reading=("scaling", {})),
]
