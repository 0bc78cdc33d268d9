// SPDX-License-Identifier: MIT
/* The replayed-loads limit of a walk (see limit.h). */
#include <stdlib.h>

#include "bench_common.h"
#include "limit.h"
#include "walk/walk_4k4.h"

static bool grow(void **v, uint64_t *cap, uint64_t need, size_t size)
{
	uint64_t c = *cap ? *cap : 4096;
	void *p;

	if (need <= *cap)
		return true;
	while (c < need)
		c *= 2;
	p = realloc(*v, c * size);
	if (!p)
		return false;
	*v = p;
	*cap = c;
	return true;
}

static void record(void *user, const struct nb_walk_step *s)
{
	struct pgw_loads *l = user;
	uint64_t pa = s->table_pa + s->index * 8, desc_cap = l->cap; /* desc grows with slot */

	if (l->oom || pa >> 35 || !grow((void **)&l->slot, &l->cap, l->n + 1, sizeof(*l->slot)) ||
	    !grow((void **)&l->desc, &desc_cap, l->cap, sizeof(*l->desc))) {
		l->oom = true; /* out of memory, or past 32 GiB: no limit */
		return;
	}
	l->slot[l->n] = (uint32_t)(pa >> 3);
	l->desc[l->n++] = s->desc;
}

struct nb_walk_tracer pgw_loads_tracer(struct pgw_loads *l)
{
	return (struct nb_walk_tracer){ .step = record, .user = l };
}

void pgw_loads_end_walk(struct pgw_loads *l)
{
	if (l->oom || l->n > UINT32_MAX ||
	    !grow((void **)&l->start, &l->start_cap, l->walks + 2, sizeof(*l->start))) {
		l->oom = true;
		return;
	}
	if (!l->walks)
		l->start[0] = 0;
	l->start[++l->walks] = (uint32_t)l->n;
}

void pgw_loads_free(struct pgw_loads *l)
{
	free(l->slot);
	free(l->desc);
	free(l->start);
	*l = (struct pgw_loads){ 0 };
}

/*
 * The loads as one dependent chain with nothing else on it, as the
 * walker's are (walk_4k4.h): each load's address is its slot less the
 * value the load before it returned, plus that value, added by the load's
 * own addressing (nbw4_load: one instruction with two registers). The
 * slot-less-value sum is formed off the chain, from what the recording saw
 * (the tables do not change while the benchmark runs).
 */
static uint64_t chain(const uint8_t *mem, const struct pgw_loads *l, uint64_t from, uint64_t to,
		      uint64_t v)
{
	for (uint64_t i = from; i < to; i++) {
		uint64_t before = l->desc[i ? i - 1 : l->n - 1];

		v = nbw4_load((uintptr_t)mem + ((uint64_t)l->slot[i] << 3) - before, v);
	}
	return v;
}

uint64_t pgw_replay(const struct nb_arena *a, const struct pgw_loads *l, uint64_t *w,
		    uint64_t count)
{
	uint64_t at = *w, v = l->desc[l->start[at] ? l->start[at] - 1 : l->n - 1];
	uint64_t t0 = nb_now_ns(), t1;

	while (count) {
		uint64_t k = count < l->walks - at ? count : l->walks - at;

		v = chain(a->mem, l, l->start[at], l->start[at + k], v);
		count -= k;
		at = at + k == l->walks ? 0 : at + k;
	}
	t1 = nb_now_ns();
	nb_bench_do_not_optimize((void *)(uintptr_t)v);
	*w = at;
	return t1 - t0;
}
