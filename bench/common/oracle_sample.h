/* SPDX-License-Identifier: MIT */
/*
 * The stale-translation oracle in benchmarks, on a sample of rounds.
 *
 * The oracle (nb_iommu_oracle_check) re-walks the page tables for every
 * valid cached entry and counts the ones that disagree: stale translations,
 * DMA-after-unmap holes. It prints the first one found on stderr
 * ("nestbench: ORACLE: ...") and counts them; it never aborts the run.
 * Benchmarks call nb_bench_oracle_round() after each completed invalidation
 * (a round); every N-th round (--oracle-every=N on any benchmark binary,
 * default NB_BENCH_ORACLE_EVERY; 0 turns it off) the check runs with the
 * benchmark's timer paused, so neither the time nor the counters (perf,
 * callgrind) include it.
 *
 * Cost: one check visits every valid entry of every cache of the IOMMU
 * and walks the tables for it: about as many walks as cached entries.
 * The counter oracle_us_per_check reports what a check took here (host
 * time); the run's wall time grows by about checks x that.
 *
 * Counters (per run): stale (stale entries found, summed over checks),
 * oracle_checks, oracle_every, oracle_us_per_check.
 */
#ifndef NB_BENCH_ORACLE_SAMPLE_H
#define NB_BENCH_ORACLE_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>

#include "nb_bench.h"

#define NB_BENCH_ORACLE_EVERY 8

struct nb_iommu;

struct nb_bench_oracle {
	uint64_t rounds, checks, stale, ns;
};

/* The sampling period in force (--oracle-every). */
uint32_t nb_bench_oracle_every(void);
void nb_bench_oracle_set_every(uint32_t every);

/* One round done on m (its invalidation complete): check if sampled.
 * timer_running: the caller's timer is running (it is paused around the
 * check); false if the caller already paused it. */
void nb_bench_oracle_round(nb_bench_state *st, struct nb_bench_oracle *o, struct nb_iommu *m,
			   bool timer_running);
/* The counters above, for the end of a run. */
void nb_bench_oracle_counters(nb_bench_state *st, const struct nb_bench_oracle *o);

#endif
