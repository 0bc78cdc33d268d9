# SPDX-License-Identifier: MIT
"""The address a captured DMA translated to, from the leaf entry QEMU logged.

QEMU 10.0's intel-iommu logs the leaf it used for every translation
(vtd_iotlb_page_hit / vtd_iotlb_page_update "slpte P": a second-stage entry
in legacy mode, the first-stage entry under x-flts). Both formats keep the
output address in bits 51:12 (VT-d spec 9.8 first-level and 9.9
second-level paging entries) and mark a leaf above 4 KiB with bit 7 (PS).
QEMU does not log the level: a PS=1 leaf is taken as 2 MiB (the converter
counts these DMAs as large_page_dmas; the DMA API of the captured guests
makes no 1 GiB mappings)."""

ADDR_MASK = 0x000FFFFFFFFFF000
PS = 1 << 7


def vtd_out(iova, pte):
    """The output address (IPA/GPA under nesting, else host) of iova through pte."""
    size = (2 << 20) if pte & PS else 4096
    return (pte & ADDR_MASK & ~(size - 1)) | (iova & (size - 1))
