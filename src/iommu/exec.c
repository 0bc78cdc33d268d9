// SPDX-License-Identifier: MIT
/*
 * Executing a command: its effect (what the vendor's hardware drops for it)
 * applied to every cache structure; entries dropped although the page
 * tables still say the same thing are counted as collateral, and their keys
 * remembered so that a later miss on them counts as a refill miss.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util/mutant.h"

/* Which address spaces an entry's key belongs to. A command's range names
 * either input addresses of the tag's translation (IOVA: IOTLB, device
 * TLB, stage-1 walk cache) or IPAs (the stage-2 structures). Entries of a
 * stage-2-only attachment (IOTLB, device TLB, stage-2 walk cache) are both:
 * their input address is the DMA address and an IPA, so a page-selective
 * command finds them by address instead of dropping them all. */
/* A final translation made by a stage-2-only attachment (its tags may not
 * say so: the replay's qemu_keys put a source id in sub). */
static bool s2_only(const struct nb_iommu *m, const struct nb_cache_entry *x)
{
	const struct nb_xctx *c = &m->ctx[x->ctx];

	return nb_cache_entry_sub(x) == NB_SUB_S2 ||
	       (x->ctx && c->live && c->kind == NB_XCTX_SINGLE && c->d && c->d->kind == NB_XD_S2);
}

static unsigned spaces_of(const struct nb_iommu *m, enum nb_cache_kind k,
			  const struct nb_cache_entry *x)
{
	unsigned s = 0;

	if (k == NB_CACHE_IOTLB || k == NB_CACHE_DEVTLB || k == NB_CACHE_PWC_S1 ||
	    (k == NB_CACHE_PWC_S2 && x->direct))
		s |= 1u << NB_SPACE_IOVA;
	if (k == NB_CACHE_NESTED_TLB || k == NB_CACHE_PWC_S2 ||
	    ((k == NB_CACHE_IOTLB || k == NB_CACHE_DEVTLB) && s2_only(m, x)))
		s |= 1u << NB_SPACE_IPA;
	return s;
}

static bool effect_hits(const struct nb_iommu *m, const struct nb_inv_effect *e,
			enum nb_cache_kind k, const struct nb_cache_entry *x)
{
	uint32_t sub = nb_cache_entry_sub(x);

	if (e->match_tag && nb_cache_entry_tag(x) != e->tag && !(e->tag_or_tag2 && x->tag2 == e->tag))
		return false;
	if (e->match_sub && sub != e->sub)
		return false;
	if ((e->only_s1 && sub == NB_SUB_S2) || (e->only_s2 && sub != NB_SUB_S2))
		return false;
	if (e->match_sid && x->sid != e->sid)
		return false;
	bool spared = e->leaf_only && (k == NB_CACHE_PWC_S1 || k == NB_CACHE_PWC_S2);

	if (nb_mutant(NB_MUT_EXEC_IH)) spared = e->ranged && (k == NB_CACHE_PWC_S1 || k == NB_CACHE_PWC_S2);

	if (e->ranged) {
		uint64_t a = nb_cache_entry_addr(x), last = a + (1ull << nb_cache_entry_span(x)) - 1;

		if (e->space == NB_SPACE_ANY || (spaces_of(m, k, x) & (1u << e->space)))
			return !spared && a <= e->last && e->first <= last;
		/* Entries of the other space go whole, walk caches included: a
		 * nested walk's stage-1 walk-cache entry holds the stage-2
		 * translation of a table address, which a leaf-only stage-2
		 * change (IH / PDE=0) changes too. */
		return e->other_space_all;
	}
	return !spared;
}

struct exec_visit {
	struct nb_iommu *m;
	const struct nb_inv_effect *e;
	enum nb_cache_kind k;
	uint64_t hit;
};

static bool visit(void *p, struct nb_cache *c, struct nb_cache_entry *x)
{
	struct exec_visit *v = p;

	if (!effect_hits(v->m, v->e, v->k, x))
		return false;
	v->hit++;
	if (nb_iommu_entry_still_valid(v->m, v->k, x)) {
		v->m->st.collateral++;
		c->st.collateral++;
		nb_iommu_refill_note(v->m, v->k, x);
	}
	return true;
}

void nb_iommu_exec(struct nb_iommu *m, const struct nb_inv_cmd *c)
{
	struct nb_inv_effect e;
	struct exec_visit v = { .m = m, .e = &e };

	memset(&e, 0, sizeof(e));
	if (m->model->effect)
		m->model->effect(m, c, &e);
	else
		nb_vendor_effect(c, &e);
	if (nb_mutant(NB_MUT_NESTED_TLB)) e.caches &= ~(1u << NB_CACHE_NESTED_TLB);
	for (int k = 0; k < NB_CACHE_KIND_COUNT; k++) {
		if (!(e.caches & (1u << k)))
			continue;
		v.k = (enum nb_cache_kind)k;
		/* a device-TLB command names one requester: only its TLB */
		nb_unit_visit(m, v.k, e.match_sid, e.sid, visit, &v);
	}
	m->st.entries_invalidated += v.hit;
}

/* ---- refill accounting: a small direct-mapped set of dropped keys ---- */

static uint32_t refill_slot(uint64_t k_addr, uint64_t k_tags)
{
	uint64_t h = (k_addr ^ (k_tags * 0xc2b2ae3d27d4eb4full)) * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 40) % NB_REFILL_SLOTS;
}

static uint64_t refill_key(uint64_t k_addr, uint64_t k_tags)
{
	return (k_addr ^ (k_tags * 0xff51afd7ed558ccdull)) | 1;
}

void nb_iommu_refill_note(struct nb_iommu *m, enum nb_cache_kind k, const struct nb_cache_entry *e)
{
	if (k != NB_CACHE_IOTLB)
		return;
	m->refill_key[refill_slot(e->k_addr, e->k_tags)] = refill_key(e->k_addr, e->k_tags);
}

bool nb_iommu_refill_check(struct nb_iommu *m, uint64_t k_addr, uint64_t k_tags)
{
	uint32_t s = refill_slot(k_addr, k_tags);

	if (m->refill_key[s] != refill_key(k_addr, k_tags))
		return false;
	m->refill_key[s] = 0;
	return true;
}
