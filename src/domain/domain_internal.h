/* SPDX-License-Identifier: MIT */
/*
 * Internal to src/domain: what map (map.c), unmap (unmap.c), the reclaim
 * of freed tables (reclaim.c) and the domain's lifetime (domain.c) share:
 * addresses in the domain's table space, the entry an IOVA selects at a
 * level, the common table test, spans, and the counted allocation of
 * tables.
 */
#ifndef NB_SRC_DOMAIN_INTERNAL_H
#define NB_SRC_DOMAIN_INTERNAL_H

#include "nestbench/domain.h"

static inline uint64_t to_pa(const struct nb_domain *d, uint64_t addr)
{
	return addr - (uint64_t)d->ts.addr_minus_pa;
}

static inline uint64_t to_addr(const struct nb_domain *d, uint64_t pa)
{
	return pa + (uint64_t)d->ts.addr_minus_pa;
}

static inline _Atomic uint64_t *entry_of(const struct nb_domain *d, uint64_t table_pa, int l,
					 uint64_t iova)
{
	return nb_arena_u64(d->arena, table_pa + (nb_pt_index(&d->geom, l, iova) << 3));
}

/* Is d a table entry at level l? Inline for the common encoding (every
 * valid bit set); the format's classifier decides anything else. */
static inline bool is_table(const struct nb_domain *d, int l, uint64_t e)
{
	const struct nb_pt_level *lv = &d->geom.lv[l];

	if (l > 0 && (e & (lv->table_mask | d->geom.valid_mask)) == (lv->table_match | d->geom.valid_mask))
		return true;
	return nb_pt_classify(&d->geom, l, e) == NB_DESC_TABLE;
}

/* Span of IOVA one entry at level l covers. */
static inline uint64_t entry_span(const struct nb_domain *d, int l)
{
	return 1ull << d->geom.lv[l].shift;
}

static inline uint64_t chunk_end(const struct nb_domain *d, int l, uint64_t iova, uint64_t end)
{
	uint64_t e = nb_align_down(iova, d->geom.lv[l].shift) + entry_span(d, l);

	return e < end && e != 0 ? e : end;
}

/* A table of level l from the domain's table space, counted (0: none
 * left); and back. (domain.c) */
uint64_t domain_table_alloc(struct nb_domain *d, int l);
void domain_table_free(struct nb_domain *d, uint64_t pa, int l);

/* Refuse a range the domain cannot hold: size and alignment to the
 * granule, the input space (and the output space when check_pa), naming
 * `what` (map, map_sg, unmap). (domain.c) */
int domain_range_check(const struct nb_domain *d, uint64_t iova, uint64_t size, uint64_t pa,
		       bool check_pa, const char *what);

#endif
