// SPDX-License-Identifier: MIT
/*
 * The timing model (include/nestbench/timing.h) on one nested VT-d DMA,
 * against times worked out by hand from the model's definition: a lookup
 * per structure consulted (hit or miss), a read per entry read at the
 * LLC's or DRAM's latency. Every latency differs, so each term shows:
 *   ctx 11, IOTLB 3, stage-1 walk cache 5, stage-2 walk cache 7,
 *   nested TLB 13, device TLB 17; LLC 20, DRAM 100 (ns).
 * The walks are 4-level x86-64 over 4-level VT-d second stage with 4 KiB
 * leaves in both stages: a cold nested walk reads (4+1)(4+1)-1 = 24
 * entries (DESIGN part 2), a context-cache miss 2 (CTX_MISS_REFS).
 * The testbed has touched every page once before each case, so the
 * caches present are warm and the LLC share holds every line read.
 */
#include "scenario.h"

enum { L_CTX = 11, L_IOTLB = 3, L_PWC1 = 5, L_PWC2 = 7, L_NTLB = 13, L_DEVTLB = 17,
       L_LLC = 20, L_DRAM = 100 };

/* Everything absent but the context cache; latencies as above. */
static void base(struct nb_hw_params *p, uint32_t llc_lines)
{
	scenario_params(p, "vtd", NB_VENDOR_VTD);
	p->iotlb.entries = p->pwc_s1.entries = p->pwc_s2.entries = p->nested_tlb.entries = 0;
	p->ctx_cache.entries = 64;
	p->ctx_cache.ways = 4;
	p->iotlb.lookup_ns = L_IOTLB;
	p->pwc_s1.lookup_ns = L_PWC1;
	p->pwc_s2.lookup_ns = L_PWC2;
	p->nested_tlb.lookup_ns = L_NTLB;
	p->ctx_cache.lookup_ns = L_CTX;
	p->devtlb.lookup_ns = L_DEVTLB;
	p->mem_llc_ns = L_LLC;
	p->mem_dram_ns = L_DRAM;
	p->mem_llc_lines = llc_lines;
}

/* One DMA by nested domain 0's device to IOVA page 5. */
static struct nb_dma_result dma(const struct nb_hw_params *p, bool ats, const char *what)
{
	struct nb_testbed t;
	struct nb_dma_result r = { 0 };

	if (nb_testbed_init(&t, &(struct nb_testbed_cfg){ .p = p, .nested = 1, .devices = 1,
							   .pages = PAGES, .ats = ats })) {
		CHECK(0, "%s: setup: %s", what, nb_errmsg());
		nb_testbed_fini(&t);
		return r;
	}
	nb_iommu_dma(t.m, nb_testbed_dev(&t, 0, 0), 5 * 4096, NB_PROT_R, &r);
	CHECK(!r.fault, "%s: the DMA faulted", what);
	CHECK_EQ(r.mem_llc + r.mem_dram, r.refs, "%s: every read is an LLC or a DRAM read", what);
	CHECK_EQ(nb_iommu_stats(t.m)->xlate_ns, r.model_ns, "%s: the IOMMU's total is the DMA's", what);
	nb_testbed_fini(&t);
	return r;
}

int main(void)
{
	struct nb_hw_params p;
	struct nb_dma_result r;

	/* No IOTLB, no walk caches, no LLC: context hit + 24 DRAM reads. */
	base(&p, 0);
	r = dma(&p, false, "no caches");
	CHECK_EQ(r.refs, 24, "a cold 4x4 nested walk reads 24 entries");
	CHECK_EQ(r.model_ns, L_CTX + 24 * L_DRAM, "no caches: ctx + 24 DRAM reads");

	/* The same with an LLC share that holds every line: 24 LLC reads. */
	base(&p, 65536);
	r = dma(&p, false, "LLC");
	CHECK_EQ(r.mem_llc, 24, "every line read before is in the LLC");
	CHECK_EQ(r.model_ns, L_CTX + 24 * L_LLC, "LLC: ctx + 24 LLC reads");

	/* No context cache: 2 context reads more, no ctx lookup. */
	base(&p, 0);
	p.ctx_cache.entries = 0;
	r = dma(&p, false, "no context cache");
	CHECK_EQ(r.refs, 26, "24 walk reads + 2 context reads");
	CHECK_EQ(r.model_ns, 26 * L_DRAM, "no context cache: 26 DRAM reads");

	/* IOTLB present and warm: ctx + IOTLB lookups only. */
	base(&p, 0);
	p.iotlb.entries = p.iotlb.ways = 64;
	r = dma(&p, false, "IOTLB hit");
	CHECK(r.iotlb_hit, "IOTLB hit");
	CHECK_EQ(r.model_ns, L_CTX + L_IOTLB, "IOTLB hit: ctx + IOTLB lookups");

	/* Walk caches and nested TLB present and warm, no IOTLB: the stage-1
	 * walk cache gives the leaf table's PA (level 1 hit): one stage-1 read;
	 * the final IPA hits the nested TLB: no stage-2 walk-cache lookup. */
	base(&p, 0);
	p.pwc_s1.entries = p.pwc_s2.entries = p.nested_tlb.entries = 1024;
	r = dma(&p, false, "walk caches");
	CHECK_EQ(r.refs, 1, "warm walk caches: only the stage-1 leaf is read");
	CHECK_EQ(r.model_ns, L_CTX + L_PWC1 + L_DRAM + L_NTLB,
		 "walk caches: ctx + stage-1 walk cache + 1 DRAM read + nested TLB");

	/* The same without the nested TLB: the final IPA goes through the
	 * stage-2 walk cache (level 1 hit: one stage-2 read). */
	p.nested_tlb.entries = 0;
	r = dma(&p, false, "walk caches, no nested TLB");
	CHECK_EQ(r.refs, 2, "stage-1 leaf + stage-2 leaf");
	CHECK_EQ(r.model_ns, L_CTX + L_PWC1 + L_DRAM + L_PWC2 + L_DRAM,
		 "ctx + stage-1 walk cache + read + stage-2 walk cache + read");

	/* ATS: a device-TLB hit is the whole translation. */
	base(&p, 0);
	r = dma(&p, true, "device TLB");
	CHECK(r.devtlb_hit, "device-TLB hit");
	CHECK_EQ(r.model_ns, L_DEVTLB, "device-TLB hit: its lookup only");
	return nbt_done("test_timing");
}
