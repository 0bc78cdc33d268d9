# SPDX-License-Identifier: MIT
"""The plot table: what to draw, from which benchmarks, and how to read it.

One row per plot (or one per panel value, when the row has a panel):
  id        file name stem of the plot (plots/<id>[-<panel>].png/.svg)
  title     plot title ({panel} and the fixed values are filled in)
  family    benchmark family (raw/<family>.json)
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
INVAL = (r"^invalidate/(?P<model>[^/]+)/(?P<policy>strict|lazy)/nested:(?P<nested>\d+)"
         r"/devices:(?P<devices>\d+)/pages:(?P<pages>\d+)$")
INVAL_WHERE = {"policy": "strict", "devices": "min", "pages": "min"}


def spec(**kw):
    d = dict(panel=None, where={}, refs=(), split={}, color_by=None, dashed=None, logx=True, logy="auto",
             xfmt=None, yscale=1.0, yrange="", template="lines", reading=("extremes", {}))
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
         series="{stage} {fmt}", dashed="^single", xfmt="kib", logy=False,
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
    spec(id="pgwalk_cached_ns", family="pgwalk", panel="{pair}",
         title="Walk caches on vs off: {pair} nested walk time (random IOVAs)",
         match=r"^pgwalk/cached/(?P<pair>[^/]+)/(?P<model>[^/]+)/(?P<pwc>pwc_on|pwc_off)"
               r"/(?P<pattern>seq|random)/" + WS + "$",
         where={"pattern": "random"}, x="ws_kib", y="walk_ns", series="{model} {pwc}",
         color_by="{model}", dashed="pwc_off", xfmt="kib", logy=True,
         xlabel="working set (log scale)", ylabel="walk time (ns per walk, log scale)",
         reading=("onoff", {"on": "pwc_on", "off": "pwc_off", "what": "walk time", "unit": "ns",
                            "cause": "page-walk caches", "x": "{x} of working set"})),
    spec(id="pgwalk_cached_refs", family="pgwalk", panel="{pair}",
         title="Walk caches on vs off: {pair} memory references per walk (random IOVAs)",
         match=r"^pgwalk/cached/(?P<pair>[^/]+)/(?P<model>[^/]+)/(?P<pwc>pwc_on|pwc_off)"
               r"/(?P<pattern>seq|random)/" + WS + "$",
         where={"pattern": "random"}, x="ws_kib", y="refs_per_walk", series="{model} {pwc}",
         color_by="{model}", dashed="pwc_off", xfmt="kib", logy="auto",
         xlabel="working set (log scale)", ylabel="memory references per walk",
         reading=("onoff", {"on": "pwc_on", "off": "pwc_off", "what": "references per walk",
                            "unit": "", "cause": "page-walk caches",
                            "x": "{x} of working set"})),
    spec(id="inval_cmds", family="invalidate",
         title="Invalidation commands per unmap vs nested domains per stage-2 "
               "(strict, {devices} device(s), {pages} page(s))",
         match=INVAL, where=INVAL_WHERE, x="nested", y="cmds_per_unmap", series="{model}",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="invalidation commands per unmap (incl. syncs)",
         reading=("at_max", {"x": "{x} nested domains per stage-2", "verb": "sends",
                             "what": "invalidation commands per unmap"})),
    spec(id="inval_collateral", family="invalidate",
         title="Collateral invalidations: still-valid cached entries thrown away per unmap "
               "(strict, {devices} device(s), {pages} page(s))",
         match=INVAL, where=INVAL_WHERE, x="nested", y="collateral", series="{model}",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="still-valid entries invalidated per unmap",
         reading=("at_max", {"x": "{x} nested domains per stage-2", "verb": "throws away",
                             "what": "still-valid cached entries per unmap"})),
    spec(id="inval_refill", family="invalidate",
         title="Refill misses after an unmap vs nested domains per stage-2 "
               "(strict, {devices} device(s), {pages} page(s))",
         match=INVAL, where=INVAL_WHERE, x="nested", y="refill_misses", series="{model}",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="IOTLB refill misses after the unmap",
         reading=("at_max", {"x": "{x} nested domains per stage-2", "verb": "takes",
                             "what": "refill misses after an unmap"})),
    spec(id="inval_cycles", family="invalidate",
         title="Modelled invalidation cost per unmap vs nested domains per stage-2 "
               "(strict, {devices} device(s), {pages} page(s))",
         match=INVAL, where=INVAL_WHERE, x="nested", y="modeled_cycles", series="{model}",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="modelled cycles per unmap (command costs)",
         reading=("at_max", {"x": "{x} nested domains per stage-2", "verb": "costs",
                             "what": "modelled cycles per unmap"})),
    spec(id="inval_devices", family="invalidate",
         title="Invalidation commands per unmap vs devices per domain "
               "(strict, {nested} nested domain(s), {pages} page(s))",
         match=INVAL, where={"policy": "strict", "nested": "min", "pages": "min"},
         x="devices", y="cmds_per_unmap", series="{model}",
         xlabel="devices per domain (log scale)", ylabel="invalidation commands per unmap",
         reading=("at_max", {"x": "{x} devices per domain", "verb": "sends",
                             "what": "invalidation commands per unmap"})),
    spec(id="inval_policy", family="invalidate",
         title="Strict vs lazy (flush queue): invalidation commands per unmap "
               "({devices} device(s), {pages} page(s))",
         match=INVAL, where={"devices": "min", "pages": "min"}, x="nested",
         y="cmds_per_unmap", series="{model} {policy}", color_by="{model}", dashed="lazy",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="invalidation commands per unmap",
         reading=("onoff", {"on": "lazy", "off": "strict", "what": "commands per unmap",
                            "unit": "", "cause": "the lazy flush queue", "singular": True,
                            "x": "{x} nested domains per stage-2"})),
    spec(id="iotlb_hit", family="iotlb", panel="{workload}",
         title="IOTLB hit rate vs IOTLB size: {workload} workload",
         match=r"^iotlb/(?P<workload>[^/]+)/(?P<model>[^/]+)/entries:(?P<entries>\d+)$",
         x="entries", y="hit_rate", yscale=100.0, yrange="[0:100]", series="{model}",
         logy=False, xlabel="IOTLB entries (log scale)", ylabel="IOTLB hit rate (%)",
         reading=("hit", {})),
    spec(id="mapunmap_latency", family="mapunmap",
         title="map + unmap latency vs mapping size: emulation vs real iommufd",
         match=r"^mapunmap/(?P<backend>emu|iommufd)/(?P<policy>strict|lazy)/"
               r"size_kib:(?P<size_kib>\d+)$",
         x="size_kib", y="time", series="{backend} {policy}", color_by="{backend}", dashed="lazy", xfmt="kib",
         logy=True, xlabel="mapping size (log scale)",
         ylabel="time per map + unmap pair (ns, log scale)",
         reading=("backends", {})),
    spec(id="mapunmap_mem", family="mapunmap",
         title="Page-table memory per mapped byte vs mapping size",
         match=r"^mapunmap/(?P<backend>emu|iommufd)/(?P<policy>strict|lazy)/"
               r"size_kib:(?P<size_kib>\d+)$",
         x="size_kib", y="table_mem_ratio", series="{backend} {policy}", color_by="{backend}", dashed="lazy",
         xfmt="kib", xlabel="mapping size (log scale)",
         ylabel="page-table bytes per mapped byte",
         reading=("at_max", {"x": "{x} mappings", "verb": "needs",
                             "what": "page-table bytes per mapped byte"})),
    spec(id="concurrency_walk", family="concurrency",
         title="Walk throughput while other threads map and unmap",
         match=r"^concurrency/walk/writers:(?P<writers>\d+)$", x="writers",
         y="items_per_second", yscale=1e-6, series="walkers", logx=False, logy=False,
         xlabel="writer threads", ylabel="walks per second (millions)",
         reading=("scaling", {})),
]
