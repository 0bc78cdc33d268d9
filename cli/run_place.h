/* SPDX-License-Identifier: MIT */
/*
 * Where the processes of a `nestbench run` may run (enum run_place in run.h),
 * over the CPUs hwloc allows, grouped by core:
 *   RUN_PLACE_CORE     holds a whole core (every hardware thread of it): no
 *                      other process of the run may run there meanwhile;
 *   RUN_PLACE_MACHINE  holds every CPU, and starts only when nothing runs;
 *   RUN_PLACE_SHARED   holds nothing: it may run on every CPU no CORE or
 *                      MACHINE process holds (the "free" CPUs), and the
 *                      kernel balances it there with the machine's other
 *                      load; there are never more shared processes than
 *                      free CPUs. When a CORE process takes or gives back a
 *                      core, the runner narrows or widens the running shared
 *                      processes' CPUs (run_child_set_cpus) - before the CORE
 *                      process starts, after it ended.
 * Pinning a counting process to one CPU would keep the kernel from moving it
 * off a CPU that other work on a shared machine keeps busy; its figures do
 * not depend on where it runs, a host-timed one's do.
 */
#ifndef NB_SRC_CLI_RUN_PLACE_H
#define NB_SRC_CLI_RUN_PLACE_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

#include "run.h"

#define RUN_MAX_PUS 1024

struct run_places {
	int n, cpu[RUN_MAX_PUS], core[RUN_MAX_PUS];
	int held[RUN_MAX_PUS];	/* the CORE or MACHINE job holding it, -1: free */
	int ncores, shared;	/* shared: running shared processes */
};

/* From hwloc; false if the topology cannot be read (then nothing is pinned). */
bool run_places_init(struct run_places *p);

/*
 * Can job j, placed so, start now? If so take its place: *set its CPUs,
 * cpus (len bytes) as a list ("0", "2,3"), *first its first CPU (for a CORE
 * job's --cpu) or -1.
 */
bool run_places_take(struct run_places *p, int j, enum run_place place, cpu_set_t *set, char *cpus,
		     size_t len, int *first);

/* Job j (placed so) ended: its place is free again. */
void run_places_give_back(struct run_places *p, int j, enum run_place place);

/* The free CPUs: where shared processes may run now. */
void run_places_free_set(const struct run_places *p, cpu_set_t *set);

#endif
