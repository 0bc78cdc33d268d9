/* SPDX-License-Identifier: MIT */
/*
 * The walker's unrolled path for the common shape: 4 levels of 512 entries
 * over a 4 KiB granule with an unconcatenated root (x86-64 and VT-d second
 * stage 4-level, AMD v1 4-level, VMSAv8-64 4K 48-bit), both stages when
 * nested. nb_pt_geom_init sets walk_4k4 once per geometry; nb_walk_nested
 * and nb_walk_nested_from test it and come here.
 *
 * Nested walks only: pgwalk/ratio measured it on single-stage walks too,
 * where it did not pay (x86-64 4-level, ratio_best 1.31 generic vs 1.42:
 * the same chain and instruction count, 92 vs 89 per walk under
 * callgrind), so nb_walk1 keeps the generic loop.
 *
 * What it saves against the data-driven loop (walk_core.h): per-level
 * shifts and index masks are constants, the level loop unrolls, each stage
 * 2 walk starts at a constant level with no re-read of the context, and
 * each table entry and each leaf takes one and+compare against masks
 * prepared at init (pt.h: table_test_*, leaf_test_*). The chain from one
 * read to the next is the read, one and (the next table's address), and
 * the load's own base+index addressing.
 *
 * It finishes only walks that translate. Anything else (any fault, an
 * entry the one tests refused that the exact rules may accept, a table
 * outside memory) returns false with *r untouched, and the caller walks
 * again with the generic walker, which decides and reports it. Walks never
 * write, so walking again is harmless; under a concurrent unmap the result
 * is the second walk's, itself one consistent snapshot per entry (acquire
 * loads, RCU reclaim). Untraced, no walk-cache fill, stage 2 uncached: the
 * path of nb_walk_nested(_from); the cached walks (src/iommu) keep the
 * generic one.
 */
#ifndef NB_SRC_WALK_4K4_H
#define NB_SRC_WALK_4K4_H

#include "walk_core.h"

/* IA bit where the index of level l starts, minus 3: (ia >> it) & 0xff8 is
 * the slot's byte offset in its 4 KiB table. */
#define NBW4_SLOT_SHIFT(l) (12 + 9 * (l) - 3)

/* Read the entry for ia in the level-l table at table_pa (as nbw_read:
 * the table's start checked against the arena, base + offset formed off
 * the chain); false if the table lies outside simulated memory. */
NBW_INLINE bool nbw4_read(struct nbw_mem m, uint64_t table_pa, int l, uint64_t ia, uint64_t *d)
{
	const uint8_t *slot = m.base + ((ia >> NBW4_SLOT_SHIFT(l)) & 0xff8);

	if (NB_UNLIKELY(table_pa - 1 >= m.limit - 1))
		return false;
	__asm__("" : "+r"(slot));
	*d = atomic_load_explicit((_Atomic uint64_t *)(void *)(slot + table_pa), memory_order_acquire);
	return true;
}

/* The one-test table check (never true at level 0, which ends a descent). */
NBW_INLINE bool nbw4_is_table(const struct nb_pt_geom *g, int l, uint64_t d)
{
	return (d & g->lv[l].table_test_mask) == g->lv[l].table_test_match;
}

/*
 * Descend from (table_pa, level) while entries pass the one-test table
 * check; stop on the first that does not, with p at it (its level, the
 * reads made, what the tables above granted). False if a table lies
 * outside simulated memory (the generic walker reports that).
 */
NBW_INLINE bool nbw4_descend(const struct nb_pt_geom *g, struct nbw_mem m, uint64_t table_pa,
			     int level, uint64_t ia, struct nbw_pos *p)
{
	uint64_t tand = ~0ull, tor = 0, d = 0;
	int l = level;

#pragma GCC unroll 4
	for (; l >= 0; l--) {
		if (!nbw4_read(m, table_pa, l, ia, &d))
			return false;
		if (!nbw4_is_table(g, l, d))
			break;
		tand &= d;
		tor |= d;
		table_pa = d & g->table_oa_mask;
	}
	if (NB_UNLIKELY(l < 0))
		return false;
	*p = (struct nbw_pos){ .d = d, .tand = tand, .tor = tor, .level = l,
			       .refs = (uint32_t)(level - l + 1), .fault = NB_FAULT_NONE };
	return true;
}

/* The leaf p stopped on, by its one test (pt.h): true with the output
 * address of ia. False also for leaves only the exact rules accept. */
NBW_INLINE bool nbw4_leaf(const struct nb_pt_geom *g, const struct nbw_pos *p, uint64_t ia,
			  uint64_t *oa)
{
	const struct nb_pt_level *lv = &g->lv[p->level];

	if ((p->d & lv->leaf_test_mask) != lv->leaf_test_match)
		return false;
	*oa = (p->d & lv->leaf_oa_mask) | (ia & ((1ull << lv->shift) - 1));
	return true;
}

/* Stage 2 of a 4k4 nested context from its root: true with w's oa, desc,
 * refs, page_lg2, prot and level set when the walk finds a leaf granting
 * `access` (for_s1: a stage-1 table fetch, which asks R and decodes
 * nothing else, as nbw_s2_plain does). */
NBW_INLINE bool nbw4_s2(const struct nb_nest_ctx *n, struct nbw_mem m, uint64_t ipa,
			unsigned access, bool for_s1, struct nb_walk_result *w)
{
	const struct nb_pt_geom *g = n->s2;
	struct nbw_pos p;
	unsigned prot;
	uint64_t oa;

	if (NB_UNLIKELY(!nb_pt_ia_ok(g, ipa)) || !nbw4_descend(g, m, n->s2_root_pa, 3, ipa, &p) ||
	    !nbw4_leaf(g, &p, ipa, &oa))
		return false;
	if (for_s1) {
		if (!nbw_access_ok(g, p.d, p.tand, p.tor, access))
			return false;
		prot = access;
	} else {
		prot = nbw_prot(g, p.d, p.tand, p.tor);
		if (access & ~prot)
			return false;
	}
	w->oa = oa;
	w->desc = p.d;
	w->refs = p.refs;
	w->page_lg2 = g->lv[p.level].shift;
	w->prot = (uint8_t)prot;
	w->level = (int8_t)p.level;
	return true;
}

/* Both stages 4k4 (the caller checked both walk_4k4), untraced, stage 2
 * uncached (c->s2 is ignored), from c->table at `level` (passed apart so that a constant unrolls the loop).
 * True with r filled as nbw_nested fills it, when the translation
 * succeeds; false, r untouched, for the generic walker to redo (faults,
 * with their stage and level, are its to report). */
NBW_INLINE bool nbw4_nested(const struct nbw_cursor *c, int level, struct nb_walk_result *r)
{
	const struct nb_nest_ctx *n = c->n;
	const struct nb_pt_geom *g = n->s1;
	const struct nbw_mem m = nbw_mem_of(n->arena);
	const uint64_t iova = c->ia;
	uint64_t tand = ~0ull, tor = 0, d = 0, table = c->table, ipa = 0;
	bool is_pa = c->table_is_pa;
	struct nb_walk_result w;
	uint32_t refs = 0;
	unsigned s1prot;
	int l = level;

	if (NB_UNLIKELY(!nb_pt_ia_ok(g, iova)))
		return false;
#pragma GCC unroll 4
	for (; l >= 0; l--) {
		if (!is_pa) {
			if (!nbw4_s2(n, m, table, NB_PROT_R, true, &w))
				return false;
			refs += w.refs;
			table = w.oa;
		}
		is_pa = false;
		if (!nbw4_read(m, table, l, iova, &d))
			return false;
		refs++;
		if (!nbw4_is_table(g, l, d))
			break;
		tand &= d;
		tor |= d;
		table = d & g->table_oa_mask;
	}
	if (NB_UNLIKELY(l < 0))
		return false;
	if (!nbw4_leaf(g, &(const struct nbw_pos){ .d = d, .level = l }, iova, &ipa))
		return false;
	s1prot = nbw_prot(g, d, tand, tor);
	if (c->access & ~s1prot)
		return false;
	if (!nbw4_s2(n, m, ipa, c->access, false, &w))
		return false;
	*r = (struct nb_walk_result){
		.oa = w.oa, .ipa = ipa, .desc = w.desc, .refs = refs + w.refs,
		.page_lg2 = g->lv[l].shift < w.page_lg2 ? g->lv[l].shift : w.page_lg2,
		.prot = (uint8_t)(s1prot & w.prot), .level = w.level, .s1_leaf_level = (int8_t)l,
	};
	return true;
}

/* The entry points' choice, made from flags set at init: the unrolled path
 * when both geometries are 4k4 and it can finish, else the generic walker.
 * c: untraced, unfilled, c->s2 == nbw_s2_plain. */
NBW_INLINE void nbw_nested_plain(const struct nbw_cursor *c, struct nb_walk_result *r)
{
	if (c->n->s1->walk_4k4 && c->n->s2->walk_4k4 &&
	    (c->level == 3 ? nbw4_nested(c, 3, r) : nbw4_nested(c, c->level, r)))
		return;
	nbw_nested(c, r);
}

#endif
