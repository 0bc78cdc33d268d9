/* SPDX-License-Identifier: MIT */
/*
 * A broken tag model for tests that must see the oracle catch something:
 * VT-d whose stage-2 flush names the parent's own DID only and forgets the
 * nested domains' DIDs (their cached translations of the page stay stale).
 */
#ifndef NB_TEST_FORGETFUL_VTD_H
#define NB_TEST_FORGETFUL_VTD_H

#include "models/vtd.h"

extern const struct nb_tag_model nb_model_vtd;

static inline int nb_test_forgetful_flush(struct nb_iommu *m, struct nb_xdomain *d,
					  const struct nb_flush_req *req, struct nb_inv_batch *b)
{
	struct nb_inv_cmd t = { .op = NB_VTD_IOTLB_PSI, .tag = nb_dom_id(d, NB_ID_TAG) };
	struct nb_inv_cmd whole = { .op = NB_VTD_IOTLB_DSI, .tag = nb_dom_id(d, NB_ID_TAG) };

	nb_model_range(m, b, req, &t, &whole);
	return 0;
}

/* vtd with the forgetful flush, named "vtd_forgetful". */
static inline struct nb_tag_model nb_test_forgetful_vtd(void)
{
	struct nb_tag_model broken = nb_model_vtd;

	broken.name = "vtd_forgetful";
	broken.flush = nb_test_forgetful_flush;
	return broken;
}

#endif
