// SPDX-License-Identifier: MIT
/*
 * Intel VT-d as Linux flushed it before cache tags (6.8 and 6.9, the
 * kernels with VT-d nesting before 6.10): intel_iommu_tlb_sync() flushed
 * once per (domain, IOMMU unit) in the domain's iommu_array -
 * iommu_flush_iotlb_psi(): a PSI (DSI above MAMV) on the domain's DID, then
 * iommu_flush_dev_iotlb() for each ATS device - and parent_domain_flush()
 * once per (nested domain, unit): a PSI with the IPA range on the nested
 * DID (__iommu_flush_iotlb_psi), then a whole-device flush for each of its
 * ATS devices. Every descriptor went out through its own qi_submit_sync:
 * configs/vtd_legacy.cfg is unbatched. s1_domains is a list_add() list:
 * the newest nested domain is flushed first. Tags as in `vtd`.
 */
#include "vtd.h"

static void range_or_dsi(const struct nb_iommu *m, struct nb_inv_batch *b, uint32_t did,
			 const struct nb_flush_req *req)
{
	struct nb_inv_cmd t = { .op = NB_VTD_IOTLB_PSI, .tag = did, .leaf = req->leaf };
	struct nb_inv_cmd whole = { .op = NB_VTD_IOTLB_DSI, .tag = did };

	nb_model_range(m, b, req, &t, &whole);
}

/* Device-TLB flushes of d's ATS devices, type 3 (no PASID in 6.9's
 * __iommu_flush_dev_iotlb): the request's range, or everything. */
static void devtlbs(const struct nb_iommu *m, struct nb_inv_batch *b, const struct nb_xdomain *d,
		    const struct nb_flush_req *req)
{
	nb_model_devtlbs(m, b, d, req, NB_VTD_DEVTLB);
}

/* iommu_flush_iotlb_psi (and intel_flush_iotlb_all) for d on this unit;
 * for a nested domain's guest request intel_nested_flush_cache: a P_IOTLB
 * on PASID 0 (IOMMU_NO_PASID), then the device TLBs. */
static void flush_own(const struct nb_iommu *m, struct nb_inv_batch *b, const struct nb_xdomain *d,
		      const struct nb_flush_req *req)
{
	uint32_t did = nb_dom_id(d, NB_ID_TAG);

	if (!nb_xdomain_ndevs(d))
		return; /* not in any unit's iommu_array */
	if (nb_xdomain_kind(d) == NB_XD_S2) {
		range_or_dsi(m, b, did, req);
	} else {
		struct nb_inv_cmd t = { .op = NB_VTD_PIOTLB_PSI, .tag = did, .leaf = req->leaf };
		struct nb_inv_cmd whole = { .op = NB_VTD_PIOTLB_PASID, .tag = did };

		nb_model_range(m, b, req, &t, &whole);
	}
	devtlbs(m, b, d, req);
}

static int flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req,
		 struct nb_inv_batch *b)
{
	flush_own(m, b, d, req);
	for (int i = nb_xdomain_nchildren(d) - 1; i >= 0; i--) {
		const struct nb_xdomain *n = nb_xdomain_child(d, i);

		if (!nb_xdomain_ndevs(n))
			continue;
		range_or_dsi(m, b, nb_dom_id(n, NB_ID_TAG), req);
		devtlbs(m, b, n, NB_FLUSH_ALL);
	}
	return 0;
}

const struct nb_tag_model nb_model_vtd_legacy = {
	.name = "vtd_legacy",
	.hardware = "vtd",
	.summary = "VT-d as Linux 6.8-6.9 flushed it: per (domain, unit), each descriptor synced",
	.gen = { NB_GEN_LINUX, "6.8-6.9",
		 "intel_iommu_tlb_sync, iommu_flush_iotlb_psi, __iommu_flush_iotlb_psi, "
		 "iommu_flush_dev_iotlb, parent_domain_flush, intel_nested_flush_cache" },
	NB_VTD_MODEL_COMMON,
	.flush = flush,
};
