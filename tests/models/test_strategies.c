// SPDX-License-Identifier: MIT
/*
 * The kernel's later tag strategies (issue: "How the kernel answered"),
 * fan-out against counts derived by hand:
 *  - ARM, one stage 2 shared by N vSMMU instances, a VMID per instance (the
 *    per-vSMMU VMID series, unmerged): a one-page stage-2 unmap on each
 *    instance is arm_smmu_tlb_inv_range_domain's TLBI_S2_IPA batch and its
 *    CMD_SYNC, then TLBI_NH_ALL with its own CMD_SYNC
 *    (arm_smmu_cmdq_issue_cmd_with_sync): 4N commands, 2N syncs.
 *  - AMD with guest DomainIDs mapped to host DomainIDs: one
 *    INVALIDATE_IOMMU_PAGES per host DomainID sharing the parent (the
 *    parent's own for its direct device + one per nested domain: 1 + K),
 *    where the basic per-device assignment needs 1 + K x D.
 *  - Intel cache tags (cache_tag_flush_range): each NESTING_IOTLB tag gets a
 *    PSI with the IPA range (cache_tag_flush_iotlb), so a stage-2 change
 *    is 1 + K PSIs and no DSI; Linux 6.8/6.9 (parent_domain_flush) also
 *    flushed each nested domain once per unit, not once per device: 1 + K.
 *    A PASID shared by D devices of a first-stage domain is flushed once
 *    in both (cache tag dedup; 6.9 domain_flush_pasid_iotlb: one
 *    qi_flush_piotlb for the RID-attached devices).
 * Every case ends with the oracle clean on every unit.
 */
#include "scenario.h"

static void check_oracle(struct nb_testbed *t, const char *what)
{
	for (int u = 0; u < t->units; u++)
		CHECK_EQ(nb_iommu_oracle_check(t->unit[u]), 0, "%s: unit %d stale: %s", what, u, nb_errmsg());
}

static void vsmmu(int n)
{
	struct nb_hw_params p;
	struct nb_testbed t;
	struct nb_iommu_stats st;

	scenario_params(&p, "smmuv3", NB_VENDOR_SMMUV3);
	CHECK(nb_testbed_init(&t, &(struct nb_testbed_cfg){ .p = &p, .nested = n, .devices = 1,
							     .units = n, .pages = PAGES }) == 0,
	      "setup %s", nb_errmsg());
	CHECK(nb_testbed_unmap_s2(&t, nb_testbed_ipa(&t, 0, 5), 4096) == 4096, "unmap");
	nb_testbed_stats(&t, &st);
	CHECK_EQ(st.cmd_by_op[NB_SMMU_TLBI_S2_IPA], n, "%d vSMMUs: TLBI_S2_IPA per instance", n);
	CHECK_EQ(st.cmd_by_op[NB_SMMU_TLBI_NH_ALL], n, "%d vSMMUs: TLBI_NH_ALL per instance", n);
	CHECK_EQ(st.cmd_by_op[NB_SMMU_CMD_SYNC], 2 * (uint64_t)n, "%d vSMMUs: two CMD_SYNCs per instance", n);
	CHECK_EQ(st.cmds, 4 * (uint64_t)n, "%d vSMMUs: 4N commands", n);
	check_oracle(&t, "vsmmu");
	nb_testbed_fini(&t);
}

static uint64_t s2_unmap_ops(const char *model, enum nb_vendor v, int k, int d, enum nb_inv_op op)
{
	struct nb_hw_params p;
	struct nb_testbed t;
	uint64_t n;

	scenario_params(&p, model, v);
	if (nb_testbed_init(&t, &(struct nb_testbed_cfg){ .p = &p, .nested = k, .devices = d,
							   .pages = PAGES })) {
		NBT_FAIL("%s setup: %s", model, nb_errmsg());
		nb_testbed_fini(&t);
		return 0;
	}
	nb_iommu_unmap(t.m, t.parent, nb_testbed_ipa(&t, 0, 5), 4096);
	n = nb_iommu_stats(t.m)->cmd_by_op[op];
	check_oracle(&t, model);
	nb_testbed_fini(&t);
	return n;
}

/* A first-stage (DMA API / SVA-like) domain whose D devices share PASID 0. */
static uint64_t s1_unmap_piotlb(const char *model, int d)
{
	struct nb_hw_params p;
	struct nb_arena *a;
	struct nb_palloc pal;
	struct nb_iommu *m;
	struct nb_domain *pt;
	struct nb_xdomain *xd;
	struct nb_xdev *dev[8];
	struct nb_pt_cfg cfg = { .fmt = NB_FMT_X86_64 };
	uint64_t n;

	scenario_params(&p, model, NB_VENDOR_VTD);
	nb_arena_create(&a, 64ull << 20);
	nb_palloc_init(&pal, a, 16ull << 20);
	nb_iommu_create(&m, &p, a);
	nb_domain_alloc(&pt, &cfg, a, &(struct nb_tspace){ .alloc = &pal });
	nb_xdomain_paging(m, pt, NB_XD_S1, &xd);
	for (int i = 0; i < d; i++)
		nb_xdev_attach(m, (uint32_t)(10 + i), 0, false, xd, &dev[i]);
	nb_iommu_map(m, xd, 0x100000, 0x200000, 4096, NB_PROT_RW);
	nb_iommu_stats_reset(m);
	nb_iommu_unmap(m, xd, 0x100000, 4096);
	n = nb_iommu_stats(m)->cmd_by_op[NB_VTD_PIOTLB_PSI];
	for (int i = 0; i < d; i++)
		nb_xdev_detach(m, dev[i]);
	nb_xdomain_free(m, xd);
	nb_domain_free(pt);
	nb_iommu_destroy(m);
	nb_palloc_fini(&pal);
	nb_arena_destroy(a);
	return n;
}

int main(void)
{
	vsmmu(1);
	vsmmu(4);
	vsmmu(16);
	CHECK_EQ(s2_unmap_ops("amd_hostdid", NB_VENDOR_AMD, 8, 4, NB_AMD_INV_IOMMU_PAGES), 1 + 8,
		 "amd_hostdid: one per host DomainID sharing the parent");
	CHECK_EQ(s2_unmap_ops("amd", NB_VENDOR_AMD, 8, 4, NB_AMD_INV_IOMMU_PAGES), 1 + 8 * 4,
		 "amd: one per device DomainID");
	CHECK_EQ(s2_unmap_ops("intel_cachetag", NB_VENDOR_VTD, 8, 4, NB_VTD_IOTLB_PSI), 1 + 8,
		 "intel_cachetag: the parent's DID and each nested DID once, page-selective");
	CHECK_EQ(s2_unmap_ops("intel_cachetag", NB_VENDOR_VTD, 8, 4, NB_VTD_IOTLB_DSI), 0,
		 "intel_cachetag: no DSI without ATS");
	CHECK_EQ(s2_unmap_ops("vtd_legacy", NB_VENDOR_VTD, 8, 4, NB_VTD_IOTLB_PSI), 1 + 8,
		 "vtd_legacy: once per (domain, unit), not per device");
	CHECK_EQ(s1_unmap_piotlb("intel_cachetag", 4), 1, "intel_cachetag: a shared PASID flushed once");
	CHECK_EQ(s1_unmap_piotlb("vtd_legacy", 4), 1, "vtd_legacy: once for the RID-attached devices");
	return nbt_done("test_strategies");
}
