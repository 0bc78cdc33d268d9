// SPDX-License-Identifier: MIT
/*
 * AMD-Vi nesting as Linux mainline has it (drivers/iommu/amd/nested.c,
 * amd_iommu_alloc_domain_nested): each guest DomainID (from the guest's
 * DTE) maps to one host DomainID per vIOMMU, shared by every nested domain
 * the guest gives that gDomID; the host DTE of a nested device carries it.
 * A stage-2 change (domain_flush_pages_v1 -> iommu_flush_pages_v1_hdom_ids)
 * sends INVALIDATE_IOMMU_PAGES for the parent's own DomainID, then one per
 * host DomainID in the vIOMMU's gDomID table - whether or not a device is
 * attached - then INVALIDATE_IOTLB_PAGES for ATS devices, each command
 * with its own tail write, and one COMPLETION_WAIT. One gDomID per nested
 * domain here (a guest that shares gDomIDs across domains would fold them).
 * Mainline's nested attach does not put nested devices on the parent's
 * device list, so Linux sends no device-TLB flush for them on a stage-2
 * change; this model flushes them whole (without it the oracle finds
 * stale device-TLB entries): docs/models.md lists the difference.
 * Its hardware is amd.cfg's (.hardware; every number with its source).
 */
#include "model_util.h"
#include "util/mutant.h"

static int domain_init(struct nb_iommu *m, struct nb_xdomain *d)
{
	nb_xdomain_ids(d)[NB_ID_TAG] = nb_iommu_alloc_id(m, 0); /* host DomainID */
	return 0;
}

static void detach(struct nb_iommu *m, struct nb_xdev *dev, struct nb_inv_batch *b)
{
	const struct nb_xdomain *d = nb_xdev_domain(dev);

	/* The last device leaving a nested domain: the guest-address flush
	 * before this leaves the stage-2 entries its host DomainID cached,
	 * which a device attaching later would use. Flush all of it (GN=0,
	 * S=1, PDE=1). */
	if (nb_xdomain_kind(d) == NB_XD_NESTED && nb_xdomain_ndevs(d) == 1)
		nb_amd_pages(m, b, nb_dom_id(d, NB_ID_TAG), false, 0, NB_FLUSH_ALL);
	nb_amd_dte_flush(b, dev);
}

static int attach(struct nb_iommu *m, struct nb_xdev *dev, struct nb_inv_batch *b)
{
	nb_amd_dte_flush(b, dev);
	return 0;
}

static struct nb_tags dev_tags(const struct nb_iommu *m, const struct nb_xdev *dev)
{
	const struct nb_xdomain *d = nb_xdev_domain(dev);
	uint32_t sub = nb_xdomain_kind(d) == NB_XD_S2 ? NB_SUB_S2 : nb_xdev_pasid(dev);
	const struct nb_xdomain *p = nb_xdomain_parent(d);

	return (struct nb_tags){ nb_dom_id(d, NB_ID_TAG), sub, p ? nb_dom_id(p, NB_ID_TAG) : NB_NO_TAG };
}

static struct nb_tags s2_tags(const struct nb_iommu *m, const struct nb_xdev *dev)
{
	return (struct nb_tags){ nb_dom_id(nb_xdev_domain(dev), NB_ID_TAG), NB_SUB_S2, NB_NO_TAG };
}

static int flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req,
		 struct nb_inv_batch *b)
{
	if (nb_xdomain_kind(d) != NB_XD_S2) { /* stage 1, or a guest's request */
		if (nb_xdomain_ndevs(d))
			nb_amd_pages(m, b, nb_dom_id(d, NB_ID_TAG), true,
				     nb_xdev_pasid(nb_xdomain_dev(d, 0)), req);
		nb_model_devtlbs(m, b, d, req, NB_AMD_INV_IOTLB_PAGES);
		return 0;
	}
	if (nb_xdomain_ndevs(d))
		nb_amd_pages(m, b, nb_dom_id(d, NB_ID_TAG), false, 0, req);
	for (int c = 0; c < nb_xdomain_nchildren(d); c++) {
		uint32_t hdom = nb_dom_id(nb_xdomain_child(d, c), NB_ID_TAG);

		if (nb_mutant(NB_MUT_AMD_HOST_DOMID)) hdom = nb_dom_id(d, NB_ID_TAG);
		nb_amd_pages(m, b, hdom, false, 0, req);
	}
	nb_model_devtlbs(m, b, d, req, NB_AMD_INV_IOTLB_PAGES);
	for (int c = 0; c < nb_xdomain_nchildren(d); c++)
		nb_model_devtlbs(m, b, nb_xdomain_child(d, c), NB_FLUSH_ALL, NB_AMD_INV_IOTLB_PAGES);
	return 0;
}

const struct nb_tag_model nb_model_amd_hostdid = {
	.name = "amd_hostdid",
	.hardware = "amd",
	.summary = "AMD-Vi nesting as mainline: guest DomainIDs mapped to host DomainIDs per vIOMMU",
	.gen = { NB_GEN_LINUX, "mainline (amd/nested.c; after 6.12)",
		 "amd_iommu_alloc_domain_nested, domain_flush_pages_v1, iommu_flush_pages_v1_hdom_ids, "
		 "build_inv_iommu_pages, device_flush_iotlb, iommu_completion_wait" },
	.vendor = NB_VENDOR_AMD,
	.domain_init = domain_init,
	.attach = attach,
	.detach = detach,
	.dev_tags = dev_tags,
	.s2_tags = s2_tags,
	.flush = flush,
};
