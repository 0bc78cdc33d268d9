/* SPDX-License-Identifier: MIT */
/*
 * The walker's inline core, shared by the plain, traced and cached walks so
 * that there is one implementation of "read an entry and decide what it is".
 * Functions here are always inlined: callers pass constant tracers and
 * stage-2 translators, and the compiler removes what they do not use.
 */
#ifndef NB_SRC_WALK_CORE_H
#define NB_SRC_WALK_CORE_H

#include <stdatomic.h>

#include "nestbench/walk.h"

#define NBW_INLINE static inline __attribute__((always_inline))

enum nbw_kind { NBW_TABLE, NBW_LEAF, NBW_FAULT };

/* Decide what descriptor d at level l is. On NBW_TABLE *next is the next
 * table's address; on NBW_LEAF the output address of ia; on NBW_FAULT
 * *fault says why. */
NBW_INLINE enum nbw_kind nbw_classify(const struct nb_pt_geom *g, int l, uint64_t d,
				      uint64_t ia, uint64_t *next, enum nb_fault *fault)
{
	const struct nb_pt_level *lv = &g->lv[l];

	/* The common case first, in one test (set up by nb_pt_geom_init): a
	 * table entry with every valid bit set and no address bit beyond the
	 * output size. Anything else takes the exact checks below. */
	if (NB_LIKELY((d & lv->table_test_mask) == lv->table_test_match)) {
		*next = d & g->table_oa_mask;
		return NBW_TABLE;
	}
	if (NB_UNLIKELY(!(d & g->valid_mask))) {
		*fault = NB_FAULT_NOT_PRESENT;
		return NBW_FAULT;
	}
	if ((d & lv->table_mask) == lv->table_match) {
		if (NB_UNLIKELY(d & g->oa_rsvd)) {
			*fault = NB_FAULT_ADDR_SIZE;
			return NBW_FAULT;
		}
		*next = d & g->table_oa_mask;
		return NBW_TABLE;
	}
	if (NB_UNLIKELY((d & lv->leaf_mask) != lv->leaf_match)) {
		*fault = NB_FAULT_RESERVED;
		return NBW_FAULT;
	}
	if (NB_UNLIKELY(d & lv->leaf_rsvd)) {
		*fault = (d & g->oa_rsvd) ? NB_FAULT_ADDR_SIZE : NB_FAULT_RESERVED;
		return NBW_FAULT;
	}
	*next = (d & lv->leaf_oa_mask) | (ia & ((1ull << lv->shift) - 1));
	return NBW_LEAF;
}

/* Simulated memory as the hot loop sees it: base and size in registers
 * (the arena struct is read once per walk, not once per level). */
struct nbw_mem {
	const uint8_t *base;
	uint64_t limit; /* a table must start below this (see NB_ARENA_GUARD) */
};

NBW_INLINE struct nbw_mem nbw_mem_of(const struct nb_arena *a)
{
	return (struct nbw_mem){ a->mem, a->size - NB_ARENA_GUARD };
}

/* Read the entry for ia in the table at table_pa (level l) and classify it.
 * Counts the read in *refs (a read that finds a fault counts too; a table
 * outside simulated memory is refused before any read). The slot address
 * is formed as (base + index * 8) + table_pa so that only one add follows
 * the previous read on the dependency chain. */
NBW_INLINE enum nbw_kind nbw_read(const struct nb_pt_geom *g, struct nbw_mem m,
				  uint64_t table_pa, int l, uint64_t ia, uint64_t *desc,
				  uint64_t *next, enum nb_fault *fault, uint32_t *refs,
				  const struct nb_walk_tracer *t, int stage, bool for_s1)
{
	const struct nb_pt_level *lv = &g->lv[l];
	uint64_t off = ((ia >> lv->shift) & lv->index_mask) << 3;
	const uint8_t *slot = m.base + off;
	uint64_t d;

	/* The largest table fits in the guard, so checking its start suffices. */
	if (NB_UNLIKELY(table_pa - 1 >= m.limit - 1)) { /* 0, or at or above the limit */
		*desc = 0;
		*fault = NB_FAULT_ADDR_SIZE;
		return NBW_FAULT;
	}
	/* Hide slot's value from the optimiser so it cannot re-associate the
	 * sum into (table_pa + off) + base: slot is ready before the previous
	 * read returns, and the read's address needs only one add after it. */
	__asm__("" : "+r"(slot));
	d = atomic_load_explicit((_Atomic uint64_t *)(void *)(slot + table_pa), memory_order_acquire);
	*desc = d;
	(*refs)++;
	if (t) {
		struct nb_walk_step s = {
			.stage = stage, .for_s1_table = for_s1, .level = l,
			.table_pa = table_pa, .index = off >> 3, .desc = d,
			.kind = nb_pt_classify(g, l, d), .geom = g,
		};
		t->step(t->user, &s);
	}
	return nbw_classify(g, l, d, ia, next, fault);
}

NBW_INLINE unsigned nbw_prot(const struct nb_pt_geom *g, uint64_t leaf, uint64_t tand,
			     uint64_t tor)
{
	unsigned prot = 0;

	for (int i = 0; i < NB_PERM_COUNT; i++) {
		bool ok = (leaf & g->leaf_allow[i]) == g->leaf_allow[i] &&
			  !(leaf & g->leaf_deny[i]) &&
			  (tand & g->table_allow[i]) == g->table_allow[i] &&
			  !(tor & g->table_deny[i]);
		prot |= (unsigned)ok << i;
	}
	return prot;
}

/* Is `access` granted? Only the permissions asked for are decoded: a
 * stage-2 walk for a stage-1 table fetch needs R and nothing else. */
NBW_INLINE bool nbw_access_ok(const struct nb_pt_geom *g, uint64_t leaf, uint64_t tand,
			      uint64_t tor, unsigned access)
{
	for (int i = 0; i < NB_PERM_COUNT; i++) {
		if (!(access & (1u << i)))
			continue;
		if ((leaf & g->leaf_allow[i]) != g->leaf_allow[i] || (leaf & g->leaf_deny[i]) ||
		    (tand & g->table_allow[i]) != g->table_allow[i] || (tor & g->table_deny[i]))
			return false;
	}
	return true;
}

/* A walk cache's fill hook: the entry at `level` for ia leads to the table
 * at table_pa (a physical address). */
typedef void (*nbw_fill_fn)(void *fctx, int level, uint64_t ia, uint64_t table_pa);

/* How a nested walk translates an IPA through stage 2: the plain walker
 * from the stage-2 root, or a cached one (src/cache). for_s1 says the IPA
 * is a stage-1 table's address rather than the final output. */
typedef void (*nbw_s2_fn)(void *ctx, uint64_t ipa, unsigned access, bool for_s1,
			  struct nb_walk_result *w, const struct nb_walk_tracer *t);

/*
 * A walk cursor: what one walk is asked and where it starts, set up once by
 * the caller and read at every level (instead of a dozen parameters). The
 * walkers take it by pointer to a const compound literal; they are always
 * inlined, so its constant members (hooks, flags) fold away.
 *
 * Single stage (nbw_stage): g, m, ia, access, level, table (a PA), stage,
 * for_s1, full_prot, t, fill/fctx. Nested (nbw_nested): n, ia (the IOVA),
 * access, level and table (the stage-1 table, an IPA unless table_is_pa
 * says a walk cache already translated it), t, s2/s2ctx, fill/fctx.
 */
struct nbw_cursor {
	const struct nb_pt_geom *g;	/* single stage: its geometry */
	struct nbw_mem m;		/* single stage: simulated memory */
	const struct nb_nest_ctx *n;	/* nested: the context */
	uint64_t ia;
	uint64_t table;
	unsigned access;		/* enum nb_prot requested (0: just translate) */
	int level;			/* the starting table's level */
	int stage;			/* single stage: 1 or 2, for tracer and fault_stage */
	bool for_s1;			/* single stage: a stage-2 walk for a stage-1 table */
	bool full_prot;			/* single stage: decode every permission, not just access */
	bool table_is_pa;		/* nested: table is already a PA */
	const struct nb_walk_tracer *t; /* NULL: untraced */
	nbw_s2_fn s2;			/* nested: how stage 2 is walked */
	void *s2ctx;
	nbw_fill_fn fill;		/* NULL: no walk cache to fill */
	void *fctx;
};

/* Where a single-stage walk stands: the entry last read, where it leads
 * (next), what the tables above it granted, and the reads made. */
struct nbw_pos {
	uint64_t d, next, tand, tor;
	int level;
	uint32_t refs;
	enum nb_fault fault;
};

/* Finish a single-stage walk at the entry it stopped on (k: a leaf or a
 * fault). With c->full_prot false, prot is not decoded: r->prot is
 * c->access when granted (a cheaper check). */
NBW_INLINE void nbw_stage_end(const struct nbw_cursor *c, const struct nbw_pos *p,
			      enum nbw_kind k, struct nb_walk_result *r)
{
	const struct nb_pt_geom *g = c->g;

	r->ipa = 0;
	r->s1_leaf_level = -1;
	r->fault_s1ptw = false;
	r->desc = p->d;
	r->level = (int8_t)p->level;
	r->refs = p->refs;
	if (k == NBW_FAULT) {
		r->fault = (uint8_t)p->fault;
		r->fault_stage = (uint8_t)c->stage;
		r->oa = 0;
		return;
	}
	r->oa = p->next;
	r->page_lg2 = g->lv[p->level].shift;
	if (c->full_prot) {
		r->prot = (uint8_t)nbw_prot(g, p->d, p->tand, p->tor);
		r->fault = (c->access & ~r->prot) ? NB_FAULT_PERM : NB_FAULT_NONE;
	} else {
		bool ok = nbw_access_ok(g, p->d, p->tand, p->tor, c->access);

		r->prot = ok ? (uint8_t)c->access : 0;
		r->fault = ok ? NB_FAULT_NONE : NB_FAULT_PERM;
	}
	r->fault_stage = r->fault ? (uint8_t)c->stage : 0;
}

/* Single-stage walk from (c->table, c->level). fill, when not NULL, is
 * told every table entry followed. */
NBW_INLINE void nbw_stage(const struct nbw_cursor *c, struct nb_walk_result *r)
{
	const struct nb_pt_geom *g = c->g;
	struct nbw_pos p = { .tand = ~0ull, .level = c->level, .fault = NB_FAULT_NONE };
	uint64_t table_pa = c->table;

	if (NB_UNLIKELY(!nb_pt_ia_ok(g, c->ia))) {
		p.fault = NB_FAULT_ADDR_SIZE;
		nbw_stage_end(c, &p, NBW_FAULT, r);
		return;
	}
	for (;;) {
		enum nbw_kind k = nbw_read(g, c->m, table_pa, p.level, c->ia, &p.d, &p.next, &p.fault,
					   &p.refs, c->t, c->stage, c->for_s1);

		if (k != NBW_TABLE) {
			nbw_stage_end(c, &p, k, r);
			return;
		}
		p.tand &= p.d;
		p.tor |= p.d;
		if (c->fill)
			c->fill(c->fctx, p.level, c->ia, p.next);
		table_pa = p.next;
		p.level--;
	}
}

/* Stage 2 of a nested context from its root, uncached. */
NBW_INLINE void nbw_s2_plain(void *ctx, uint64_t ipa, unsigned access, bool for_s1,
			     struct nb_walk_result *w, const struct nb_walk_tracer *t)
{
	const struct nb_nest_ctx *n = ctx;

	nbw_stage(&(const struct nbw_cursor){
			  .g = n->s2, .m = nbw_mem_of(n->arena), .ia = ipa, .access = access,
			  .table = n->s2_root_pa, .level = n->s2->levels - 1, .stage = 2,
			  .for_s1 = for_s1, .full_prot = !for_s1, .t = t,
		  },
		  w);
}

NBW_INLINE void nbw_fault(struct nb_walk_result *r, enum nb_fault f, int stage, int level,
			  uint64_t desc, uint32_t refs)
{
	r->fault = (uint8_t)f;
	r->oa = 0;
	r->desc = desc;
	r->fault_stage = (uint8_t)stage;
	r->level = (int8_t)level;
	r->refs = refs;
}

/*
 * Nested walk (cursor: see struct nbw_cursor). fill, when not NULL, is told
 * the PA of each stage-1 table reached below the starting one (a nested
 * walk cache caches stage-1 entries with the host address of the table
 * they point to).
 */
NBW_INLINE void nbw_nested(const struct nbw_cursor *c, struct nb_walk_result *r)
{
	const struct nb_nest_ctx *n = c->n;
	const int start = c->level;
	const struct nb_pt_geom *g = n->s1;
	const struct nbw_mem m = nbw_mem_of(n->arena);
	const uint64_t iova = c->ia;
	uint64_t tand = ~0ull, tor = 0, d, next = 0, table_addr = c->table;
	enum nb_fault fault = NB_FAULT_NONE;
	bool is_pa = c->table_is_pa;
	int level = start;
	uint32_t refs = 0;
	struct nb_walk_result w;
	unsigned s1prot;

	r->fault_s1ptw = false;
	r->s1_leaf_level = -1;
	r->ipa = 0;
	if (NB_UNLIKELY(!nb_pt_ia_ok(g, iova))) {
		nbw_fault(r, NB_FAULT_ADDR_SIZE, 1, level, 0, 0);
		return;
	}
	for (;;) {
		uint64_t table_pa = table_addr;
		enum nbw_kind k;

		if (!is_pa) {
			c->s2(c->s2ctx, table_addr, NB_PROT_R, true, &w, c->t);
			refs += w.refs;
			if (NB_UNLIKELY(w.fault)) {
				nbw_fault(r, (enum nb_fault)w.fault, 2, w.level, w.desc, refs);
				r->fault_s1ptw = true;
				r->s1_level = (int8_t)level;
				return;
			}
			table_pa = w.oa;
			if (c->fill && level < start)
				c->fill(c->fctx, level + 1, iova, table_pa);
		}
		is_pa = false;
		k = nbw_read(g, m, table_pa, level, iova, &d, &next, &fault, &refs, c->t, 1, false);
		if (k == NBW_TABLE) {
			tand &= d;
			tor |= d;
			table_addr = next;
			level--;
			continue;
		}
		if (k == NBW_FAULT) {
			nbw_fault(r, fault, 1, level, d, refs);
			return;
		}
		break;
	}
	s1prot = nbw_prot(g, d, tand, tor);
	r->ipa = next;
	r->s1_leaf_level = (int8_t)level;
	if (NB_UNLIKELY(c->access & ~s1prot)) {
		nbw_fault(r, NB_FAULT_PERM, 1, level, d, refs);
		return;
	}
	c->s2(c->s2ctx, next, c->access, false, &w, c->t);
	refs += w.refs;
	if (NB_UNLIKELY(w.fault)) {
		nbw_fault(r, (enum nb_fault)w.fault, 2, w.level, w.desc, refs);
		return;
	}
	r->oa = w.oa;
	r->desc = w.desc;
	r->level = w.level;
	r->page_lg2 = g->lv[level].shift < w.page_lg2 ? g->lv[level].shift : w.page_lg2;
	r->prot = (uint8_t)(s1prot & w.prot);
	r->fault = NB_FAULT_NONE;
	r->fault_stage = 0;
	r->refs = refs;
}

#endif
