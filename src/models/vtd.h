/* SPDX-License-Identifier: MIT */
/* Internal: the VT-d tag models' shared pieces. */
#ifndef NB_SRC_MODELS_VTD_H
#define NB_SRC_MODELS_VTD_H

#include "model_util.h"

int nb_vtd_domain_init(struct nb_iommu *m, struct nb_xdomain *d);
/* Attach: context/PASID entry present (legacy: context_present_cache_flush;
 * scalable: pasid_flush_caches), commands only in caching mode. */
int nb_vtd_attach(struct nb_iommu *m, struct nb_xdev *dev, struct nb_inv_batch *b);
/* Detach: legacy domain_context_clear_one / scalable
 * intel_pasid_tear_down_entry, each step its own qi_submit_sync. */
void nb_vtd_detach(struct nb_iommu *m, struct nb_xdev *dev, struct nb_inv_batch *b);
struct nb_tags nb_vtd_dev_tags(const struct nb_iommu *m, const struct nb_xdev *dev);
struct nb_tags nb_vtd_s2_tags(const struct nb_iommu *m, const struct nb_xdev *dev);

/* Linux's cache_tag_flush_range / cache_tag_flush_all (cache.c) over the
 * domain's tag list. fallthrough: the NESTING_DEVTLB case widens addr/mask
 * for every later tag (6.10 - 6.12.116). The batch ends with a wait. */
int nb_vtd_cache_tag_flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req,
			   struct nb_inv_batch *b, bool fallthrough);

/* The device-TLB descriptor Linux sends for a device (PASID 0: type 3,
 * else type 8), for [addr, 2^am pages). */
struct nb_inv_cmd nb_vtd_devtlb_cmd(const struct nb_xdev *dev, uint32_t pasid, uint64_t addr,
				    unsigned am);

/* The fields every VT-d tag model shares with `vtd`. */
#define NB_VTD_MODEL_COMMON                                                  \
	.vendor = NB_VENDOR_VTD, .domain_init = nb_vtd_domain_init,          \
	.attach = nb_vtd_attach, .detach = nb_vtd_detach,                    \
	.detach_flushes = true, .dev_tags = nb_vtd_dev_tags,                 \
	.s2_tags = nb_vtd_s2_tags

#endif
