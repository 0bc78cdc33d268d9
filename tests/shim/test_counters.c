/* SPDX-License-Identifier: MIT */
/*
 * Counters reach the JSON with the values each kind defines (nb_bench.h):
 * expected values are fixed here from the counter definitions and from run
 * lengths the test sets itself (fixed iterations, manual time).
 */
#include "shim_test.h"

#include <stdint.h>

enum { PLAIN_ITERS = 1000, MANUAL_ITERS = 10, THREAD_ITERS = 100, CPU_ITERS = 200000 };
#define MANUAL_SECONDS_PER_ITER 0.01

static void bm_plain(nb_bench_state *st, void *ctx)
{
	int64_t bodies = 0;

	while (nb_bench_keep_running(st)) {
		bodies++;
		nb_bench_clobber_memory();
	}
	nb_bench_counter(st, "plain", 42, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "avg_iter", 10.0 * (double)bodies, NB_COUNTER_AVG_ITER);
	nb_bench_counter(st, "iter_invariant", 3, NB_COUNTER_ITER_INVARIANT);
	nb_bench_counter(st, "inverted", 4, NB_COUNTER_INVERT);
	nb_bench_counter(st, "replaced", 1, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "replaced", 7, NB_COUNTER_PLAIN);
}

static void bm_manual(nb_bench_state *st, void *ctx)
{
	while (nb_bench_keep_running(st))
		nb_bench_set_iteration_time(st, MANUAL_SECONDS_PER_ITER);
	nb_bench_counter(st, "rate", 50, NB_COUNTER_RATE);
	nb_bench_counter(st, "avg_iter_rate", 50, NB_COUNTER_AVG_ITER_RATE);
	nb_bench_counter(st, "iter_invariant_rate", 2, NB_COUNTER_ITER_INVARIANT_RATE);
	nb_bench_counter(st, "rate_inverted", 50, NB_COUNTER_RATE | NB_COUNTER_INVERT);
	nb_bench_set_items_processed(st, 1000);
	nb_bench_set_bytes_processed(st, 2048);
	nb_bench_set_label(st, "manual-label");
}

static void bm_threads(nb_bench_state *st, void *ctx)
{
	int t = nb_bench_thread_index(st);

	while (nb_bench_keep_running(st))
		nb_bench_clobber_memory();
	nb_bench_counter(st, "sum", 5, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "avg_threads", 6 + t, NB_COUNTER_AVG_THREADS);
	nb_bench_counter(st, "tid_sum", t, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "nthreads", nb_bench_thread_count(st), NB_COUNTER_AVG_THREADS);
}

static void bm_cpu_rate(nb_bench_state *st, void *ctx)
{
	volatile uint64_t x = 0;

	while (nb_bench_keep_running(st))
		x = x + 1;
	nb_bench_counter(st, "r", 1e6, NB_COUNTER_RATE);
}

int main(void)
{
	nb_bench_iterations(nb_bench_register("t/plain", bm_plain, NULL), PLAIN_ITERS);
	nb_bench_iterations(nb_bench_use_manual_time(nb_bench_register("t/manual", bm_manual, NULL)),
			    MANUAL_ITERS);
	nb_bench_iterations(nb_bench_threads(nb_bench_register("t/threads", bm_threads, NULL), 2),
			    THREAD_ITERS);
	nb_bench_iterations(nb_bench_register("t/cpu_rate", bm_cpu_rate, NULL), CPU_ITERS);

	int rc;
	json_t *doc = nbt_run(NULL, &rc);
	NBT_CHECK(rc == 0, "nb_bench_main returned %d", rc);
	if (!doc)
		return nbt_done("test_counters");

	json_t *b = nbt_bench(doc, "t/plain");
	NBT_NUM(b, "iterations", PLAIN_ITERS, 0);
	NBT_NUM(b, "plain", 42, 1e-12);
	NBT_NUM(b, "avg_iter", 10, 1e-12);
	NBT_NUM(b, "iter_invariant", 3.0 * PLAIN_ITERS, 1e-12);
	NBT_NUM(b, "inverted", 0.25, 1e-12);
	NBT_NUM(b, "replaced", 7, 1e-12);

	/* Manual time: the run lasts MANUAL_ITERS * 0.01 s = 0.1 s exactly. */
	const double secs = MANUAL_ITERS * MANUAL_SECONDS_PER_ITER;
	b = nbt_bench(doc, "t/manual");
	NBT_NUM(b, "iterations", MANUAL_ITERS, 0);
	NBT_CHECK(strcmp(nbt_str(b, "time_unit"), "ns") == 0, "time_unit %s", nbt_str(b, "time_unit"));
	NBT_NUM(b, "real_time", MANUAL_SECONDS_PER_ITER * 1e9, 1e-9);
	NBT_NUM(b, "rate", 50 / secs, 1e-9);
	NBT_NUM(b, "avg_iter_rate", 50 / secs / MANUAL_ITERS, 1e-9);
	NBT_NUM(b, "iter_invariant_rate", 2.0 * MANUAL_ITERS / secs, 1e-9);
	NBT_NUM(b, "rate_inverted", secs / 50, 1e-9);
	NBT_NUM(b, "items_per_second", 1000 / secs, 1e-9);
	NBT_NUM(b, "bytes_per_second", 2048 / secs, 1e-9);
	NBT_CHECK(strcmp(nbt_str(b, "label"), "manual-label") == 0, "label '%s'",
		  nbt_str(b, "label"));

	/* Two threads: per-thread values are summed, then divided as flagged;
	 * iterations are the sum over threads (Google Benchmark 1.7.1). */
	b = nbt_bench(doc, "t/threads");
	NBT_NUM(b, "threads", 2, 0);
	NBT_NUM(b, "iterations", 2 * THREAD_ITERS, 0);
	NBT_NUM(b, "sum", 10, 1e-12);
	NBT_NUM(b, "avg_threads", 6.5, 1e-12);
	NBT_NUM(b, "tid_sum", 1, 1e-12);
	NBT_NUM(b, "nthreads", 2, 1e-12);

	/* A rate over CPU time: r * (cpu seconds of the run) gives back 1e6. */
	b = nbt_bench(doc, "t/cpu_rate");
	double r = nbt_num(b, "r");
	double cpu_s = nbt_num(b, "cpu_time") * nbt_num(b, "iterations") / 1e9;
	NBT_CHECK(nbt_near(r * cpu_s, 1e6, 1e-6), "rate %g/s over %g s gives %g, want 1e6", r, cpu_s,
		  r * cpu_s);
	NBT_CHECK(cpu_s > 1e-7 && cpu_s < 60, "implausible run time %g s", cpu_s);

	json_decref(doc);
	return nbt_done("test_counters");
}
