/* SPDX-License-Identifier: MIT */
/*
 * The children of `nestbench run` (benchmark binaries, the guest family's
 * script, the report generator) and the signals that stop them.
 *
 * Each child runs in its own process group, with SIGTERM as its parent-death
 * signal: Ctrl-C (SIGINT) or SIGTERM to nestbench is passed on to the child's
 * whole group (a script's own children too), and if nestbench itself is
 * killed (SIGKILL) the kernel sends the child SIGTERM (PR_SET_PDEATHSIG).
 */
#ifndef NB_SRC_CLI_RUN_CHILD_H
#define NB_SRC_CLI_RUN_CHILD_H

#include <sys/types.h>

/* Catch SIGINT and SIGTERM from now on (they stop the run, see below). */
void run_signals_catch(void);
/* Back to the default actions. */
void run_signals_default(void);
/* The signal that asked the run to stop (SIGINT, SIGTERM), or 0. */
int run_stop_signal(void);
/* "Ctrl-C (SIGINT)", "SIGTERM", ... */
const char *run_signal_name(int sig);

/*
 * Run argv[0] with argv, stdin from /dev/null, stdout and stderr to log
 * (NULL: inherited), and wait for it. 0 and its wait status in *status, or
 * a negative errno (fork failed, log not creatable; nb_errmsg() says).
 * *pid: the child's pid (for cleaning up what it left).
 */
int run_child(char *const argv[], const char *log, int *status, pid_t *pid);

#endif
