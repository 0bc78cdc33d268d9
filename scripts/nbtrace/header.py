# SPDX-License-Identifier: MIT
"""The header lines every trace of one capture carries: where it came from and what
the guest's IOMMU and kernel were (docs/trace-format.md, "Header")."""
import re

from nbtrace.vtd_mode import first_stage_dma


def trace_header(a, regs):
    """Header lines (without "# ") for the options a and the guest's registers regs."""
    guest = ("guest ftrace iommu:map/unmap" if a.ftrace and not a.no_guest_ops else
             "no guest map/unmap (--no-guest-ops): maps are implied by each first DMA" if a.ftrace else
             "no guest ftrace: maps are implied by each first DMA")
    header = ["source: QEMU trace events (%s) + %s, converted by scripts/nb_trace_convert.py"
              % ("intel-iommu" if a.vendor == "vtd" else "amd-iommu", guest)]
    if a.config:
        header.append("config: %s" % a.config)
    if a.note:
        header.append("capture: %s" % a.note)
    if "kernel" in regs:
        header.append("guest-kernel: %s" % regs["kernel"])
    if "cap" in regs:
        header.append("vtd-cap: %#018x" % regs["cap"])
        header.append("vtd-ecap: %#018x" % regs["ecap"])
        header.append("caching-mode: %d" % ((regs["cap"] >> 7) & 1))
    if "cmdline" in regs:
        m = re.search(r"iommu\.strict=(\d)", regs["cmdline"])
        if m:
            header.append("guest-strict: %s" % m[1])
    first_stage = a.vendor == "vtd" and first_stage_dma(regs)
    if first_stage:
        header.append("first-stage: 1")
    flush_on_map = (a.vendor == "vtd" and (regs.get("cap", 0) >> 7) & 1 and not first_stage) or a.vendor == "amd"
    header.append("flush-on-map: %d" % (1 if flush_on_map else 0))
    return header
