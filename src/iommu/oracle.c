// SPDX-License-Identifier: MIT
/*
 * The stale-translation oracle (DESIGN part 6): a cached entry is correct
 * iff re-walking the page tables through the context that filled it gives
 * what the entry says. After an invalidation completes, an incorrect entry
 * is a DMA-after-unmap hole. The same test, made at the moment a command
 * drops an entry, tells collateral (the entry was still correct) from
 * necessary invalidation.
 */
#include <errno.h>
#include <stdio.h>

#include "unit.h"
#include "walk/walk_core.h"

static bool walk_ctx(const struct nb_iommu *m, const struct nb_xctx *c, uint64_t addr,
		     uint64_t *oa, unsigned *lg2, unsigned *prot)
{
	if (c->kind == NB_XCTX_NESTED) {
		struct nb_walk_result r;

		nb_walk_nested(c->n, addr, 0, &r);
		*oa = r.oa;
		*lg2 = r.page_lg2;
		*prot = r.prot;
		return r.fault == NB_FAULT_NONE;
	} else {
		struct nb_walk_result w;

		nb_walk1(c->g, m->arena, c->root_pa, c->g->levels - 1, addr, 0, &w);
		*oa = w.oa;
		*lg2 = w.page_lg2;
		*prot = w.prot;
		return w.fault == NB_FAULT_NONE;
	}
}

/* A cached translation [addr, addr + 2^out_lg2) -> out is correct if every
 * page the tables map inside that span agrees with it. */
static bool xlate_ok(const struct nb_iommu *m, const struct nb_xctx *c,
		     const struct nb_cache_entry *e)
{
	uint64_t base = nb_cache_entry_addr(e), span = 1ull << e->out_lg2;

	for (uint64_t off = 0; off < span;) {
		uint64_t oa;
		unsigned lg2, prot;

		if (!walk_ctx(m, c, base + off, &oa, &lg2, &prot))
			return false;
		if (oa != e->out + off || prot != e->prot)
			return false;
		off += 1ull << (lg2 < e->out_lg2 ? lg2 : e->out_lg2);
	}
	return true;
}

/* The table an entry at `level` for ia points to, by the tables now
 * (translated to a PA for nested stage 1), or 0 if it is not a table. */
static uint64_t table_below(const struct nb_iommu *m, const struct nb_xctx *c, bool s2_of_nested,
			    uint64_t ia, int level)
{
	const struct nb_pt_geom *g;
	uint64_t table, d, next = 0;
	enum nb_fault fault;
	uint32_t refs = 0;
	bool nested = c->kind == NB_XCTX_NESTED && !s2_of_nested;

	if (c->kind == NB_XCTX_NESTED) {
		g = s2_of_nested ? c->n->s2 : c->n->s1;
		table = s2_of_nested ? c->n->s2_root_pa : c->n->s1_root_ipa;
	} else {
		g = c->g;
		table = c->root_pa;
	}
	for (int l = g->levels - 1; l >= level; l--) {
		if (nested) { /* stage-1 tables are IPAs: translate each one */
			struct nb_walk_result w;

			nbw_s2_plain((void *)c->n, table, NB_PROT_R, true, &w, NULL);
			if (w.fault)
				return 0;
			table = w.oa;
		}
		if (nbw_read(g, nbw_mem_of(m->arena), table, l, ia, &d, &next, &fault, &refs, NULL, 1,
			     false) != NBW_TABLE)
			return 0;
		table = next;
	}
	if (nested) {
		struct nb_walk_result w;

		nbw_s2_plain((void *)c->n, table, NB_PROT_R, true, &w, NULL);
		return w.fault ? 0 : w.oa;
	}
	return table;
}

bool nb_iommu_entry_still_valid(const struct nb_iommu *m, enum nb_cache_kind k,
				const struct nb_cache_entry *e)
{
	const struct nb_xctx *c = &m->ctx[e->ctx];

	if (!e->ctx || !c->live)
		return false;
	switch (k) {
	case NB_CACHE_IOTLB:
	case NB_CACHE_DEVTLB:
	case NB_CACHE_NESTED_TLB:
		return xlate_ok(m, c, e);
	case NB_CACHE_PWC_S1:
	case NB_CACHE_PWC_S2:
		/* a nested context's stage-2 walk cache entries are filled with
		 * the parent's (single-stage) context, so s2_of_nested is false */
		return table_below(m, c, false, nb_cache_entry_addr(e), e->level) == e->out;
	case NB_CACHE_CTX:
		return true;
	default:
		return false;
	}
}

/* Lazy mode allows an entry for an IOVA still in the flush queue: also a
 * walk-cache entry of a DMA-API stage-2 domain (its IOVAs are IPAs) that
 * points at a table the parked unmap removed, which is freed only with the
 * flush (as Linux frees page tables with the queue). A nest parent is always
 * strict, so nothing of a nested walk is ever parked. */
static bool allowed_stale(const struct nb_iommu *m, enum nb_cache_kind k,
			  const struct nb_cache_entry *e)
{
	const struct nb_xctx *c = &m->ctx[e->ctx];

	if (k == NB_CACHE_NESTED_TLB || k == NB_CACHE_CTX || !c->d)
		return false;
	return nb_fq_overlaps(m, c->d, nb_cache_entry_addr(e), 1);
}

struct oracle_visit {
	struct nb_iommu *m;
	enum nb_cache_kind k;
	uint64_t stale;
};

static bool oracle_visit(void *p, struct nb_cache *c, struct nb_cache_entry *e)
{
	struct oracle_visit *v = p;

	v->m->st.stale_checks++;
	if (nb_iommu_entry_still_valid(v->m, v->k, e) || allowed_stale(v->m, v->k, e))
		return false;
	if (!v->stale)
		nb_fail(EFAULT,
			"stale translation: %s entry tag %#x sub %#x sid %#x addr %#llx span 2^%u -> %#llx (model %s)",
			nb_cache_kind_name(v->k), nb_cache_entry_tag(e), nb_cache_entry_sub(e), e->sid,
			(unsigned long long)nb_cache_entry_addr(e), nb_cache_entry_span(e),
			(unsigned long long)e->out, v->m->model->name);
	v->stale++;
	return false; /* report, do not repair */
}

uint64_t nb_iommu_oracle_check(struct nb_iommu *m)
{
	struct oracle_visit v = { .m = m };

	for (int k = 0; k < NB_CACHE_KIND_COUNT; k++) {
		v.k = (enum nb_cache_kind)k;
		nb_unit_visit(m, v.k, false, 0, oracle_visit, &v);
	}
	m->st.stale_found += v.stale;
	return v.stale;
}
