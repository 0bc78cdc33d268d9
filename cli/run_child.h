/* SPDX-License-Identifier: MIT */
/*
 * The children of `nestbench run` (benchmark binaries, the guest family's
 * script, the report generator) and the signals that stop them.
 *
 * Each child runs in its own process group, with SIGTERM as its parent-death
 * signal: Ctrl-C (SIGINT) or SIGTERM to nestbench is passed on to every
 * running child's whole group (a script's own children too), and if
 * nestbench itself is killed (SIGKILL) the kernel sends each child SIGTERM
 * (PR_SET_PDEATHSIG). Several children may run at once (RUN_CHILD_MAX).
 */
#ifndef NB_SRC_CLI_RUN_CHILD_H
#define NB_SRC_CLI_RUN_CHILD_H

#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define RUN_CHILD_MAX 256

/* Catch SIGINT and SIGTERM from now on (they stop the run, see below). */
void run_signals_catch(void);
/* Back to the default actions. */
void run_signals_default(void);
/* The signal that asked the run to stop (SIGINT, SIGTERM), or 0. */
int run_stop_signal(void);
/* "Ctrl-C (SIGINT)", "SIGTERM", ... */
const char *run_signal_name(int sig);

/* Where a child's output goes and where it may run. */
struct run_child_io {
	const char *out;	/* stdout into this file (truncated); NULL: inherited */
	FILE *out_file;		/* or into this open file (out NULL) */
	const char *err;	/* stderr: a file (appended after out's truncation if
				 * the same path), NULL: inherited */
	const cpu_set_t *cpus;	/* its CPU affinity (every thread); NULL: ours */
	bool cleanup;		/* it keeps what a stopped run completed (joining
				 * results): it runs even after the stop signal; a
				 * later signal is passed on to it as to any child */
};

/*
 * Start argv[0] with argv, stdin from /dev/null, output as io says. 0 and
 * its pid in *pid, or a negative errno (fork failed, too many children;
 * nb_errmsg() says). A file that cannot be created makes the child exit 127
 * with a line on its stderr. Once the run was asked to stop, a child (but a
 * cleanup one) gets the stop signal at once.
 */
int run_child_start(char *const argv[], const struct run_child_io *io, pid_t *pid);

/* What a finished child left. */
struct run_child_end {
	pid_t pid;
	int status;		/* its wait status */
	double cpu_s;		/* user + system seconds of it and its reaped children */
};

/*
 * Wait for one started child (pid > 0) or any of them (pid 0) to end, send
 * SIGTERM to what is left of its process group, reap it. 0, or -ECHILD if
 * there is none.
 */
int run_child_wait(pid_t pid, struct run_child_end *end);

/* Move a running child (every thread of it) to the CPUs in set; 0 or a
 * negative errno (nb_errmsg() names the thread). A child that ended
 * meanwhile is not an error. */
int run_child_set_cpus(pid_t pid, const cpu_set_t *set);

/* Start and wait: run_child_start + run_child_wait; *status its wait status. */
int run_child(char *const argv[], const struct run_child_io *io, int *status, pid_t *pid);

#endif
