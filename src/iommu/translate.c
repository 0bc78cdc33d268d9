// SPDX-License-Identifier: MIT
/*
 * The cached data path: context cache, device TLB, IOTLB, then a walk that
 * starts as deep as the walk caches allow, its stage-2 lookups served by
 * the nested TLB and the stage-2 walk cache. The walk itself is the one
 * walker (walk/walk_core.h) with fill hooks; references are counted there.
 * Each DMA's modelled time is added up on the way (nestbench/timing.h):
 * a lookup per structure consulted, a memory read per entry read, at the
 * LLC's or DRAM's latency.
 */
#include "unit.h"
#include "walk/walk_core.h"

/* Context entries read on a context-cache miss (root/context/PASID entry,
 * DTE/GCR3, STE/CD: two reads in every vendor's common configuration). */
#define CTX_MISS_REFS 2
/* Where the timing model places those reads: the context tables are not in
 * the simulated memory, so these addresses (above any arena) only give the
 * LLC model one line per bus (root table) and per requester (context table),
 * as VT-d lays them out (16-byte root entries, 32-byte context entries). */
#define CTX_ROOT_PA (1ull << 60)
#define CTX_ENTRY_PA (CTX_ROOT_PA | (1ull << 40))

/* One page-table or context read in the timing model. */
static void mem_read(struct nb_iommu *m, struct nb_dma_result *r, uint64_t pa)
{
	if (nb_llc_read(&m->llc, pa)) {
		r->mem_llc++;
		r->model_ns += m->p.mem_llc_ns;
	} else {
		r->mem_dram++;
		r->model_ns += m->p.mem_dram_ns;
	}
}

/* One lookup of a structure, hit or miss (an absent one is not consulted). */
static void lookup_time(struct nb_dma_result *r, const struct nb_cache *c)
{
	if (c->sets)
		r->model_ns += c->p.lookup_ns;
}

/* The walker's tracer: every descriptor read of the DMA's walk. */
struct xlate_clock {
	struct nb_iommu *m;
	struct nb_dma_result *r;
};

static void walk_read(void *user, const struct nb_walk_step *s)
{
	struct xlate_clock *c = user;

	mem_read(c->m, c->r, s->table_pa + s->index * 8);
}

struct fill_ctx {
	struct nb_iommu *m;
	struct nb_dma_result *r;
	struct nb_cache *pwc;
	uint64_t k_tags;
	uint16_t ctx;
	const struct nb_pt_geom *g;
	uint32_t hits;
	uint32_t tag2; /* nested stage-1 entries: the stage-2 owner's tag (their tables' PAs depend on it) */
	bool direct;   /* filling for a stage-2-only attachment (see nb_cache_entry.direct) */
};

static void pwc_fill(void *p, int level, uint64_t ia, uint64_t table_pa)
{
	struct fill_ctx *f = p;
	struct nb_cache_entry *e;

	if (!(f->pwc->p.levels & (1u << level)))
		return;
	e = nb_cache_fill(f->pwc, nb_cache_k_addr(ia, f->g->lv[level].shift), f->k_tags, 0,
			  (uint8_t)level);
	if (e) {
		e->out = table_pa;
		e->ctx = f->ctx;
		e->tag2 = f->tag2;
		e->direct = f->direct;
	}
}

/* The deepest walk-cache hit: the level to start at and its table, or the
 * root (returns levels - 1 and *table unchanged). One lookup in the timing
 * model (the structure answers for every level at once). */
static int pwc_probe(struct fill_ctx *f, uint64_t ia, uint64_t *table, bool *is_pa)
{
	const struct nb_pt_geom *g = f->g;
	const int stage = f->pwc->kind == NB_CACHE_PWC_S2;

	if (f->pwc->p.levels)
		lookup_time(f->r, f->pwc);
	for (int l = 1; l < g->levels; l++) {
		struct nb_cache_entry *e;

		if (!(f->pwc->p.levels & (1u << l)))
			continue;
		e = nb_cache_probe(f->pwc, ia, g->lv[l].shift, f->k_tags, 0, (uint8_t)l);
		if (e) {
			*table = e->out;
			*is_pa = true;
			f->hits++;
			if (l < NB_PWC_LEVELS)
				f->m->st.pwc_hit_level[stage][l]++;
			return l - 1;
		}
	}
	return g->levels - 1;
}

/* Stage-2 translation for nested walks: nested TLB, then S2 walk cache. */
struct s2_ctx {
	struct nb_iommu *m;
	const struct nb_nest_ctx *n;
	struct fill_ctx pwc;
	uint64_t k_tags;
	uint64_t pgsizes;
};

static void s2_cached(void *p, uint64_t ipa, unsigned access, bool for_s1, struct nb_walk_result *w,
		      const struct nb_walk_tracer *t)
{
	struct s2_ctx *s = p;
	struct nb_cache *ntlb = &s->m->c[NB_CACHE_NESTED_TLB];
	uint64_t table = s->n->s2_root_pa;
	bool is_pa;
	int level;

	lookup_time(s->pwc.r, ntlb);
	for (uint64_t bm = s->pgsizes; bm; bm &= bm - 1) {
		unsigned lg2 = (unsigned)__builtin_ctzll(bm);
		struct nb_cache_entry *e = nb_cache_probe(ntlb, ipa, lg2, s->k_tags, 0, 0);

		if (e) {
			w->oa = e->out | (ipa & ((1ull << lg2) - 1));
			w->desc = 0; /* no descriptor read */
			w->page_lg2 = e->out_lg2;
			w->prot = e->prot;
			w->refs = 0;
			w->level = 0;
			w->fault = (access & ~e->prot) ? NB_FAULT_PERM : NB_FAULT_NONE;
			w->fault_stage = w->fault ? 2 : 0;
			return;
		}
	}
	level = pwc_probe(&s->pwc, ipa, &table, &is_pa);
	nbw_stage(&(const struct nbw_cursor){ .g = s->n->s2, .m = nbw_mem_of(s->n->arena), .ia = ipa,
					      .access = access, .table = table, .level = level, .stage = 2,
					      .for_s1 = for_s1, .full_prot = true, .t = t,
					      .fill = pwc_fill, .fctx = &s->pwc },
		  w);
	if (w->fault == NB_FAULT_NONE) {
		struct nb_cache_entry *e = nb_cache_fill(ntlb, nb_cache_k_addr(ipa, w->page_lg2),
							 s->k_tags, 0, 0);

		if (e) {
			e->out = nb_align_down(w->oa, w->page_lg2);
			e->out_lg2 = w->page_lg2;
			e->prot = w->prot;
			e->ctx = s->pwc.ctx;
		}
	}
}

static bool tlb_hit(struct nb_cache *c, uint64_t pgsizes, uint64_t iova, uint64_t k_tags,
		    uint32_t sid, struct nb_dma_result *r)
{
	for (uint64_t bm = pgsizes; bm; bm &= bm - 1) {
		unsigned lg2 = (unsigned)__builtin_ctzll(bm);
		struct nb_cache_entry *e = nb_cache_probe(c, iova, lg2, k_tags, sid, 0);

		if (e) {
			r->pa = e->out | (iova & ((1ull << lg2) - 1));
			r->page_lg2 = e->out_lg2;
			r->prot = e->prot;
			return true;
		}
	}
	return false;
}

static void tlb_fill(struct nb_cache *c, uint64_t iova, const struct nb_dma_result *r,
		     const struct nb_tags *t, uint32_t sid, uint16_t ctx)
{
	struct nb_cache_entry *e;

	if (!(c->p.page_sizes & (1ull << r->page_lg2)))
		return; /* this structure does not hold pages of that size */
	e = nb_cache_fill(c, nb_cache_k_addr(iova, r->page_lg2), nb_cache_k_tags(t->tag, t->sub), sid, 0);
	if (e) {
		e->out = nb_align_down(r->pa, r->page_lg2);
		e->out_lg2 = r->page_lg2;
		e->prot = r->prot;
		e->tag2 = t->tag2;
		e->ctx = ctx;
	}
}

static void walk_nested(struct nb_iommu *m, struct nb_xdev *dev, uint64_t iova, unsigned access,
			struct nb_dma_result *r)
{
	struct nb_xdomain *d = dev->dom;
	const struct nb_nest_ctx *n = &d->nest->ctx;
	struct xlate_clock clock = { m, r };
	const struct nb_walk_tracer tr = { .step = walk_read, .user = &clock };
	struct s2_ctx s2 = {
		.m = m, .n = n,
		.pwc = { .m = m, .r = r, .pwc = &m->c[NB_CACHE_PWC_S2], .g = n->s2, .ctx = d->ctx_s2,
			 .k_tags = nb_cache_k_tags(dev->s2tags.tag, dev->s2tags.sub), .tag2 = NB_NO_TAG },
		.k_tags = nb_cache_k_tags(dev->s2tags.tag, dev->s2tags.sub),
		.pgsizes = d->parent->pt->pgsize_bitmap,
	};
	struct fill_ctx s1 = { .m = m, .r = r, .pwc = &m->c[NB_CACHE_PWC_S1], .g = n->s1, .ctx = d->ctx,
			       .k_tags = nb_cache_k_tags(dev->tags.tag, dev->tags.sub), .tag2 = dev->tags.tag2 };
	struct nb_walk_result w = { 0 };
	uint64_t table = n->s1_root_ipa;
	bool is_pa = false;
	int level = pwc_probe(&s1, iova, &table, &is_pa);

	r->pwc_s1_level = is_pa ? (uint8_t)level : 0xff;
	nbw_nested(&(const struct nbw_cursor){ .n = n, .ia = iova, .access = access, .level = level,
					       .table = table, .table_is_pa = is_pa, .t = &tr,
					       .s2 = s2_cached, .s2ctx = &s2, .fill = pwc_fill, .fctx = &s1 },
		   &w);
	r->pa = w.oa;
	r->page_lg2 = w.page_lg2;
	r->prot = w.prot;
	r->fault = w.fault;
	r->fault_stage = w.fault_stage;
	r->refs += w.refs;
}

static void walk_single(struct nb_iommu *m, struct nb_xdev *dev, uint64_t iova, unsigned access,
			struct nb_dma_result *r)
{
	struct nb_xdomain *d = dev->dom;
	struct nb_domain *pt = d->pt;
	struct xlate_clock clock = { m, r };
	const struct nb_walk_tracer tr = { .step = walk_read, .user = &clock };
	struct fill_ctx f = { .m = m, .r = r, .pwc = &m->c[d->kind == NB_XD_S2 ? NB_CACHE_PWC_S2 : NB_CACHE_PWC_S1],
			      .g = &pt->geom, .ctx = d->ctx,
			      .k_tags = nb_cache_k_tags(dev->tags.tag, dev->tags.sub), .tag2 = NB_NO_TAG,
			      .direct = d->kind == NB_XD_S2 };
	uint64_t table = pt->root_pa;
	bool is_pa = false;
	int level = pwc_probe(&f, iova, &table, &is_pa);
	struct nb_walk_result w = { 0 };

	r->pwc_s1_level = is_pa ? (uint8_t)level : 0xff;
	nbw_stage(&(const struct nbw_cursor){ .g = &pt->geom, .m = nbw_mem_of(m->arena), .ia = iova,
					      .access = access, .table = table, .level = level, .stage = 1,
					      .full_prot = true, .t = &tr, .fill = pwc_fill, .fctx = &f },
		  &w);
	r->pa = w.oa;
	r->page_lg2 = w.page_lg2;
	r->prot = w.prot;
	r->fault = w.fault;
	r->fault_stage = w.fault_stage;
	r->refs += w.refs;
}

static void ctx_lookup(struct nb_iommu *m, struct nb_xdev *dev, struct nb_dma_result *r)
{
	struct nb_cache *c = &m->c[NB_CACHE_CTX];
	uint64_t k_tags = nb_cache_k_tags(dev->sid, dev->pasid);
	struct nb_cache_entry *e;

	lookup_time(r, c);
	e = nb_cache_lookup(c, nb_cache_k_addr(0, 12), k_tags, dev->sid, 0);
	if (e) {
		r->ctx_hit = true;
		return;
	}
	r->refs += CTX_MISS_REFS;
	mem_read(m, r, CTX_ROOT_PA + (uint64_t)(dev->sid >> 8) * 16);
	mem_read(m, r, CTX_ENTRY_PA + (uint64_t)dev->sid * 32);
	e = nb_cache_fill(c, nb_cache_k_addr(0, 12), k_tags, dev->sid, 0);
	if (e)
		e->ctx = dev->dom->ctx;
}

/* The DMA's modelled time and reads into the IOMMU's totals. */
static void account(struct nb_iommu *m, const struct nb_dma_result *r)
{
	m->st.xlate_ns += r->model_ns;
	m->st.mem_llc += r->mem_llc;
	m->st.mem_dram += r->mem_dram;
}

void nb_iommu_dma(struct nb_iommu *m, struct nb_xdev *dev, uint64_t iova, unsigned access,
		  struct nb_dma_result *r)
{
	uint64_t pgsizes = m->p.iotlb.page_sizes;
	uint64_t k_tags = nb_cache_k_tags(dev->tags.tag, dev->tags.sub);

	*r = (struct nb_dma_result){ .pwc_s1_level = 0xff };
	m->st.dmas++;
	if (dev->ats) {
		lookup_time(r, &dev->devtlb);
		if (tlb_hit(&dev->devtlb, pgsizes, iova, k_tags, dev->sid, r)) {
			r->devtlb_hit = true;
			goto check;
		}
	}
	ctx_lookup(m, dev, r);
	lookup_time(r, &m->c[NB_CACHE_IOTLB]);
	if (tlb_hit(&m->c[NB_CACHE_IOTLB], pgsizes, iova, k_tags, 0, r)) {
		r->iotlb_hit = true;
	} else {
		if (dev->dom->kind == NB_XD_NESTED)
			walk_nested(m, dev, iova, access, r);
		else
			walk_single(m, dev, iova, access, r);
		if (r->fault && r->fault != NB_FAULT_PERM) {
			m->st.faults++;
			account(m, r);
			return;
		}
		if (nb_iommu_refill_check(m, nb_cache_k_addr(iova, r->page_lg2), k_tags))
			m->st.refill_misses++;
		tlb_fill(&m->c[NB_CACHE_IOTLB], iova, r, &dev->tags, 0, dev->dom->ctx);
	}
	if (dev->ats && !r->fault)
		tlb_fill(&dev->devtlb, iova, r, &dev->tags, dev->sid, dev->dom->ctx);
check:
	if (!r->fault && (access & ~r->prot))
		r->fault = NB_FAULT_PERM;
	if (r->fault)
		m->st.faults++;
	account(m, r);
}
