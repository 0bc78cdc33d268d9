/* SPDX-License-Identifier: MIT */
/*
 * Which shard of the suite this run is: --shard=I/N, else NB_SHARD=I/N (a
 * CI matrix sets it), else a Slurm job array (SLURM_ARRAY_TASK_ID among
 * SLURM_ARRAY_TASK_MIN..MAX, SLURM_ARRAY_TASK_COUNT tasks, step
 * SLURM_ARRAY_TASK_STEP or 1). I counts from 1. The shard's content is
 * decided by run_plan.c.
 */
#ifndef NB_SRC_CLI_RUN_SHARD_H
#define NB_SRC_CLI_RUN_SHARD_H

#include "run.h"

#define RUN_SHARD_MAX 10000

/* "I/N" with 1 <= I <= N <= RUN_SHARD_MAX into *s (from: what said it).
 * 0, or -EINVAL with nb_errmsg() naming what and the text. */
int run_shard_parse(const char *text, const char *from, struct run_shard *s);

/* NB_SHARD, else Slurm's array variables, into *s (count 0: neither is
 * set). 0, or -EINVAL with nb_errmsg() naming the variable. */
int run_shard_from_env(struct run_shard *s);

#endif
