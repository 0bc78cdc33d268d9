// SPDX-License-Identifier: MIT
/*
 * ARM SMMUv3: a VMID per stage-2 domain (per SMMU instance), an ASID per
 * stage-1 context inside it (a nested domain's ASID is the guest's, from its
 * CD table; one per nested domain here). A stage-2 change is invalidated by
 * VMID + IPA (TLBI_S2_IPA), which finds the stage-2 entries but not the
 * combined stage-1+2 ones: those go with one TLBI_NH_ALL on the VMID
 * (Linux arm_smmu_tlb_inv_range_domain, nest_parent case), whatever the
 * number of nested domains. Stage-1-only domains run with VMID 0.
 */
#include "model_util.h"

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

static void cfgi(struct nb_iommu *m, struct nb_xdev *dev)
{
	struct nb_inv_cmd c = { .op = NB_SMMU_CFGI_STE, .sid = nb_xdev_sid(dev) };

	nb_model_ctx_inval(m, &c);
}

static int attach(struct nb_iommu *m, struct nb_xdev *dev)
{
	cfgi(m, dev);
	return 0;
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

static int flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req)
{
	uint32_t vmid = vmid_of(d);
	uint8_t tg = (uint8_t)nb_model_granule(d), ttl = ttl_of(req, tg);

	if (nb_xdomain_kind(d) == NB_XD_S2) {
		struct nb_inv_cmd t = { .op = NB_SMMU_TLBI_S2_IPA, .tag = vmid, .leaf = req->leaf,
					.tg = tg, .ttl = ttl };
		struct nb_inv_cmd whole = { .op = NB_SMMU_TLBI_S12_VMALL, .tag = vmid };

		if (!nb_xdomain_ndevs(d) && !nb_xdomain_nchildren(d))
			return 0;
		nb_model_range(m, req, &t, &whole);
		if (nb_xdomain_nchildren(d) && req->size) {
			struct nb_inv_cmd nh = { .op = NB_SMMU_TLBI_NH_ALL, .tag = vmid };

			nb_iommu_queue(m, &nh);
		}
		for (int i = 0; i < nb_xdomain_nchildren(d); i++)
			nb_model_devtlbs(m, nb_xdomain_child(d, i), &(struct nb_flush_req){ .size = 0 },
					 NB_SMMU_ATC_INV);
	} else {
		struct nb_inv_cmd t = { .op = NB_SMMU_TLBI_NH_VA, .tag = vmid,
					.sub = nb_dom_id(d, NB_ID_SUB), .leaf = req->leaf, .tg = tg,
					.ttl = ttl };
		struct nb_inv_cmd whole = { .op = NB_SMMU_TLBI_NH_ASID, .tag = vmid,
					    .sub = nb_dom_id(d, NB_ID_SUB) };

		if (!nb_xdomain_ndevs(d))
			return 0;
		nb_model_range(m, req, &t, &whole);
	}
	nb_model_devtlbs(m, d, req, NB_SMMU_ATC_INV);
	return 0;
}

const struct nb_tag_model nb_model_smmuv3 = {
	.name = "smmuv3",
	.summary = "ARM SMMUv3: VMID per stage-2 domain, ASID per stage-1 context within it",
	.vendor = NB_VENDOR_SMMUV3,
	.domain_init = domain_init,
	.attach = attach,
	.detach = cfgi,
	.dev_tags = dev_tags,
	.s2_tags = s2_tags,
	.flush = flush,
};
