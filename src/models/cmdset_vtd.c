// SPDX-License-Identifier: MIT
/*
 * What Intel VT-d's invalidation descriptors drop (VT-d spec 6.5.2). Every
 * cached entry carries the DID of the PASID/context entry it came from;
 * in nested mode that is the nested domain's DID for the stage-1, stage-2
 * and combined entries alike, so a DID-scoped command cannot tell them
 * apart. A page-selective command names first-stage input addresses
 * (IOVAs); the stage-2 paging-structure entries a nested DID caches are
 * not indexed by IOVA and go with it (spec 6.5.2.3, nested note).
 */
#include "cmdset.h"

void nb_vtd_effect(const struct nb_inv_cmd *c, struct nb_inv_effect *e)
{
	switch (c->op) {
	case NB_VTD_IOTLB_GLOBAL:
		e->caches = NB_TRANSLATION_CACHES;
		break;
	case NB_VTD_IOTLB_DSI:
		e->caches = NB_TRANSLATION_CACHES;
		e->match_tag = true;
		e->tag = c->tag;
		break;
	case NB_VTD_IOTLB_PSI:
	case NB_VTD_PIOTLB_PSI:
		e->caches = NB_TRANSLATION_CACHES;
		e->match_tag = true;
		e->tag = c->tag;
		e->match_sub = c->op == NB_VTD_PIOTLB_PSI;
		e->sub = c->sub;
		e->leaf_only = c->leaf; /* IH: no paging-structure change */
		nb_effect_range(e, c, NB_SPACE_IOVA);
		e->other_space_all = !c->leaf; /* nested DIDs: their stage-2 entries */
		break;
	case NB_VTD_PIOTLB_PASID:
		e->caches = NB_TRANSLATION_CACHES;
		e->match_tag = true;
		e->tag = c->tag;
		e->match_sub = true;
		e->sub = c->sub;
		break;
	case NB_VTD_DEVTLB:
		e->caches = 1u << NB_CACHE_DEVTLB;
		e->match_sid = true;
		e->sid = c->sid;
		nb_effect_range(e, c, NB_SPACE_ANY);
		break;
	case NB_VTD_CC_INV:
	case NB_VTD_PC_INV:
		e->caches = 1u << NB_CACHE_CTX;
		e->match_sid = c->sid != 0;
		e->sid = c->sid;
		break;
	default: /* WAIT: no effect on caches */
		break;
	}
}
