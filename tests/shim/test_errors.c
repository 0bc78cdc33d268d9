/* SPDX-License-Identifier: MIT */
/*
 * Errors: nb_bench_skip_with_error() and the shim's own refusals reach the JSON
 * as error_occurred/error_message of exactly the benchmark concerned, the loop
 * stops at the next loop call, threads that fail before their loop do not hang
 * the others, and nb_bench_main() returns 1.
 */
#include "shim_test.h"

#include <stdatomic.h>
#include <stdint.h>

static atomic_long bodies_after_skip;

static void bm_ok(nb_bench_state *st, void *ctx)
{
	while (nb_bench_keep_running(st))
		nb_bench_clobber_memory();
}

static void bm_skip_in_loop(nb_bench_state *st, void *ctx)
{
	long n = 0, after = 0;

	while (nb_bench_keep_running(st)) {
		if (++n == 10)
			nb_bench_skip_with_error(st, "disk on fire");
		else if (n > 10)
			after++;
	}
	atomic_fetch_add(&bodies_after_skip, after);
}

static void bm_skip_before_loop(nb_bench_state *st, void *ctx)
{
	nb_bench_skip_with_error(st, "no device");
}

static void bm_no_loop(nb_bench_state *st, void *ctx)
{
}

static void bm_early_break(nb_bench_state *st, void *ctx)
{
	int n = 0;

	while (nb_bench_keep_running(st))
		if (++n == 3)
			break;
}

/* Thread 1 fails before its loop and returns; thread 0 runs normally. */
static void bm_thread_skip(nb_bench_state *st, void *ctx)
{
	if (nb_bench_thread_index(st) == 1) {
		nb_bench_skip_with_error(st, "thread 1 has no queue");
		return;
	}
	while (nb_bench_keep_running(st))
		nb_bench_clobber_memory();
}

static void bm_range_oob(nb_bench_state *st, void *ctx)
{
	int64_t a = nb_bench_range_arg(st, 1);

	while (nb_bench_keep_running(st))
		nb_bench_do_not_optimize(&a);
}

static void bm_bad_kind(nb_bench_state *st, void *ctx)
{
	while (nb_bench_keep_running(st))
		nb_bench_clobber_memory();
	nb_bench_counter(st, "x", 1, (enum nb_counter_kind)(1 << 9));
}

static void bm_bad_batch(nb_bench_state *st, void *ctx)
{
	while (nb_bench_keep_running_batch(st, 0))
		nb_bench_clobber_memory();
}

static void bm_pause_outside(nb_bench_state *st, void *ctx)
{
	nb_bench_pause(st);
	while (nb_bench_keep_running(st))
		nb_bench_clobber_memory();
}

/* Single steps take the whole run; a bigger batch after that cannot be counted. */
static void bm_mixed_steps(nb_bench_state *st, void *ctx)
{
	if (nb_bench_keep_running(st))
		while (nb_bench_keep_running_batch(st, 64))
			nb_bench_clobber_memory();
}

static void expect_error(json_t *doc, const char *family, const char *msg_part)
{
	json_t *b = nbt_bench(doc, family);
	json_t *e = json_object_get(b, "error_occurred");
	const char *msg = json_string_value(json_object_get(b, "error_message"));

	NBT_CHECK(json_is_true(e), "%s: error_occurred is not true", family);
	NBT_CHECK(msg && strstr(msg, msg_part), "%s: error_message '%s', want it to contain '%s'",
		  family, msg ? msg : "(none)", msg_part);
}

int main(void)
{
	nb_bench_iterations(nb_bench_register("t/ok", bm_ok, NULL), 100);
	nb_bench_iterations(nb_bench_register("t/skip_in_loop", bm_skip_in_loop, NULL), 100);
	nb_bench_register("t/skip_in_loop_auto", bm_skip_in_loop, NULL);
	nb_bench_register("t/skip_before_loop", bm_skip_before_loop, NULL);
	nb_bench_register("t/no_loop", bm_no_loop, NULL);
	nb_bench_iterations(nb_bench_register("t/early_break", bm_early_break, NULL), 100);
	nb_bench_iterations(nb_bench_threads(nb_bench_register("t/thread_skip", bm_thread_skip,
							       NULL), 2), 1000);
	nb_bench_arg(nb_bench_register("t/range_oob", bm_range_oob, NULL), 5);
	nb_bench_register("t/bad_kind", bm_bad_kind, NULL);
	nb_bench_register("t/bad_batch", bm_bad_batch, NULL);
	nb_bench_register("t/pause_outside", bm_pause_outside, NULL);
	nb_bench_iterations(nb_bench_register("t/mixed_steps", bm_mixed_steps, NULL), 100);

	int rc;
	json_t *doc = nbt_run(NULL, &rc);
	NBT_CHECK(rc == 1, "nb_bench_main returned %d, want 1 (a benchmark failed)", rc);
	if (!doc)
		return nbt_done("test_errors");

	json_t *ok = nbt_bench(doc, "t/ok");
	NBT_CHECK(!json_is_true(json_object_get(ok, "error_occurred")), "t/ok reported an error");
	NBT_NUM(ok, "iterations", 100, 0);

	expect_error(doc, "t/skip_in_loop", "disk on fire");
	NBT_CHECK(strcmp(nbt_str(nbt_bench(doc, "t/skip_in_loop"), "error_message"),
			 "disk on fire") == 0, "message not passed through verbatim");
	expect_error(doc, "t/skip_in_loop_auto", "disk on fire");
	NBT_CHECK(atomic_load(&bodies_after_skip) == 0,
		  "%ld bodies ran after nb_bench_skip_with_error()", atomic_load(&bodies_after_skip));
	expect_error(doc, "t/skip_before_loop", "no device");
	expect_error(doc, "t/no_loop", "returned before nb_bench_keep_running() returned false");
	expect_error(doc, "t/early_break", "returned before nb_bench_keep_running() returned false");
	expect_error(doc, "t/thread_skip", "thread 1 has no queue");
	expect_error(doc, "t/range_oob", "nb_bench_range_arg(1): this benchmark has 1 argument");
	expect_error(doc, "t/bad_kind", "unknown kind bits");
	expect_error(doc, "t/bad_batch", "batch size 0 must be >= 1");
	expect_error(doc, "t/pause_outside", "nb_bench_pause: called outside the measured loop");

	expect_error(doc, "t/mixed_steps", "use one step per loop");

	json_decref(doc);
	return nbt_done("test_errors");
}
