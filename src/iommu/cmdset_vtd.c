// SPDX-License-Identifier: MIT
/*
 * What Intel VT-d's invalidation descriptors drop (VT-d spec 6.5.2). Every
 * cached entry carries the DID of the PASID/context entry it came from;
 * in nested mode that is the nested domain's DID for the stage-1, stage-2
 * and combined entries alike, so a DID-scoped command cannot tell them
 * apart by tag, only by what their address means.
 *   IOTLB_PSI names second-stage input addresses (IPAs, or the DMA address
 *     of a second-stage-only attachment): the DID's second-stage entries
 *     in the range go; its first-stage and combined (nested) entries are
 *     not indexed by IPA and all go, whatever IH says (spec 6.5.2.3: a
 *     page-selective invalidation on a nested DID implicitly invalidates
 *     its first-stage and nested mappings). This is what Linux relies on
 *     when it sends the IPA range to NESTING_IOTLB tags (cache.c).
 *   PIOTLB_PSI names first-stage input addresses (IOVAs) of one PASID; a
 *     paging-structure change (IH=0) takes the DID's stage-2 structures too.
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
		e->caches = NB_TRANSLATION_CACHES;
		e->match_tag = true;
		e->tag = c->tag;
		e->leaf_only = c->leaf; /* IH: no paging-structure change */
		nb_effect_range(e, c, NB_SPACE_IPA);
		e->other_space_all = true; /* a nested DID's first-stage/combined entries */
		break;
	case NB_VTD_PIOTLB_PSI:
		e->caches = NB_TRANSLATION_CACHES;
		e->match_tag = true;
		e->tag = c->tag;
		e->match_sub = true;
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
	case NB_VTD_PASID_DEVTLB: /* PASID-tagged ATC entries are not told apart: a superset */
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
