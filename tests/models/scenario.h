/* SPDX-License-Identifier: MIT */
/* Test parameters for tag models over the testbed (nestbench/testbed.h):
 * each nested domain maps PAGES pages, every device has touched them. */
#ifndef NB_TEST_SCENARIO_H
#define NB_TEST_SCENARIO_H

#include <string.h>

#include "nb_test.h"
#include "nestbench/testbed.h"

#define PAGES 64
/* Where the testbed keeps the data window: IPA page j at TB_DATA_PA + j
 * pages (testbed.c DATA_PA, not 2 MiB-aligned with the IPA: 4 KiB leaves). */
#define TB_DATA_PA 0x2000001000ull

/* Parameters with caches large enough that nothing is evicted here, so
 * counts are exact; costs 1 per command. */
static inline void scenario_params(struct nb_hw_params *p, const char *model, enum nb_vendor v)
{
	struct nb_cache_params big = { .entries = 65536, .ways = 16, .repl = NB_REPL_LRU,
				       .page_sizes = (1ull << 12) | (1ull << 21) | (1ull << 30),
				       .levels = 0x3e, .lookup_ns = 1 };

	memset(p, 0, sizeof(*p));
	snprintf(p->model, sizeof(p->model), "%s", model);
	p->vendor = v;
	p->iotlb = p->pwc_s1 = p->pwc_s2 = p->nested_tlb = p->ctx_cache = big;
	p->devtlb = (struct nb_cache_params){ .entries = 1024, .ways = 16, .repl = NB_REPL_LRU,
					      .page_sizes = big.page_sizes, .lookup_ns = 1 };
	p->mem_dram_ns = 100;
	for (int i = 0; i < NB_INV_OP_COUNT; i++)
		p->cmd_cycles[i] = 1;
	p->policy = (struct nb_inval_policy){ .strict = true, .fq_entries = 256, .fq_timeout_us = 10000,
					      .range_max_pages = 512, .batch = true, .max_am = 9,
					      .ril = true };
}

/* The queue data of the shipped configs (each value's Linux source in
 * configs/README.md): VT-d qi_batch of 16 with a wait per full batch,
 * SMMUv3 CMDQ batches of 64 published without a sync when full, AMD a tail
 * write per command; MAMV 18. */
static inline void scenario_queue(struct nb_hw_params *p)
{
	p->policy.batch_max = p->vendor == NB_VENDOR_VTD ? 16 : p->vendor == NB_VENDOR_SMMUV3 ? 64 : 0;
	p->policy.batch_full_sync = p->vendor == NB_VENDOR_VTD;
	p->policy.doorbell_per_cmd = p->vendor == NB_VENDOR_AMD;
	p->policy.max_am = 18;
}

#endif
