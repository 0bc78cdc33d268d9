// SPDX-License-Identifier: MIT
/*
 * Intel VT-d with Linux's cache-tag lists (drivers/iommu/intel/cache.c,
 * 6.10): a domain keeps a list of unique tags, each {type, IOMMU unit, DID,
 * PASID, device} with a user count, built at attach: IOTLB tags for its
 * own DID (one per PASID, whatever the number of devices using it),
 * DEVTLB tags per ATS device, and on a stage-2 parent a NESTING_IOTLB tag
 * per nested DID. A flush walks the list once, so a DID shared by several
 * devices is flushed once (the duplicates `vtd_legacy` shows are gone),
 * and since 6.12 the descriptors of one walk go out as one batch behind a
 * single wait (qi_batch; configs/intel_cachetag.cfg enables batching).
 * The commands the walk yields are those of the per-domain `vtd`
 * assignment; what differs from `vtd_legacy` is one command per tag, not
 * per device.
 */
#include "vtd.h"

const struct nb_tag_model nb_model_intel_cachetag = {
	.name = "intel_cachetag",
	.summary = "VT-d with Linux 6.10+ cache-tag lists and batched submission",
	NB_VTD_MODEL_COMMON,
	.flush = nb_vtd_flush, /* one command per unique tag */
};
