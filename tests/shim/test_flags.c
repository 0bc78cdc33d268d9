/* SPDX-License-Identifier: MIT */
/*
 * Command line and configuration refusals, one mode per process (a process
 * runs once): each must return 2, name what was wrong on stderr, and run no
 * benchmark. "passthrough" checks that nb_bench_init() hands back the
 * arguments it does not know, as the caller's own strings.
 *
 *   test_flags unknown | malformed | bad_format | bad_unit | bad_out | config | nomatch
 *              | passthrough
 */
#include "shim_test.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_int runs;

static void bm_count(nb_bench_state *st, void *ctx)
{
	atomic_fetch_add(&runs, 1);
	while (nb_bench_keep_running(st))
		nb_bench_clobber_memory();
}

/* nb_bench_main(argv) with stderr captured; checks status 2, no run, and that
 * stderr contains every string in want (NULL-terminated). */
static void expect_refusal(const char *const *argv, const char *const *want)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	nbt_stderr_begin();
	int rc = nb_bench_main(argc, (char **)argv);
	char *err = nbt_stderr_end();

	NBT_CHECK(rc == 2, "nb_bench_main returned %d, want 2", rc);
	NBT_CHECK(atomic_load(&runs) == 0, "a benchmark ran %d time(s)", atomic_load(&runs));
	for (size_t i = 0; want[i]; i++)
		NBT_CHECK(strstr(err, want[i]), "stderr does not mention \"%s\": \"%s\"", want[i], err);
	free(err);
}

static void mode_config(void)
{
	static const int64_t one[] = {1};
	static const int64_t two[] = {1, 2};

	nb_bench_range(nb_bench_register("t/backwards", bm_count, NULL), 5, 1);
	nb_bench_iterations(nb_bench_register("t/zero_iters", bm_count, NULL), 0);
	nb_bench_dense_range(nb_bench_register("t/step0", bm_count, NULL), 1, 4, 0);
	nb_bench_args(nb_bench_args(nb_bench_register("t/mixed_args", bm_count, NULL), one, 1),
		      two, 2);
	nb_bench_min_time(nb_bench_iterations(nb_bench_register("t/both", bm_count, NULL), 5), 1);
	nb_bench_unit(nb_bench_register("t/unit", bm_count, NULL), (enum nb_bench_time_unit)9);
	nb_bench_context("date", "yesterday");
	nb_bench_register("", bm_count, NULL);

	const char *argv[] = {"prog", NULL};
	const char *want[] = {"benchmark 't/backwards': nb_bench_range: lo 5 > hi 1",
			      "benchmark 't/zero_iters': nb_bench_iterations",
			      "benchmark 't/step0': nb_bench_dense_range: step 0",
			      "benchmark 't/mixed_args': nb_bench_args",
			      "benchmark 't/both': nb_bench_min_time",
			      "benchmark 't/unit': nb_bench_unit: unknown time unit 9",
			      "nb_bench_context: key 'date'",
			      "nb_bench_register: empty benchmark name",
			      NULL};
	expect_refusal(argv, want);
}

static void mode_nomatch(void)
{
	char *out = nbt_tmpfile();
	char *outflag;
	FILE *f = fopen(out, "w");
	char buf[16] = "";

	fputs("OLD", f);
	fclose(f);
	if (asprintf(&outflag, "--benchmark_out=%s", out) < 0)
		abort();
	nb_bench_register("t/present", bm_count, NULL);
	const char *argv[] = {"prog", "--benchmark_filter=^t/absent$", outflag, NULL};
	const char *want[] = {"^t/absent$", NULL};
	expect_refusal(argv, want);

	f = fopen(out, "r");
	NBT_CHECK(f && fgets(buf, sizeof(buf), f) && strcmp(buf, "OLD") == 0,
		  "the old output file was touched: '%s'", buf);
	if (f)
		fclose(f);
	unlink(out);
	free(outflag);
	free(out);
}

static void mode_passthrough(void)
{
	char a0[] = "prog", a1[] = "--benchmark_min_time=0.001", a2[] = "--mine=3", a3[] = "x";
	char a4[] = "--benchmark_filter=t/present";
	char *argv[] = {a0, a1, a2, a3, a4, NULL};
	int argc = 5;

	nb_bench_register("t/present", bm_count, NULL);
	int rc = nb_bench_init(&argc, argv);
	NBT_CHECK(rc == 0, "nb_bench_init returned %d", rc);
	NBT_CHECK(argc == 3, "argc %d after nb_bench_init, want 3", argc);
	NBT_CHECK(argv[0] == a0 && argv[1] == a2 && argv[2] == a3 && argv[3] == NULL,
		  "argv not handed back as the caller's own strings, in order");
	rc = nb_bench_run();
	NBT_CHECK(rc == 0, "nb_bench_run returned %d", rc);
	NBT_CHECK(atomic_load(&runs) > 0, "the benchmark did not run");
	rc = nb_bench_run();
	NBT_CHECK(rc == 2, "a second nb_bench_run returned %d, want 2", rc);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "unknown") == 0) {
		nb_bench_register("t/present", bm_count, NULL);
		const char *a[] = {"prog", "--benchmark_min_time=0.01", "--bogus-flag=1", NULL};
		const char *w[] = {"prog: unrecognized or malformed argument: '--bogus-flag=1'", NULL};
		expect_refusal(a, w);
	} else if (strcmp(mode, "malformed") == 0) {
		nb_bench_register("t/present", bm_count, NULL);
		const char *a[] = {"prog", "--benchmark_min_time=abc", NULL};
		const char *w[] = {"'--benchmark_min_time=abc'", NULL};
		expect_refusal(a, w);
	} else if (strcmp(mode, "bad_format") == 0) {
		nb_bench_register("t/present", bm_count, NULL);
		const char *a[] = {"prog", "--benchmark_format=xml", NULL};
		const char *w[] = {"'--benchmark_format=xml'", "console, json or csv", NULL};
		expect_refusal(a, w);
	} else if (strcmp(mode, "bad_unit") == 0) {
		nb_bench_register("t/present", bm_count, NULL);
		const char *a[] = {"prog", "--benchmark_time_unit=fortnight", NULL};
		const char *w[] = {"'--benchmark_time_unit=fortnight'", NULL};
		expect_refusal(a, w);
	} else if (strcmp(mode, "bad_out") == 0) {
		nb_bench_register("t/present", bm_count, NULL);
		const char *a[] = {"prog", "--benchmark_out=/nonexistent-nb-dir/r.json", NULL};
		const char *w[] = {"'/nonexistent-nb-dir/r.json'", NULL};
		expect_refusal(a, w);
	} else if (strcmp(mode, "config") == 0) {
		mode_config();
	} else if (strcmp(mode, "nomatch") == 0) {
		mode_nomatch();
	} else if (strcmp(mode, "passthrough") == 0) {
		mode_passthrough();
	} else {
		fprintf(stderr, "test_flags: unknown mode '%s'\n", mode);
		return 2;
	}
	return nbt_done(mode);
}
