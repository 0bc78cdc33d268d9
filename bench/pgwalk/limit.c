// SPDX-License-Identifier: MIT
/* The replayed-loads limit of a walk (see limit.h). */
#include <stdlib.h>

#include "bench_common.h"
#include "limit.h"

static bool grow(uint32_t **v, uint64_t *cap, uint64_t need)
{
	uint64_t c = *cap ? *cap : 4096;
	uint32_t *p;

	if (need <= *cap)
		return true;
	while (c < need)
		c *= 2;
	p = realloc(*v, c * sizeof(*p));
	if (!p)
		return false;
	*v = p;
	*cap = c;
	return true;
}

static void record(void *user, const struct nb_walk_step *s)
{
	struct pgw_loads *l = user;
	uint64_t pa = s->table_pa + s->index * 8;

	if (l->oom || pa >> 35 || !grow(&l->slot, &l->cap, l->n + 1)) {
		l->oom = true; /* out of memory, or past 32 GiB: no limit */
		return;
	}
	l->slot[l->n++] = (uint32_t)(pa >> 3);
}

struct nb_walk_tracer pgw_loads_tracer(struct pgw_loads *l)
{
	return (struct nb_walk_tracer){ .step = record, .user = l };
}

void pgw_loads_end_walk(struct pgw_loads *l)
{
	if (l->oom || l->n > UINT32_MAX || !grow(&l->start, &l->start_cap, l->walks + 2)) {
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
	free(l->start);
	*l = (struct pgw_loads){ 0 };
}

/* Always 0, unknown to the compiler: ANDed with a load's value and added
 * to the next load's address, it makes the loads one dependent chain, as
 * the walk's are. As in the walker (nbw_read), the slot's address is formed
 * off the chain and hidden from the optimiser, so that after each load the
 * chain has one AND and a load whose addressing adds the two registers:
 * what the walker has (the AND of the descriptor's address mask). */
static volatile uint64_t replay_zero_src;

static uint64_t chain(const uint8_t *mem, const uint32_t *slot, uint64_t from, uint64_t to,
		      uint64_t v, uint64_t zero)
{
	for (uint64_t i = from; i < to; i++) {
		const uint8_t *p = mem + ((uint64_t)slot[i] << 3);

		__asm__("" : "+r"(p));
		v = *(const uint64_t *)(const void *)(p + (v & zero));
	}
	return v;
}

uint64_t pgw_replay(const struct nb_arena *a, const struct pgw_loads *l, uint64_t *w,
		    uint64_t count)
{
	const uint64_t zero = replay_zero_src;
	uint64_t v = 0, t0 = nb_now_ns(), t1, at = *w;

	while (count) {
		uint64_t k = count < l->walks - at ? count : l->walks - at;

		v = chain(a->mem, l->slot, l->start[at], l->start[at + k], v, zero);
		count -= k;
		at = at + k == l->walks ? 0 : at + k;
	}
	t1 = nb_now_ns();
	nb_bench_do_not_optimize((void *)(uintptr_t)v);
	*w = at;
	return t1 - t0;
}
