// SPDX-License-Identifier: MIT
/* Where the processes of a run may run (run_place.h). */
#include <stdio.h>

#include "nestbench/machine.h"
#include "run_place.h"

bool run_places_init(struct run_places *p)
{
	int n = nb_topo_cpu_list(p->cpu, RUN_MAX_PUS);

	p->ncores = n > 0 ? nb_topo_cpu_cores(p->core, RUN_MAX_PUS) : 0;
	p->n = n <= 0 || p->ncores <= 0 ? 0 : n > RUN_MAX_PUS ? RUN_MAX_PUS : n;
	p->shared = 0;
	for (int i = 0; i < p->n; i++)
		p->held[i] = -1;
	return p->n > 0;
}

static int free_count(const struct run_places *p)
{
	int k = 0;

	for (int i = 0; i < p->n; i++)
		k += p->held[i] < 0;
	return k;
}

/* A core whose every CPU is free, leaving enough free CPUs for the shared
 * processes running; -1 if none. */
static int free_core(const struct run_places *p)
{
	for (int c = 0; c < p->ncores; c++) {
		int size = 0;
		bool all = true;

		for (int i = 0; i < p->n; i++)
			if (p->core[i] == c) {
				size++;
				all &= p->held[i] < 0;
			}
		if (all && size && free_count(p) - size >= p->shared)
			return c;
	}
	return -1;
}

static void list(const struct run_places *p, const cpu_set_t *set, char *cpus, size_t len, int *first)
{
	size_t off = 0;

	*first = -1;
	if (len)
		cpus[0] = '\0';
	for (int i = 0; i < p->n; i++) {
		int w;

		if (!CPU_ISSET(p->cpu[i], set))
			continue;
		if (*first < 0)
			*first = p->cpu[i];
		w = snprintf(cpus + off, len - off, "%s%d", off ? "," : "", p->cpu[i]);
		if (w > 0 && off + (size_t)w < len)
			off += (size_t)w;
	}
}

void run_places_free_set(const struct run_places *p, cpu_set_t *set)
{
	CPU_ZERO(set);
	for (int i = 0; i < p->n; i++)
		if (p->held[i] < 0)
			CPU_SET(p->cpu[i], set);
}

bool run_places_take(struct run_places *p, int j, enum run_place place, cpu_set_t *set, char *cpus,
		     size_t len, int *first)
{
	int core;

	CPU_ZERO(set);
	switch (place) {
	case RUN_PLACE_MACHINE:
		if (p->shared || free_count(p) < p->n)
			return false;
		for (int i = 0; i < p->n; i++) {
			p->held[i] = j;
			CPU_SET(p->cpu[i], set);
		}
		break;
	case RUN_PLACE_CORE:
		if ((core = free_core(p)) < 0)
			return false;
		for (int i = 0; i < p->n; i++)
			if (p->core[i] == core) {
				p->held[i] = j;
				CPU_SET(p->cpu[i], set);
			}
		break;
	case RUN_PLACE_SHARED:
		if (free_count(p) <= p->shared)
			return false;
		p->shared++;
		run_places_free_set(p, set);
		break;
	}
	list(p, set, cpus, len, first);
	if (place != RUN_PLACE_CORE)
		*first = -1; /* only a host-timed process pins its benchmark thread */
	return true;
}

void run_places_give_back(struct run_places *p, int j, enum run_place place)
{
	if (place == RUN_PLACE_SHARED) {
		p->shared--;
		return;
	}
	for (int i = 0; i < p->n; i++)
		if (p->held[i] == j)
			p->held[i] = -1;
}
