/* SPDX-License-Identifier: MIT */
/*
 * The plan of a `nestbench run`: which benchmarks, which of them in this
 * shard, in how many processes.
 *
 * Selection: each selected family's binary lists what it would run
 * (nb-bench-<name> --describe [--quick]); --filter narrows that. The
 * estimates file gives each benchmark its seconds (else the family's ETA
 * hint, shared out evenly).
 *
 * Shards: the selection in a fixed order (families as in
 * bench/families.txt, benchmarks as their binary lists them) is cut into N
 * runs of about equal estimated time, each benchmark going to the shard its
 * midpoint falls in; a family that runs alone (exclusive, or a script) is
 * one piece. The same build and estimates give the same cut on every
 * machine: shards need no coordination.
 *
 * Processes: with one at a time, one per family. With more, a family's
 * benchmarks that measure host time and those that count apart (they are
 * placed differently), each cut into parts of about the suite's time / (2 x
 * processes at once) (at least RUN_MIN_PART_S), in listing order, so that
 * the longest families spread over every core.
 */
#ifndef NB_SRC_CLI_RUN_PLAN_H
#define NB_SRC_CLI_RUN_PLAN_H

#include "run.h"

/* Parts shorter than this are not worth a process of their own: a process
 * starts, registers and sets up in 0.05-0.8 s of CPU [meas: replay's quick
 * benchmarks took 3.8 s of CPU in one process, 5.4 s in three, on this
 * 2-CPU machine at load 10]; parts of 4 s or more keep that under about 20%. */
#define RUN_MIN_PART_S 4.0

struct run_estimates;

/*
 * List, filter, estimate (e) and shard the selected families' benchmarks
 * into r->fams (families that cannot be listed get their outcome and
 * nothing else). 0, or a negative errno with nb_errmsg() (out of memory, a
 * child that cannot be started).
 */
int run_plan_select(struct run *r, const struct run_estimates *e);

/* Cut this shard's benchmarks into r->jobs for r->slots processes at once.
 * 0 or -ENOMEM. */
int run_plan_jobs(struct run *r);

/* Free what the plan allocated. */
void run_plan_fini(struct run *r);

#endif
