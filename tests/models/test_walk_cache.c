// SPDX-License-Identifier: MIT
/*
 * Walk caches on an unmap that frees a page table. The testbed's stage 2
 * maps 1024 pages from NB_TB_DATA_IPA with 4 KiB leaves (two leaf tables);
 * nested domain 0 maps IOVA page i to IPA page i, the direct device uses
 * IOVA = IPA, and both have touched every page: the stage-2 walk caches
 * hold, for the parent's DID/VMID/DomainID and for the nested one, the
 * level-1 entry pointing at the leaf table of the first 2 MiB. Unmapping
 * those 2 MiB empties that table, which the unmap frees; so the
 * invalidation is not leaf-only, and the walk-cache entries pointing at the
 * freed table must go with the IOTLB entries:
 *   VT-d  intel_iommu_tlb_sync passes ih = list_empty(&gather->freelist) = 0
 *         to cache_tag_flush_range; VT-d spec 6.5.2.3: with IH=0 the
 *         paging-structure caches of the range are invalidated too. The
 *         parent's tag list is IOTLB(parent DID), NESTING_IOTLB(nested DID):
 *         two PSIs, ADDR 0x100000000, AM 9 (512 pages), IH 0
 *         (qi_desc_iotlb: qw0 = type 2 | G=11 << 4 | DID << 16, qw1 = ADDR |
 *         IH << 6 | AM), then the wait.
 *   SMMU  a freed table is invalidated with leaf = false
 *         (io_pgtable_tlb_flush_walk -> arm_smmu_tlb_inv_walk); IHI 0070
 *         4.4.1: Leaf=0 also invalidates the walk caches. With RIL,
 *         __arm_smmu_tlb_inv_range: 512 pages = SCALE 9, NUM 0, TG 1 (4K),
 *         no TTL (leaf only): w0 = 0x2a | 9 << 20 | VMID << 32,
 *         w1 = IPA | 1 << 10. Then TLBI_NH_ALL on the nest parent.
 *   AMD   build_inv_iommu_pages sets PDE always; build_inv_address for
 *         [0x100000000, +2M): msb_diff 20, address | (2^20 - 1), page-
 *         aligned, S: w1 = 0x1000ff000 | S | PDE = 0x1000ff003, for the
 *         parent's and the nested domain's host DomainID.
 * Then: the oracle finds nothing stale (a walk-cache entry pointing at the
 * freed table is stale); the pages mapped back (a new leaf table) translate
 * for both devices to where the testbed keeps them (DATA_PA in testbed.c)
 * - a walk that started from a surviving entry would read the freed, empty
 * table and fault.
 */
#include "desc_log.h"
#include "scenario.h"

#define TWO_MB (2ull << 20)

static uint32_t id_of(struct nb_xdomain *d)
{
	return nb_xdomain_ids(d)[0];
}

static void check_vtd(struct nb_testbed *t)
{
	CHECK_OPS("IOTLB_PSI IOTLB_PSI WAIT", "vtd: PSIs on the parent's and the nested DID");
	for (int i = 0; i < 2 && i < q.n; i++) {
		uint32_t did = id_of(i ? t->nest[0] : t->parent);

		CHECK_EQ(q.raw[i].w[0], 0x32ull | (uint64_t)did << 16, "vtd PSI %d: qw0 (DID %u)", i, did);
		CHECK_EQ(q.raw[i].w[1], NB_TB_DATA_IPA | 9, "vtd PSI %d: qw1 = ADDR | AM 9, IH 0", i);
	}
}

static void check_smmu(struct nb_testbed *t)
{
	CHECK_OPS("TLBI_S2_IPA CMD_SYNC TLBI_NH_ALL CMD_SYNC", "smmuv3: S2_IPA, then NH_ALL on the nest parent");
	if (q.n < 1)
		return;
	CHECK_EQ(q.raw[0].w[0], 0x2aull | 9ull << 20 | (uint64_t)id_of(t->parent) << 32,
		 "TLBI_S2_IPA w0: SCALE 9, NUM 0, the parent's VMID");
	CHECK_EQ(q.raw[0].w[1], NB_TB_DATA_IPA | 1ull << 10, "TLBI_S2_IPA w1: IPA, TG 4K, TTL 0, LEAF 0");
}

static void check_amd(struct nb_testbed *t)
{
	CHECK_OPS("INVALIDATE_IOMMU_PAGES INVALIDATE_IOMMU_PAGES COMPLETION_WAIT",
		  "amd_hostdid: the parent's and the nested host DomainID");
	for (int i = 0; i < 2 && i < q.n; i++) {
		uint32_t domid = id_of(i ? t->nest[0] : t->parent);

		CHECK_EQ(q.raw[i].w[0], 3ull << 60 | (uint64_t)domid << 32, "PAGES %d: w0 (DomainID %u)", i,
			 domid);
		CHECK_EQ(q.raw[i].w[1], 0x1000ff003ull, "PAGES %d: w1 = 2 MiB at 0x100000000, S, PDE", i);
	}
}

static void non_leaf_unmap(const char *model, enum nb_vendor v, void (*check)(struct nb_testbed *))
{
	struct nb_hw_params p;
	struct nb_testbed t;
	struct nb_dma_result r;
	const uint64_t page = 5;

	scenario_params(&p, model, v);
	p.iotlb.entries = p.pwc_s1.entries = p.pwc_s2.entries = p.nested_tlb.entries = 4096;
	scenario_queue(&p);
	if (nb_testbed_init(&t, &(struct nb_testbed_cfg){ .p = &p, .nested = 1, .devices = 1,
							   .pages = 1024 })) {
		NBT_FAIL("%s: setup: %s", model, nb_errmsg());
		goto out;
	}
	nb_iommu_set_observer(t.m, desc_log_observe, NULL);
	desc_log_clear();
	CHECK_EQ(nb_iommu_unmap(t.m, t.parent, NB_TB_DATA_IPA, TWO_MB), TWO_MB, "%s: unmap 2 MiB: %s",
		 model, nb_errmsg());
	check(&t);
	CHECK_EQ(nb_iommu_oracle_check(t.m), 0, "%s: stale after a table-freeing unmap: %s", model,
		 nb_errmsg());
	CHECK(nb_testbed_remap(&t, NB_TB_DATA_IPA, 512) == 0, "%s: map back: %s", model, nb_errmsg());
	nb_iommu_dma(t.m, t.direct, NB_TB_DATA_IPA + page * 4096, NB_PROT_R, &r);
	CHECK(!r.fault && r.pa == TB_DATA_PA + page * 4096, "%s: direct DMA after the remap: fault %u pa %#llx",
	      model, r.fault, (unsigned long long)r.pa);
	nb_iommu_dma(t.m, nb_testbed_dev(&t, 0, 0), page * 4096, NB_PROT_R, &r);
	CHECK(!r.fault && r.pa == TB_DATA_PA + page * 4096, "%s: nested DMA after the remap: fault %u pa %#llx",
	      model, r.fault, (unsigned long long)r.pa);
out:
	nb_testbed_fini(&t);
}

int main(void)
{
	non_leaf_unmap("vtd", NB_VENDOR_VTD, check_vtd);
	non_leaf_unmap("smmuv3", NB_VENDOR_SMMUV3, check_smmu);
	non_leaf_unmap("amd_hostdid", NB_VENDOR_AMD, check_amd);
	return nbt_done("test_walk_cache");
}
