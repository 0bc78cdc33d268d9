// SPDX-License-Identifier: MIT
/* Lock-free map over any format (domain.h): a new table installed by
 * compare-and-swap (the loser frees its own), leaves filled at the largest
 * size that fits, a refused range rolled back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "domain_internal.h"

struct map_op {
	unsigned prot;
	uint64_t bits0; /* a level-0 leaf's bits but its output address (prot encoded once) */
	uint64_t done; /* IOVA up to which leaves were installed (for rollback) */
	/* the last level-0 table reached and the IOVA its first entry maps */
	uint64_t leaf_table, leaf_lo;
};

static int map_overlap(uint64_t iova, int l, const struct nb_domain *d)
{
	return nb_fail(EEXIST, "map: IOVA %#llx overlaps an existing mapping (%s entry in use)",
		       (unsigned long long)iova, nb_pt_level_name(&d->geom, l));
}

/* Get the next-level table under *e, installing a new one if it is empty. */
static int get_or_install_table(struct nb_domain *d, _Atomic uint64_t *e, int l,
				uint64_t iova, uint64_t *child_pa)
{
	uint64_t cur = atomic_load_explicit(e, memory_order_acquire);
	uint64_t pa, desc;

	if (!(cur & d->geom.valid_mask)) {
		pa = domain_table_alloc(d, l - 1);
		if (!pa)
			return -ENOMEM;
		desc = nb_pt_encode_table(&d->geom, l, to_addr(d, pa));
		/* release: the zeroed table is visible before the pointer to it */
		if (atomic_compare_exchange_strong_explicit(e, &cur, desc, memory_order_release,
							    memory_order_acquire)) {
			*child_pa = pa;
			return 0;
		}
		domain_table_free(d, pa, l - 1); /* lost the race: the winner's table stays */
	}
	if (!is_table(d, l, cur))
		return map_overlap(iova, l, d);
	*child_pa = to_pa(d, cur & d->geom.table_oa_mask);
	return 0;
}

static bool leaf_fits(const struct nb_domain *d, int l, uint64_t iova, uint64_t pa,
		      uint64_t end)
{
	unsigned s = d->geom.lv[l].shift;

	return d->geom.lv[l].leaf_ok && nb_aligned(iova, s) && nb_aligned(pa, s) &&
	       end - iova >= (1ull << s);
}

/*
 * Fill a run of free entries of one table with leaves: the leaf is encoded
 * once and only its output address changes along the run. Each entry is
 * checked empty and then stored (release: a walker that sees the leaf sees
 * what it maps); like the IOMMU API, concurrent maps of the same IOVA are
 * the caller's error, while tables are installed with CAS (two mappers of
 * disjoint ranges may race for them). Stops at the first entry in use (the
 * caller decides: a table to descend into, or an overlap). Returns the
 * number of leaves installed.
 */
static uint64_t fill_leaves(const struct nb_domain *d, int l, uint64_t table_pa, uint64_t iova,
			    uint64_t pa, uint64_t end, const struct map_op *op)
{
	const struct nb_pt_level *lv = &d->geom.lv[l];
	uint64_t idx = nb_pt_index(&d->geom, l, iova), room = lv->index_mask + 1 - idx;
	uint64_t n = (end - iova) >> lv->shift, span = 1ull << lv->shift;
	uint64_t bits = l == 0 ? op->bits0 : nb_pt_encode_leaf(&d->geom, l, 0, op->prot) & ~lv->leaf_oa_mask;
	_Atomic uint64_t *e = nb_arena_u64(d->arena, table_pa + (idx << 3));
	uint64_t k;

	if (n > room)
		n = room;
	for (k = 0; k < n; k++, pa += span) {
		if (atomic_load_explicit(&e[k], memory_order_relaxed) & d->geom.valid_mask)
			break;
		atomic_store_explicit(&e[k], bits | (pa & lv->leaf_oa_mask), memory_order_release);
	}
	return k;
}

static int map_range(struct nb_domain *d, int l, uint64_t table_pa, uint64_t iova,
		     uint64_t pa, uint64_t end, struct map_op *op)
{
	if (l == 0 && d->geom.levels > 1) {
		op->leaf_table = table_pa;
		op->leaf_lo = nb_align_down(iova, d->geom.lv[1].shift);
	}
	while (iova < end) {
		_Atomic uint64_t *e;
		uint64_t cur, cend, child = 0;
		int ret;

		if (leaf_fits(d, l, iova, pa, end)) {
			uint64_t n = fill_leaves(d, l, table_pa, iova, pa, end, op);

			iova += n << d->geom.lv[l].shift;
			pa += n << d->geom.lv[l].shift;
			op->done = iova;
			if (iova >= end)
				break;
			if (n && !leaf_fits(d, l, iova, pa, end))
				continue; /* the rest is smaller than a leaf here */
		}
		e = entry_of(d, table_pa, l, iova);
		cur = atomic_load_explicit(e, memory_order_acquire);
		if (leaf_fits(d, l, iova, pa, end) && !is_table(d, l, cur))
			return map_overlap(iova, l, d); /* the run stopped at an entry in use */
		if (l == 0)
			return map_overlap(iova, l, d);
		ret = get_or_install_table(d, e, l, iova, &child);
		if (ret)
			return ret;
		cend = chunk_end(d, l, iova, end);
		ret = map_range(d, l - 1, child, iova, pa, cend, op);
		if (ret)
			return ret;
		pa += cend - iova;
		iova = cend;
	}
	return 0;
}

/* Undo [iova, op->done) after a refusal, keeping the refusal's message. */
static void map_rollback(struct nb_domain *d, uint64_t iova, const struct map_op *op, int ret)
{
	struct nb_gather g;
	char msg[512];

	if (op->done <= iova)
		return;
	snprintf(msg, sizeof(msg), "%s", nb_errmsg());
	/* the unmap subtracts what it removes; this call never added it
	 * (fail-nth sweep: mapped_bytes wrapped below zero) */
	atomic_fetch_add(&d->mapped_bytes, op->done - iova);
	nb_gather_init(&g);
	nb_domain_unmap(d, iova, op->done - iova, &g);
	nb_gather_release(d, &g);
	nb_fail(-ret, "%s", msg);
}

/*
 * One leaf of the smallest size whose tables are all there (a 4 KiB map's
 * common case): down the levels with the one-test table check, then the
 * leaf, as fill_leaves stores it. Anything else (a table to install, an
 * entry in use, a table entry the one test does not recognise) returns
 * false having changed nothing, and the general path decides it.
 */
static bool map_one_leaf(struct nb_domain *d, uint64_t iova, uint64_t pa, uint64_t bits0)
{
	const struct nb_pt_geom *g = &d->geom;
	uint64_t table_pa = d->root_pa;
	_Atomic uint64_t *e;

	for (int l = g->levels - 1; l > 0; l--) {
		uint64_t cur = atomic_load_explicit(entry_of(d, table_pa, l, iova), memory_order_acquire);

		if ((cur & (g->lv[l].table_mask | g->valid_mask)) != (g->lv[l].table_match | g->valid_mask))
			return false;
		table_pa = to_pa(d, cur & g->table_oa_mask);
	}
	e = entry_of(d, table_pa, 0, iova);
	if (atomic_load_explicit(e, memory_order_relaxed) & g->valid_mask)
		return false;
	atomic_store_explicit(e, bits0 | (pa & g->lv[0].leaf_oa_mask), memory_order_release);
	return true;
}

int nb_domain_map(struct nb_domain *d, uint64_t iova, uint64_t pa, uint64_t size,
		  unsigned prot)
{
	struct map_op op = { .prot = prot, .done = iova,
			     .bits0 = nb_pt_encode_leaf(&d->geom, 0, 0, prot) & ~d->geom.lv[0].leaf_oa_mask };
	int ret = domain_range_check(d, iova, size, pa, true, "map");

	if (ret)
		return ret;
	if (!(prot & NB_PROT_RW))
		return nb_fail(EINVAL, "map: prot %#x grants neither read nor write", prot);
	if (size == entry_span(d, 0) && d->geom.lv[0].leaf_ok && map_one_leaf(d, iova, pa, op.bits0)) {
		atomic_fetch_add(&d->mapped_bytes, size);
		return 0;
	}
	ret = map_range(d, d->geom.levels - 1, d->root_pa, iova, pa, iova + size, &op);
	if (ret) {
		/* Undo what this call installed, so a refused map changes nothing. */
		map_rollback(d, iova, &op, ret);
		return ret;
	}
	atomic_fetch_add(&d->mapped_bytes, size);
	return 0;
}

int nb_domain_map_sg(struct nb_domain *d, uint64_t iova, const struct nb_map_seg *seg, size_t n,
		     unsigned prot)
{
	struct map_op op = { .prot = prot, .done = iova,
			     .bits0 = nb_pt_encode_leaf(&d->geom, 0, 0, prot) & ~d->geom.lv[0].leaf_oa_mask };
	uint64_t at = iova, total = 0, table_span = d->geom.levels > 1 ? 1ull << d->geom.lv[1].shift : 0;
	int ret;

	if (!(prot & NB_PROT_RW))
		return nb_fail(EINVAL, "map: prot %#x grants neither read nor write", prot);
	/* the pieces one by one (cheap tests first, domain_range_check names a failure),
	 * then the whole IOVA range once */
	for (size_t i = 0; i < n; i++) {
		uint64_t pa = seg[i].pa, len = seg[i].len, gmask = (1ull << d->geom.granule_lg2) - 1;

		if (!len || ((pa | len) & gmask) || pa + len - 1 < pa || ((pa + len - 1) >> d->geom.oa_bits)) {
			ret = domain_range_check(d, at, len, pa, true, "map_sg");
			return ret ? ret : nb_fail(EINVAL, "map_sg: piece %zu", i);
		}
		if (total + len < total)
			return nb_fail(ERANGE, "map_sg: the pieces' lengths add up past 2^64");
		at += len;
		total += len;
	}
	if (!n || (ret = domain_range_check(d, iova, total, 0, false, "map_sg")))
		return n ? ret : nb_fail(EINVAL, "map_sg: an empty scatter list");
	if (n == 1 && total == entry_span(d, 0) && d->geom.lv[0].leaf_ok && map_one_leaf(d, iova, seg[0].pa, op.bits0)) {
		atomic_fetch_add(&d->mapped_bytes, total);
		return 0;
	}
	at = iova;
	for (size_t i = 0; i < n; i++) {
		uint64_t end = at + seg[i].len, pa = seg[i].pa;

		/* inside the last leaf table: fill there, no walk from the root */
		if (op.leaf_table && at - op.leaf_lo < table_span && end - op.leaf_lo <= table_span &&
		    leaf_fits(d, 0, at, pa, end)) {
			uint64_t k = fill_leaves(d, 0, op.leaf_table, at, pa, end, &op) << d->geom.lv[0].shift;

			at += k;
			pa += k;
			op.done = at;
			if (at == end)
				continue;
		}
		/* the rest from the root (a fill that stopped at an entry in use
		 * gets its refusal there) */
		ret = map_range(d, d->geom.levels - 1, d->root_pa, at, pa, end, &op);
		if (ret) {
			map_rollback(d, iova, &op, ret);
			return ret;
		}
		at = end;
	}
	atomic_fetch_add(&d->mapped_bytes, total);
	return 0;
}
