/* SPDX-License-Identifier: MIT */
/*
 * The family runner: the jobs of a `nestbench run` as processes, up to
 * r->slots at once, each placed by what it measures (run_place.h):
 *   host time (pgwalk, map/unmap, invalidate's IOTLB lookup): a whole core
 *     to itself, its other hardware threads left idle, pinned there;
 *   counts and modelled figures (invalidate, strategies, replay): on any CPU
 *     no host-timed process holds, where the kernel balances them;
 *   a family that runs several threads or compares its benchmarks with
 *     each other (concurrency), and scripts (the QEMU guest): alone.
 * Host-timed processes still share the last-level cache and memory with
 * their neighbours: --jobs=1 runs one at a time. With one slot nothing is
 * pinned (but --cpu).
 */
#ifndef NB_SRC_CLI_RUN_SCHED_H
#define NB_SRC_CLI_RUN_SCHED_H

#include "run.h"

/* Processes at once: --jobs, else one per allowed PU (hwloc); 1 with --cpu. */
int run_sched_slots(const struct run_opts *o);

/*
 * Run r->jobs in their order, each as soon as a place fits it, printing a
 * line as each starts and ends; job->res and the families' outcomes are
 * filled in, and after_each(r) is called after every job. Returns when every
 * job ended, or, once the run is asked to stop, when the running ones have.
 */
void run_sched(struct run *r, void (*after_each)(const struct run *r));

#endif
