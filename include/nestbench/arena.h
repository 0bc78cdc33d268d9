/* SPDX-License-Identifier: MIT */
/*
 * Simulated physical memory: one flat arena, so that reading a descriptor at
 * physical address pa is one load from arena->mem + pa. Physical address 0
 * is never handed out (a zero table pointer is never valid).
 *
 * Table pages come from page allocators (struct nb_palloc), each owning a
 * range of the arena: the host's tables, or one guest's RAM. Allocation
 * zeroes the table with relaxed atomic stores (walkers may still hold a
 * stale pointer to a reused page only if the caller broke the RCU rules,
 * and ThreadSanitizer should then see atomics, not a memset, race).
 */
#ifndef NESTBENCH_ARENA_H
#define NESTBENCH_ARENA_H

#include <pthread.h>
#include <stdatomic.h>

#include "nb.h"

struct nb_arena {
	uint8_t *mem;
	uint64_t size;	 /* bytes of simulated physical memory */
	uint64_t next;	 /* first PA not yet carved into an allocator */
	bool thp;	 /* madvise(MADV_HUGEPAGE) accepted */
	void *map;	 /* the mapping behind mem (mem is 2 MiB aligned inside it) */
	uint64_t map_len;
	/* Ranges given back by nb_palloc_fini, reused first-fit. */
	struct nb_arena_hole { uint64_t base, size; } holes[64];
	int nr_holes;
	pthread_mutex_t lock;
};

/* Reserve size bytes (MAP_NORESERVE: untouched pages cost nothing). */
int nb_arena_create(struct nb_arena **out, uint64_t size);
void nb_arena_destroy(struct nb_arena *a);

static inline _Atomic uint64_t *nb_arena_u64(const struct nb_arena *a, uint64_t pa)
{
	return (_Atomic uint64_t *)(void *)(a->mem + pa);
}

/* The last bytes of the arena are never handed out: a table that starts
 * below size - NB_ARENA_GUARD lies wholly inside the arena, which lets the
 * walker check a table pointer once instead of every entry address. */
#define NB_ARENA_GUARD (2ull << 20)

#define NB_PALLOC_MAX_ORDER 9 /* up to 2 MiB blocks (ARM 64K x 16 root = 1 MiB) */

/* A page allocator over [base, end) of an arena: power-of-two blocks of
 * 4 KiB << order, naturally aligned, with a free list per order. */
struct nb_palloc {
	struct nb_arena *arena;
	uint64_t base, end, bump;
	uint64_t free_head[NB_PALLOC_MAX_ORDER + 1]; /* PA of first free block, 0 if none */
	pthread_mutex_t lock;
	_Atomic uint64_t bytes_in_use;	/* bytes handed out and not freed */
	_Atomic uint64_t blocks_in_use;
	uint64_t peak_bytes;
	uint64_t metadata_bytes; /* bookkeeping outside the blocks themselves */
};

/* Carve a new allocator of `size` bytes out of the arena. */
int nb_palloc_init(struct nb_palloc *p, struct nb_arena *a, uint64_t size);
void nb_palloc_fini(struct nb_palloc *p);
/* Allocate a zeroed block of `bytes` (a power of two >= 4096, <= 2 MiB)
 * aligned to its size; 0 on failure (nb_errmsg says why). */
uint64_t nb_palloc_alloc(struct nb_palloc *p, uint64_t bytes);
/* Return a block. The caller guarantees no walker can still reach it
 * (RCU grace period elapsed). */
void nb_palloc_free(struct nb_palloc *p, uint64_t pa, uint64_t bytes);
/* Take every block back at once: the allocator is as nb_palloc_init left
 * it (the same requests get the same blocks), at the cost of what was
 * handed out since, not of its size (for callers that build and drop many
 * page tables in a row: fuzzers). The caller guarantees no block is in use
 * or reachable, and no RCU callback will still free one. */
void nb_palloc_reset(struct nb_palloc *p);

#endif
