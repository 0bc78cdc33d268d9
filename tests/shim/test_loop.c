/* SPDX-License-Identifier: MIT */
/*
 * The loop: the number of bodies the C code runs equals the iteration count
 * Google Benchmark reports, for single steps and batches (including the last
 * batch that overshoots the planned count), fixed and time-driven runs, and
 * threads; iterations_done counts along; the timer pauses; a finished loop
 * stays finished.
 */
#include "shim_test.h"

#include <stdint.h>
#include <time.h>

struct loop {
	int64_t batch; /* 0: nb_bench_keep_running, else the batch size */
};

static void bm_count(nb_bench_state *st, void *ctx)
{
	const struct loop *l = ctx;
	int64_t bodies = 0, mismatches = 0;

	if (l->batch == 0) {
		while (nb_bench_keep_running(st)) {
			bodies++;
			mismatches += nb_bench_iterations_done(st) != bodies;
			nb_bench_clobber_memory();
		}
	} else {
		while (nb_bench_keep_running_batch(st, l->batch)) {
			for (int64_t i = 0; i < l->batch; i++) {
				bodies++;
				nb_bench_clobber_memory();
			}
			mismatches += nb_bench_iterations_done(st) != bodies;
		}
	}
	nb_bench_counter(st, "bodies", (double)bodies, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "done_mismatches", (double)mismatches, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "done_at_end", (double)nb_bench_iterations_done(st), NB_COUNTER_PLAIN);
	nb_bench_counter(st, "max", (double)nb_bench_max_iterations(st), NB_COUNTER_AVG_THREADS);
	nb_bench_counter(st, "again", nb_bench_keep_running(st), NB_COUNTER_PLAIN);
}

/* One batch of 8, then batches of 64: a step change the shim can still count. */
static void bm_mixed(nb_bench_state *st, void *ctx)
{
	int64_t bodies = 0;

	if (nb_bench_keep_running_batch(st, 8))
		bodies += 8;
	while (nb_bench_keep_running_batch(st, 64))
		bodies += 64;
	nb_bench_counter(st, "bodies", (double)bodies, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "done_mismatches", 0, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "done_at_end", (double)nb_bench_iterations_done(st), NB_COUNTER_PLAIN);
	nb_bench_counter(st, "again", nb_bench_keep_running(st), NB_COUNTER_PLAIN);
}

#define PAUSE_NS 20000000L /* 20 ms hidden from the timer in each iteration */

static void bm_pause(nb_bench_state *st, void *ctx)
{
	const struct timespec ts = {0, PAUSE_NS};

	while (nb_bench_keep_running(st)) {
		nb_bench_pause(st);
		nanosleep(&ts, NULL);
		nb_bench_resume(st);
	}
}

static const struct loop single = {0}, batch64 = {64}, batch7 = {7};

static void expect_counted(json_t *doc, const char *family, int64_t want_iters, int64_t batch)
{
	json_t *b = nbt_bench(doc, family);
	double iters = nbt_num(b, "iterations");

	NBT_NUM(b, "bodies", iters, 0);
	NBT_NUM(b, "done_at_end", iters, 0);
	NBT_NUM(b, "done_mismatches", 0, 0);
	NBT_NUM(b, "again", 0, 0);
	if (want_iters)
		NBT_NUM(b, "iterations", want_iters, 0);
	if (batch)
		NBT_CHECK((int64_t)iters % batch == 0, "%s: %g iterations, not a multiple of %lld",
			  family, iters, (long long)batch);
}

int main(void)
{
	nb_bench_iterations(nb_bench_register("t/single", bm_count, (void *)&single), 1000);
	nb_bench_iterations(nb_bench_register("t/batch_exact", bm_count, (void *)&batch64), 640);
	nb_bench_iterations(nb_bench_register("t/batch_over", bm_count, (void *)&batch64), 100);
	nb_bench_iterations(nb_bench_register("t/batch_small", bm_count, (void *)&batch64), 5);
	nb_bench_register("t/auto_single", bm_count, (void *)&single);
	nb_bench_register("t/auto_batch", bm_count, (void *)&batch7);
	nb_bench_iterations(nb_bench_threads(nb_bench_register("t/threads", bm_count,
							       (void *)&single), 2), 50);
	nb_bench_iterations(nb_bench_threads(nb_bench_register("t/threads_batch", bm_count,
							       (void *)&batch7), 2), 50);
	nb_bench_iterations(nb_bench_register("t/mixed", bm_mixed, NULL), 100);
	nb_bench_iterations(nb_bench_use_real_time(nb_bench_register("t/pause", bm_pause, NULL)), 5);

	int rc;
	json_t *doc = nbt_run(NULL, &rc);
	NBT_CHECK(rc == 0, "nb_bench_main returned %d", rc);
	if (!doc)
		return nbt_done("test_loop");

	expect_counted(doc, "t/single", 1000, 0);
	NBT_NUM(nbt_bench(doc, "t/single"), "max", 1000, 0);
	expect_counted(doc, "t/batch_exact", 640, 64);
	/* 100 planned: one batch of 64 fits, the second overshoots to 128. */
	expect_counted(doc, "t/batch_over", 128, 64);
	expect_counted(doc, "t/batch_small", 64, 64);
	expect_counted(doc, "t/auto_single", 0, 0);
	expect_counted(doc, "t/auto_batch", 0, 7);
	expect_counted(doc, "t/threads", 100, 0);
	/* Each thread: 50 planned, 49 in batches of 7, then one overshooting 7. */
	expect_counted(doc, "t/threads_batch", 2 * 56, 7);

	/* 100 planned: the batch of 8 takes 96, two batches of 64 use 88 of them
	 * plus 40 more, 36 past the plan. */
	expect_counted(doc, "t/mixed", 136, 8);

	/* Time-driven runs must have gone past the 1-iteration probe. */
	NBT_CHECK(nbt_num(nbt_bench(doc, "t/auto_single"), "iterations") > 1,
		  "t/auto_single ran only one iteration");

	json_t *b = nbt_bench(doc, "t/pause");
	double real_ns = nbt_num(b, "real_time");
	NBT_CHECK(real_ns < PAUSE_NS / 2, "paused sleep of %ld ns counted: real_time %g ns",
		  PAUSE_NS, real_ns);

	json_decref(doc);
	return nbt_done("test_loop");
}
