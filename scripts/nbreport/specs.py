# SPDX-License-Identifier: MIT
"""The plot table: what to draw, from which benchmarks, and how to read it.

One row per plot (or one per panel value, when the row has a panel):
  id        file name stem of the plot (plots/<id>[-<panel>].png/.svg)
  title     plot title ({panel} and the fixed values are filled in)
  family    the benchmark name prefix (names are searched in every
            raw/*.json, as one binary may run several prefixes); a prefix
            some spec names has its plots here and no generic section
            (generic.py: the view of a family without a spec)
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
  alt_title (regex, title): when no series label matches regex, the plot
            shows title instead (a title never promises a line that is not
            drawn)
  xfmt      "kib" to label x tics as sizes, else plain numbers
  ys        {word: counter}: several counters of one benchmark as series (y is
            then "_ys", the word the group "path")
  xlabel, ylabel  axis labels with units
  reading   (kind, options) for readings.py: the one-sentence reading
Words: "host time" is this machine's time running the simulator (its speed,
measured); "modelled" is the timing model's IOMMU time (nestbench/timing.h)
or the command costs (configs/*.cfg); every title and axis says which.
  template  gnuplot template in reports/templates (lines.gp)
"""

WS = r"ws_kib:(?P<ws_kib>\d+)"
FMT_PAGE_PAT = r"(?P<page>base|huge)/(?P<pattern>seq|random)/" + WS
WALK = r"^pgwalk/(?P<stage>single|nested)/(?P<fmt>[^/]+)/" + FMT_PAGE_PAT + "$"
# Models of hardware that does not exist (configs/README.md): their labels say so.
HYPOTHETICAL = {"vtd_vmid"}
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
VIRTUALIZED = [("virtualized", "trapped", "a hardware-virtualized queue", True)]
# replay/...: real traces (tests/traces/<config>/<workload>.trace.gz) through every model.
# Every captured configuration (the guest driver's IOMMU mode: VT-d caching mode,
# strict, lazy, virtio, AMD) is a line of the hit-rate and command plots.
RP_HIT = (r"^replay/hit/(?P<config>[^/]+)/(?P<workload>[^/]+)/(?P<model>[^/]+)"
          r"/ways:(?P<ways>\d+)/entries:(?P<entries>\d+)$")
RP_INVAL = (r"^replay/inval/(?P<config>[^/]+)/(?P<workload>[^/]+)/(?P<model>[^/]+)"
            r"/fq_entries:(?P<fq_entries>\d+)$")
RP_CONFIG = ["vtd-lazy", "vtd-strict", "vtd-cm", "virtio", "amd"]
# replay/nested/<config>/<model>/guests:K: the nested replay (bench/replay/nested.c,
# docs/nested.md): real guest stage-1 streams over a real VMM's stage 2. flts: the
# strict guests (a request per unmap); the report's section has the tables.
NESTED = r"^replay/nested/(?P<config>[^/]+)/(?P<model>[^/]+)/guests:(?P<guests>\d+)$"
NESTED_X = "guests (K; each guest's NIC and NVMe domains nested; log scale)"
CACHED = (r"^pgwalk/cached/(?P<model>[^/]+)/(?P<pwc>pwc_on|pwc_off)"
          r"/(?P<pattern>seq|random)/pages:(?P<pages>\d+)$")


def spec(**kw):
    d = dict(panel=None, where={}, refs=(), split={}, color_by=None, distinct=(), dashed=None, ys=None,
             logx=True, logy="auto", xfmt=None, yscale=1.0, yrange="", template="lines",
             reading=("extremes", {}), alt_title=None)
    d.update(kw)
    return d


def nested_spec(**kw):
    """A plot of the nested replay's strict guests against K (the section's plots)."""
    d = dict(family="replay", match=NESTED, where={"config": "flts"}, x="guests", xlabel=NESTED_X,
             series="{model}", logy="auto")
    d.update(kw)
    return spec(**d)


SPECS = [
    spec(id="pgwalk_ns_single", family="pgwalk",
         title="Host time of a single-stage walk by this machine's CPU (simulator speed, not "
               "IOMMU time), per format (4 KiB pages, random IOVAs)",
         match=r"^pgwalk/single/(?P<fmt>[^/]+)/" + FMT_PAGE_PAT + "$",
         where={"page": "base", "pattern": "random"}, x="ws_kib", y="host_ns_per_walk",
         series="{fmt}", xfmt="kib", logy=True,
         xlabel="working set (log scale)", ylabel="host time per walk (ns, log scale)",
         reading=("growth", {"what": "host time per walk", "unit": "ns"})),
    spec(id="pgwalk_ns_nested", family="pgwalk",
         title="Host time of a nested (stage-1 over stage-2) walk by this machine's CPU "
               "(simulator speed, not IOMMU time; 4 KiB pages, random IOVAs)",
         match=r"^pgwalk/nested/(?P<pair>[^/]+)/" + FMT_PAGE_PAT + "$",
         where={"page": "base", "pattern": "random"}, x="ws_kib", y="host_ns_per_walk",
         series="{pair}", xfmt="kib", logy=True,
         xlabel="working set (log scale)", ylabel="host time per walk (ns, log scale)",
         reading=("growth", {"what": "host time per nested walk", "unit": "ns"})),
    spec(id="pgwalk_limit", family="pgwalk",
         title="Walk host time / its limit (the same reads replayed as one dependent chain, "
               "same arena and order), 4 KiB pages, random IOVAs (the self-check covers every "
               "page size and order)",
         match=WALK, where={"page": "base", "pattern": "random"}, x="ws_kib",
         y="ratio_to_limit", series="{stage} {fmt}",
         dashed="^single", xfmt="kib", logy=False, yrange="[0:*]",
         xlabel="working set (log scale)",
         ylabel="walk / limit (host time ratio; 1 = the limit, below 0.9 = a violation)",
         reading=("bound", {})),
    spec(id="pgwalk_chase", family="pgwalk",
         title="This machine's memory latency by size: a random pointer chase over fresh memory "
               "(host time; context for the host walk times, not a limit)",
         match=r"^pgwalk/chase/" + WS + "$", x="ws_kib", y="time", series="pointer chase",
         xfmt="kib", logy="auto", xlabel="chased memory (log scale)",
         ylabel="host time per dependent load (ns)",
         reading=("at_max", {"x": "{x} of memory", "verb": "takes", "unit": "ns",
                             "what": "per dependent load (host time)"})),
    spec(id="pgwalk_modelled", family="pgwalk",
         title="Modelled IOMMU walk time without walk caches (LLC and DRAM latencies of the "
               "vendor's config) vs working set (4 KiB pages, random IOVAs)",
         match=WALK, where={"page": "base", "pattern": "random"}, x="ws_kib", y="modelled_ns",
         series="{stage} {fmt}", dashed="^single", xfmt="kib", logy="auto",
         xlabel="working set (log scale)", ylabel="modelled time per walk (ns)",
         reading=("at_max", {"x": "{x} of working set", "verb": "takes", "unit": "ns",
                             "what": "of modelled walk time",
                             "subject": "modelled walk time"})),
    spec(id="pgwalk_refs", family="pgwalk",
         title="Memory references per walk vs working set, single-stage and nested (4 KiB pages)",
         match=WALK, where={"page": "base", "pattern": "random"}, x="ws_kib", y="refs_per_walk",
         series="{stage} {fmt}", dashed="^single", xfmt="kib", logy=False, yrange="[0:*]",
         xlabel="working set (log scale)", ylabel="memory references per walk (count)",
         reading=("at_max", {"x": "{x} of working set", "verb": "makes",
                             "what": "memory references per walk"})),
    spec(id="pgwalk_nested_vs_single", family="pgwalk", panel="{pair}",
         title="Nested {pair} vs its single stages: host time per walk on this machine "
               "(simulator speed; 4 KiB pages, random IOVAs)",
         match=r"^pgwalk/nested/(?P<pair>[^/]+)/" + FMT_PAGE_PAT + "$",
         where={"page": "base", "pattern": "random"}, x="ws_kib", y="host_ns_per_walk",
         series="nested {pair}", split={"pair": ("s1", "s2", "+")},
         refs=({"label": "single {s1}", "y": "host_ns_per_walk",
                "match": r"^pgwalk/single/{s1}/base/random/" + WS + "$"},
               {"label": "single {s2}", "y": "host_ns_per_walk",
                "match": r"^pgwalk/single/{s2}/base/random/" + WS + "$"},
               {"label": "limit of the nested walk (its reads replayed)", "y": "limit_ns",
                "match": r"^pgwalk/nested/{pair}/base/random/" + WS + "$"}),
         dashed="^(single|limit)", xfmt="kib",
         logy=True, xlabel="working set (log scale)",
         ylabel="host time per walk (ns, log scale)",
         reading=("nested_vs_single", {})),
    spec(id="pgwalk_cached_ns", family="pgwalk",
         title="Walk caches on vs off: modelled translation time per nested walk "
               "(IOTLB off, random IOVAs)",
         match=CACHED, where={"pattern": "random"}, x="pages", y="modelled_ns",
         series="{model} {pwc}", color_by="{model}", dashed="pwc_off", logy=True,
         xlabel="pages mapped, 4 KiB each (log scale)",
         ylabel="modelled time per walk (ns, log scale)",
         reading=("onoff", {"pairs": PWC, "what": "modelled walk time", "unit": "ns",
                            "x": "{x} pages mapped", "lower": True})),
    spec(id="pgwalk_cached_refs", family="pgwalk",
         title="Walk caches on vs off: memory references per nested walk (IOTLB off, random IOVAs)",
         match=CACHED, where={"pattern": "random"}, x="pages", y="refs_per_walk",
         series="{model} {pwc}", color_by="{model}", dashed="pwc_off", logy="auto",
         xlabel="pages mapped, 4 KiB each (log scale)",
         ylabel="memory references per walk (count)",
         reading=("onoff", {"pairs": PWC, "what": "references per walk",
                            "x": "{x} pages mapped", "lower": True})),
    spec(id="pgwalk_cached_speed", family="pgwalk",
         title="Simulator speed: cached nested walks per second on this machine (host time, "
               "not IOMMU time)",
         match=CACHED, where={"pattern": "random"}, x="pages", y="host_walks_per_s",
         yscale=1e-6, series="{model} {pwc}", color_by="{model}", dashed="pwc_off", logy="auto",
         xlabel="pages mapped, 4 KiB each (log scale)",
         ylabel="simulated walks per second on this host (millions)",
         reading=("at_max", {"x": "{x} pages mapped", "verb": "simulates",
                             "what": "walks per second (host speed)",
                             "subject": "the simulator's speed (host time)",
                             "unit": "million"})),
    spec(id="inval_cmds", family="invalidate",
         title="Invalidation commands per unmap vs nested domains per stage-2 "
               "({policy}, {devices} device(s), {pages} page(s))",
         match=INVAL, where=INVAL_WHERE, x="nested", y="cmds_per_unmap", series="{model}",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="invalidation commands per unmap (count, incl. syncs)",
         reading=("at_max", {"x": "{x} nested domains per stage-2", "verb": "sends",
                             "what": "invalidation commands per unmap"})),
    spec(id="inval_collateral", family="invalidate",
         title="Collateral invalidations: still-valid cached entries thrown away per unmap "
               "({policy}, {devices} device(s), {pages} page(s))",
         match=INVAL, where=INVAL_WHERE, x="nested", y="collateral", series="{model}",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="still-valid entries invalidated per unmap (count)",
         reading=("at_max", {"x": "{x} nested domains per stage-2", "verb": "throws away",
                             "what": "still-valid cached entries per unmap"})),
    spec(id="inval_refill", family="invalidate",
         title="Refill misses after an unmap vs nested domains per stage-2 "
               "({policy}, {devices} device(s), {pages} page(s))",
         match=INVAL, where=INVAL_WHERE, x="nested", y="refill_misses", series="{model}",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="IOTLB refill misses after the unmap (count)",
         reading=("at_max", {"x": "{x} nested domains per stage-2", "verb": "takes",
                             "what": "refill misses after an unmap"})),
    spec(id="inval_collateral_equal", family="invalidate",
         title="Collateral at equal cache sizes (every model: the same IOTLB and walk caches, "
               "bench/invalidate EQUAL_CACHES; {devices} device(s), {pages} page(s))",
         match=INVAL, where={"policy": "equal", "devices": "min", "pages": "min"}, x="nested",
         y="collateral", series="{model}",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="still-valid entries invalidated per unmap (count)",
         reading=("at_max", {"x": "{x} nested domains per stage-2", "verb": "throws away",
                             "what": "still-valid cached entries per unmap at equal sizes"})),
    spec(id="inval_ats", family="invalidate",
         title="With ATS: invalidation commands per unmap (device-TLB flushes included; "
               "{devices} device(s), {pages} page(s))",
         match=INVAL, where={"policy": "batch_ats", "devices": "min", "pages": "min"}, x="nested",
         y="cmds_per_unmap", series="{model}",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="invalidation commands per unmap (count, incl. syncs)",
         reading=("at_max", {"x": "{x} nested domains per stage-2", "verb": "sends",
                             "what": "commands per unmap with ATS"})),
    spec(id="inval_cycles", family="invalidate",
         title="Modelled invalidation cost per unmap vs nested domains per stage-2 "
               "({policy}, {devices} device(s), {pages} page(s)); not alike across vendors: "
               "VT-d/AMD waits are a CPU-time-saved figure, SMMU CMD_SYNC a latency",
         match=INVAL, where=INVAL_WHERE, x="nested", y="modeled_cycles", series="{model}",
         xlabel="nested domains per stage-2 (log scale)",
         ylabel="modelled cycles per unmap (the configs' command costs)",
         reading=("at_max", {"x": "{x} nested domains per stage-2", "verb": "costs",
                             "what": "modelled cycles per unmap"})),
    spec(id="inval_devices", family="invalidate",
         title="Invalidation commands per unmap vs devices per domain "
               "({policy}, {nested} nested domain(s), {pages} page(s))",
         match=INVAL, where={"policy": ["strict", "batch"], "nested": "8", "pages": "min"},
         x="devices", y="cmds_per_unmap", series="{model}",
         xlabel="devices per domain (log scale)", ylabel="invalidation commands per unmap (count)",
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
         ylabel="invalidation commands per unmap (count)",
         reading=("onoff", {"pairs": POLICY, "what": "commands per unmap",
                            "x": "{x} nested domains per stage-2", "lower": True})),
    spec(id="iotlb_hit", family="iotlb", panel="{workload}",
         title="IOTLB hit rate vs IOTLB size: {workload} workload",
         match=r"^iotlb/(?P<workload>[^/]+)/(?P<model>[^/]+)/entries:(?P<entries>\d+)$",
         x="entries", y="hit_rate", yscale=100.0, yrange="[0:100]", series="{model}",
         logy=False, xlabel="IOTLB entries (log scale)", ylabel="IOTLB hit rate (%)",
         reading=("hit", {})),
    spec(id="replay_hit", family="replay", panel="{workload}",
         title="Real {workload} traces, every captured configuration: IOTLB hit rate vs "
               "entries ({model} model, 8-way)",
         match=RP_HIT, where={"model": "vtd", "ways": "8"}, x="entries", y="hit_rate",
         yscale=100.0, yrange="[0:100]", series="{config}", logy=False,
         xlabel="IOTLB entries (log scale)", ylabel="IOTLB hit rate per DMA (%)",
         reading=("hit", {})),
    spec(id="replay_assoc", family="replay", panel="{workload}",
         title="Real {workload} trace ({config} configuration, {model} model): hit rate vs "
               "entries and ways (0 = fully associative)",
         match=RP_HIT, where={"config": RP_CONFIG, "model": ["vtd", "amd", "smmuv3"]},
         x="entries", y="hit_rate", yscale=100.0, yrange="[0:100]", series="ways:{ways}",
         dashed="^ways:0$", logy=False,
         xlabel="IOTLB entries (log scale)", ylabel="IOTLB hit rate per DMA (%)",
         reading=("at_max", {"x": "{x} entries", "verb": "hits", "unit": "%",
                             "what": "of DMAs in the IOTLB"})),
    spec(id="replay_cmds", family="replay", panel="{workload}",
         title="Real {workload} traces, every captured configuration: commands per I/O vs "
               "flush queue (0 = strict; {model} model)",
         match=RP_INVAL, where={"model": "vtd"}, x="fq_entries", y="cmds_per_io",
         series="{config}", logx=False, logy=True,
         xlabel="flush-queue entries (0: strict, every unmap invalidated at once)",
         ylabel="invalidation commands per I/O (count, incl. syncs; log scale)",
         reading=("at_max", {"x": "{x} flush-queue entries", "verb": "sends",
                             "what": "commands per I/O"})),
    spec(id="replay_cmds_models", family="replay", panel="{config}",
         title="Real {workload} trace ({config} configuration): commands per I/O vs flush "
               "queue, per model (0 = strict)",
         match=RP_INVAL, where={"workload": ["tcp-4m", "nvme-4m"]}, x="fq_entries",
         y="cmds_per_io", series="{model}", logx=False, logy=True,
         xlabel="flush-queue entries (0: strict, every unmap invalidated at once)",
         ylabel="invalidation commands per I/O (count, incl. syncs; log scale)",
         reading=("at_max", {"x": "{x} flush-queue entries", "verb": "sends",
                             "what": "commands per I/O"})),
    nested_spec(id="nested_s2_cmds",
                title="Nested, real streams: invalidation commands per stage-2 unmap (a VMM's "
                      "2 MiB virtio-mem unplug) vs guests (strict guests: nested/{config})",
                y="cmds_per_unmap2",
                ylabel="invalidation commands per stage-2 unmap (count, incl. syncs)",
                reading=("at_max", {"x": "{x} guests", "verb": "sends",
                                    "what": "invalidation commands per stage-2 unmap"})),
    nested_spec(id="nested_s2_syncs",
                title="Nested, real streams: waits (syncs) per stage-2 unmap vs guests "
                      "(strict guests: nested/{config})",
                y="syncs_per_unmap2", ylabel="syncs per stage-2 unmap (count)",
                reading=("at_max", {"x": "{x} guests", "verb": "waits",
                                    "what": "times per stage-2 unmap"})),
    nested_spec(id="nested_s2_collateral",
                title="Nested, real streams: still-valid cached entries thrown away per stage-2 "
                      "unmap vs guests (strict guests: nested/{config})",
                y="collateral_per_unmap2", ylabel="collateral per stage-2 unmap (count)",
                reading=("at_max", {"x": "{x} guests", "verb": "throws away",
                                    "what": "still-valid cached entries per stage-2 unmap"})),
    nested_spec(id="nested_dirty_cmds",
                title="Nested, real streams: invalidation commands per dirty-tracking round (a "
                      "64-page dirty-bit clear) vs guests (strict guests: nested/{config})",
                y="cmds_per_dirty2", logy=False, yrange="[0:*]",
                ylabel="invalidation commands per dirty round (count, incl. syncs)",
                reading=("at_max", {"x": "{x} guests", "verb": "sends",
                                    "what": "invalidation commands per dirty round"})),
    nested_spec(id="nested_guest_path",
                title="Nested, real streams: modelled time of a guest's invalidation request, "
                      "trapped vs hardware-virtualized queue (strict guests: nested/{config}; "
                      "configs/guest_path.cfg)",
                y="_ys", ys={"trapped": "guest_inv_trapped_ns",
                             "virtualized": "guest_inv_virtualized_ns"},
                series="{model} {path}", color_by="{model}", dashed="trapped", logy=True,
                ylabel="modelled time per guest request (ns, log scale)",
                reading=("onoff", {"pairs": VIRTUALIZED, "what": "modelled time per request",
                                   "unit": "ns", "x": "{x} guests", "lower": True})),
    nested_spec(id="nested_hit",
                title="Nested, real streams: IOTLB hit rate vs guests sharing the IOMMU "
                      "(strict guests: nested/{config})",
                y="hit_rate", yscale=100.0, yrange="[0:100]", logy=False,
                ylabel="IOTLB hit rate per DMA (%)",
                reading=("at_max", {"x": "{x} guests", "verb": "hits", "unit": "%",
                                    "what": "of DMAs in the IOTLB"})),
    spec(id="mapunmap_latency", family="mapunmap",
         title="map + unmap host time vs mapping size: the emulation vs the real iommufd",
         alt_title=("^iommufd", "map + unmap host time vs mapping size: the emulation only "
                                "(the iommufd backend did not run)"),
         # iommufd-mock is the kernel's iommufd selftest driver in the guest matrix: a
         # test artefact, not an IOMMU; it stays in raw/guest.json, off the plot
         match=r"^mapunmap/(?P<backend>emu|iommufd(?!-mock)[-a-z]*)/(?P<policy>[a-z_]+)/"
               r"size_kib:(?P<size_kib>\d+)$",
         x="size_kib", y="time", series="{backend} {policy}", color_by="{backend}",
         dashed="lazy", xfmt="kib",
         logy=True, xlabel="mapping size (log scale)",
         ylabel="host time per map + unmap pair (ns, log scale)",
         reading=("backends", {})),
    spec(id="strategies_instances", family="strategies",
         title="Stage-2 change across IOMMU instances: commands per unmap "
               "(one stage 2 shared vs a copy per instance)",
         match=r"^strategies/instances/(?P<model>[^/]+)/(?P<layout>shared_s2|per_instance_s2)"
               r"/units:(?P<units>\d+)$",
         x="units", y="cmds_per_unmap", series="{model} {layout}", color_by="{model}",
         dashed="per_instance", xlabel="IOMMU instances (vSMMUs / units, log scale)",
         ylabel="invalidation commands per stage-2 unmap (count)",
         reading=("at_max", {"x": "{x} IOMMU instances", "verb": "sends",
                             "what": "commands per stage-2 unmap"})),
    spec(id="strategies_guest_path", family="strategies",
         title="Modelled time of a guest's stage-1 invalidation: trapped path vs "
               "hardware-virtualized queue (configs/guest_path.cfg, fitted to F&S timings)",
         match=r"^strategies/guest_path/(?P<path>trapped|virtualized)/(?P<model>[^/]+)"
               r"/entries:(?P<entries>\d+)$",
         x="entries", y="path_ns_per_entry", series="{model} {path}", color_by="{model}",
         dashed="trapped", logy=True,
         xlabel="invalidation entries per request (log scale)",
         ylabel="modelled time per entry (ns, log scale)",
         reading=("onoff", {"pairs": VIRTUALIZED, "what": "modelled time per entry",
                            "unit": "ns", "x": "{x} entries per request", "lower": True})),
    spec(id="concurrency_walk", family="concurrency",
         title="Walk throughput while other threads map and unmap (host speed of the "
               "simulator's lock-free tables)",
         match=r"^concurrency/walk/writers:(?P<writers>\d+)$", x="writers",
         y="items_per_second", yscale=1e-6, series="walkers", logx=False, logy=False,
         yrange="[0:*]",
         xlabel="writer threads", ylabel="walks per second on this host (millions)",
         reading=("scaling", {})),
]
