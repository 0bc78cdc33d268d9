/* SPDX-License-Identifier: MIT */
/*
 * Arguments expand into instances as Google Benchmark specifies (instance
 * names, their order, the values each instance sees). The expected lists are
 * written out here from the rules: Range adds lo, the powers of the
 * multiplier strictly between, and hi; Ranges is the product with the first
 * range varying fastest; DenseRange steps; ThreadRange doubles; ArgNames gives
 * name:value; fixed iterations, repetitions, real/manual time and threads
 * appear as suffixes in that order.
 */
#include "shim_test.h"

#include <stdint.h>

/* ctx: how many arguments the instance has; each is echoed as counter aN. */
static void bm_echo(nb_bench_state *st, void *ctx)
{
	int nargs = (int)(intptr_t)ctx;
	static const char *const keys[] = {"a0", "a1", "a2"};

	while (nb_bench_keep_running(st))
		nb_bench_clobber_memory();
	for (int i = 0; i < nargs; i++)
		nb_bench_counter(st, keys[i], (double)nb_bench_range_arg(st, i), NB_COUNTER_PLAIN);
}

static void bm_manual(nb_bench_state *st, void *ctx)
{
	while (nb_bench_keep_running(st))
		nb_bench_set_iteration_time(st, 1e-6);
}

#define ARGS(n) ((void *)(intptr_t)(n))

static void expect_names(json_t *doc, const char *family, const char *const *want, size_t n)
{
	const char *got[32];
	size_t have = nbt_names(doc, family, got, 32);

	NBT_CHECK(have == n, "%s: %zu instances, want %zu", family, have, n);
	for (size_t i = 0; i < n && i < have; i++)
		NBT_CHECK(strcmp(got[i], want[i]) == 0, "%s: instance %zu is '%s', want '%s'", family,
			  i, got[i], want[i]);
}

#define EXPECT_NAMES(doc, family, ...)                                              \
	do {                                                                        \
		static const char *const want_[] = {__VA_ARGS__};                   \
		expect_names((doc), (family), want_, sizeof(want_) / sizeof(want_[0])); \
	} while (0)

int main(void)
{
	static const int64_t args12[] = {1, 2};
	static const int64_t args48[] = {4, 8};
	static const char *const names[] = {"pages", "ways"};
	static const int64_t ranges[][2] = {{1, 2}, {10, 20}};

	nb_bench_range(nb_bench_range_multiplier(nb_bench_register("t/range", bm_echo, ARGS(1)), 8),
		       8, 512);
	nb_bench_range(nb_bench_range_multiplier(nb_bench_register("t/range2", bm_echo, ARGS(1)), 2),
		       1, 10);
	nb_bench_range(nb_bench_register("t/range_default", bm_echo, ARGS(1)), 1, 100);
	nb_bench_args(nb_bench_register("t/args", bm_echo, ARGS(2)), args12, 2);
	nb_bench_args(nb_bench_arg_names(nb_bench_register("t/named", bm_echo, ARGS(2)), names, 2),
		      args48, 2);
	nb_bench_ranges(nb_bench_register("t/ranges", bm_echo, ARGS(2)), ranges, 2);
	nb_bench_dense_range(nb_bench_register("t/dense", bm_echo, ARGS(1)), 1, 4, 1);
	nb_bench_dense_range(nb_bench_register("t/dense3", bm_echo, ARGS(1)), 0, 10, 3);
	nb_bench_arg(nb_bench_arg(nb_bench_register("t/arg", bm_echo, ARGS(1)), 3), -7);
	nb_bench_threads(nb_bench_register("t/threads", bm_echo, ARGS(0)), 2);
	nb_bench_thread_range(nb_bench_register("t/thread_range", bm_echo, ARGS(0)), 1, 4);
	nb_bench_iterations(nb_bench_arg(nb_bench_register("t/iters", bm_echo, ARGS(1)), 3), 5);
	nb_bench_repetitions(nb_bench_arg(nb_bench_register("t/reps", bm_echo, ARGS(1)), 1), 3);
	nb_bench_unit(nb_bench_use_real_time(nb_bench_register("t/real", bm_echo, ARGS(0))),
		      NB_BENCH_US);
	nb_bench_unit(nb_bench_use_manual_time(nb_bench_register("t/manual", bm_manual, NULL)),
		      NB_BENCH_MS);

	int rc;
	json_t *doc = nbt_run(NULL, &rc);
	NBT_CHECK(rc == 0, "nb_bench_main returned %d", rc);
	if (!doc)
		return nbt_done("test_args");

	EXPECT_NAMES(doc, "t/range", "t/range/8", "t/range/64", "t/range/512");
	EXPECT_NAMES(doc, "t/range2", "t/range2/1", "t/range2/2", "t/range2/4", "t/range2/8",
		     "t/range2/10");
	EXPECT_NAMES(doc, "t/range_default", "t/range_default/1", "t/range_default/8",
		     "t/range_default/64", "t/range_default/100");
	EXPECT_NAMES(doc, "t/args", "t/args/1/2");
	EXPECT_NAMES(doc, "t/named", "t/named/pages:4/ways:8");
	EXPECT_NAMES(doc, "t/ranges", "t/ranges/1/10", "t/ranges/2/10", "t/ranges/1/20",
		     "t/ranges/2/20");
	EXPECT_NAMES(doc, "t/dense", "t/dense/1", "t/dense/2", "t/dense/3", "t/dense/4");
	EXPECT_NAMES(doc, "t/dense3", "t/dense3/0", "t/dense3/3", "t/dense3/6", "t/dense3/9");
	EXPECT_NAMES(doc, "t/arg", "t/arg/3", "t/arg/-7");
	EXPECT_NAMES(doc, "t/threads", "t/threads/threads:2");
	EXPECT_NAMES(doc, "t/thread_range", "t/thread_range/threads:1", "t/thread_range/threads:2",
		     "t/thread_range/threads:4");
	EXPECT_NAMES(doc, "t/iters", "t/iters/3/iterations:5");
	EXPECT_NAMES(doc, "t/reps", "t/reps/1/repeats:3", "t/reps/1/repeats:3",
		     "t/reps/1/repeats:3");
	EXPECT_NAMES(doc, "t/real", "t/real/real_time");
	EXPECT_NAMES(doc, "t/manual", "t/manual/manual_time");

	/* Each instance sees its own argument values. */
	NBT_NUM(nbt_bench(doc, "t/range/64"), "a0", 64, 0);
	NBT_NUM(nbt_bench(doc, "t/arg/-7"), "a0", -7, 0);
	NBT_NUM(nbt_bench(doc, "t/named/pages:4"), "a0", 4, 0);
	NBT_NUM(nbt_bench(doc, "t/named/pages:4"), "a1", 8, 0);
	NBT_NUM(nbt_bench(doc, "t/ranges/2/10"), "a0", 2, 0);
	NBT_NUM(nbt_bench(doc, "t/ranges/2/10"), "a1", 10, 0);
	NBT_NUM(nbt_bench(doc, "t/dense3/9"), "a0", 9, 0);
	NBT_NUM(nbt_bench(doc, "t/thread_range/threads:4"), "threads", 4, 0);
	NBT_NUM(nbt_bench(doc, "t/iters"), "iterations", 5, 0);
	NBT_NUM(nbt_bench(doc, "t/reps"), "repetitions", 3, 0);
	NBT_CHECK(strcmp(nbt_str(nbt_bench(doc, "t/real"), "time_unit"), "us") == 0,
		  "t/real: time_unit '%s', want us", nbt_str(nbt_bench(doc, "t/real"), "time_unit"));
	NBT_CHECK(strcmp(nbt_str(nbt_bench(doc, "t/manual"), "time_unit"), "ms") == 0,
		  "t/manual: time_unit '%s', want ms",
		  nbt_str(nbt_bench(doc, "t/manual"), "time_unit"));
	/* Manual time 1 us per iteration, reported in ms. */
	NBT_NUM(nbt_bench(doc, "t/manual"), "real_time", 1e-3, 1e-9);

	/* Repetitions add aggregates after the three runs. */
	size_t aggregates = 0;
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(doc, "benchmarks"), i, b) {
		const char *name = json_string_value(json_object_get(b, "name"));
		const char *type = json_string_value(json_object_get(b, "run_type"));

		if (name && type && strcmp(type, "aggregate") == 0 &&
		    strncmp(name, "t/reps/1/repeats:3_", 19) == 0)
			aggregates++;
	}
	NBT_CHECK(aggregates >= 3, "t/reps: %zu aggregates (mean, median, stddev...), want >= 3",
		  aggregates);

	json_decref(doc);
	return nbt_done("test_args");
}
