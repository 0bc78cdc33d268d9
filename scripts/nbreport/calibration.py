# SPDX-License-Identifier: MIT
"""The calibration table: the model's predictions beside published hardware figures.

Published figures: F&S, "Fast and Safe IO Memory Protection" (SOSP'24),
github.com/xlab-uiuc/Fast-and-Safe-IO-Memory-Protection, results_summary/:
Intel IOMMU performance counters and guest eBPF timings of a 100 Gb NIC receive
path, Linux 6.12.9, iommufd nesting, host strict, guest IOMMU on, ring of 512,
1 / 4 / 8 flows on as many cores. Counters per 4 KiB page come from
no_ebpf.md (no tracing overhead); timings (mean ns per call) from
no_map_contention.md (the run with guest eBPF timings whose figures the
project's guest-path constants are fitted to, configs/guest_path.cfg).

The model's side: the calibrate/nic_rx/<model>/flows:N benchmarks
(bench/strategies/calibrate.c). Roles: "prediction" (the model computes it,
nothing was tuned to it), "fitted" (a constant of configs/guest_path.cfg was
solved from this figure: the ratio is 1 by construction, a drift means the
fit no longer holds), "input" (the workload's shape sets it).
"""
import re

# The model whose single-page guest request configs/guest_path.cfg was fitted with.
FIT_MODEL = "intel_cachetag"
NAME = re.compile(r"^calibrate/nic_rx/(?P<model>[^/]+)/flows:(?P<flows>\d+)$")
FS = "F&S SOSP'24, results_summary/"

# (figure, unit, model counter, {flows: (published, source file, role)})
FIGURES = [
    ("IOTLB misses per 4 KiB page", "", "iotlb_misses",
     {1: (0.9459983733393436, "no_ebpf.md", "prediction"),
      4: (1.1755971450774514, "no_ebpf.md", "prediction"),
      8: (1.125802439877619, "no_ebpf.md", "prediction")}),
    ("IOMMU memory accesses per page", "", "mem_reads",
     {1: (1.9011407753588005, "no_ebpf.md", "prediction"),
      4: (2.360826030421637, "no_ebpf.md", "prediction"),
      8: (2.386134777764924, "no_ebpf.md", "prediction")}),
    ("IOTLB invalidations per page", "", "invalidations",
     {1: (0.10161880412759597, "no_ebpf.md", "prediction"),
      4: (0.09163031913053905, "no_ebpf.md", "prediction"),
      8: (0.11165543759608353, "no_ebpf.md", "prediction")}),
    ("IOTLB first lookups per page", "", "first_lookups",
     {1: (10.262835799972954, "no_ebpf.md", "input"),
      4: (9.868652860893468, "no_ebpf.md", "input"),
      8: (9.977624758025778, "no_ebpf.md", "input")}),
    ("guest qi_submit_sync, modelled trapped path", "ns", "qi_submit_sync_ns",
     {1: (8689.66, "no_map_contention.md", "fitted"),
      4: (9646.02, "no_map_contention.md", "prediction"),
      8: (10642.6, "no_map_contention.md", "fitted")}),
    ("guest intel_iommu_tlb_sync, modelled", "ns", "tlb_sync_ns",
     {1: (12089.37, "no_map_contention.md", "fitted"),
      4: (15587.34, "no_map_contention.md", "prediction"),
      8: (27634.8, "no_map_contention.md", "prediction")}),
]


class Row:
    def __init__(self, figure, unit, flows, published, source, role, model, model_name):
        self.figure, self.unit, self.flows = figure, unit, flows
        self.published, self.source, self.role = published, source, role
        self.model, self.model_name = model, model_name

    @property
    def ratio(self):
        return self.model / self.published if self.model is not None and self.published else None


def rows(results):
    """The table's rows, or [] when the run has no calibrate/ benchmarks."""
    runs = {}
    for name, vals in results.values().items():
        m = NAME.match(name)
        if m:
            runs[(m.group("model"), int(m.group("flows")))] = vals
    out = []
    for model in sorted({m for m, _ in runs}):
        for figure, unit, counter, pub in FIGURES:
            for flows, (value, source, role) in sorted(pub.items()):
                vals = runs.get((model, flows))
                out.append(Row(figure, unit, flows, value, FS + source, role,
                               vals.get(counter) if vals else None, model))
    return out
