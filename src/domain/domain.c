// SPDX-License-Identifier: MIT
/* Paging domains: lock-free map and unmap over any format (see domain.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "nestbench/domain.h"
#include "util/rcu.h"

static uint64_t to_pa(const struct nb_domain *d, uint64_t addr)
{
	return addr - (uint64_t)d->ts.addr_minus_pa;
}

static uint64_t to_addr(const struct nb_domain *d, uint64_t pa)
{
	return pa + (uint64_t)d->ts.addr_minus_pa;
}

static _Atomic uint64_t *entry_of(const struct nb_domain *d, uint64_t table_pa, int l,
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
static uint64_t entry_span(const struct nb_domain *d, int l)
{
	return 1ull << d->geom.lv[l].shift;
}

static uint64_t chunk_end(const struct nb_domain *d, int l, uint64_t iova, uint64_t end)
{
	uint64_t e = nb_align_down(iova, d->geom.lv[l].shift) + entry_span(d, l);

	return e < end && e != 0 ? e : end;
}

static uint64_t alloc_table(struct nb_domain *d, int l)
{
	uint64_t bytes = nb_pt_table_bytes(&d->geom, l);
	uint64_t pa = nb_palloc_alloc(d->ts.alloc, bytes);

	if (pa) {
		atomic_fetch_add(&d->tables, 1);
		atomic_fetch_add(&d->table_bytes, bytes);
	}
	return pa;
}

static void free_table(struct nb_domain *d, uint64_t pa, int l)
{
	uint64_t bytes = nb_pt_table_bytes(&d->geom, l);

	nb_palloc_free(d->ts.alloc, pa, bytes);
	atomic_fetch_sub(&d->tables, 1);
	atomic_fetch_sub(&d->table_bytes, bytes);
}

int nb_domain_alloc(struct nb_domain **out, const struct nb_pt_cfg *cfg, struct nb_arena *a,
		    const struct nb_tspace *ts)
{
	struct nb_domain *d = calloc(1, sizeof(*d));
	int ret;

	if (!d)
		return nb_fail(ENOMEM, "domain: out of memory");
	ret = nb_pt_geom_init(&d->geom, cfg);
	if (ret)
		goto err_free;
	d->arena = a;
	d->ts = *ts;
	d->pgsize_bitmap = nb_pt_pgsize_bitmap(&d->geom);
	d->root_pa = alloc_table(d, d->geom.levels - 1);
	if (!d->root_pa) {
		ret = -ENOMEM;
		goto err_free;
	}
	d->root_addr = to_addr(d, d->root_pa);
	*out = d;
	return 0;

err_free:
	free(d);
	return ret;
}

static void free_tree(struct nb_domain *d, uint64_t table_pa, int l)
{
	uint64_t n = nb_pt_table_bytes(&d->geom, l) / 8;

	for (uint64_t i = 0; l > 0 && i < n; i++) {
		uint64_t e = atomic_load_explicit(nb_arena_u64(d->arena, table_pa + i * 8),
						  memory_order_relaxed);

		if (nb_pt_classify(&d->geom, l, e) == NB_DESC_TABLE)
			free_tree(d, to_pa(d, e & d->geom.table_oa_mask), l - 1);
	}
	free_table(d, table_pa, l);
}

void nb_domain_free(struct nb_domain *d)
{
	if (!d)
		return;
	/* Deferred frees of this domain's tables must run first; a barrier
	 * waits for every callback in the process (milliseconds), so only
	 * when this domain has some outstanding. */
	if (atomic_load_explicit(&d->deferred, memory_order_acquire)) {
		nb_rcu_barrier();
		/* Every callback has run. Reading what the last one released
		 * orders its frees before ours, in a form ThreadSanitizer sees
		 * (it does not see liburcu's barrier). */
		(void)atomic_load_explicit(&d->deferred, memory_order_acquire);
	}
	free_tree(d, d->root_pa, d->geom.levels - 1);
	free(d);
}

/* ---- map ---- */

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
		pa = alloc_table(d, l - 1);
		if (!pa)
			return -ENOMEM;
		desc = nb_pt_encode_table(&d->geom, l, to_addr(d, pa));
		/* release: the zeroed table is visible before the pointer to it */
		if (atomic_compare_exchange_strong_explicit(e, &cur, desc, memory_order_release,
							    memory_order_acquire)) {
			*child_pa = pa;
			return 0;
		}
		free_table(d, pa, l - 1); /* lost the race: the winner's table stays */
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

static int check_range(const struct nb_domain *d, uint64_t iova, uint64_t size, uint64_t pa,
		       bool check_pa, const char *what)
{
	const struct nb_pt_geom *g = &d->geom;
	uint64_t last = iova + size - 1;

	if (size == 0 || !nb_aligned(size, g->granule_lg2))
		return nb_fail(EINVAL, "%s: size %#llx is not a non-zero multiple of the %u-byte granule",
			       what, (unsigned long long)size, 1u << g->granule_lg2);
	if (!nb_aligned(iova, g->granule_lg2))
		return nb_fail(EINVAL, "%s: IOVA %#llx is not aligned to the granule", what,
			       (unsigned long long)iova);
	if (last < iova || !nb_pt_ia_ok(g, iova) || !nb_pt_ia_ok(g, last) ||
	    (g->fmt->ia_sign_extend && (iova >> (g->ia_bits - 1)) != (last >> (g->ia_bits - 1))))
		return nb_fail(ERANGE, "%s: IOVA range %#llx..%#llx outside the %u-bit input space",
			       what, (unsigned long long)iova, (unsigned long long)last, g->ia_bits);
	if (check_pa && !nb_aligned(pa, g->granule_lg2))
		return nb_fail(EINVAL, "%s: PA %#llx is not aligned to the granule", what,
			       (unsigned long long)pa);
	if (check_pa && (pa + size - 1 < pa || ((pa + size - 1) >> g->oa_bits)))
		return nb_fail(ERANGE, "%s: PA range %#llx+%#llx outside the %u-bit output space",
			       what, (unsigned long long)pa, (unsigned long long)size, g->oa_bits);
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

int nb_domain_map(struct nb_domain *d, uint64_t iova, uint64_t pa, uint64_t size,
		  unsigned prot)
{
	struct map_op op = { .prot = prot, .done = iova,
			     .bits0 = nb_pt_encode_leaf(&d->geom, 0, 0, prot) & ~d->geom.lv[0].leaf_oa_mask };
	int ret = check_range(d, iova, size, pa, true, "map");

	if (ret)
		return ret;
	if (!(prot & NB_PROT_RW))
		return nb_fail(EINVAL, "map: prot %#x grants neither read nor write", prot);
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
	/* the pieces one by one (cheap tests first, check_range names a failure),
	 * then the whole IOVA range once */
	for (size_t i = 0; i < n; i++) {
		uint64_t pa = seg[i].pa, len = seg[i].len, gmask = (1ull << d->geom.granule_lg2) - 1;

		if (!len || ((pa | len) & gmask) || pa + len - 1 < pa || ((pa + len - 1) >> d->geom.oa_bits)) {
			ret = check_range(d, at, len, pa, true, "map_sg");
			return ret ? ret : nb_fail(EINVAL, "map_sg: piece %zu", i);
		}
		if (total + len < total)
			return nb_fail(ERANGE, "map_sg: the pieces' lengths add up past 2^64");
		at += len;
		total += len;
	}
	if (!n || (ret = check_range(d, iova, total, 0, false, "map_sg")))
		return n ? ret : nb_fail(EINVAL, "map_sg: an empty scatter list");
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

/* ---- unmap ---- */

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
	if (g->nr_freed == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		struct nb_freed_table *n = realloc(g->freed, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		g->freed = n;
		g->cap = cap;
	}
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
	int ret = check_range(d, iova, size, 0, false, "unmap");

	if (ret)
		return ret;
	ret = check_no_split(d, d->geom.levels - 1, d->root_pa, iova, iova + size);
	if (ret)
		return ret;
	unmap_range(d, d->geom.levels - 1, d->root_pa, iova, iova + size, g);
	atomic_fetch_sub(&d->mapped_bytes, g->bytes - before);
	return (int64_t)(g->bytes - before);
}

int nb_domain_iova_to_phys(struct nb_domain *d, uint64_t iova, uint64_t *pa)
{
	struct nb_walk_result w;

	nb_walk1(&d->geom, d->arena, d->root_pa, d->geom.levels - 1, iova, 0,
		 &w);
	if (w.fault)
		return nb_fail(ENOENT, "iova_to_phys: %#llx: %s at %s", (unsigned long long)iova,
			       nb_fault_name((enum nb_fault)w.fault),
			       nb_pt_level_name(&d->geom, w.level));
	*pa = w.oa;
	return 0;
}

uint64_t nb_domain_table_bytes(const struct nb_domain *d)
{
	return atomic_load(&d->table_bytes);
}

/* ---- gather and RCU reclaim ---- */

void nb_gather_init(struct nb_gather *g)
{
	*g = (struct nb_gather){ .start = 1, .last = 0 };
}

struct reclaim {
	struct nb_rcu_head head;
	struct nb_domain *d;
	size_t n;
	struct nb_freed_table t[];
};

static void reclaim_cb(struct nb_rcu_head *head)
{
	struct reclaim *r = (struct reclaim *)head;

	nb_rcu_cb_begin(head);
	for (size_t i = 0; i < r->n; i++)
		free_table(r->d, r->t[i].pa, r->t[i].level);
	/* release: nb_domain_free, seeing 0, may free what these frees touched */
	atomic_fetch_sub_explicit(&r->d->deferred, 1, memory_order_release);
	free(r);
}

void nb_gather_release(struct nb_domain *d, struct nb_gather *g)
{
	if (g->nr_freed) {
		struct reclaim *r = malloc(sizeof(*r) + g->nr_freed * sizeof(r->t[0]));

		if (r) {
			r->d = d;
			r->n = g->nr_freed;
			for (size_t i = 0; i < g->nr_freed; i++)
				r->t[i] = g->freed[i];
			atomic_fetch_add_explicit(&d->deferred, 1, memory_order_relaxed);
			nb_rcu_defer(&r->head, reclaim_cb);
		} else {
			/* No memory for deferral: wait for the grace period here. */
			nb_rcu_synchronize();
			for (size_t i = 0; i < g->nr_freed; i++)
				free_table(d, g->freed[i].pa, g->freed[i].level);
		}
	}
	free(g->freed);
	nb_gather_init(g);
}
