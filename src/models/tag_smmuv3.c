// SPDX-License-Identifier: MIT
/*
 * ARM SMMUv3 as Linux 6.13+ (mainline) drives it: a VMID per stage-2
 * domain, an ASID per stage-1 context inside it (a nested domain's ASID is
 * the guest's, from its CD table; one per nested domain here). A stage-2
 * change (arm_smmu_tlb_inv_range_domain):
 *   1. TLBI_S2_IPA over the range (per granule, or RIL (num, scale)
 *      commands), a CMDQ batch submitted with its CMD_SYNC
 *      (__arm_smmu_tlb_inv_range) - no page-count threshold: mainline
 *      applies CMDQ_MAX_TLBI_OPS in the SVA path only;
 *   2. on a nest parent TLBI_NH_ALL on the VMID with its own CMD_SYNC
 *      (arm_smmu_cmdq_issue_cmd_with_sync): combined stage-1+2 entries are
 *      not indexed by IPA, and the stage-2 entries must be gone first;
 *   3. ATC_INV for every ATS master on the domain, a nested domain's
 *      masters whole (arm_smmu_atc_inv_domain), one batch and CMD_SYNC.
 * A whole-domain flush is TLBI_S12_VMALL with its sync, then the ATCs
 * (arm_smmu_tlb_inv_context). A batch holds 64 commands (CMDQ_BATCH_ENTRIES):
 * a full one is published without a sync (configs/smmuv3.cfg). Stage-1-only
 * domains run with VMID 0. With several SMMU instances sharing one stage 2
 * (testbed units > 1), each instance has its own VMID: that sharing is the
 * per-vSMMU VMID series, not merged (mainline ties a stage 2 to one SMMU).
 */
#include "model_util.h"
#include "util/mutant.h"

enum { SPACE_VMID = 1, SPACE_ASID = 2 };

static int domain_init(struct nb_iommu *m, struct nb_xdomain *d)
{
	if (nb_xdomain_kind(d) == NB_XD_S2)
		nb_xdomain_ids(d)[NB_ID_TAG] = nb_iommu_alloc_id(m, SPACE_VMID);
	else
		nb_xdomain_ids(d)[NB_ID_SUB] = nb_iommu_alloc_id(m, SPACE_ASID);
	return 0;
}

static uint32_t vmid_of(const struct nb_xdomain *d)
{
	switch (nb_xdomain_kind(d)) {
	case NB_XD_S2:
		return nb_dom_id(d, NB_ID_TAG);
	case NB_XD_NESTED:
		return nb_dom_id(nb_xdomain_parent(d), NB_ID_TAG);
	default:
		return 0;
	}
}

/* STE (and, for a stage-1 domain, its CD) written: CFGI_CD/CFGI_STE, each
 * synced (arm_smmu_write_cd_entry -> arm_smmu_sync_cd; arm_smmu_write_ste
 * -> arm_smmu_sync_ste_for_sid). */
static int attach(struct nb_iommu *m, struct nb_xdev *dev, struct nb_inv_batch *b)
{
	if (nb_xdomain_kind(nb_xdev_domain(dev)) == NB_XD_S1)
		nb_model_cmd_sync(b, &(struct nb_inv_cmd){ .op = NB_SMMU_CFGI_CD, .leaf = true,
							   .sid = nb_xdev_sid(dev),
							   .sub = nb_xdev_pasid(dev) });
	nb_model_cmd_sync(b, &(struct nb_inv_cmd){ .op = NB_SMMU_CFGI_STE, .sid = nb_xdev_sid(dev) });
	return 0;
}

static void detach(struct nb_iommu *m, struct nb_xdev *dev, struct nb_inv_batch *b)
{
	nb_model_cmd_sync(b, &(struct nb_inv_cmd){ .op = NB_SMMU_CFGI_STE, .sid = nb_xdev_sid(dev) });
}

static struct nb_tags dev_tags(const struct nb_iommu *m, const struct nb_xdev *dev)
{
	const struct nb_xdomain *d = nb_xdev_domain(dev);

	if (nb_xdomain_kind(d) == NB_XD_S2)
		return (struct nb_tags){ vmid_of(d), NB_SUB_S2, NB_NO_TAG };
	return (struct nb_tags){ vmid_of(d), nb_dom_id(d, NB_ID_SUB), vmid_of(d) };
}

static struct nb_tags s2_tags(const struct nb_iommu *m, const struct nb_xdev *dev)
{
	return (struct nb_tags){ vmid_of(nb_xdev_domain(dev)), NB_SUB_S2, NB_NO_TAG };
}

/* TTL: the level of the leaves removed, when they are all of one size and
 * no table went (Linux sets it for leaf invalidations only). */
static uint8_t ttl_of(const struct nb_flush_req *req, unsigned tg)
{
	uint64_t m = req->pgsize_mask;

	if (!req->leaf || !m || (m & (m - 1)))
		return 0;
	return nb_smmu_ttl(tg, (unsigned)__builtin_ctzll(m));
}

/* arm_smmu_atc_inv_domain for a stage-2 domain: its own ATS masters for the
 * range, its nested domains' masters whole; one batch, one sync. */
static void atc_s2(const struct nb_iommu *m, struct nb_inv_batch *b, const struct nb_xdomain *d,
		   const struct nb_flush_req *req)
{
	nb_model_devtlbs(m, b, d, req, NB_SMMU_ATC_INV);
	for (int i = 0; i < nb_xdomain_nchildren(d); i++)
		nb_model_devtlbs(m, b, nb_xdomain_child(d, i), NB_FLUSH_ALL, NB_SMMU_ATC_INV);
	nb_inv_batch_sync(b);
}

/* __arm_smmu_tlb_inv_range without RIL issues one command per `granule`,
 * which arm_smmu_iotlb_sync passes as the gather's page size: the size of
 * the leaves unmapped (a gather holds one size: iommu_iotlb_gather_add_page
 * syncs before it changes). Else the table granule. */
static unsigned stride_of(const struct nb_flush_req *req, unsigned tg)
{
	return req->leaf && req->pgsize_mask ? (unsigned)__builtin_ctzll(req->pgsize_mask) : tg;
}

static int flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req,
		 struct nb_inv_batch *b)
{
	uint32_t vmid = vmid_of(d);
	uint8_t tg = (uint8_t)nb_model_granule(d), ttl = ttl_of(req, tg);

	/* A dirty-bit clear gathers a range without a page size
	 * (iommu_dirty_bitmap_record -> iommu_iotlb_gather_add_range), and
	 * arm_smmu_iotlb_sync returns when gather->pgsize is 0: nothing sent
	 * (6.12 and mainline; docs/nested.md). */
	if (req->dirty)
		return 0;
	if (nb_xdomain_kind(d) == NB_XD_S2) {
		struct nb_inv_cmd t = { .op = NB_SMMU_TLBI_S2_IPA, .tag = vmid, .leaf = req->leaf,
					.tg = tg, .ttl = ttl };
		struct nb_inv_cmd whole = { .op = NB_SMMU_TLBI_S12_VMALL, .tag = vmid };

		if (!nb_xdomain_ndevs(d) && !nb_xdomain_nchildren(d))
			return 0;
		nb_model_range_stride(m, b, req, &t, &whole, stride_of(req, tg));
		nb_inv_batch_sync(b);
		if (nb_xdomain_nchildren(d) && req->size && !nb_mutant(NB_MUT_SMMU_NH_ALL))
			nb_model_cmd_sync(b, &(struct nb_inv_cmd){ .op = NB_SMMU_TLBI_NH_ALL,
								   .tag = vmid });
		atc_s2(m, b, d, req);
	} else {
		/* a stage-1 domain, or a guest's request on a nested one
		 * (arm_vsmmu_cache_invalidate: the guest's commands, one batch) */
		struct nb_inv_cmd t = { .op = NB_SMMU_TLBI_NH_VA, .tag = vmid,
					.sub = nb_dom_id(d, NB_ID_SUB), .leaf = req->leaf, .tg = tg,
					.ttl = ttl };
		struct nb_inv_cmd whole = { .op = NB_SMMU_TLBI_NH_ASID, .tag = vmid,
					    .sub = nb_dom_id(d, NB_ID_SUB) };

		if (nb_mutant(NB_MUT_SMMU_ASID)) t.sub = whole.sub = 0;
		if (nb_mutant(NB_MUT_SMMU_VMID)) t.tag = whole.tag = 0;
		if (!nb_xdomain_ndevs(d))
			return 0;
		nb_model_range_stride(m, b, req, &t, &whole, stride_of(req, tg));
		nb_model_devtlbs(m, b, d, req, NB_SMMU_ATC_INV);
	}
	return 0;
}

const struct nb_tag_model nb_model_smmuv3 = {
	.name = "smmuv3",
	.summary = "ARM SMMUv3: VMID per stage-2 domain, ASID per stage-1 context within it",
	.gen = { NB_GEN_LINUX, "6.13+, mainline",
		 "arm_smmu_tlb_inv_range_domain, __arm_smmu_tlb_inv_range, arm_smmu_cmdq_batch_add/"
		 "_submit, arm_smmu_cmdq_issue_cmd_with_sync, arm_smmu_atc_inv_domain, "
		 "arm_smmu_tlb_inv_context" },
	.vendor = NB_VENDOR_SMMUV3,
	.domain_init = domain_init,
	.attach = attach,
	.detach = detach,
	.dev_tags = dev_tags,
	.s2_tags = s2_tags,
	.flush = flush,
};
