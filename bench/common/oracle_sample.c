// SPDX-License-Identifier: MIT
/* The sampled stale-translation oracle of the benchmarks (see oracle_sample.h). */
#include <stdio.h>

#include "bench_common.h"
#include "nestbench/iommu.h"
#include "oracle_sample.h"

static uint32_t oracle_every = NB_BENCH_ORACLE_EVERY;

uint32_t nb_bench_oracle_every(void)
{
	return oracle_every;
}

void nb_bench_oracle_set_every(uint32_t every)
{
	oracle_every = every;
}

void nb_bench_oracle_round(nb_bench_state *st, struct nb_bench_oracle *o, struct nb_iommu *m,
			   bool timer_running)
{
	uint64_t t0, found;

	if (!oracle_every || ++o->rounds % oracle_every)
		return;
	if (timer_running)
		nb_bench_pause(st);
	t0 = nb_now_ns();
	found = nb_iommu_oracle_check(m);
	o->ns += nb_now_ns() - t0;
	o->checks++;
	if (found && !o->stale) /* the first of a run, as the oracle does after a sync */
		fprintf(stderr, "nestbench: ORACLE: %s\n", nb_errmsg());
	o->stale += found;
	if (timer_running)
		nb_bench_resume(st);
}

void nb_bench_oracle_counters(nb_bench_state *st, const struct nb_bench_oracle *o)
{
	nb_bench_counter(st, "stale", (double)o->stale, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "oracle_checks", (double)o->checks, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "oracle_every", (double)oracle_every, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "oracle_us_per_check", o->checks ? (double)o->ns / 1e3 / (double)o->checks : 0,
			 NB_COUNTER_PLAIN);
}
