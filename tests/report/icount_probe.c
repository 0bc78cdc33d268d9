// SPDX-License-Identifier: MIT
/*
 * A benchmark binary with a known amount of work, for the instruction-count
 * test: "icount/probe", whose body runs NB_ICOUNT_WORK (env, default 1000)
 * dependent steps per iteration; "icount/probe_paused", the same timed work
 * plus ten times as much with the timer paused (set-up inside the loop,
 * which must not be counted); "icount/probe_manual", a benchmark that
 * reports its own time (which icount mode must refuse). It goes through the project's
 * common main (bench/common), so its measured loop is bracketed by the same
 * region hooks as every nb-bench-<family>; under callgrind those hooks dump
 * the counts scripts/nb_icount.py reads.
 */
#include <stdint.h>
#include <stdlib.h>

#include "bench_common.h"

static int64_t work = 1000;

static void bm_probe(nb_bench_state *st, void *ctx)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	(void)ctx;
	while (nb_bench_keep_running(st)) {
		for (int64_t i = 0; i < work; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			__asm__ __volatile__("" : "+r"(x));
		}
	}
	nb_bench_do_not_optimize((void *)(uintptr_t)x);
	nb_bench_counter(st, "work", (double)work, NB_COUNTER_PLAIN);
}

static uint64_t steps(uint64_t x, int64_t n)
{
	for (int64_t i = 0; i < n; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		__asm__ __volatile__("" : "+r"(x));
	}
	return x;
}

static void bm_probe_paused(nb_bench_state *st, void *ctx)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	(void)ctx;
	while (nb_bench_keep_running(st)) {
		x = steps(x, work);
		nb_bench_pause(st);
		x = steps(x, 10 * work); /* set-up: not measured, not counted */
		nb_bench_resume(st);
	}
	nb_bench_do_not_optimize((void *)(uintptr_t)x);
	nb_bench_counter(st, "work", (double)work, NB_COUNTER_PLAIN);
}

static void bm_probe_manual(nb_bench_state *st, void *ctx)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	(void)ctx;
	while (nb_bench_keep_running(st)) {
		x = steps(x, work);
		nb_bench_set_iteration_time(st, 1e-6);
	}
	nb_bench_do_not_optimize((void *)(uintptr_t)x);
}

static void register_probe(void)
{
	nb_bench_register("icount/probe", bm_probe, NULL);
	nb_bench_register("icount/probe_paused", bm_probe_paused, NULL);
	nb_bench_use_manual_time(nb_bench_register("icount/probe_manual", bm_probe_manual, NULL));
}

static const struct nb_bench_family family = { .name = "icountprobe", .register_all = register_probe };

int main(int argc, char **argv)
{
	const char *w = getenv("NB_ICOUNT_WORK");

	if (w && atoll(w) > 0)
		work = atoll(w);
	return nb_bench_family_main(argc, argv, &family);
}
