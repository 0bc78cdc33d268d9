/* SPDX-License-Identifier: MIT */
/*
 * The simulated IOMMU's data that others hand in or read back, apart from
 * the unit itself (iommu.h): a flush request (what an unmap gathered, or
 * what a guest's IOMMU_HWPT_INVALIDATE carries: the backends take it too),
 * a DMA's result, and a unit's counters (the replays report them). Data
 * only: whoever includes this needs no more of the IOMMU.
 */
#ifndef NESTBENCH_IOMMU_DATA_H
#define NESTBENCH_IOMMU_DATA_H

#include <stdbool.h>
#include <stdint.h>

#include "inval.h"

/* One cached translation request (a DMA). */
struct nb_dma_result {
	uint64_t pa;
	uint8_t page_lg2, prot, fault, fault_stage;
	bool devtlb_hit, iotlb_hit, ctx_hit;
	uint8_t pwc_s1_level;  /* level the walk started at thanks to the walk cache (0xff: none) */
	uint32_t refs;	       /* page-table reads made */
	uint32_t mem_llc, mem_dram; /* memory reads (walk and context) by where they hit */
	uint64_t model_ns;     /* modelled translation time (timing.h), not host time */
};

/* A change to translate into commands: an unmap's gather, or a guest's
 * stage-1 invalidation request (what IOMMU_HWPT_INVALIDATE carries). */
struct nb_flush_req {
	uint64_t addr, size;	/* size 0: everything of the domain */
	bool leaf;		/* only leaves changed (no table freed) */
	uint64_t pgsize_mask;	/* leaf sizes removed (0: unknown) */
	/* Only the leaves' dirty bits were cleared (iommufd's
	 * iommu_read_and_clear_dirty): its gather holds a range and no page
	 * size, which some drivers flush and some do not. */
	bool dirty;
};

#define NB_PWC_LEVELS 6 /* walk-cache levels counted (our levels 0..5) */

/* Per-IOMMU counters, reset by nb_iommu_stats_reset. Counts of events,
 * except cmd_cycles (modelled time, see configs/README.md) and xlate_ns
 * (modelled translation time, timing.h). Every field is a uint64_t
 * (nb_testbed_stats sums them as an array). */
struct nb_iommu_stats {
	uint64_t dmas, faults;
	uint64_t cmds, syncs, cmd_by_op[NB_INV_OP_COUNT]; /* executed; cmds includes syncs */
	uint64_t doorbells;	      /* tail-register writes that published commands */
	uint64_t bad_descs;	      /* descriptors the queue refused (a bug; tests check 0) */
	uint64_t cmd_cycles;
	/* the timing model (timing.h), over every DMA: modelled ns, memory
	 * reads by where they hit, walk-cache hits by the level they gave */
	uint64_t xlate_ns, mem_llc, mem_dram;
	uint64_t pwc_hit_level[2][NB_PWC_LEVELS]; /* [0] stage 1 / single, [1] stage 2 */
	uint64_t tags_touched;	      /* distinct tags named by commands */
	uint64_t entries_invalidated, collateral; /* collateral: still-correct entries dropped */
	uint64_t refill_misses;	      /* misses on entries dropped as collateral */
	uint64_t stale_checks, stale_found;
	uint64_t fq_flushes;
	uint64_t flush_fallbacks;     /* flushes whose commands could not be built (out of
				       * memory): every cached entry was dropped instead,
				       * so the counts do not stand */
};

#endif
