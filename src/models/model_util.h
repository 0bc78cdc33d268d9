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

/* The unit's range-splitting capabilities (MAMV, RIL) for granule tg. */
struct nb_split_caps nb_model_caps(const struct nb_iommu *m, unsigned tg);

/* Append tmpl split over [addr, addr + size) as the driver would, or
 * `whole` (the command that flushes the whole tag) above the policy's page
 * threshold or where the range encoding cannot express the span. */
void nb_model_range_at(const struct nb_iommu *m, struct nb_inv_batch *b,
		       const struct nb_inv_cmd *tmpl, uint64_t addr, uint64_t size,
		       const struct nb_inv_cmd *whole);
/* The same for a request; `whole` for a whole-domain request (size 0). */
void nb_model_range(const struct nb_iommu *m, struct nb_inv_batch *b,
		    const struct nb_flush_req *req, const struct nb_inv_cmd *tmpl,
		    const struct nb_inv_cmd *whole);

/* The same, one command per 2^stride_lg2 bytes where the unit has no
 * range encoding and the stride is above the granule (SMMUv3 without RIL
 * strides a leaf invalidation by the gather's page size). */
void nb_model_range_stride(const struct nb_iommu *m, struct nb_inv_batch *b,
			   const struct nb_flush_req *req, const struct nb_inv_cmd *tmpl,
			   const struct nb_inv_cmd *whole, unsigned stride_lg2);

/* Device-TLB invalidation of every ATS device of domain d, with the
 * vendor's command (op), for the request's range or everything. */
void nb_model_devtlbs(const struct nb_iommu *m, struct nb_inv_batch *b, const struct nb_xdomain *d,
		      const struct nb_flush_req *req, enum nb_inv_op op);

/* AMD INVALIDATE_IOMMU_PAGES for one DomainID: GN=0 (host addresses) or
 * GN=1 with a PASID (guest addresses); the whole space when req->size 0.
 * PDE is always set, as build_inv_iommu_pages writes it. */
void nb_amd_pages(const struct nb_iommu *m, struct nb_inv_batch *b, uint32_t domid, bool guest,
		  uint32_t pasid, const struct nb_flush_req *req);

/* One command, then the driver waits (a context/STE/DTE invalidation). */
/* AMD device_flush_dte: INVALIDATE_DEVTAB_ENTRY, the whole device TLB when
 * the device has ATS, then the wait (drivers/iommu/amd/iommu.c). */
void nb_amd_dte_flush(struct nb_inv_batch *b, const struct nb_xdev *dev);

void nb_model_cmd_sync(struct nb_inv_batch *b, const struct nb_inv_cmd *c);

/* A whole-domain request. */
#define NB_FLUSH_ALL (&(const struct nb_flush_req){ .size = 0 })

#endif
