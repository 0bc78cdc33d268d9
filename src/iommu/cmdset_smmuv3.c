// SPDX-License-Identifier: MIT
/*
 * What ARM SMMUv3's commands drop (SMMUv3 spec 4.4, 4.5). Stage-1 and
 * combined entries carry VMID + ASID; stage-2-only entries (and the
 * stage-2 walk cache) carry the VMID alone. TLBI_S2_IPA finds stage-2
 * entries by IPA and nothing else: combined stage-1+2 entries of the VMID
 * are not indexed by IPA, so a stage-2 change also needs TLBI_NH_ALL (or
 * TLBI_S12_VMALL) for them.
 */
#include "cmdset.h"

#define S1_CACHES NB_CACHES(NB_CACHE_IOTLB, NB_CACHE_PWC_S1)
#define S2_CACHES NB_CACHES(NB_CACHE_IOTLB, NB_CACHE_NESTED_TLB, NB_CACHE_PWC_S2)

void nb_smmuv3_effect(const struct nb_inv_cmd *c, struct nb_inv_effect *e)
{
	switch (c->op) {
	case NB_SMMU_TLBI_NH_ALL:
		e->caches = S1_CACHES;
		e->match_tag = true;
		e->tag = c->tag;
		e->only_s1 = true;
		break;
	case NB_SMMU_TLBI_NH_ASID:
	case NB_SMMU_TLBI_NH_VA:
		e->caches = S1_CACHES;
		e->match_tag = e->match_sub = true;
		e->tag = c->tag;
		e->sub = c->sub;
		if (c->op == NB_SMMU_TLBI_NH_VA) {
			e->leaf_only = c->leaf;
			nb_effect_range(e, c, NB_SPACE_IOVA);
		}
		break;
	case NB_SMMU_TLBI_S2_IPA:
		e->caches = S2_CACHES;
		e->match_tag = true;
		e->tag = c->tag;
		e->only_s2 = true;
		e->leaf_only = c->leaf;
		nb_effect_range(e, c, NB_SPACE_IPA);
		break;
	case NB_SMMU_TLBI_S12_VMALL:
		e->caches = NB_TRANSLATION_CACHES;
		e->match_tag = true;
		e->tag = c->tag;
		break;
	case NB_SMMU_TLBI_NSNH_ALL:
		e->caches = NB_TRANSLATION_CACHES;
		break;
	case NB_SMMU_ATC_INV:
		e->caches = 1u << NB_CACHE_DEVTLB;
		e->match_sid = true;
		e->sid = c->sid;
		nb_effect_range(e, c, NB_SPACE_ANY);
		break;
	case NB_SMMU_CFGI_STE:
	case NB_SMMU_CFGI_CD:
		e->caches = 1u << NB_CACHE_CTX;
		e->match_sid = true;
		e->sid = c->sid;
		break;
	default: /* CMD_SYNC */
		break;
	}
}
