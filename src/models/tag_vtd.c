// SPDX-License-Identifier: MIT
/*
 * Intel VT-d, the assignment of the seed thread: every domain has its own
 * DID, a nested (stage-1) domain too. All entries a nested walk caches,
 * stage-2 ones included, carry the nested domain's DID (the PASID entry's
 * DID). So a stage-2 change must reach the parent's DID and the DID of
 * every nested domain built on it; the nested DIDs cannot be searched by
 * IPA and get a domain-selective flush (Linux cache.c: the NESTING_IOTLB
 * tag falls back to DSI), which throws away their still-valid entries.
 */
#include "vtd.h"

int nb_vtd_domain_init(struct nb_iommu *m, struct nb_xdomain *d)
{
	nb_xdomain_ids(d)[NB_ID_TAG] = nb_iommu_alloc_id(m, 0);
	return 0;
}

static struct nb_inv_cmd ctx_cmd(const struct nb_xdev *dev)
{
	return (struct nb_inv_cmd){ .op = NB_VTD_CC_INV, .gran = 3, .sid = nb_xdev_sid(dev),
				    .tag = nb_dom_id(nb_xdev_domain(dev), NB_ID_TAG) };
}

/*
 * A context (or PASID) entry going from not present to present needs no
 * invalidation: hardware does not cache not-present entries. A unit in
 * caching mode (a vIOMMU) may, under DID 0, so Linux then invalidates the
 * device's context entry naming DID 0 and flushes the new domain's DID
 * (context_present_cache_flush); otherwise it only flushes the write
 * buffer, which is no queued command. The captured traces show both
 * (tests/replay/test_fidelity).
 */
int nb_vtd_attach(struct nb_iommu *m, struct nb_xdev *dev)
{
	struct nb_inv_cmd c = ctx_cmd(dev);

	if (!nb_iommu_params(m)->policy.caching_mode)
		return 0;
	c.tag = 0;
	nb_iommu_queue(m, &c);
	nb_iommu_queue(m, &(struct nb_inv_cmd){ .op = NB_VTD_IOTLB_DSI,
						.tag = nb_dom_id(nb_xdev_domain(dev), NB_ID_TAG) });
	nb_iommu_sync(m);
	return 0;
}

void nb_vtd_detach(struct nb_iommu *m, struct nb_xdev *dev)
{
	struct nb_inv_cmd c = ctx_cmd(dev);

	/* Linux intel_pasid_tear_down_entry(): a nested (or second-stage)
	 * PASID entry's teardown flushes its DID domain-selectively, so the
	 * stage-2 entries cached under a nested DID go too (a PASID-based
	 * flush does not reach them, and once the domain has no device no
	 * later stage-2 flush names its DID). */
	if (nb_xdomain_kind(nb_xdev_domain(dev)) == NB_XD_NESTED)
		nb_iommu_queue(m, &(struct nb_inv_cmd){ .op = NB_VTD_IOTLB_DSI,
							.tag = nb_dom_id(nb_xdev_domain(dev), NB_ID_TAG) });
	nb_model_ctx_inval(m, &c);
}

struct nb_tags nb_vtd_dev_tags(const struct nb_iommu *m, const struct nb_xdev *dev)
{
	const struct nb_xdomain *d = nb_xdev_domain(dev);
	const struct nb_xdomain *p = nb_xdomain_parent(d);

	switch (nb_xdomain_kind(d)) {
	case NB_XD_S2:
		return (struct nb_tags){ nb_dom_id(d, NB_ID_TAG), NB_SUB_S2, NB_NO_TAG };
	case NB_XD_NESTED:
		return (struct nb_tags){ nb_dom_id(d, NB_ID_TAG), nb_xdev_pasid(dev),
					 nb_dom_id(p, NB_ID_TAG) };
	default:
		return (struct nb_tags){ nb_dom_id(d, NB_ID_TAG), nb_xdev_pasid(dev), NB_NO_TAG };
	}
}

struct nb_tags nb_vtd_s2_tags(const struct nb_iommu *m, const struct nb_xdev *dev)
{
	return (struct nb_tags){ nb_dom_id(nb_xdev_domain(dev), NB_ID_TAG), NB_SUB_S2, NB_NO_TAG };
}

/* Distinct PASIDs of a domain's devices, for PASID-based invalidation. */
static int pasids(const struct nb_xdomain *d, uint32_t *out, int max)
{
	int n = 0;

	for (int i = 0; i < nb_xdomain_ndevs(d); i++) {
		uint32_t p = nb_xdev_pasid(nb_xdomain_dev(d, i));
		int j = 0;

		while (j < n && out[j] != p)
			j++;
		if (j == n && n < max)
			out[n++] = p;
	}
	return n;
}

void nb_vtd_flush_own(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req)
{
	uint32_t did = nb_dom_id(d, NB_ID_TAG), ps[64];

	if (!nb_xdomain_ndevs(d))
		return; /* no device: nothing can be cached under this DID */
	if (nb_xdomain_kind(d) == NB_XD_S2) {
		/* second-stage: page-selective-within-domain, DSI above MAMV */
		struct nb_inv_cmd t = { .op = NB_VTD_IOTLB_PSI, .tag = did, .leaf = req->leaf };
		struct nb_inv_cmd whole = { .op = NB_VTD_IOTLB_DSI, .tag = did };

		nb_model_range(m, req, &t, &whole);
	} else {
		/* first-stage and nested: PASID-based IOTLB invalidation */
		int n = pasids(d, ps, (int)NB_ARRAY_SIZE(ps));

		for (int i = 0; i < n; i++) {
			struct nb_inv_cmd t = { .op = NB_VTD_PIOTLB_PSI, .tag = did, .sub = ps[i],
						.leaf = req->leaf };
			struct nb_inv_cmd whole = { .op = NB_VTD_PIOTLB_PASID, .tag = did, .sub = ps[i] };

			nb_model_range(m, req, &t, &whole);
		}
	}
	nb_model_devtlbs(m, d, req, NB_VTD_DEVTLB);
}

int nb_vtd_flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req)
{
	nb_vtd_flush_own(m, d, req);
	/* A stage-2 change: every nested domain on it, whole DID each. */
	for (int i = 0; i < nb_xdomain_nchildren(d); i++) {
		struct nb_xdomain *n = nb_xdomain_child(d, i);
		struct nb_inv_cmd dsi = { .op = NB_VTD_IOTLB_DSI, .tag = nb_dom_id(n, NB_ID_TAG) };

		if (!nb_xdomain_ndevs(n))
			continue;
		nb_iommu_queue(m, &dsi);
		nb_model_devtlbs(m, n, &(struct nb_flush_req){ .size = 0 }, NB_VTD_DEVTLB);
	}
	return 0;
}

const struct nb_tag_model nb_model_vtd = {
	.name = "vtd",
	.summary = "Intel VT-d: a DID per domain, nested domains included",
	NB_VTD_MODEL_COMMON,
	.flush = nb_vtd_flush,
};
