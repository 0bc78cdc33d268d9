// SPDX-License-Identifier: MIT
/*
 * Intel VT-d as Linux flushed it before the cache-tag rework (6.10): the
 * flush walked the domain's device list, so every device of a domain
 * produced its own invalidation of the same DID, and a stage-2 change
 * walked each nested domain's devices the same way. Tags are assigned as
 * in `vtd`; only the walk differs: the duplicates the cache-tag list
 * removed are visible here (compare `intel_cachetag`). Pre-6.12 kernels
 * also waited after every submission: configs/vtd_legacy.cfg disables
 * batching.
 */
#include "vtd.h"

/* One flush of d's DID per device (the duplicates). */
static void per_device(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req,
		       bool whole)
{
	uint32_t did = nb_dom_id(d, NB_ID_TAG);

	for (int i = 0; i < nb_xdomain_ndevs(d); i++) {
		const struct nb_xdev *dev = nb_xdomain_dev(d, i);
		struct nb_inv_cmd t = { .op = NB_VTD_IOTLB_PSI, .tag = did, .leaf = req->leaf };
		struct nb_inv_cmd all = { .op = NB_VTD_IOTLB_DSI, .tag = did };

		if (nb_xdomain_kind(d) != NB_XD_S2) {
			t = (struct nb_inv_cmd){ .op = NB_VTD_PIOTLB_PSI, .tag = did,
						 .sub = nb_xdev_pasid(dev), .leaf = req->leaf };
			all = (struct nb_inv_cmd){ .op = NB_VTD_PIOTLB_PASID, .tag = did,
						   .sub = nb_xdev_pasid(dev) };
		}
		if (whole)
			nb_iommu_queue(m, &all);
		else
			nb_model_range(m, req, &t, &all);
	}
	nb_model_devtlbs(m, d, whole ? &(struct nb_flush_req){ .size = 0 } : req, NB_VTD_DEVTLB);
}

static int flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req)
{
	per_device(m, d, req, false);
	for (int i = 0; i < nb_xdomain_nchildren(d); i++) {
		struct nb_xdomain *n = nb_xdomain_child(d, i);

		for (int j = 0; j < nb_xdomain_ndevs(n); j++) {
			struct nb_inv_cmd dsi = { .op = NB_VTD_IOTLB_DSI, .tag = nb_dom_id(n, NB_ID_TAG) };

			nb_iommu_queue(m, &dsi);
		}
		nb_model_devtlbs(m, n, &(struct nb_flush_req){ .size = 0 }, NB_VTD_DEVTLB);
	}
	return 0;
}

const struct nb_tag_model nb_model_vtd_legacy = {
	.name = "vtd_legacy",
	.summary = "VT-d as Linux <= 6.9 flushed it: one flush per device, duplicates included",
	NB_VTD_MODEL_COMMON,
	.flush = flush,
};
