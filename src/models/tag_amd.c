// SPDX-License-Identifier: MIT
/*
 * AMD-Vi: a DomainID per paging domain; a nested (guest) table has no ASID
 * in AMD's PASID table, so every device attached to a nested domain gets a
 * DomainID of its own (the seed thread: "AMD will assign a DID per-device
 * to the S1"). Everything a device's walks cache carries that DomainID, so
 * a stage-2 change fans out: one INVALIDATE_IOMMU_PAGES (GN=0, the GPA
 * range) per DomainID sharing the parent, plus INVALIDATE_IOTLB_PAGES for
 * ATS devices.
 */
#include "model_util.h"


static int domain_init(struct nb_iommu *m, struct nb_xdomain *d)
{
	if (nb_xdomain_kind(d) != NB_XD_NESTED)
		nb_xdomain_ids(d)[NB_ID_TAG] = nb_iommu_alloc_id(m, 0);
	return 0;
}

static uint32_t domid(const struct nb_xdev *dev)
{
	const struct nb_xdomain *d = nb_xdev_domain(dev);

	return nb_xdomain_kind(d) == NB_XD_NESTED ? nb_dev_id(dev, NB_ID_TAG) : nb_dom_id(d, NB_ID_TAG);
}

static int attach(struct nb_iommu *m, struct nb_xdev *dev)
{
	struct nb_inv_cmd c = { .op = NB_AMD_INV_DEVTAB_ENTRY, .sid = nb_xdev_sid(dev) };

	if (nb_xdomain_kind(nb_xdev_domain(dev)) == NB_XD_NESTED)
		nb_xdev_ids(dev)[NB_ID_TAG] = nb_iommu_alloc_id(m, 0);
	nb_model_ctx_inval(m, &c);
	return 0;
}

static void detach(struct nb_iommu *m, struct nb_xdev *dev)
{
	struct nb_inv_cmd c = { .op = NB_AMD_INV_DEVTAB_ENTRY, .sid = nb_xdev_sid(dev) };

	/* A nested device's own DomainID dies with the attachment: flush all
	 * of it (GN=0, S=1, PDE=1, as amd_iommu_domain_flush_all), its stage-2
	 * entries included, which the guest-address flush before this left. */
	if (nb_xdomain_kind(nb_xdev_domain(dev)) == NB_XD_NESTED)
		nb_amd_pages(m, domid(dev), false, 0, &(struct nb_flush_req){ .size = 0 });
	nb_model_ctx_inval(m, &c);
}

static struct nb_tags dev_tags(const struct nb_iommu *m, const struct nb_xdev *dev)
{
	const struct nb_xdomain *d = nb_xdev_domain(dev);

	switch (nb_xdomain_kind(d)) {
	case NB_XD_S2:
		return (struct nb_tags){ domid(dev), NB_SUB_S2, NB_NO_TAG };
	case NB_XD_NESTED:
		return (struct nb_tags){ domid(dev), nb_xdev_pasid(dev),
					 nb_dom_id(nb_xdomain_parent(d), NB_ID_TAG) };
	default:
		return (struct nb_tags){ domid(dev), nb_xdev_pasid(dev), NB_NO_TAG };
	}
}

static struct nb_tags s2_tags(const struct nb_iommu *m, const struct nb_xdev *dev)
{
	return (struct nb_tags){ domid(dev), NB_SUB_S2, NB_NO_TAG };
}

static int flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req)
{
	switch (nb_xdomain_kind(d)) {
	case NB_XD_NESTED: /* a guest request: each device's DomainID */
		for (int i = 0; i < nb_xdomain_ndevs(d); i++) {
			const struct nb_xdev *dev = nb_xdomain_dev(d, i);

			nb_amd_pages(m, domid(dev), true, nb_xdev_pasid(dev), req);
		}
		break;
	case NB_XD_S2:
		if (nb_xdomain_ndevs(d))
			nb_amd_pages(m, nb_dom_id(d, NB_ID_TAG), false, 0, req);
		for (int c = 0; c < nb_xdomain_nchildren(d); c++) {
			const struct nb_xdomain *n = nb_xdomain_child(d, c);

			for (int i = 0; i < nb_xdomain_ndevs(n); i++)
				nb_amd_pages(m, domid(nb_xdomain_dev(n, i)), false, 0, req);
			/* device TLBs hold guest addresses: the IPA range says nothing */
			nb_model_devtlbs(m, n, &(struct nb_flush_req){ .size = 0 }, NB_AMD_INV_IOTLB_PAGES);
		}
		break;
	default:
		if (nb_xdomain_ndevs(d))
			nb_amd_pages(m, nb_dom_id(d, NB_ID_TAG), true, nb_xdev_pasid(nb_xdomain_dev(d, 0)), req);
		break;
	}
	nb_model_devtlbs(m, d, req, NB_AMD_INV_IOTLB_PAGES);
	return 0;
}

const struct nb_tag_model nb_model_amd = {
	.name = "amd",
	.summary = "AMD-Vi: DomainID per domain, per device for nested (guest) tables",
	.vendor = NB_VENDOR_AMD,
	.domain_init = domain_init,
	.attach = attach,
	.detach = detach,
	.dev_tags = dev_tags,
	.s2_tags = s2_tags,
	.flush = flush,
};
