/* SPDX-License-Identifier: MIT */
/*
 * Paging domains: map / unmap / iova_to_phys over one page-table format, as
 * the kernel's iommu_domain_ops do, and nested domains (DESIGN part 2).
 *
 * Concurrency (lock-free): any number of walkers, and map/unmap callers on
 * disjoint IOVA ranges of one domain, may run at once. A new table is
 * installed with compare-and-swap of an empty entry (the loser frees its own
 * table); leaves are written with release stores; walkers read with acquire
 * loads. A table is freed only by an unmap whose range covers the table's
 * whole span (so no concurrent map can be using it), and only after the
 * caller's invalidation and an RCU grace period (nb_gather_release).
 * Threads calling unmap/nb_gather_release are registered with RCU
 * automatically.
 */
#ifndef NESTBENCH_DOMAIN_H
#define NESTBENCH_DOMAIN_H

#include "arena.h"
#include "pt.h"
#include "walk.h"

/* Where a domain's tables live: host memory, or a guest's RAM. A table at
 * arena PA p is referred to in descriptors (and by the hardware root
 * pointer) as p + addr_minus_pa: for guest tables that is its IPA. */
struct nb_tspace {
	struct nb_palloc *alloc;
	int64_t addr_minus_pa;
};

struct nb_domain {
	struct nb_pt_geom geom;
	struct nb_arena *arena;
	struct nb_tspace ts;
	uint64_t root_pa;   /* arena PA of the root table */
	uint64_t root_addr; /* root as the hardware is told: PA, or IPA for guest tables */
	uint64_t pgsize_bitmap;
	_Atomic uint64_t tables;       /* tables in use, root included */
	_Atomic uint64_t table_bytes;  /* their bytes */
	_Atomic uint64_t mapped_bytes;
	_Atomic uint64_t deferred;     /* batches of unmapped tables still waiting for
					* their grace period: free waits only if any */
};

/* One table removed by unmap, to be freed after invalidation + grace period. */
struct nb_freed_table {
	uint64_t pa;
	uint32_t bytes;
	int8_t level;
};

/* What an unmap removed: what the invalidation has to cover (the kernel's
 * iommu_iotlb_gather), plus the tables to free once it is done. */
struct nb_gather {
	uint64_t start, last;	/* IOVA span of removed leaves (start > last: empty) */
	uint64_t pgsize_mask;	/* sizes of the leaves removed */
	uint64_t bytes;
	uint64_t leaves;
	bool tables_freed;	/* non-leaf entries cleared: walk caches must go too */
	size_t nr_freed, cap;
	struct nb_freed_table *freed;
};

int nb_domain_alloc(struct nb_domain **out, const struct nb_pt_cfg *cfg, struct nb_arena *a,
		    const struct nb_tspace *ts);
/* Frees every table; no walker or mapper may still use the domain. */
void nb_domain_free(struct nb_domain *d);

/*
 * Map [iova, iova + size) to [pa, pa + size) with the largest leaves that
 * alignment and length allow (pgsize bitmap rule). Refused, with nothing
 * changed: size 0 or not a multiple of the granule (-EINVAL), misaligned
 * iova/pa, a range outside the input or output size (-ERANGE), any overlap
 * with an existing mapping (-EEXIST). nb_errmsg() names the rule.
 */
int nb_domain_map(struct nb_domain *d, uint64_t iova, uint64_t pa, uint64_t size,
		  unsigned prot);

/* One piece of a scatter list: len bytes at physical address pa. */
struct nb_map_seg {
	uint64_t pa, len;
};

/*
 * Map a scatter list back to back from iova (iommu_map_sg, generic_pt's
 * map_range over a run): segment i at iova + the lengths before it, each
 * with the largest leaves its alignment allows. Every segment is checked
 * before anything is mapped (as nb_domain_map: granule multiples, aligned
 * PAs, inside the input and output sizes); runs of leaves are filled one
 * table at a time, and a segment inside the last leaf table reached goes
 * there without a walk from the root. On any refusal nothing stays mapped.
 */
int nb_domain_map_sg(struct nb_domain *d, uint64_t iova, const struct nb_map_seg *seg, size_t n,
		     unsigned prot);

/*
 * Unmap every leaf inside [iova, iova + size); holes are skipped. Returns
 * the bytes unmapped (>= 0) and fills gather, or a negative errno with
 * nothing changed: misaligned range (-EINVAL), a leaf only partly inside
 * the range (-EINVAL: "partial superpage unmap").
 */
int64_t nb_domain_unmap(struct nb_domain *d, uint64_t iova, uint64_t size,
			struct nb_gather *gather);

/* Software query of the tables (no caches); -ENOENT if unmapped. */
int nb_domain_iova_to_phys(struct nb_domain *d, uint64_t iova, uint64_t *pa);

void nb_gather_init(struct nb_gather *g);
/* Hand the gathered tables to RCU for freeing (after invalidation), and
 * reset the gather. */
void nb_gather_release(struct nb_domain *d, struct nb_gather *g);
/* nb_rcu_barrier (rcu.h) waits until every table handed to RCU so far
 * has been freed. */

/* Bytes of the tables a perfect allocator would need for the same mappings
 * (number of tables x their size): the baseline of the memory ratio. */
uint64_t nb_domain_table_bytes(const struct nb_domain *d);

/*
 * A nested domain (iommufd's rule from the seed thread): its stage-2 parent
 * is fixed at allocation, so IOVA -> PA is the same for every device that
 * attaches it. Stage-1 tables live in guest RAM (IPA space).
 */
struct nb_nested {
	struct nb_domain *s1;	  /* the guest's tables */
	struct nb_domain *parent; /* stage 2, shared by every nested domain on it */
	struct nb_nest_ctx ctx;	  /* what the hardware walks */
};

int nb_nested_alloc(struct nb_nested **out, struct nb_domain *parent,
		    const struct nb_pt_cfg *s1_cfg, const struct nb_tspace *guest_ts);
void nb_nested_free(struct nb_nested *n);
/* The kernel answers "not supported" for a software IOVA query on a nested
 * domain (no range lock can be had on a guest's table): so do we. */
int nb_nested_iova_to_phys(struct nb_nested *n, uint64_t iova, uint64_t *pa);

/*
 * A guest's RAM: an allocator over a slice of the arena, mapped linearly by
 * the stage-2 parent at IPA ipa_base. Stage-1 tables allocated from it are
 * reachable through stage 2 exactly as the hardware will reach them.
 */
struct nb_guest_ram {
	struct nb_palloc alloc;
	struct nb_tspace ts;
	uint64_t ipa_base, size;
};
int nb_guest_ram_init(struct nb_guest_ram *g, struct nb_arena *a, struct nb_domain *parent,
		      uint64_t ipa_base, uint64_t size);
void nb_guest_ram_fini(struct nb_guest_ram *g, struct nb_domain *parent);
/* The RAM as nb_guest_ram_init left it, mapped by a new parent: every
 * table in it taken back at once (nb_palloc_reset: nothing in it may be in
 * use or still wait for RCU). The old parent is freed or maps it no more. */
int nb_guest_ram_reset(struct nb_guest_ram *g, struct nb_domain *parent);

#endif
