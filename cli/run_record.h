/* SPDX-License-Identifier: MIT */
/*
 * What a `nestbench run` writes about itself into its results folder (each
 * published whole, run_dir_publish):
 *   run.json   the families' and processes' outcomes, rewritten after every
 *              process (a run that is killed keeps what completed); the
 *              commit, the configuration and the shard, which
 *              `nestbench merge` checks shards against each other with
 *   plan.json  the selection: every benchmark this run (shard) runs, with its
 *              place in its binary's listing, its estimate and kind, and the
 *              whole selection's size and fingerprint (before the shard)
 * docs/runner.md describes both.
 */
#ifndef NB_SRC_CLI_RUN_RECORD_H
#define NB_SRC_CLI_RUN_RECORD_H

#include "run.h"

/* 0, or a negative errno with nb_errmsg() naming the file. */
int run_record_run(const struct run *r);
int run_record_plan(const struct run *r);

#endif
