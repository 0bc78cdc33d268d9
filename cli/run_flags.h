/* SPDX-License-Identifier: MIT */
/* The flags of `nestbench run`: parsed, checked against each other and the
 * family table, the shard taken from the environment when not given. */
#ifndef NB_SRC_CLI_RUN_FLAGS_H
#define NB_SRC_CLI_RUN_FLAGS_H

#include "run.h"

/* argv into *o (whose defaults the caller set): 0, -1 after printing the
 * help (exit 0), or the exit status of a usage error (2, message printed). */
int run_flags_parse(int argc, char **argv, struct run_opts *o);

#endif
