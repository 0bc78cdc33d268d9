// SPDX-License-Identifier: MIT
/*
 * AMD-Vi nested with guest-to-host DomainID mapping (the vIOMMU work of
 * 2025): a guest DomainID, which the guest gives each of its domains, maps
 * to one host DomainID per vIOMMU; devices the guest puts in one domain
 * share it. A stage-2 change still must reach every host DomainID sharing
 * the parent, but that is one per nested domain, not one per device as in
 * the basic `amd` assignment.
 */
#include "model_util.h"


static int domain_init(struct nb_iommu *m, struct nb_xdomain *d)
{
	nb_xdomain_ids(d)[NB_ID_TAG] = nb_iommu_alloc_id(m, 0); /* host DomainID */
	return 0;
}

static void dte_inval(struct nb_iommu *m, const struct nb_xdev *dev)
{
	struct nb_inv_cmd c = { .op = NB_AMD_INV_DEVTAB_ENTRY, .sid = nb_xdev_sid(dev) };

	nb_model_ctx_inval(m, &c);
}

static void detach(struct nb_iommu *m, struct nb_xdev *dev)
{
	const struct nb_xdomain *d = nb_xdev_domain(dev);

	/* The last device leaving a nested domain: stage-2 flushes skip a
	 * domain without devices, and the guest-address flush before this
	 * leaves the stage-2 entries its host DomainID cached, which a device
	 * attaching later would use. Flush all of it (GN=0, S=1, PDE=1). */
	if (nb_xdomain_kind(d) == NB_XD_NESTED && nb_xdomain_ndevs(d) == 1)
		nb_amd_pages(m, nb_dom_id(d, NB_ID_TAG), false, 0, &(struct nb_flush_req){ .size = 0 });
	dte_inval(m, dev);
}

static int attach(struct nb_iommu *m, struct nb_xdev *dev)
{
	dte_inval(m, dev);
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

static int flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req)
{
	if (nb_xdomain_kind(d) == NB_XD_NESTED) {
		if (nb_xdomain_ndevs(d))
			nb_amd_pages(m, nb_dom_id(d, NB_ID_TAG), true, nb_xdev_pasid(nb_xdomain_dev(d, 0)), req);
	} else {
		if (nb_xdomain_ndevs(d))
			nb_amd_pages(m, nb_dom_id(d, NB_ID_TAG), nb_xdomain_kind(d) == NB_XD_S1,
			      nb_xdomain_ndevs(d) ? nb_xdev_pasid(nb_xdomain_dev(d, 0)) : 0, req);
		for (int c = 0; c < nb_xdomain_nchildren(d); c++) {
			const struct nb_xdomain *n = nb_xdomain_child(d, c);

			if (!nb_xdomain_ndevs(n))
				continue;
			nb_amd_pages(m, nb_dom_id(n, NB_ID_TAG), false, 0, req);
			nb_model_devtlbs(m, n, &(struct nb_flush_req){ .size = 0 }, NB_AMD_INV_IOTLB_PAGES);
		}
	}
	nb_model_devtlbs(m, d, req, NB_AMD_INV_IOTLB_PAGES);
	return 0;
}

const struct nb_tag_model nb_model_amd_hostdid = {
	.name = "amd_hostdid",
	.summary = "AMD-Vi with guest DomainIDs mapped to one host DomainID each per vIOMMU",
	.vendor = NB_VENDOR_AMD,
	.domain_init = domain_init,
	.attach = attach,
	.detach = detach,
	.dev_tags = dev_tags,
	.s2_tags = s2_tags,
	.flush = flush,
};
