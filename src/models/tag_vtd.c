// SPDX-License-Identifier: MIT
/*
 * Intel VT-d as Linux flushes it today (6.12.117 and mainline): every
 * domain has its own DID, a nested (stage-1) domain too, and all entries a
 * nested walk caches - stage-2 ones included - carry the nested domain's
 * DID. A stage-2 change is flushed by walking the parent's cache-tag list
 * (cache_tag_flush_range, vtd_cache_tag.c): a PSI with the IPA range for
 * the parent's own DID and for every nested DID (VT-d spec 6.5.2.3: a PSI
 * on a nested DID also drops that DID's first-stage and combined entries),
 * device-TLB flushes, all in qi_batch submissions of 16 descriptors with a
 * wait each (configs/vtd.cfg).
 *
 * Attach and teardown follow the unit's mode: legacy (context entries:
 * context_present_cache_flush, domain_context_clear_one) or scalable
 * (PASID entries: pasid_flush_caches, intel_pasid_tear_down_entry).
 */
#include "util/mutant.h"
#include "vtd.h"

int nb_vtd_domain_init(struct nb_iommu *m, struct nb_xdomain *d)
{
	nb_xdomain_ids(d)[NB_ID_TAG] = nb_iommu_alloc_id(m, 0);
	return 0;
}

static uint32_t did_of(const struct nb_xdev *dev)
{
	return nb_dom_id(nb_xdev_domain(dev), NB_ID_TAG);
}

static bool scalable(const struct nb_iommu *m)
{
	return nb_iommu_params(m)->policy.scalable_mode;
}

/*
 * A context or PASID entry going from not present to present needs no
 * invalidation: hardware does not cache not-present entries. A unit in
 * caching mode (a vIOMMU) may, so Linux flushes then, each command its own
 * qi_submit_sync: legacy context_present_cache_flush (device-selective
 * context invalidation naming DID 0, then a DSI of the new DID; both seen
 * in the captured traces, tests/replay/test_fidelity), scalable
 * pasid_flush_caches (PASID-cache invalidation, then PASID-selective
 * P_IOTLB). Otherwise only the write buffer is flushed: no command.
 */
int nb_vtd_attach(struct nb_iommu *m, struct nb_xdev *dev, struct nb_inv_batch *b)
{
	uint32_t did = did_of(dev), pasid = nb_xdev_pasid(dev);

	if (!nb_iommu_params(m)->policy.caching_mode)
		return 0;
	if (scalable(m)) {
		nb_model_cmd_sync(b, &(struct nb_inv_cmd){ .op = NB_VTD_PC_INV, .tag = did,
							   .sub = pasid, .gran = 1 });
		nb_model_cmd_sync(b, &(struct nb_inv_cmd){ .op = NB_VTD_PIOTLB_PASID, .tag = did,
							   .sub = pasid });
		return 0;
	}
	nb_model_cmd_sync(b, &(struct nb_inv_cmd){ .op = NB_VTD_CC_INV, .gran = 3,
						   .sid = nb_xdev_sid(dev) });
	nb_model_cmd_sync(b, &(struct nb_inv_cmd){ .op = NB_VTD_IOTLB_DSI, .tag = did });
	return 0;
}

/*
 * Teardown, each step its own qi_submit_sync. Scalable mode
 * (intel_pasid_tear_down_entry): PASID-cache invalidation, then a P_IOTLB
 * PASID-selective flush for a first-stage entry or a DSI for a
 * second-stage or nested one, then the device TLB (devtlb_invalidation_
 * with_pasid). Legacy (domain_context_clear_one ->
 * intel_context_flush_no_pasid): device-selective context invalidation, a
 * DSI, the device TLB. Every entry cached under the DID goes, the other
 * devices' too: the cost Linux pays.
 */
void nb_vtd_detach(struct nb_iommu *m, struct nb_xdev *dev, struct nb_inv_batch *b)
{
	uint32_t did = did_of(dev), pasid = nb_xdev_pasid(dev);
	bool fl = nb_xdomain_kind(nb_xdev_domain(dev)) == NB_XD_S1;
	/* the context (legacy) or PASID (scalable) entry was cleared: its cache goes first */
	struct nb_inv_cmd ctx = scalable(m) ? (struct nb_inv_cmd){ .op = NB_VTD_PC_INV, .tag = did,
								   .sub = pasid, .gran = 1 }
					    : (struct nb_inv_cmd){ .op = NB_VTD_CC_INV, .gran = 3, .tag = did,
								   .sid = nb_xdev_sid(dev) };

	if (!nb_mutant(NB_MUT_DETACH_CTX))
		nb_model_cmd_sync(b, &ctx);
	if (scalable(m)) {
		if (fl)
			nb_model_cmd_sync(b, &(struct nb_inv_cmd){ .op = NB_VTD_PIOTLB_PASID,
								   .tag = did, .sub = pasid });
		else
			nb_model_cmd_sync(b, &(struct nb_inv_cmd){ .op = NB_VTD_IOTLB_DSI, .tag = did });
	} else {
		nb_model_cmd_sync(b, &(struct nb_inv_cmd){ .op = NB_VTD_IOTLB_DSI, .tag = did });
		pasid = 0; /* __context_flush_dev_iotlb: no PASID */
	}
	if (nb_xdev_ats(dev)) {
		struct nb_inv_cmd c = nb_vtd_devtlb_cmd(dev, pasid, 0, 52);

		nb_model_cmd_sync(b, &c);
	}
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

static int flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req,
		 struct nb_inv_batch *b)
{
	return nb_vtd_cache_tag_flush(m, d, req, b, nb_mutant(NB_MUT_VTD_FALLTHROUGH));
}

const struct nb_tag_model nb_model_vtd = {
	.name = "vtd",
	.summary = "Intel VT-d as Linux flushes it now: cache tags, PSI on nested DIDs, qi_batch",
	.gen = { NB_GEN_LINUX, "6.12.117+, mainline",
		 "cache_tag_flush_range/_all, cache_tag_flush_iotlb, qi_batch_add_*, qi_submit_sync; "
		 "pasid_flush_caches, intel_pasid_tear_down_entry, context_present_cache_flush" },
	NB_VTD_MODEL_COMMON,
	.flush = flush,
};
