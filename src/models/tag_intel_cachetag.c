// SPDX-License-Identifier: MIT
/*
 * Intel VT-d with Linux's first cache-tag code (drivers/iommu/intel/
 * cache.c, 6.10 to 6.12.116): the tag list of `vtd`, with the NESTING_DEVTLB
 * case of cache_tag_flush_range() overwriting addr and mask before falling
 * through to DEVTLB, so that every tag after a nested ATS device's tag in
 * the list is flushed whole (a DSI instead of the PSI, whole device TLBs).
 * What Linux sent depended on the order devices attached; this model
 * follows the same order. Fixed in 6.12.117 ("Fix CACHE_TAG_NESTING_DEVTLB
 * polluting shared variables in flush loop"): `vtd`.
 * Its hardware is vtd.cfg's (.hardware; no file of its own), which batches
 * as 6.12 does (qi_batch); 6.10 and 6.11 sent every descriptor with its
 * own qi_submit_sync: the `nobatch` variants.
 */
#include "vtd.h"

static int flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req,
		 struct nb_inv_batch *b)
{
	return nb_vtd_cache_tag_flush(m, d, req, b, true);
}

const struct nb_tag_model nb_model_intel_cachetag = {
	.name = "intel_cachetag",
	.hardware = "vtd",
	.summary = "VT-d cache tags with the NESTING_DEVTLB fall-through (6.10-6.12.116)",
	.gen = { NB_GEN_LINUX, "6.12.0-6.12.116 (batched); 6.10-6.11 unbatched",
		 "cache_tag_flush_range with the NESTING_DEVTLB fallthrough, qi_batch (6.12), "
		 "qi_flush_iotlb/qi_flush_piotlb/qi_flush_dev_iotlb (6.10, 6.11)" },
	NB_VTD_MODEL_COMMON,
	.flush = flush,
};
