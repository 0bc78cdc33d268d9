// SPDX-License-Identifier: MIT
/* Lock-free unmap over any format (domain.h): a range that cuts a leaf in
 * two is refused before anything changes; the removed leaves and the
 * emptied tables go into the caller's gather (reclaim.c frees them). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "domain_internal.h"

/* Refuse, before changing anything, a range that cuts a leaf in two. */
static int check_no_split(const struct nb_domain *d, int l, uint64_t table_pa, uint64_t iova,
			  uint64_t end)
{
	while (iova < end) {
		uint64_t cur = atomic_load_explicit(entry_of(d, table_pa, l, iova),
						    memory_order_acquire);
		uint64_t cend = chunk_end(d, l, iova, end);
		enum nb_desc_kind k = nb_pt_classify(&d->geom, l, cur);
		int ret;

		if (k == NB_DESC_LEAF &&
		    (!nb_aligned(iova, d->geom.lv[l].shift) || cend - iova < entry_span(d, l)))
			return nb_fail(EINVAL,
				       "unmap: partial superpage unmap: range cuts the %llu KiB leaf at IOVA %#llx",
				       (unsigned long long)(entry_span(d, l) >> 10),
				       (unsigned long long)nb_align_down(iova, d->geom.lv[l].shift));
		/* a granule-aligned range cuts no level-0 leaf: no need to look */
		if (k == NB_DESC_TABLE && l > 1) {
			ret = check_no_split(d, l - 1, to_pa(d, cur & d->geom.table_oa_mask), iova,
					     cend);
			if (ret)
				return ret;
		}
		iova = cend;
	}
	return 0;
}

static int gather_table(struct nb_gather *g, uint64_t pa, uint64_t bytes, int l)
{
	if (nb_grow((void **)&g->freed, &g->cap, g->nr_freed + 1, sizeof(*g->freed), 16))
		return -ENOMEM;
	g->freed[g->nr_freed++] = (struct nb_freed_table){ pa, (uint32_t)bytes, (int8_t)l };
	g->tables_freed = true;
	return 0;
}

static void gather_leaf(struct nb_gather *g, uint64_t iova, unsigned lg2)
{
	uint64_t last = iova + (1ull << lg2) - 1;

	if (g->start > g->last || iova < g->start)
		g->start = iova;
	if (g->start > g->last || last > g->last)
		g->last = last;
	g->pgsize_mask |= 1ull << lg2;
	g->bytes += 1ull << lg2;
	g->leaves++;
}

/* The level-0 entries of one table in [iova, end): cleared in one pass,
 * gathered as one run. */
static void unmap_leaves(struct nb_domain *d, uint64_t table_pa, uint64_t iova, uint64_t end,
			 struct nb_gather *g)
{
	const struct nb_pt_level *lv = &d->geom.lv[0];
	unsigned shift = lv->shift;
	_Atomic uint64_t *e = nb_arena_u64(d->arena, table_pa + (nb_pt_index(&d->geom, 0, iova) << 3));
	uint64_t n = (end - iova) >> shift, first = UINT64_MAX, last = 0, cleared = 0;

	for (uint64_t k = 0; k < n; k++) {
		uint64_t cur = atomic_load_explicit(&e[k], memory_order_acquire);

		if ((cur & d->geom.valid_mask) && (cur & lv->leaf_mask) == lv->leaf_match &&
		    (cur & lv->table_mask) != lv->table_match) {
			atomic_store_explicit(&e[k], 0, memory_order_release);
			first = first < k ? first : k;
			last = k;
			cleared++;
		}
	}
	if (!cleared)
		return;
	gather_leaf(g, iova + (first << shift), shift);
	if (cleared > 1) {
		gather_leaf(g, iova + (last << shift), shift);
		g->bytes += (cleared - 2) << shift;
		g->leaves += cleared - 2;
	}
}

/* Returns false if a table whose whole span the range covers stays in place
 * (no memory to gather it): it is empty, but the tables above it must stay
 * too, or it would be lost with them (fail-nth sweep: a leaked table page). */
static bool unmap_range(struct nb_domain *d, int l, uint64_t table_pa, uint64_t iova,
			uint64_t end, struct nb_gather *g)
{
	bool released = true;

	if (l == 0) {
		unmap_leaves(d, table_pa, iova, end, g);
		return true;
	}
	while (iova < end) {
		_Atomic uint64_t *e = entry_of(d, table_pa, l, iova);
		uint64_t cur = atomic_load_explicit(e, memory_order_acquire);
		uint64_t cend = chunk_end(d, l, iova, end);
		enum nb_desc_kind k = nb_pt_classify(&d->geom, l, cur);

		if (k == NB_DESC_LEAF) {
			atomic_store_explicit(e, 0, memory_order_release);
			gather_leaf(g, iova, d->geom.lv[l].shift);
		} else if (k == NB_DESC_TABLE) {
			uint64_t child = to_pa(d, cur & d->geom.table_oa_mask);
			bool whole = nb_aligned(iova, d->geom.lv[l].shift) && cend - iova == entry_span(d, l);

			/* The whole child span is ours: nobody else can map in it. */
			if (unmap_range(d, l - 1, child, iova, cend, g) && whole &&
			    gather_table(g, child, nb_pt_table_bytes(&d->geom, l - 1), l - 1) == 0)
				atomic_store_explicit(e, 0, memory_order_release);
			else if (whole)
				released = false;
		}
		iova = cend;
	}
	return released;
}

int64_t nb_domain_unmap(struct nb_domain *d, uint64_t iova, uint64_t size,
			struct nb_gather *g)
{
	uint64_t before = g->bytes;
	int ret = domain_range_check(d, iova, size, 0, false, "unmap");

	if (ret)
		return ret;
	ret = check_no_split(d, d->geom.levels - 1, d->root_pa, iova, iova + size);
	if (ret)
		return ret;
	unmap_range(d, d->geom.levels - 1, d->root_pa, iova, iova + size, g);
	atomic_fetch_sub(&d->mapped_bytes, g->bytes - before);
	return (int64_t)(g->bytes - before);
}
