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

/* How an effect takes an entry: not at all, by its range (or, unranged,
 * by its tags), or whole as an entry of the other space. */
enum hit_how { HIT_NONE, HIT_RANGE, HIT_WHOLE };

static enum hit_how effect_hits(const struct nb_iommu *m, const struct nb_inv_effect *e,
				enum nb_cache_kind k, const struct nb_cache_entry *x)
{
	uint32_t sub = nb_cache_entry_sub(x);

	if (e->match_tag && nb_cache_entry_tag(x) != e->tag && !(e->tag_or_tag2 && x->tag2 == e->tag))
		return HIT_NONE;
	if (e->match_sub && sub != e->sub)
		return HIT_NONE;
	if ((e->only_s1 && sub == NB_SUB_S2) || (e->only_s2 && sub != NB_SUB_S2))
		return HIT_NONE;
	if (e->match_sid && x->sid != e->sid)
		return HIT_NONE;
	bool spared = e->leaf_only && (k == NB_CACHE_PWC_S1 || k == NB_CACHE_PWC_S2);

	if (nb_mutant(NB_MUT_EXEC_IH)) spared = e->ranged && (k == NB_CACHE_PWC_S1 || k == NB_CACHE_PWC_S2);

	if (e->ranged) {
		uint64_t a = nb_cache_entry_addr(x), last = a + (1ull << nb_cache_entry_span(x)) - 1;

		if (e->space == NB_SPACE_ANY || (spaces_of(m, k, x) & (1u << e->space)))
			return !spared && a <= e->last && e->first <= last ? HIT_RANGE : HIT_NONE;
		/* Entries of the other space go whole, walk caches included: a
		 * nested walk's stage-1 walk-cache entry holds the stage-2
		 * translation of a table address, which a leaf-only stage-2
		 * change (IH / PDE=0) changes too. */
		return e->other_space_all ? HIT_WHOLE : HIT_NONE;
	}
	return spared ? HIT_NONE : HIT_RANGE;
}

struct exec_visit {
	struct nb_iommu *m;
	const struct nb_exec_pending *pend; /* the effect and the commands merged in it */
	enum nb_cache_kind k;
	uint64_t hit;
	uint32_t nnotes;
};

/* The merged command that alone would have taken an entry at a (taken by
 * range): the last one starting at or below max(a, first). */
static uint32_t cmd_of(const struct nb_exec_pending *p, uint64_t a)
{
	uint32_t lo = 0, hi = p->n; /* first[lo] <= a < first[hi] */

	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (p->first[mid] <= a)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* An entry the effect takes: counted, and noted if it was still valid. Out
 * of line: most entries a command's visit sees are not taken, and their
 * test (visit, inlined in the cache's loop by nb_unit_visit) stays small. */
static __attribute__((noinline)) bool taken(struct exec_visit *v, struct nb_cache *c, struct nb_cache_entry *x,
					    enum hit_how how)
{
	v->hit++;
	if (nb_iommu_entry_still_valid(v->m, v->k, x)) {
		v->m->st.collateral++;
		c->st.collateral++;
		if (v->pend->n == 1 || v->k != NB_CACHE_IOTLB)
			nb_iommu_refill_note(v->m, v->k, x);
		else /* noted after the visit, in the one-by-one order */
			v->m->notes[v->nnotes++] = (struct nb_exec_note){
				.cmd = how == HIT_WHOLE ? 0 : cmd_of(v->pend, nb_cache_entry_addr(x)),
				.way = (uint32_t)(x - c->e),
			};
	}
	return true;
}

static bool visit(void *p, struct nb_cache *c, struct nb_cache_entry *x)
{
	struct exec_visit *v = p;
	enum hit_how how = effect_hits(v->m, &v->pend->e, v->k, x);

	return how != HIT_NONE && taken(v, c, x, how);
}

static int cmp_note(const void *a, const void *b)
{
	const struct nb_exec_note *x = a, *y = b;

	if (x->cmd != y->cmd)
		return x->cmd < y->cmd ? -1 : 1;
	return x->way < y->way ? -1 : x->way > y->way;
}

/* The pending effect, on every structure it names. */
void nb_iommu_exec_settle(struct nb_iommu *m)
{
	struct exec_visit v = { .m = m, .pend = &m->pend };
	const struct nb_inv_effect *e = &m->pend.e;

	if (!m->pend.n)
		return;
	for (int k = 0; k < NB_CACHE_KIND_COUNT; k++) {
		if (!(e->caches & (1u << k)))
			continue;
		v.k = (enum nb_cache_kind)k;
		/* a device-TLB command names one requester: only its TLB */
		nb_unit_visit(m, v.k, e->match_sid, e->sid, visit, &v);
	}
	if (v.nnotes) {
		qsort(m->notes, v.nnotes, sizeof(*m->notes), cmp_note);
		for (uint32_t i = 0; i < v.nnotes; i++)
			nb_iommu_refill_note(m, NB_CACHE_IOTLB, &m->c[NB_CACHE_IOTLB].e[m->notes[i].way]);
	}
	m->st.entries_invalidated += v.hit;
	m->pend.n = 0;
}

/* e takes what the pending effect takes over the range right after it. */
static bool continues(const struct nb_iommu *m, const struct nb_inv_effect *e)
{
	const struct nb_exec_pending *p = &m->pend;
	const struct nb_inv_effect *q = &p->e;

	return p->n && p->n < NB_EXEC_MERGE && m->notes && q->ranged && e->ranged &&
	       q->last != UINT64_MAX && e->first == q->last + 1 && e->last >= e->first &&
	       e->caches == q->caches && e->match_tag == q->match_tag && e->tag_or_tag2 == q->tag_or_tag2 &&
	       e->match_sub == q->match_sub && e->only_s1 == q->only_s1 && e->only_s2 == q->only_s2 &&
	       e->match_sid == q->match_sid && e->tag == q->tag && e->sub == q->sub && e->sid == q->sid &&
	       e->space == q->space && e->leaf_only == q->leaf_only && e->other_space_all == q->other_space_all;
}

void nb_iommu_exec(struct nb_iommu *m, const struct nb_inv_cmd *c)
{
	struct nb_inv_effect e;

	memset(&e, 0, sizeof(e));
	if (m->model->effect)
		m->model->effect(m, c, &e);
	else
		nb_vendor_effect(c, &e);
	if (nb_mutant(NB_MUT_NESTED_TLB)) e.caches &= ~(1u << NB_CACHE_NESTED_TLB);
	if (continues(m, &e)) {
		m->pend.first[m->pend.n++] = e.first;
		m->pend.e.last = e.last;
		return;
	}
	nb_iommu_exec_settle(m);
	m->pend.e = e;
	m->pend.first[0] = e.first;
	m->pend.n = 1;
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
