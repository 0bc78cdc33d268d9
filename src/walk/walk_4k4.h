/* SPDX-License-Identifier: MIT */
/*
 * The walker's unrolled path for the common shape: 4 levels of 512 entries
 * over a 4 KiB granule with an unconcatenated root (x86-64 and VT-d second
 * stage 4-level, AMD v1 4-level, VMSAv8-64 4K 48-bit). nb_pt_geom_init sets
 * walk_4k4 once per geometry; nb_walk1, nb_walk_nested and
 * nb_walk_nested_from test it and come here first.
 *
 * It follows only entries whose bits outside the address field are exactly
 * what this project's own encoders write (pt.h: table_exact, leaf_exact);
 * stage-1 leaves and the final stage-2 leaf, whose permissions vary, are
 * decided by the one test or the exact rules, at the end of the chain.
 * Such an entry's next address is the entry minus a constant, and the
 * constant goes into the next read's address, formed off the chain beside
 * the index: the chain from one read to the next is the read alone, with
 * no and to strip the flags. Where a nested walk goes from a stage-1 entry
 * into stage 2, the root index is one shift of that entry, scaled by the
 * load. pgwalk/ratio measures the effect against a chase of as many
 * dependent loads: x86-64 over VT-d 4x4, 1.2x.
 *
 * It finishes only walks that translate through such entries. Anything else
 * (any fault, an entry with other bits, a table outside memory) returns
 * false with *r untouched, and the caller walks again with the generic
 * walker (walk_core.h), which decides and reports it. Walks never write, so
 * walking again is harmless; under a concurrent unmap the result is the
 * second walk's, itself one consistent snapshot per entry (acquire loads,
 * RCU reclaim). Untraced, no walk-cache fill, stage 2 uncached: the cached
 * walks (src/iommu) keep the generic walker.
 */
#ifndef NB_SRC_WALK_4K4_H
#define NB_SRC_WALK_4K4_H

#include "walk_core.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NBW4_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
	__has_feature(memory_sanitizer)
#define NBW4_SANITIZED 1
#endif
#endif

/* The byte offset of ia's slot in its level-l table. */
#define NBW4_SLOT(ia, l) (((ia) >> (12 + 9 * (l) - 3)) & 0xff8)

/*
 * The acquire load of the entry at slot + adj * SCALE: slot is formed off
 * the chain (arena base, index, minus the previous entry's exact bits) and
 * adj is the previous entry itself (SCALE 1) or its top bits (SCALE 8, a
 * stage-2 root index), so the load's address takes no instruction after
 * that entry arrives. On x86-64 (where an acquire load is a plain load) one
 * mov with two-register addressing: compilers otherwise add the two first.
 * Under the sanitizers the C11 load, which they see.
 */
#if defined(__x86_64__) && !defined(NBW4_SANITIZED)
#define NBW4_LOAD_FN(name, SCALE)                                                              \
	NBW_INLINE uint64_t name(uintptr_t slot, uint64_t adj)                                 \
	{                                                                                      \
		uint64_t v;                                                                    \
		__asm__ volatile("movq (%1,%2," #SCALE "), %0"                                \
				 : "=r"(v) : "r"(slot), "r"(adj) : "memory");                 \
		return v;                                                                      \
	}
#else
#define NBW4_LOAD_FN(name, SCALE)                                                              \
	NBW_INLINE uint64_t name(uintptr_t slot, uint64_t adj)                                 \
	{                                                                                      \
		__asm__("" : "+r"(slot));                                                      \
		return atomic_load_explicit((_Atomic uint64_t *)(slot + adj * SCALE),         \
					    memory_order_acquire);                             \
	}
#endif
NBW4_LOAD_FN(nbw4_load, 1)
NBW4_LOAD_FN(nbw4_load_x8, 8)

/* Is the table at pa inside simulated memory (as nbw_read checks it)? */
NBW_INLINE bool nbw4_in_arena(struct nbw_mem m, uint64_t pa)
{
	return pa - 1 < m.limit - 1;
}

/*
 * Bounds of the one test below, per walk, in 4 KiB pages: a table must
 * start inside simulated memory (1 <= PA < limit, as nbw_read checks), a
 * stage-1 table's IPA below 2^min(stage-1 OA bits, stage-2 IA bits), and
 * (what the test costs) not in page 0, for which the generic walker is
 * asked instead. Where the test would not be exact (simulated memory
 * larger than an output size, a sign-extended stage-2 input) 0: no table
 * meets it.
 */
struct nbw4_bounds {
	uint64_t pa_lim, ipa_lim;
};

NBW_INLINE struct nbw4_bounds nbw4_bounds_of(struct nbw_mem m, const struct nb_pt_geom *g1,
					     const struct nb_pt_geom *g2)
{
	unsigned ipa_bits = g2 && g2->ia_bits < g1->oa_bits ? g2->ia_bits : g1->oa_bits;
	const struct nb_pt_geom *pa_g = g2 ? g2 : g1;

	return (struct nbw4_bounds){
		.pa_lim = m.limit <= 1ull << pa_g->oa_bits ? ((m.limit + 4095) >> 12) - 1 : 0,
		.ipa_lim = g2 && !g2->ia_sign_extend ? (1ull << (ipa_bits - 12)) - 1 : 0,
	};
}

/*
 * Is d an exact table entry (its bits outside the address field exactly
 * those of the level's encoding, pt.h table_exact) whose table starts at
 * page 1 .. lim? probe is -(table_exact + 4 KiB) (pt.h table_probe): an
 * add, a rotate and a compare. t = d + probe has its low 12 bits 0 only if
 * d's are the encoding's (both below 4096); the rotate puts any other low
 * bit at the top, where no bound reaches; and with those equal, t below
 * 2^OA bits (lim < 2^(OA - 12)) leaves no room for a difference in the
 * non-address bits above OA, which would add a nonzero multiple of 2^OA.
 */
NBW_INLINE bool nbw4_exact(uint64_t d, uint64_t probe, uint64_t lim)
{
	uint64_t t = d + probe;

	return ((t >> 12) | (t << 52)) < lim;
}

/* Where a descent stopped: the entry that is not an exact table entry, its
 * level, and what the tables above it granted. */
struct nbw4_stop {
	uint64_t d, tand, tor;
	int level;
};

/*
 * From entry d, read at `level` for ia, follow exact table entries inside
 * simulated memory down, and stop at the first other entry (only the
 * indices below the first read depend on ia, which may come from the
 * chain). From the root, what the tables granted is the geometry's
 * exact_tand/exact_tor; from below it, it is accumulated.
 */
NBW_INLINE void nbw4_descend(const struct nb_pt_geom *g, struct nbw_mem m, uint64_t pa_lim,
			     uint64_t ia, uint64_t d, int level, struct nbw4_stop *s)
{
	uint64_t tand = ~0ull, tor = 0;
	int l = level;

#pragma GCC unroll 4
	for (; l > 0; l--) {
		const uint64_t probe = g->lv[l].table_probe;

		if (!nbw4_exact(d, probe, pa_lim))
			break;
		if (level != 3) {
			tand &= d;
			tor |= d;
		}
		d = nbw4_load((uintptr_t)m.base + NBW4_SLOT(ia, l - 1) - g->lv[l].table_exact, d);
	}
	if (level == 3) {
		tand = g->lv[l].exact_tand;
		tor = g->lv[l].exact_tor;
	}
	*s = (struct nbw4_stop){ .d = d, .tand = tand, .tor = tor, .level = l };
}

/* The output address of ia if s stopped on a leaf: the one leaf test, else
 * the generic walker's exact rules (a VT-d read-only leaf, say, fails the
 * one test, which asks every valid bit). */
NBW_INLINE bool nbw4_leaf(const struct nb_pt_geom *g, const struct nbw4_stop *s, uint64_t ia,
			  uint64_t *oa)
{
	const struct nb_pt_level *lv = &g->lv[s->level];
	enum nb_fault fault;

	if (NB_LIKELY((s->d & lv->leaf_test_mask) == lv->leaf_test_match)) {
		*oa = (s->d & lv->leaf_oa_mask) | (ia & ((1ull << lv->shift) - 1));
		return true;
	}
	return nbw_classify(g, s->level, s->d, ia, oa, &fault) == NBW_LEAF;
}

/*
 * Stage 2 for a stage-1 table fetch: the table's IPA is d - k (d an exact
 * stage-1 entry whose non-address bits are k, or the root's IPA with
 * k = 0, both checked against b.ipa_lim by the caller). True with the
 * stage-2 leaf in *e and, in *bias, what turns it into the table's PA
 * (its exact bits off, the IPA's offset in a block on), when the leaf is
 * exact (which grants read: pt.h, leaf_exact) and the table lies inside
 * simulated memory; *refs counts the reads.
 */
NBW_INLINE bool nbw4_fetch(const struct nb_nest_ctx *n, struct nbw_mem m, struct nbw4_bounds b,
			   uint64_t d, uint64_t k, uint64_t *e, uint64_t *bias, uint32_t *refs)
{
	const struct nb_pt_geom *g = n->s2;
	const uint64_t ipa = d - k;
	const struct nb_pt_level *lv;
	struct nbw4_stop s;
	uint64_t root, pa_off;

	/* the root index is d's bits 47:39 less k's (d = ipa | k, disjoint) */
	root = nbw4_load_x8((uintptr_t)m.base + n->s2_root_pa - ((k >> 39) << 3), d >> 39);
	nbw4_descend(g, m, b.pa_lim, ipa, root, 3, &s);
	if (NB_LIKELY(s.level == 0)) {
		/* a 4 KiB page: its non-address bits are where a table entry's
		 * are, so exact and inside memory is one test */
		if (!nbw4_exact(s.d, g->lv[0].leaf_probe, b.pa_lim))
			return false;
		*e = s.d;
		*bias = -g->lv[0].leaf_exact;
		*refs += 4;
		return true;
	}
	lv = &g->lv[s.level];
	pa_off = ipa & ((1ull << lv->shift) - 1);
	if ((s.d & lv->leaf_exact_mask) != lv->leaf_exact ||
	    NB_UNLIKELY(!nbw4_in_arena(m, s.d - lv->leaf_exact + pa_off)))
		return false;
	*e = s.d;
	*bias = pa_off - lv->leaf_exact;
	*refs += (uint32_t)(4 - s.level);
	return true;
}

/* Stage 2 to the final output, from the root: w's oa, desc, page_lg2,
 * prot and level set when the leaf (by the one test) grants `access`. */
NBW_INLINE bool nbw4_s2_out(const struct nb_nest_ctx *n, struct nbw_mem m, struct nbw4_bounds b,
			    uint64_t ipa, unsigned access, struct nb_walk_result *w)
{
	const struct nb_pt_geom *g = n->s2;
	struct nbw4_stop s;
	unsigned prot;
	uint64_t oa;

	if (NB_UNLIKELY(!nb_pt_ia_ok(g, ipa)))
		return false;
	nbw4_descend(g, m, b.pa_lim, ipa,
		     nbw4_load((uintptr_t)m.base + NBW4_SLOT(ipa, 3), n->s2_root_pa), 3, &s);
	if (!nbw4_leaf(g, &s, ipa, &oa))
		return false;
	prot = nbw_prot(g, s.d, s.tand, s.tor);
	if (access & ~prot)
		return false;
	w->oa = oa;
	w->desc = s.d;
	w->page_lg2 = g->lv[s.level].shift;
	w->prot = (uint8_t)prot;
	w->level = (int8_t)s.level;
	return true;
}

/* Both stages 4k4 (the caller checked both walk_4k4 and stage 2's
 * exact_leaf0), untraced, stage 2 uncached (c->s2 is ignored), from
 * c->table at `level` (passed apart so that a constant unrolls the loop).
 * True with r filled as nbw_nested fills it, when the translation succeeds
 * through exact entries; false, r untouched, for the generic walker to
 * redo. */
NBW_INLINE bool nbw4_nested(const struct nbw_cursor *c, int level, struct nb_walk_result *r)
{
	const struct nb_nest_ctx *n = c->n;
	const struct nb_pt_geom *g = n->s1;
	const struct nbw_mem m = nbw_mem_of(n->arena);
	const struct nbw4_bounds b = nbw4_bounds_of(m, g, n->s2);
	const uint64_t iova = c->ia;
	uint64_t tand = ~0ull, tor = 0, d = c->table, k = 0, e = c->table, bias = 0, ipa;
	bool is_pa = c->table_is_pa;
	struct nb_walk_result w;
	uint32_t refs = 0;
	unsigned s1prot;
	int l = level;

	if (NB_UNLIKELY(!nb_pt_ia_ok(g, iova)) ||
	    !nbw4_exact(c->table, -4096ull, is_pa ? b.pa_lim : b.ipa_lim))
		return false;
#pragma GCC unroll 4
	for (; l >= 0; l--) {
		if (!is_pa && !nbw4_fetch(n, m, b, d, k, &e, &bias, &refs))
			return false;
		is_pa = false;
		d = nbw4_load((uintptr_t)m.base + NBW4_SLOT(iova, l) + bias, e);
		refs++;
		k = g->lv[l].table_exact;
		if (!l || !nbw4_exact(d, g->lv[l].table_probe, b.ipa_lim))
			break;
		if (level != 3) {
			tand &= d;
			tor |= d;
		}
	}
	if (level == 3) {
		tand = g->lv[l].exact_tand;
		tor = g->lv[l].exact_tor;
	}
	if (!nbw4_leaf(g, &(const struct nbw4_stop){ .d = d, .level = l }, iova, &ipa))
		return false;
	s1prot = nbw_prot(g, d, tand, tor);
	if (c->access & ~s1prot)
		return false;
	if (!nbw4_s2_out(n, m, b, ipa, c->access, &w))
		return false;
	*r = (struct nb_walk_result){
		.oa = w.oa, .ipa = ipa, .desc = w.desc, .refs = refs + (uint32_t)(4 - w.level),
		.page_lg2 = g->lv[l].shift < w.page_lg2 ? g->lv[l].shift : w.page_lg2,
		.prot = (uint8_t)(s1prot & w.prot), .level = w.level, .s1_leaf_level = (int8_t)l,
	};
	return true;
}

/* The entry points' choice, made from flags set at init: the unrolled path
 * when both geometries are 4k4, stage 2's level-0 leaf test is usable (its
 * one-test form, nbw4_exact, has no "never matches" value), and it can
 * finish; else the generic walker.
 * c: untraced, unfilled, c->s2 == nbw_s2_plain. */
NBW_INLINE void nbw_nested_plain(const struct nbw_cursor *c, struct nb_walk_result *r)
{
	if (c->n->s1->walk_4k4 && c->n->s2->walk_4k4 && c->n->s2->exact_leaf0 &&
	    (c->level == 3 ? nbw4_nested(c, 3, r) : nbw4_nested(c, c->level, r)))
		return;
	nbw_nested(c, r);
}

/* A single-stage walk of a 4k4 geometry through exact table entries, from
 * c->table at `level` (apart, as for nbw4_nested); the leaf by the one
 * test. True with r filled as nbw_stage fills it (permission faults
 * included); false, r untouched, for the generic walker to redo. */
NBW_INLINE bool nbw4_stage(const struct nbw_cursor *c, int level, struct nb_walk_result *r)
{
	const struct nb_pt_geom *g = c->g;
	const struct nbw4_bounds b = nbw4_bounds_of(c->m, g, NULL);
	struct nbw4_stop s;
	uint64_t oa;

	if (NB_UNLIKELY(!nb_pt_ia_ok(g, c->ia)) || !nbw4_exact(c->table, -4096ull, b.pa_lim))
		return false;
	nbw4_descend(g, c->m, b.pa_lim, c->ia,
		     nbw4_load((uintptr_t)c->m.base + NBW4_SLOT(c->ia, level), c->table), level, &s);
	if (!nbw4_leaf(g, &s, c->ia, &oa))
		return false;
	nbw_stage_end(c,
		      &(const struct nbw_pos){ .d = s.d, .next = oa, .tand = s.tand, .tor = s.tor,
					       .level = s.level, .refs = (uint32_t)(level - s.level + 1) },
		      NBW_LEAF, r);
	return true;
}

/* Single stage, untraced and unfilled: the unrolled path when the geometry
 * is 4k4 and it can finish, else the generic walker. */
NBW_INLINE void nbw_stage_plain(const struct nbw_cursor *c, struct nb_walk_result *r)
{
	if (c->g->walk_4k4 && (c->level == 3 ? nbw4_stage(c, 3, r) : nbw4_stage(c, c->level, r)))
		return;
	nbw_stage(c, r);
}

#endif
