# SPDX-License-Identifier: MIT
"""Which VT-d page tables the captured Linux guest used for its DMA domains.

Linux 6.12 drivers/iommu/intel/iommu.c first_level_by_default(): in scalable
mode (ECAP.SMTS, bit 43, and intel_iommu=sm_on) a DMA-API domain uses the
first stage when the IOMMU has it (ECAP.FLTS, bit 47; alone, or beside
ECAP.SLTS, bit 46, for every domain type but UNMANAGED). A first-stage
domain is not flushed after a map even under caching mode (iommu.c
__domain_mapping/iotlb_sync_map: cap_caching_mode && !use_first_level), and
its invalidations are PASID-based IOTLB descriptors (cache.c)."""

SMTS, SLTS, FLTS = 1 << 43, 1 << 46, 1 << 47


def first_stage_dma(regs):
    """True if the guest's DMA domains were first-stage (regs: cap, ecap, cmdline)."""
    ecap = regs.get("ecap", 0)
    sm_on = "sm_on" in regs.get("cmdline", "")
    return bool(ecap & SMTS) and bool(ecap & FLTS) and sm_on
