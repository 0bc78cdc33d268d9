// SPDX-License-Identifier: MIT
/* The LLC share of the timing model (see nestbench/timing.h). */
#include <errno.h>
#include <stdlib.h>

#include "nestbench/timing.h"

#define LLC_WAYS 16

int nb_llc_init(struct nb_llc *c, uint32_t lines)
{
	uint32_t sets = lines / LLC_WAYS;

	*c = (struct nb_llc){ 0 };
	if (!lines)
		return 0;
	if (sets < 1)
		sets = 1;
	while (sets & (sets - 1)) /* round down to a power of two: a set index is address bits */
		sets &= sets - 1;
	c->line = calloc((size_t)sets * LLC_WAYS, sizeof(*c->line));
	c->age = calloc((size_t)sets * LLC_WAYS, sizeof(*c->age));
	if (!c->line || !c->age) {
		nb_llc_fini(c);
		return nb_fail(ENOMEM, "timing model: LLC of %u lines: out of memory", lines);
	}
	c->sets = sets;
	c->ways = LLC_WAYS;
	return 0;
}

void nb_llc_fini(struct nb_llc *c)
{
	free(c->line);
	free(c->age);
	*c = (struct nb_llc){ 0 };
}

bool nb_llc_read(struct nb_llc *c, uint64_t pa)
{
	uint64_t tag = (pa >> 6) + 1; /* + 1: 0 marks an empty way */
	uint32_t set, victim = 0;
	uint64_t *line;
	uint64_t *age;

	if (!c->sets)
		return false;
	/* hash the line number so that table pages (4 KiB apart) spread over sets */
	set = (uint32_t)((tag * 0x9e3779b97f4a7c15ull) >> 32) & (c->sets - 1);
	line = c->line + (size_t)set * c->ways;
	age = c->age + (size_t)set * c->ways;
	for (uint32_t w = 0; w < c->ways; w++) {
		if (line[w] == tag) {
			age[w] = ++c->clock;
			return true;
		}
		if (age[w] < age[victim])
			victim = w;
	}
	line[victim] = tag;
	age[victim] = ++c->clock;
	return false;
}
