// SPDX-License-Identifier: MIT
/*
 * AMD-Vi as the seed thread conjectured it ("AMD will assign a DID
 * per-device to the S1"): a DomainID per paging domain, and one per device
 * attached to a nested domain. That is not what Linux does (Linux maps each
 * guest DomainID to one host DomainID per vIOMMU: `amd_hostdid`); it stays
 * as the seed's conjecture, to show what per-device tags would cost.
 * Everything a device's walks cache carries its DomainID, so a stage-2
 * change fans out: INVALIDATE_IOMMU_PAGES (GN=0, the GPA range, PDE set as
 * build_inv_iommu_pages always sets it) per DomainID sharing the parent,
 * INVALIDATE_IOTLB_PAGES for ATS devices, each command published with its
 * own tail write (iommu_queue_command), one COMPLETION_WAIT at the end
 * (domain_flush_complete -> iommu_completion_wait -> wait_on_sem).
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

static int attach(struct nb_iommu *m, struct nb_xdev *dev, struct nb_inv_batch *b)
{
	if (nb_xdomain_kind(nb_xdev_domain(dev)) == NB_XD_NESTED)
		nb_xdev_ids(dev)[NB_ID_TAG] = nb_iommu_alloc_id(m, 0);
	nb_amd_dte_flush(b, dev);
	return 0;
}

static void detach(struct nb_iommu *m, struct nb_xdev *dev, struct nb_inv_batch *b)
{
	/* A nested device's own DomainID dies with the attachment: flush all
	 * of it (GN=0, S=1, PDE=1, as amd_iommu_domain_flush_all), its stage-2
	 * entries included, which the guest-address flush before this left. */
	if (nb_xdomain_kind(nb_xdev_domain(dev)) == NB_XD_NESTED)
		nb_amd_pages(m, b, domid(dev), false, 0, NB_FLUSH_ALL);
	nb_amd_dte_flush(b, dev);
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

static int flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req,
		 struct nb_inv_batch *b)
{
	switch (nb_xdomain_kind(d)) {
	case NB_XD_NESTED: /* a guest request: each device's DomainID */
		for (int i = 0; i < nb_xdomain_ndevs(d); i++) {
			const struct nb_xdev *dev = nb_xdomain_dev(d, i);

			nb_amd_pages(m, b, domid(dev), true, nb_xdev_pasid(dev), req);
		}
		nb_model_devtlbs(m, b, d, req, NB_AMD_INV_IOTLB_PAGES);
		break;
	case NB_XD_S2:
		if (nb_xdomain_ndevs(d))
			nb_amd_pages(m, b, nb_dom_id(d, NB_ID_TAG), false, 0, req);
		for (int c = 0; c < nb_xdomain_nchildren(d); c++) {
			const struct nb_xdomain *n = nb_xdomain_child(d, c);

			for (int i = 0; i < nb_xdomain_ndevs(n); i++)
				nb_amd_pages(m, b, domid(nb_xdomain_dev(n, i)), false, 0, req);
		}
		nb_model_devtlbs(m, b, d, req, NB_AMD_INV_IOTLB_PAGES);
		/* device TLBs of nested devices hold guest addresses: the IPA
		 * range says nothing about them, flush them whole */
		for (int c = 0; c < nb_xdomain_nchildren(d); c++)
			nb_model_devtlbs(m, b, nb_xdomain_child(d, c), NB_FLUSH_ALL,
					 NB_AMD_INV_IOTLB_PAGES);
		break;
	default:
		if (nb_xdomain_ndevs(d))
			nb_amd_pages(m, b, nb_dom_id(d, NB_ID_TAG), true,
				     nb_xdev_pasid(nb_xdomain_dev(d, 0)), req);
		nb_model_devtlbs(m, b, d, req, NB_AMD_INV_IOTLB_PAGES);
		break;
	}
	return 0;
}

const struct nb_tag_model nb_model_amd = {
	.name = "amd",
	.summary = "AMD-Vi, the seed's conjecture: DomainID per domain, per device for nested tables",
	.gen = { NB_GEN_CONJECTURE, "none (the seed thread's per-device DomainID)",
		 "amd_iommu_domain_flush_pages, build_inv_iommu_pages, device_flush_iotlb, "
		 "iommu_completion_wait (the flush mechanics are Linux's)" },
	.vendor = NB_VENDOR_AMD,
	.domain_init = domain_init,
	.attach = attach,
	.detach = detach,
	.dev_tags = dev_tags,
	.s2_tags = s2_tags,
	.flush = flush,
};
