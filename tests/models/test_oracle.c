// SPDX-License-Identifier: MIT
/*
 * The stale-translation oracle and the invalidation policies:
 *  - it can fail: a model that forgets the nested domains is caught;
 *  - every shipped model survives random stage-2 unmaps, remaps and guest
 *    invalidations with the oracle checking after every sync;
 *  - lazy mode: entries for IOVAs in the flush queue are allowed, their
 *    IOVAs cannot be mapped again until the flush, and the flush clears them;
 *  - thresholds: per page / range / whole tag, as the drivers choose.
 */
#include <errno.h>

#include "forgetful_vtd.h"
#include "scenario.h"

static void oracle_can_fail(void)
{
	struct nb_tag_model broken = nb_test_forgetful_vtd();
	struct nb_hw_params p;
	struct nb_testbed t;

	scenario_params(&p, "vtd", NB_VENDOR_VTD);
	CHECK(nb_testbed_init(&t, &(struct nb_testbed_cfg){ .p = &p, .model = &broken, .nested = 2,
							     .devices = 1, .pages = PAGES }) == 0,
	      "setup %s", nb_errmsg());
	/* unmap page 0 of nested domain 1's IPA window */
	CHECK(nb_iommu_unmap(t.m, t.parent, nb_testbed_ipa(&t, 1, 0), 4096) == 4096, "unmap");
	CHECK(nb_iommu_oracle_check(t.m) > 0, "a model that skips the nested DIDs must be caught");
	CHECK(strstr(nb_errmsg(), "stale translation") && strstr(nb_errmsg(), "vtd_forgetful"),
	      "the message names the structure and model: %s", nb_errmsg());
	nb_testbed_fini(&t);
}

static uint64_t rng = 0x1234567;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void random_ops(const char *model, enum nb_vendor v, bool batch)
{
	struct nb_hw_params p;
	struct nb_testbed t;
	const int K = 3, D = 2;
	uint64_t s2_unmapped[K * PAGES];
	int nun = 0;

	scenario_params(&p, model, v);
	p.policy.batch = batch;
	p.iotlb.entries = 256; /* small caches: evictions and refills too */
	p.iotlb.ways = 4;
	p.nested_tlb.entries = 64;
	p.nested_tlb.ways = 4;
	p.pwc_s1.entries = p.pwc_s2.entries = 32;
	p.pwc_s1.ways = p.pwc_s2.ways = 4;
	if (nb_testbed_init(&t, &(struct nb_testbed_cfg){ .p = &p, .nested = K, .devices = D,
							   .pages = PAGES, .ats = true })) {
		NBT_FAIL("%s: setup: %s", model, nb_errmsg());
		nb_testbed_fini(&t);
		return;
	}
	nb_iommu_set_oracle(t.m, true);
	for (int step = 0; step < 400; step++) {
		int k = (int)(rnd() % K), op = (int)(rnd() % 10);
		uint64_t pg = rnd() % PAGES, n = 1 + rnd() % 4;
		struct nb_dma_result r;

		if (pg + n > PAGES)
			n = PAGES - pg;
		if (op < 5) { /* DMA from a random device */
			nb_iommu_dma(t.m, nb_testbed_dev(&t, k, (int)(rnd() % D)), pg * 4096, NB_PROT_R, &r);
		} else if (op < 7) { /* stage-2 unmap of a few pages */
			int64_t got = nb_iommu_unmap(t.m, t.parent, nb_testbed_ipa(&t, k, pg), n * 4096);

			if (got > 0 && nun < K * PAGES)
				s2_unmapped[nun++] = nb_testbed_ipa(&t, k, pg) | n;
		} else if (op < 8 && nun) { /* map something back */
			uint64_t e = s2_unmapped[--nun];

			nb_testbed_remap(&t, e & ~0xfffull, e & 0xfff);
		} else { /* the guest unmaps and invalidates, then remaps */
			struct nb_gather g;
			struct nb_flush_req req = { .addr = pg * 4096, .size = n * 4096, .leaf = true };

			nb_gather_init(&g);
			nb_domain_unmap(t.nn[k]->s1, pg * 4096, n * 4096, &g);
			req.leaf = !g.tables_freed;
			nb_iommu_guest_invalidate(t.m, t.nest[k], &req);
			nb_gather_release(t.nn[k]->s1, &g);
			for (uint64_t i = 0; i < n; i++)
				nb_domain_map(t.nn[k]->s1, (pg + i) * 4096, nb_testbed_ipa(&t, k, pg + i), 4096,
					      NB_PROT_RW);
		}
	}
	CHECK_EQ(nb_iommu_stats(t.m)->stale_found, 0, "%s%s: stale entries after a sync: %s", model,
		 batch ? "" : " (unbatched)", nb_errmsg());
	CHECK(nb_iommu_stats(t.m)->stale_checks > 1000, "%s: the oracle looked at entries", model);
	nb_testbed_fini(&t);
}

/* Lazy mode on a DMA-API (stage-2-format, no nesting) domain: the direct device. */
static void lazy(void)
{
	struct nb_hw_params p;
	struct nb_testbed t;
	struct nb_dma_result r;
	const struct nb_iommu_stats *st;

	scenario_params(&p, "vtd", NB_VENDOR_VTD);
	p.policy.strict = false;
	p.policy.fq_entries = 4;
	CHECK(nb_testbed_init(&t, &(struct nb_testbed_cfg){ .p = &p, .nested = 0, .devices = 0,
							     .pages = PAGES }) == 0, "setup");
	st = nb_iommu_stats(t.m);
	for (int i = 0; i < 3; i++)
		CHECK(nb_iommu_unmap(t.m, t.parent, NB_TB_DATA_IPA + (uint64_t)i * 4096, 4096) == 4096, "unmap");
	CHECK_EQ(st->cmds, 0, "lazy: no command before the flush queue fills");
	CHECK(nb_iommu_fq_holds(t.m, t.parent, NB_TB_DATA_IPA), "IOVA parked in the flush queue");
	CHECK_EQ(nb_iommu_oracle_check(t.m), 0, "entries of parked IOVAs are allowed: %s", nb_errmsg());
	/* the stale entry still translates: that is the lazy-mode window */
	nb_iommu_dma(t.m, t.direct, NB_TB_DATA_IPA, NB_PROT_R, &r);
	CHECK(r.fault == 0 && r.iotlb_hit, "lazy window: the old translation is still cached");
	CHECK(nb_iommu_map(t.m, t.parent, NB_TB_DATA_IPA, 0x3000000000ull, 4096, NB_PROT_RW) == -EBUSY,
	      "a parked IOVA is not mapped again before its flush");
	CHECK(nb_iommu_unmap(t.m, t.parent, NB_TB_DATA_IPA + 3 * 4096, 4096) == 4096, "4th unmap fills the queue");
	CHECK_EQ(st->fq_flushes, 1, "the full queue was flushed");
	CHECK_EQ(st->cmd_by_op[NB_VTD_IOTLB_DSI], 1, "one domain-selective flush for the whole queue");
	CHECK(!nb_iommu_fq_holds(t.m, t.parent, NB_TB_DATA_IPA), "queue empty after the flush");
	nb_iommu_dma(t.m, t.direct, NB_TB_DATA_IPA, NB_PROT_R, &r);
	CHECK(r.fault == NB_FAULT_NOT_PRESENT, "after the flush the unmapped IOVA faults");
	CHECK(nb_iommu_map(t.m, t.parent, NB_TB_DATA_IPA, 0x3000000000ull, 4096, NB_PROT_RW) == 0,
	      "after the flush the IOVA can be reused");
	nb_testbed_fini(&t);
}

/* Which commands a stage-2-only unmap of n pages at page `at` produces. */
static void threshold(const char *model, enum nb_vendor v, bool ril, uint64_t at, uint64_t n,
		      enum nb_inv_op op, uint64_t count, const char *why)
{
	struct nb_hw_params p;
	struct nb_testbed t;

	scenario_params(&p, model, v);
	p.policy.ril = ril;
	p.policy.range_max_pages = 32;
	CHECK(nb_testbed_init(&t, &(struct nb_testbed_cfg){ .p = &p, .pages = 1024 }) == 0, "setup");
	CHECK(nb_iommu_unmap(t.m, t.parent, NB_TB_DATA_IPA + at * 4096, n * 4096) == (int64_t)(n * 4096),
	      "unmap %s", nb_errmsg());
	CHECK_EQ(nb_iommu_stats(t.m)->cmd_by_op[op], count, "%s: %s x %llu", why, nb_inv_op_name(op),
		 (unsigned long long)count);
	CHECK_EQ(nb_iommu_oracle_check(t.m), 0, "%s: stale", why);
	nb_testbed_fini(&t);
}

int main(void)
{
	const struct nb_tag_model *tm;

	oracle_can_fail();
	/* every registered model: the oracle needs no expectation per model */
	for (int i = 0; (tm = nb_tag_model_at(i)); i++) {
		random_ops(tm->name, tm->vendor, true);
		random_ops(tm->name, tm->vendor, false);
	}
	lazy();
	/* VT-d: 16 aligned pages -> one PSI (AM 4); 33 pages > 32 -> DSI */
	threshold("vtd", NB_VENDOR_VTD, false, 16, 16, NB_VTD_IOTLB_PSI, 1, "vtd 16 aligned pages");
	threshold("vtd", NB_VENDOR_VTD, false, 16, 33, NB_VTD_IOTLB_DSI, 1, "vtd above the page threshold");
	/* AMD: 3 pages at page 1 -> one command, S=1 over the aligned 4 pages */
	threshold("amd", NB_VENDOR_AMD, false, 1, 3, NB_AMD_INV_IOMMU_PAGES, 1, "amd power-of-two cover");
	/* SMMU without range invalidation: one TLBI_S2_IPA per page; above the
	 * threshold the whole VMID (CMDQ_MAX_TLBI_OPS fallback) */
	threshold("smmuv3", NB_VENDOR_SMMUV3, false, 0, 3, NB_SMMU_TLBI_S2_IPA, 3, "smmu per page");
	threshold("smmuv3", NB_VENDOR_SMMUV3, false, 0, 33, NB_SMMU_TLBI_S12_VMALL, 1, "smmu fallback");
	/* SMMU with RIL, 35 pages: above the 32-page threshold, the whole VMID */
	threshold("smmuv3", NB_VENDOR_SMMUV3, true, 0, 35, NB_SMMU_TLBI_S2_IPA, 0, "smmu RIL over threshold");
	/* 31 pages = 0b11111: one command, NUM 30 SCALE 0 */
	threshold("smmuv3", NB_VENDOR_SMMUV3, true, 0, 31, NB_SMMU_TLBI_S2_IPA, 1, "smmu RIL 31 pages");
	return nbt_done("test_oracle");
}
