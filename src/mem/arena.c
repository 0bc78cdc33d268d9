// SPDX-License-Identifier: MIT
/* The flat simulated-physical-memory arena and its page allocators. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "nestbench/arena.h"

#if defined(__SANITIZE_ADDRESS__)
#define NB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NB_ASAN 1
#endif
#endif
#ifdef NB_ASAN
#include <sanitizer/asan_interface.h>
/* A freed table is poisoned until reused: a walker that reads a table after
 * its grace period is reported by ASan, which is how the stress tests prove
 * that no walker ever reads a freed table. */
#define poison(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define unpoison(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define poison(p, n) ((void)(p), (void)(n))
#define unpoison(p, n) ((void)(p), (void)(n))
#endif

#define PAGE_LG2 12
#define ARENA_ALIGN (2ull << 20)

int nb_arena_create(struct nb_arena **out, uint64_t size)
{
	struct nb_arena *a;
	void *mem;

	if (size < 2 * ARENA_ALIGN || !nb_aligned(size, 21))
		return nb_fail(EINVAL, "arena size %llu must be a multiple of 2 MiB, at least 4 MiB",
			       (unsigned long long)size);
	a = calloc(1, sizeof(*a));
	if (!a)
		return nb_fail(ENOMEM, "arena: out of memory");
	/* Over-allocate by 2 MiB so the arena can start on a huge-page boundary. */
	mem = mmap(NULL, size + ARENA_ALIGN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		free(a);
		return nb_fail(errno, "arena: mmap of %llu bytes failed: %s",
			       (unsigned long long)size, strerror(errno));
	}
	a->map = mem;
	a->map_len = size + ARENA_ALIGN;
	a->mem = (uint8_t *)(((uintptr_t)mem + ARENA_ALIGN - 1) & ~(uintptr_t)(ARENA_ALIGN - 1));
	a->size = size;
	a->next = ARENA_ALIGN; /* PA 0 .. 2 MiB is never handed out */
	a->thp = madvise(a->mem, size, MADV_HUGEPAGE) == 0;
	pthread_mutex_init(&a->lock, NULL);
	*out = a;
	return 0;
}

void nb_arena_destroy(struct nb_arena *a)
{
	if (!a)
		return;
	munmap(a->map, a->map_len);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

int nb_palloc_init(struct nb_palloc *p, struct nb_arena *a, uint64_t size)
{
	uint64_t base;

	size = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	pthread_mutex_lock(&a->lock);
	for (int i = 0; i < a->nr_holes; i++) {
		if (a->holes[i].size < size)
			continue;
		base = a->holes[i].base;
		a->holes[i].base += size;
		a->holes[i].size -= size;
		if (!a->holes[i].size)
			a->holes[i] = a->holes[--a->nr_holes];
		pthread_mutex_unlock(&a->lock);
		goto carved;
	}
	base = a->next;
	if (size > a->size - NB_ARENA_GUARD - base) {
		pthread_mutex_unlock(&a->lock);
		return nb_fail(ENOMEM, "arena: %llu bytes asked, %llu left of %llu",
			       (unsigned long long)size, (unsigned long long)(a->size - base),
			       (unsigned long long)a->size);
	}
	a->next = base + size;
	pthread_mutex_unlock(&a->lock);
carved:
	memset(p, 0, sizeof(*p));
	p->arena = a;
	p->base = p->bump = base;
	p->end = base + size;
	pthread_mutex_init(&p->lock, NULL);
	poison(a->mem + base, size);
	return 0;
}

void nb_palloc_fini(struct nb_palloc *p)
{
	struct nb_arena *a = p->arena;
	uint64_t size = p->end - p->base;

	unpoison(a->mem + p->base, size);
	/* Give the memory back to the kernel and the range back to the arena. */
	madvise(a->mem + p->base, size, MADV_DONTNEED);
	pthread_mutex_lock(&a->lock);
	if (p->end == a->next)
		a->next = p->base;
	else if (a->nr_holes < (int)NB_ARRAY_SIZE(a->holes))
		a->holes[a->nr_holes++] = (struct nb_arena_hole){ p->base, size };
	pthread_mutex_unlock(&a->lock);
	pthread_mutex_destroy(&p->lock);
}

static int order_of(uint64_t bytes)
{
	int order = 0;

	if (bytes < 4096 || (bytes & (bytes - 1)))
		return -1;
	while ((4096ull << order) < bytes)
		order++;
	return order <= NB_PALLOC_MAX_ORDER ? order : -1;
}

/* Free blocks are linked through their first word while poisoned-free; the
 * link is read and written with relaxed atomics under the allocator lock. */
static uint64_t pop_free(struct nb_palloc *p, int order)
{
	uint64_t pa = p->free_head[order];
	_Atomic uint64_t *link;

	if (!pa)
		return 0;
	link = nb_arena_u64(p->arena, pa);
	unpoison(link, 8);
	p->free_head[order] = atomic_load_explicit(link, memory_order_relaxed);
	return pa;
}

static uint64_t bump_alloc(struct nb_palloc *p, uint64_t bytes)
{
	uint64_t pa = (p->bump + bytes - 1) & ~(bytes - 1);

	if (pa + bytes > p->end)
		return 0;
	/* Alignment padding is not lost: it goes to the free lists. */
	while (p->bump < pa) {
		uint64_t sz = 4096;
		int o = 0;

		while (o < NB_PALLOC_MAX_ORDER && nb_aligned(p->bump, PAGE_LG2 + o + 1) &&
		       p->bump + (sz << 1) <= pa) {
			o++;
			sz <<= 1;
		}
		unpoison(p->arena->mem + p->bump, 8);
		atomic_store_explicit(nb_arena_u64(p->arena, p->bump), p->free_head[o],
				      memory_order_relaxed);
		p->free_head[o] = p->bump;
		p->bump += sz;
	}
	p->bump = pa + bytes;
	return pa;
}

uint64_t nb_palloc_alloc(struct nb_palloc *p, uint64_t bytes)
{
	int order = order_of(bytes);
	uint64_t pa;

	if (order < 0) {
		nb_fail(EINVAL, "palloc: %llu bytes is not a power of two in 4K..2M",
			(unsigned long long)bytes);
		return 0;
	}
	pthread_mutex_lock(&p->lock);
	pa = pop_free(p, order);
	if (!pa)
		pa = bump_alloc(p, bytes);
	if (pa) {
		uint64_t cur = atomic_fetch_add(&p->bytes_in_use, bytes) + bytes;

		atomic_fetch_add(&p->blocks_in_use, 1);
		if (cur > p->peak_bytes)
			p->peak_bytes = cur;
	}
	pthread_mutex_unlock(&p->lock);
	if (!pa) {
		nb_fail(ENOMEM, "palloc: no %llu-byte block left in [%#llx, %#llx)",
			(unsigned long long)bytes, (unsigned long long)p->base,
			(unsigned long long)p->end);
		return 0;
	}
	unpoison(p->arena->mem + pa, bytes);
	for (uint64_t off = 0; off < bytes; off += 8)
		atomic_store_explicit(nb_arena_u64(p->arena, pa + off), 0, memory_order_relaxed);
	return pa;
}

void nb_palloc_free(struct nb_palloc *p, uint64_t pa, uint64_t bytes)
{
	int order = order_of(bytes);

	if (order < 0 || pa < p->base || pa + bytes > p->end)
		abort(); /* a caller bug, never input-driven */
	pthread_mutex_lock(&p->lock);
	atomic_store_explicit(nb_arena_u64(p->arena, pa), p->free_head[order],
			      memory_order_relaxed);
	p->free_head[order] = pa;
	atomic_fetch_sub(&p->bytes_in_use, bytes);
	atomic_fetch_sub(&p->blocks_in_use, 1);
	poison(p->arena->mem + pa + 8, bytes - 8);
	pthread_mutex_unlock(&p->lock);
}

void nb_palloc_reset(struct nb_palloc *p)
{
	pthread_mutex_lock(&p->lock);
	/* [base, bump) is all that was ever handed out; the rest is poisoned
	 * since nb_palloc_init */
	poison(p->arena->mem + p->base, p->bump - p->base);
	p->bump = p->base;
	memset(p->free_head, 0, sizeof(p->free_head));
	atomic_store(&p->bytes_in_use, 0);
	atomic_store(&p->blocks_in_use, 0);
	p->peak_bytes = 0;
	pthread_mutex_unlock(&p->lock);
}
