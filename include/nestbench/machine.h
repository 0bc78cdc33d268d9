/* SPDX-License-Identifier: MIT */
/*
 * nestbench machine facts: what the benchmarks ran on, where their threads
 * ran, and what the CPU counted while they did.
 *
 *   nb_topo_*  the machine's topology through hwloc (loaded once per process
 *              and cached), thread pinning, the CPU a thread runs on.
 *   nb_perf_*  per-thread performance counters through libperf (the kernel's
 *              tools/lib/perf), event names through libpfm4.
 *
 * Words: a PU is a hardware thread (an OS CPU index, as in sched_getcpu()); a
 * core holds one or more PUs; a package is a socket. "Allowed" PUs are those
 * this process may run on (its cgroup cpuset), which may be fewer than the
 * machine has.
 *
 * Error idiom as in nb.h: 0 (or a count where documented) on success, a
 * negative errno on failure with a one-line nb_errmsg(). Nothing here prints.
 * Every function may be called from any thread; the first call of each family
 * does the one-time set-up (hwloc load, libperf_init, pfm_initialize).
 */
#ifndef NESTBENCH_MACHINE_H
#define NESTBENCH_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- topology and pinning ---------------------------------------------- */

struct nb_topo_summary {
	int packages, cores, pus, numa_nodes;	/* whole machine, online */
	uint64_t l1d_bytes, l2_bytes, l3_bytes;	/* one instance of each; 0 if unknown */
	char cpu_model[128];			/* hwloc CPUModel, else /proc/cpuinfo; "" if unknown */
	int allowed_pus;			/* PUs this process may be pinned to */
};

/* Fill *out from the cached topology (loaded by the first nb_topo_* call). */
int nb_topo_summary(struct nb_topo_summary *out);

/* The first L1 data cache's shape from hwloc: sets, ways and line size.
 * -ENODATA if hwloc does not know one of them (the outputs are then 0). */
int nb_topo_l1d_shape(unsigned *sets, unsigned *ways, unsigned *line);

/*
 * Write the summary as a one-line JSON object (no newline) into buf, for the
 * benchmark JSON context and a report's environment file. Keys are the field
 * names above plus "hwloc_version". -ENOSPC if len is too small (buf then
 * holds "" rather than a truncated object).
 */
int nb_topo_json(char *buf, size_t len);

/*
 * Bind the calling thread (only it, not the process) to OS CPU `cpu`.
 * -EINVAL, with a message naming the CPU and the allowed set, if cpu is not
 * an allowed PU.
 */
int nb_topo_pin_thread(int cpu);

/* Undo nb_topo_pin_thread: let the calling thread run on every allowed PU. */
int nb_topo_unpin_thread(void);

/* The OS CPU index the calling thread is running on now (sched_getcpu). */
int nb_topo_current_cpu(void);

/* Number of allowed PUs (what nb_topo_pin_thread accepts). */
int nb_topo_cpu_count(void);

/*
 * The allowed PUs' OS indices in ascending order: stores min(count, max) of
 * them in cpus[] and returns the count (so a short array can size a retry).
 */
int nb_topo_cpu_list(int *cpus, int max);

/*
 * The core of each allowed PU, for placing work a core at a time: core[i]
 * is the core (numbered 0, 1, ... in the order of their first allowed PU)
 * of the i-th PU of nb_topo_cpu_list's order. Stores min(count, max)
 * entries and returns the number of cores that have an allowed PU.
 */
int nb_topo_cpu_cores(int *core, int max);

/* ---- performance counters ---------------------------------------------- */

/*
 * A set of counters for the thread that opened it (not inherited by threads it
 * creates). One owner at a time: calls on the same nb_perf are not serialised.
 */
struct nb_perf;

struct nb_perf_event_status {
	const char *name;	/* as given to nb_perf_open; lives as long as the set */
	bool open;		/* counting (or ready to count) */
	int err;		/* positive errno from perf_event_open when !open, else 0 */
	bool user_only;		/* open, but only counting user space: the kernel refused
				 * kernel counting (kernel.perf_event_paranoid), so kernel
				 * work such as context switches is not seen */
};

/*
 * Open events[0..n) on the calling thread, disabled. Accepted names: the
 * generic software events task-clock, cpu-clock, page-faults, minor-faults,
 * major-faults, context-switches, cpu-migrations (PERF_TYPE_SOFTWARE), and
 * anything libpfm4 can encode (perf's generic names such as instructions,
 * cycles, branch-misses, L1-dcache-load-misses, or PMU-specific names).
 * An event the kernel refuses is recorded in its status and is not an error;
 * the call fails only if a name is unknown (-EINVAL, message names the event)
 * or no event opened at all (that event's errno, message says why).
 */
int nb_perf_open(struct nb_perf **out, const char *const *events, int n);

/*
 * The default set, always listed in this order: instructions, cycles,
 * branch-misses, L1-dcache-load-misses (hardware: closed, with err set, where
 * the machine exposes no PMU), task-clock, page-faults, context-switches.
 */
int nb_perf_open_default(struct nb_perf **out);

void nb_perf_close(struct nb_perf *p);	/* NULL is fine */

int nb_perf_count(const struct nb_perf *p);	/* events listed, open or not */
const struct nb_perf_event_status *nb_perf_status(const struct nb_perf *p, int i);
int nb_perf_index(const struct nb_perf *p, const char *name);	/* -ENOENT if absent */

/* Zero the open counters and start them. */
int nb_perf_enable(struct nb_perf *p);
/* Stop the open counters; their values stay readable. */
int nb_perf_disable(struct nb_perf *p);
/* Start them again without zeroing: the count goes on from where
 * nb_perf_disable stopped it (a pause inside a measured region). */
int nb_perf_resume(struct nb_perf *p);

/*
 * Event i's count since the last nb_perf_enable, scaled by time enabled over
 * time running when the kernel multiplexed it. Units are the event's own
 * (task-clock and cpu-clock: nanoseconds). -ENODEV if the event did not open.
 */
int nb_perf_read(struct nb_perf *p, int i, uint64_t *value);

/* True iff a hardware event (instructions) opens here. Cached per process. */
bool nb_perf_pmu_available(void);
/* One line: "available", or why not (what failed, errno name, paranoid level). */
const char *nb_perf_pmu_reason(void);

#endif
