/* SPDX-License-Identifier: MIT */
/* Internal: what every tag model does the same way. */
#ifndef NB_SRC_MODELS_MODEL_UTIL_H
#define NB_SRC_MODELS_MODEL_UTIL_H

#include "nestbench/iommu.h"

/* Id slots models use on domains and devices. */
enum { NB_ID_TAG, NB_ID_SUB, NB_ID_EXTRA };

static inline uint32_t nb_dom_id(const struct nb_xdomain *d, int slot)
{
	return nb_xdomain_ids_c(d)[slot];
}

static inline uint32_t nb_dev_id(const struct nb_xdev *dev, int slot)
{
	return nb_xdev_ids_c(dev)[slot];
}

/* Granule of a domain's tables (SMMU TG, device-TLB page). */
unsigned nb_model_granule(const struct nb_xdomain *d);

/* Queue the range split of tmpl over the request, or `whole` for a
 * whole-domain request (req->size 0). */
void nb_model_range(struct nb_iommu *m, const struct nb_flush_req *req,
		    const struct nb_inv_cmd *tmpl, const struct nb_inv_cmd *whole);

/* Device-TLB invalidation of every ATS device of domain d, with the
 * vendor's command (op), for the request's range or everything. */
void nb_model_devtlbs(struct nb_iommu *m, const struct nb_xdomain *d,
		      const struct nb_flush_req *req, enum nb_inv_op op);

/* AMD INVALIDATE_IOMMU_PAGES for one DomainID: GN=0 (host addresses) or
 * GN=1 with a PASID (guest addresses); the whole space when req->size 0. */
void nb_amd_pages(struct nb_iommu *m, uint32_t domid, bool guest, uint32_t pasid,
		  const struct nb_flush_req *req);

/* A context-cache invalidation for a device's attach or detach, synced. */
void nb_model_ctx_inval(struct nb_iommu *m, const struct nb_inv_cmd *c);

#endif
