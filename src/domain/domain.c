// SPDX-License-Identifier: MIT
/* Paging domains: their lifetime, their tables, the range any change must
 * fit and the software query (see domain.h). Lock-free map in map.c, unmap
 * in unmap.c, the reclaim of freed tables in reclaim.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "domain_internal.h"
#include "util/rcu.h"

uint64_t domain_table_alloc(struct nb_domain *d, int l)
{
	uint64_t bytes = nb_pt_table_bytes(&d->geom, l);
	uint64_t pa = nb_palloc_alloc(d->ts.alloc, bytes);

	if (pa) {
		atomic_fetch_add(&d->tables, 1);
		atomic_fetch_add(&d->table_bytes, bytes);
	}
	return pa;
}

void domain_table_free(struct nb_domain *d, uint64_t pa, int l)
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
	d->root_pa = domain_table_alloc(d, d->geom.levels - 1);
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
	domain_table_free(d, table_pa, l);
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

int domain_range_check(const struct nb_domain *d, uint64_t iova, uint64_t size, uint64_t pa,
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
