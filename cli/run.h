/* SPDX-License-Identifier: MIT */
/*
 * `nestbench run`: what one run is made of, shared by its parts:
 *   cmd_run.c     the order of things: checks, folder, plan, processes, report
 *   run_flags.c   the flags and the help
 *   run_shard.c   which shard of the suite this process is (--shard, NB_SHARD,
 *                 Slurm's array variables)
 *   run_plan.c    the selected benchmarks (each family binary's --describe),
 *                 their time estimates, this shard's part, the processes
 *   run_sched.c   the processes on the cores, at once, placed
 *   run_record.c  run.json and plan.json
 *   run_dir.c     the results folder; run_child.c the children and signals
 *
 * Words: a *benchmark* is one Google Benchmark instance name as the binary
 * lists it; a *job* is one benchmark process (a family, or part of one); a
 * *shard* is one of N independent runs that together make the suite.
 */
#ifndef NB_SRC_CLI_RUN_H
#define NB_SRC_CLI_RUN_H

#include <stdbool.h>
#include <sys/types.h>

#include "family.h"

#define RUN_MAX_SETS 16

/* This run's shard: index 1..count; count 0: not sharded. */
struct run_shard {
	int index, count;
	char from[200]; /* what said so: "--shard", "NB_SHARD", Slurm's variables */
};

struct run_opts {
	bool quick, report, guest;
	int reps;		/* 0: each family's own (bench/families.txt) */
	int cpu;		/* --cpu, -1: none */
	int jobs;		/* processes at once (0: one per allowed PU) */
	const char *out, *only, *filter;
	const char *sets[RUN_MAX_SETS]; /* "--set=KEY=VALUE", as given */
	int nsets;
	struct run_shard shard;
};

/* How a job is placed on the machine (run_sched.c). */
enum run_place {
	RUN_PLACE_SHARED,	/* counts and modelled figures: one PU, beside others */
	RUN_PLACE_CORE,		/* host time: a whole core (its PUs) to itself */
	RUN_PLACE_MACHINE,	/* threads or benchmarks that use each other: alone */
};

/* What became of a job or a family. */
struct run_outcome {
	const char *status;	/* NULL (not run yet), ok, failed, skipped, interrupted, none */
	char reason[1600];	/* room for a path */
	double seconds;		/* wall time */
	double cpu_s;		/* user + system seconds */
};

/* One selected benchmark of a family. */
struct run_bench {
	char *name;
	int pos;		/* its place in the binary's listing, from 0 */
	double est_s;		/* estimated seconds, all repetitions */
	bool host_timed;
	bool known;		/* the estimate is from the estimates file */
};

/* A family in this run. */
struct run_family {
	const struct nb_family *fam;
	bool exclusive;		/* the binary says so (--describe) */
	int reps;		/* Google Benchmark repetitions */
	int listed;		/* benchmarks the binary lists, before --filter */
	int selected;		/* after --filter, before the shard */
	struct run_bench *b;	/* this shard's, in listing order */
	int nb;
	size_t cap_b;		/* room in b */
	double est_s;		/* this shard's, all benchmarks */
	bool other_shard;	/* all of it is in other shards */
	struct run_outcome out;	/* status "none": nothing of it runs here (reason says why) */
	double t_first, t_last;	/* when its first job started, its last ended */
};

/* One benchmark process. */
struct run_job {
	struct run_family *rf;
	int part, parts;	/* 1-based; parts 1: one process for the family */
	enum run_place place;
	int *bench, nbench;	/* indices into rf->b */
	char *filter;		/* its --benchmark_filter; NULL: the family's own selection */
	double est_s;
	char out[1200], log[1200];
	struct run_outcome res;
	char cpus[64];		/* where it ran, as a CPU list ("0", "2-3") */
	pid_t pid;
	double t0;
};

/* The whole run. */
struct run {
	struct run_opts o;
	char dir[1024];
	char commit[128];	/* git describe --always --dirty --abbrev=40 at run time */
	struct run_family fams[NB_FAMILY_COUNT];
	struct run_job *jobs;
	int njobs;
	int selection;		/* benchmarks selected before the shard, all families */
	unsigned long long selection_hash; /* FNV-1a 64 of them (run_record.c says how) */
	char estimates[1100];	/* the estimates file read, or why none */
	int slots;		/* processes at once */
};

/* Is family f in this run (--families, the suite's rules for scripts)?
 * (run_flags.c) */
bool run_selected(const struct run_opts *o, const struct nb_family *f);

/* Seconds of CLOCK_MONOTONIC (run_sched.c, the runner's clock). */
double run_now(void);

#endif
