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
	uint64_t pa = s->table_pa + s->index * 8, off_cap = l->cap; /* off grows with slot */

	if (l->oom || pa >> 35 || !grow((void **)&l->slot, &l->cap, l->n + 1, sizeof(*l->slot)) ||
	    !grow((void **)&l->off, &off_cap, l->cap, sizeof(*l->off))) {
		l->oom = true; /* out of memory, or past 32 GiB: no limit */
		return;
	}
	l->slot[l->n] = (uint32_t)(pa >> 3);
	l->off[l->n++] = pa - l->value; /* the lap's first read: set when the lap closes */
	l->value = s->desc;
}

struct nb_walk_tracer pgw_loads_tracer(struct pgw_loads *l)
{
	return (struct nb_walk_tracer){ .step = record, .user = l };
}

void pgw_loads_end_walk(struct pgw_loads *l)
{
	if (l->oom || l->n > UINT32_MAX ||
	    !grow((void **)&l->start, &l->start_cap, l->walks + 2, sizeof(*l->start)) ||
	    !grow((void **)&l->last, &l->last_cap, l->walks + 1, sizeof(*l->last))) {
		l->oom = true;
		return;
	}
	if (!l->walks)
		l->start[0] = 0;
	l->last[l->walks] = l->value;
	l->start[++l->walks] = (uint32_t)l->n;
	/* the lap as it stands closes here: its first read follows its last */
	l->off[0] = ((uint64_t)l->slot[0] << 3) - l->value;
}

void pgw_loads_free(struct pgw_loads *l)
{
	free(l->slot);
	free(l->off);
	free(l->last);
	free(l->start);
	*l = (struct pgw_loads){ 0 };
}

/*
 * The loads as one dependent chain with nothing else on it, as the
 * walker's are (walk_4k4.h): each load's address is off[i] (its address
 * less the value the load before it returned, formed when recording) plus
 * that value, added by the load's own addressing (nbw4_load: one
 * instruction with two registers). The tables do not change while the
 * benchmark runs, so the values are the recorded ones. off[] is one
 * stream of 8 bytes per load, fetched ahead with a non-temporal hint so
 * that it takes as little of the caches from the tables as it can.
 */
static uint64_t chain(const uint8_t *mem, const uint64_t *off, uint64_t from, uint64_t to, uint64_t v)
{
	for (uint64_t i = from; i < to; i++) {
		__builtin_prefetch(&off[i + 16], 0, 0);
		v = nbw4_load((uintptr_t)mem + off[i], v);
	}
	return v;
}

uint64_t pgw_replay(const struct nb_arena *a, const struct pgw_loads *l, uint64_t *w,
		    uint64_t count)
{
	uint64_t at = *w, v = l->last[at ? at - 1 : l->walks - 1];
	uint64_t t0 = nb_now_ns(), t1;

	while (count) {
		uint64_t k = count < l->walks - at ? count : l->walks - at;

		v = chain(a->mem, l->off, l->start[at], l->start[at + k], v);
		count -= k;
		at = at + k == l->walks ? 0 : at + k;
	}
	t1 = nb_now_ns();
	nb_bench_do_not_optimize((void *)(uintptr_t)v);
	*w = at;
	return t1 - t0;
}
