// SPDX-License-Identifier: MIT
/*
 * What AMD-Vi's commands drop (AMD IOMMU spec 2.4.3-2.4.5). Entries carry
 * the DomainID of the device table entry they came from. GN=0 names host
 * (GPA) addresses: a host page-table change; guest (GVA -> SPA) entries of
 * that DomainID depend on the host table and are not indexed by GPA, so
 * they go too. GN=1 names guest addresses of one PASID. PDE=1 (our
 * !leaf) also drops the page-directory caches.
 */
#include "cmdset.h"

void nb_amd_effect(const struct nb_inv_cmd *c, struct nb_inv_effect *e)
{
	switch (c->op) {
	case NB_AMD_INV_IOMMU_ALL:
		e->caches = NB_ALL_CACHES & ~(1u << NB_CACHE_DEVTLB);
		break;
	case NB_AMD_INV_IOMMU_PAGES:
		e->caches = NB_TRANSLATION_CACHES;
		e->match_tag = true;
		e->tag = c->tag;
		e->leaf_only = c->leaf;
		if (c->global) { /* GN=1: guest addresses of one PASID */
			e->match_sub = true;
			e->sub = c->sub;
			nb_effect_range(e, c, NB_SPACE_IOVA);
		} else {
			/* host change: the domain's guest entries cannot be found by GPA */
			nb_effect_range(e, c, NB_SPACE_IPA);
			e->other_space_all = true;
		}
		break;
	case NB_AMD_INV_IOTLB_PAGES:
		e->caches = 1u << NB_CACHE_DEVTLB;
		e->match_sid = true;
		e->sid = c->sid;
		nb_effect_range(e, c, NB_SPACE_ANY);
		break;
	case NB_AMD_INV_DEVTAB_ENTRY:
		e->caches = 1u << NB_CACHE_CTX;
		e->match_sid = true;
		e->sid = c->sid;
		break;
	default: /* COMPLETION_WAIT */
		break;
	}
}
