// SPDX-License-Identifier: MIT
/*
 * The executor merges the commands of one doorbell that differ only in
 * their contiguous ranges (exec.c, struct nb_exec_pending): SMMUv3 without
 * range invalidation sends one TLBI per 4 KiB page (Linux
 * __arm_smmu_tlb_inv_range: num_pages commands of one granule each). The
 * reference is the same stream executed one command at a time: with
 * policy.batch off every command is its own submission with its own
 * CMD_SYNC (the queue header), so nothing can be merged.
 *
 * The scenario makes every dropped IOTLB entry collateral (the pages stay
 * mapped: nb_iommu_flush of a mapped range), 4096 of them in flushes of 256
 * pages, in 8 rounds; DMAs to half the pages after each round's flushes
 * count refill misses (the merged visit notes the dropped keys after it,
 * in the one-by-one order). Every counter of every structure, the refill
 * misses and the entries invalidated must equal the reference. Not shown
 * here: two keys of one merged group in one refill slot (which one is
 * kept depends on that order); one tag's contiguous 4 KiB keys never
 * share a slot (the slot hash is multiplicative: 256 consecutive pages
 * spread over the 65536 slots without a collision).
 */
#include "scenario.h"

#define WINDOW 4096 /* pages the direct device touches */
#define CHUNK 256   /* pages per flush: under range_max_pages (512), so per page */

#define ROUNDS 8	/* each round: fill, flush, DMA to one half of the pages */

/* Round r's half of the pages: a pair of keys in one refill slot shows
 * which one was kept only when one of them is read again, so each round
 * reads another pseudo-random half. */
static bool in_subset(uint32_t page, uint32_t round)
{
	return (page * 2654435761u) >> (20 + round) & 1;
}

struct outcome {
	struct nb_cache_stats c[NB_CACHE_KIND_COUNT];
	uint64_t refill_misses, entries_invalidated, collateral, cmds, doorbells;
};

static int run(bool batch, struct outcome *o)
{
	struct nb_hw_params p;
	struct nb_testbed t;
	struct nb_dma_result r;
	int ret;

	scenario_params(&p, "smmuv3", NB_VENDOR_SMMUV3);
	scenario_queue(&p);
	p.policy.ril = false;
	p.policy.batch = batch;
	p.policy.batch_max = 0; /* one doorbell per flush (a full ring publishes on its own) */
	ret = nb_testbed_init(&t, &(struct nb_testbed_cfg){ .p = &p, .nested = 1, .devices = 1, .pages = WINDOW });
	if (ret) {
		NBT_FAIL("setup (batch %d): %s", batch, nb_errmsg());
		return ret;
	}
	for (uint32_t round = 0; round < ROUNDS; round++) {
		for (uint32_t i = 0; i < WINDOW; i++)
			nb_iommu_dma(t.m, t.direct, NB_TB_DATA_IPA + i * 4096ull, NB_PROT_R, &r);
		for (uint32_t i = 0; i < WINDOW; i += CHUNK)
			CHECK_EQ(nb_iommu_flush(t.m, t.parent,
						&(struct nb_flush_req){ .addr = NB_TB_DATA_IPA + i * 4096ull,
									.size = CHUNK * 4096ull, .leaf = true,
									.pgsize_mask = 1ull << 12 }),
				 0, "flush at page %u (batch %d): %s", i, batch, nb_errmsg());
		for (uint32_t i = 0; i < WINDOW; i++)
			if (in_subset(i, round))
				nb_iommu_dma(t.m, t.direct, NB_TB_DATA_IPA + i * 4096ull, NB_PROT_R, &r);
	}
	for (int k = 0; k < NB_CACHE_KIND_COUNT; k++)
		if (k != NB_CACHE_DEVTLB)
			o->c[k] = nb_iommu_cache(t.m, (enum nb_cache_kind)k)->st;
	o->refill_misses = nb_iommu_stats(t.m)->refill_misses;
	o->entries_invalidated = nb_iommu_stats(t.m)->entries_invalidated;
	o->collateral = nb_iommu_stats(t.m)->collateral;
	o->cmds = nb_iommu_stats(t.m)->cmds - nb_iommu_stats(t.m)->syncs;
	o->doorbells = nb_iommu_stats(t.m)->doorbells;
	nb_testbed_fini(&t);
	return 0;
}

int main(void)
{
	struct outcome merged = { 0 }, alone = { 0 };

	if (!run(true, &merged) && !run(false, &alone)) {
		/* the scenario is what it says: one TLBI per page, all collateral,
		 * merged into few doorbells against one per command; the parent
		 * has nested domains, so each flush ends with a TLBI_NH_ALL on its
		 * VMID (Linux arm_smmu_tlb_inv_range_s2 for a nest parent) */
		CHECK_EQ(merged.cmds, (uint64_t)ROUNDS * (WINDOW + WINDOW / CHUNK), "one command per page and flush, batched");
		CHECK_EQ(alone.cmds, (uint64_t)ROUNDS * (WINDOW + WINDOW / CHUNK), "one command per page and flush, one by one");
		CHECK(merged.doorbells <= ROUNDS * WINDOW / 64, "batched: %llu doorbells", (unsigned long long)merged.doorbells);
		CHECK(alone.doorbells >= ROUNDS * WINDOW, "one by one: %llu doorbells", (unsigned long long)alone.doorbells);
		CHECK(merged.collateral >= ROUNDS * WINDOW, "every dropped IOTLB entry is collateral (%llu)",
		      (unsigned long long)merged.collateral);
		CHECK(merged.refill_misses > 0, "refill misses counted");
		CHECK_EQ(merged.refill_misses, alone.refill_misses, "refill misses: merged vs one by one");
		CHECK_EQ(merged.entries_invalidated, alone.entries_invalidated, "entries invalidated");
		CHECK_EQ(merged.collateral, alone.collateral, "collateral");
		for (int k = 0; k < NB_CACHE_KIND_COUNT; k++) {
			const struct nb_cache_stats *a = &merged.c[k], *b = &alone.c[k];

			CHECK(!memcmp(a, b, sizeof(*a)),
			      "%s: hits %llu/%llu misses %llu/%llu invalidated %llu/%llu collateral %llu/%llu",
			      nb_cache_kind_name((enum nb_cache_kind)k), (unsigned long long)a->hits,
			      (unsigned long long)b->hits, (unsigned long long)a->misses, (unsigned long long)b->misses,
			      (unsigned long long)a->invalidated, (unsigned long long)b->invalidated,
			      (unsigned long long)a->collateral, (unsigned long long)b->collateral);
		}
	}
	return nbt_done("test_merged_exec");
}
