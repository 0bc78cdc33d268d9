/* SPDX-License-Identifier: MIT */
/* Internal: the VT-d tag model's pieces that variants of it reuse. */
#ifndef NB_SRC_MODELS_VTD_H
#define NB_SRC_MODELS_VTD_H

#include "model_util.h"

int nb_vtd_domain_init(struct nb_iommu *m, struct nb_xdomain *d);
int nb_vtd_attach(struct nb_iommu *m, struct nb_xdev *dev);
void nb_vtd_detach(struct nb_iommu *m, struct nb_xdev *dev);
struct nb_tags nb_vtd_dev_tags(const struct nb_iommu *m, const struct nb_xdev *dev);
struct nb_tags nb_vtd_s2_tags(const struct nb_iommu *m, const struct nb_xdev *dev);
/* The whole VT-d flush: d's own DID, then every nested DID on it. */
int nb_vtd_flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req);
/* Flush domain d's own DID (and its devices' TLBs) for req. */
void nb_vtd_flush_own(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req);

/* The fields every VT-d tag model shares with `vtd` (tags by DID). */
#define NB_VTD_MODEL_COMMON                                                  \
	.vendor = NB_VENDOR_VTD, .domain_init = nb_vtd_domain_init,          \
	.attach = nb_vtd_attach, .detach = nb_vtd_detach,                    \
	.dev_tags = nb_vtd_dev_tags, .s2_tags = nb_vtd_s2_tags

#endif
