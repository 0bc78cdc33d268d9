/* SPDX-License-Identifier: MIT */
/*
 * Modelled translation time: what a translation costs the modelled IOMMU,
 * in nanoseconds, from the hardware description's latencies (data in
 * configs/<model>.cfg, each with its source: <cache>.lookup_ns, mem_llc_ns,
 * mem_dram_ns, mem_llc_lines) and from what the translation did. It is
 * modelled time, never the simulator's host time (that is its speed).
 *
 * The model (nb_iommu_dma applies it to every DMA): a translation is a
 * serial chain, and its time the sum of
 *   - one lookup per structure it consults, at that structure's lookup_ns,
 *     hit or miss: the device TLB (ATS devices; a hit ends there), the
 *     context cache, the IOTLB; on an IOTLB miss, the stage-1 (or single-
 *     stage) walk cache once, and for each stage-2 translation a nested
 *     walk makes (every stage-1 table address and the final IPA) the nested
 *     TLB once and, when that misses, the stage-2 walk cache once;
 *   - one memory read per page-table (or context) entry read, at
 *     mem_llc_ns when its 64-byte line is among the mem_llc_lines lines the
 *     IOMMU read most recently (an LLC share, 16-way, LRU), else mem_dram_ns.
 * Walk caches shorten walks (fewer reads); the LLC makes reads cheaper.
 *
 * Simplifications, on purpose: no overlap (hardware may probe structures in
 * parallel and overlap independent walks), no queueing or bandwidth limits,
 * no prefetch; the LLC model holds only the IOMMU's own page-table lines
 * (CPU and DMA data traffic that would evict them is represented by the
 * size of the share, mem_llc_lines, not simulated).
 */
#ifndef NESTBENCH_TIMING_H
#define NESTBENCH_TIMING_H

#include "nb.h"

/* The page-table lines an LLC share holds: set-associative, LRU. */
struct nb_llc {
	uint64_t *line; /* sets * ways line numbers (pa >> 6) + 1, 0 when empty */
	uint64_t *age;	/* last use, by clock */
	uint64_t clock;
	uint32_t sets, ways;
};

/* lines 0: no LLC (every read is a DRAM read). */
int nb_llc_init(struct nb_llc *c, uint32_t lines);
void nb_llc_fini(struct nb_llc *c);
/* Read the line holding pa: true if it was there (an LLC hit). */
bool nb_llc_read(struct nb_llc *c, uint64_t pa);

#endif
