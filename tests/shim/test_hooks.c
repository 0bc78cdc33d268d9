/* SPDX-License-Identifier: MIT */
/*
 * Region hooks: on every thread of every run, begin then end, once each,
 * around the loop; end sees the final iteration count and its counters reach
 * the JSON; time spent in the hooks is not measured; a loop that fails still
 * gets its end; a run that never starts its loop gets neither. Pause hooks:
 * one pause and one resume per nb_bench_pause/_resume pair, inside the
 * region, none for a refused call (pausing a paused timer).
 */
#include "shim_test.h"

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#define HOOK_SLEEP_NS 100000000L /* 100 ms in each hook of t/timed */

static atomic_long calls, begins, ends, order_violations, skipped_before_loop;
static atomic_long user_mismatch;
static atomic_long pauses, resumes, pause_violations;
static _Thread_local bool paused_now;
static _Thread_local bool in_region;
static _Thread_local bool sleep_in_hooks;
static _Thread_local bool fail_in_begin;
static int hook_user;

static void nap(void)
{
	const struct timespec ts = {0, HOOK_SLEEP_NS};

	nanosleep(&ts, NULL);
}

static void on_begin(nb_bench_state *st, void *user)
{
	atomic_fetch_add(&begins, 1);
	if (user != &hook_user)
		atomic_fetch_add(&user_mismatch, 1);
	if (in_region || nb_bench_iterations_done(st) == 0)
		atomic_fetch_add(&order_violations, 1);
	in_region = true;
	if (sleep_in_hooks)
		nap();
	if (fail_in_begin)
		nb_bench_skip_with_error(st, "counters unavailable");
}

static void on_end(nb_bench_state *st, void *user)
{
	atomic_fetch_add(&ends, 1);
	if (!in_region)
		atomic_fetch_add(&order_violations, 1);
	in_region = false;
	if (sleep_in_hooks)
		nap();
	nb_bench_counter(st, "hook_iters", (double)nb_bench_iterations_done(st), NB_COUNTER_PLAIN);
	nb_bench_counter(st, "hook_ends", 1, NB_COUNTER_PLAIN);
}

static void on_pause(nb_bench_state *st, void *user)
{
	atomic_fetch_add(&pauses, 1);
	if (!in_region || paused_now || user != &hook_user)
		atomic_fetch_add(&pause_violations, 1);
	paused_now = true;
}

static void on_resume(nb_bench_state *st, void *user)
{
	atomic_fetch_add(&resumes, 1);
	if (!in_region || !paused_now || user != &hook_user)
		atomic_fetch_add(&pause_violations, 1);
	paused_now = false;
}

/* Pause and resume once per iteration; after the loop, a refused pause
 * (outside the loop) must not reach the hook. */
static void bm_pausing(nb_bench_state *st, void *ctx)
{
	long n = 0;

	atomic_fetch_add(&calls, 1);
	while (nb_bench_keep_running(st)) {
		nb_bench_pause(st);
		nb_bench_resume(st);
		n++;
	}
	nb_bench_counter(st, "pairs", (double)n, NB_COUNTER_PLAIN);
}

/* ctx: batch size, 0 for single steps. */
static void bm_loop(nb_bench_state *st, void *ctx)
{
	int64_t batch = (int64_t)(intptr_t)ctx;

	atomic_fetch_add(&calls, 1);
	if (batch)
		while (nb_bench_keep_running_batch(st, batch))
			nb_bench_clobber_memory();
	else
		while (nb_bench_keep_running(st))
			nb_bench_clobber_memory();
	if (in_region)
		atomic_fetch_add(&order_violations, 1);
}

static void bm_timed(nb_bench_state *st, void *ctx)
{
	sleep_in_hooks = true;
	bm_loop(st, ctx);
	sleep_in_hooks = false;
}

static void bm_error_in_loop(nb_bench_state *st, void *ctx)
{
	int n = 0;

	atomic_fetch_add(&calls, 1);
	while (nb_bench_keep_running(st))
		if (++n == 3)
			nb_bench_skip_with_error(st, "failed mid-loop");
}

static void bm_error_before_loop(nb_bench_state *st, void *ctx)
{
	atomic_fetch_add(&calls, 1);
	atomic_fetch_add(&skipped_before_loop, 1);
	nb_bench_skip_with_error(st, "failed before the loop");
}

static void bm_begin_fails(nb_bench_state *st, void *ctx)
{
	long n = 0;

	fail_in_begin = true;
	atomic_fetch_add(&calls, 1);
	while (nb_bench_keep_running(st))
		n++;
	fail_in_begin = false;
	nb_bench_counter(st, "bodies_after_failed_begin", (double)n, NB_COUNTER_PLAIN);
	if (n)
		atomic_fetch_add(&order_violations, 1);
}

static void expect_error(json_t *doc, const char *family)
{
	NBT_CHECK(json_is_true(json_object_get(nbt_bench(doc, family), "error_occurred")),
		  "%s: no error reported", family);
}

int main(void)
{
	nb_bench_set_region_hooks(on_begin, on_end, &hook_user);
	nb_bench_set_pause_hooks(on_pause, on_resume, &hook_user);
	nb_bench_iterations(nb_bench_register("t/pausing", bm_pausing, NULL), 50);
	nb_bench_iterations(nb_bench_register("t/one", bm_loop, NULL), 100);
	nb_bench_iterations(nb_bench_threads(nb_bench_register("t/threads", bm_loop, NULL), 2), 100);
	nb_bench_iterations(nb_bench_register("t/batch", bm_loop, (void *)(intptr_t)64), 100);
	nb_bench_register("t/auto", bm_loop, NULL);
	nb_bench_threads(nb_bench_register("t/auto_threads", bm_loop, (void *)(intptr_t)8), 2);
	nb_bench_iterations(nb_bench_use_real_time(nb_bench_register("t/timed", bm_timed, NULL)),
			    1);
	nb_bench_iterations(nb_bench_register("t/error_in_loop", bm_error_in_loop, NULL), 100);
	nb_bench_iterations(nb_bench_register("t/error_before_loop", bm_error_before_loop, NULL),
			    100);
	nb_bench_iterations(nb_bench_register("t/begin_fails", bm_begin_fails, NULL), 100);

	int rc;
	json_t *doc = nbt_run(NULL, &rc);
	NBT_CHECK(rc == 1, "nb_bench_main returned %d, want 1 (three benchmarks fail)", rc);
	if (!doc)
		return nbt_done("test_hooks");

	long c = atomic_load(&calls), b = atomic_load(&begins), e = atomic_load(&ends);
	long skipped = atomic_load(&skipped_before_loop);
	NBT_CHECK(b == c - skipped, "%ld begin calls for %ld loops that started", b, c - skipped);
	NBT_CHECK(e == b, "%ld end calls for %ld begin calls", e, b);
	NBT_CHECK(atomic_load(&order_violations) == 0, "%ld out-of-order hook calls",
		  atomic_load(&order_violations));
	NBT_CHECK(atomic_load(&user_mismatch) == 0, "hooks got the wrong user pointer");

	json_t *j = nbt_bench(doc, "t/one");
	NBT_NUM(j, "hook_iters", 100, 0);
	NBT_NUM(j, "hook_ends", 1, 0);
	j = nbt_bench(doc, "t/threads");
	NBT_NUM(j, "hook_iters", nbt_num(j, "iterations"), 0);
	NBT_NUM(j, "hook_ends", 2, 0);
	j = nbt_bench(doc, "t/batch");
	NBT_NUM(j, "hook_iters", 128, 0);
	NBT_NUM(j, "iterations", 128, 0);
	j = nbt_bench(doc, "t/auto");
	NBT_NUM(j, "hook_iters", nbt_num(j, "iterations"), 0);
	j = nbt_bench(doc, "t/auto_threads");
	NBT_NUM(j, "hook_iters", nbt_num(j, "iterations"), 0);
	NBT_NUM(j, "hook_ends", 2, 0);

	/* Two 100 ms naps in the hooks around a 1-iteration empty loop: none of it
	 * may show in the measured time. */
	j = nbt_bench(doc, "t/timed");
	double real_ns = nbt_num(j, "real_time");
	NBT_CHECK(real_ns < HOOK_SLEEP_NS / 2, "hook time was measured: real_time %g ns", real_ns);

	j = nbt_bench(doc, "t/pausing");
	NBT_NUM(j, "pairs", 50, 0);
	NBT_CHECK(atomic_load(&pauses) == 50 && atomic_load(&resumes) == 50,
		  "pause hooks: %ld pauses and %ld resumes for 50 pause/resume pairs",
		  atomic_load(&pauses), atomic_load(&resumes));
	NBT_CHECK(atomic_load(&pause_violations) == 0,
		  "%ld pause hook calls outside the region, out of order or with the wrong user",
		  atomic_load(&pause_violations));

	expect_error(doc, "t/error_in_loop");
	expect_error(doc, "t/error_before_loop");
	expect_error(doc, "t/begin_fails");

	json_decref(doc);
	return nbt_done("test_hooks");
}
