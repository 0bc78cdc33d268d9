/* SPDX-License-Identifier: MIT */
/*
 * Per-benchmark time estimates: what `nestbench run` balances shards and
 * processes with, and its ETA. The file (bench/estimates.tsv, or
 * NB_ESTIMATES) has one line per benchmark,
 *     NAME <TAB> QUICK_S <TAB> DEFAULT_S
 * the seconds of one core one repetition of it took in the quick and the
 * default suite ("-": not measured), refreshed from a run's results by
 * scripts/nb_estimates.py (docs/runner.md says how they are derived).
 * '#' lines are comments.
 */
#ifndef NB_SRC_CLI_RUN_ESTIMATES_H
#define NB_SRC_CLI_RUN_ESTIMATES_H

#include <stdbool.h>

struct run_estimates;

/* Read path into *out. A file that does not exist gives an empty set (0);
 * a malformed line -EINVAL naming path:line; other errors their errno. */
int run_estimates_create(const char *path, struct run_estimates **out);

/* name's seconds (one repetition) in the quick or default suite; false if
 * the file does not know it. */
bool run_estimates_get(const struct run_estimates *e, const char *name, bool quick, double *s);

/* How many benchmarks it knows. */
int run_estimates_count(const struct run_estimates *e);

void run_estimates_destroy(struct run_estimates *e);

#endif
