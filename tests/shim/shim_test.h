/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the shim tests: run benchmarks through nb_bench_main with JSON
 * output, load that JSON (jansson), look benchmarks up by name, check values.
 * Every check prints file:line, what was expected and what was found, and
 * counts a failure; nbt_done() turns the count into the exit status.
 */
#ifndef NB_SHIM_TEST_H
#define NB_SHIM_TEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "nb_bench.h"

extern int nbt_failures;

void nbt_check_(bool ok, const char *file, int line, const char *expr, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
#define NBT_CHECK(cond, ...) nbt_check_(!!(cond), __FILE__, __LINE__, #cond, __VA_ARGS__)

/* A fresh temporary file name (the file exists, empty); free() it. */
char *nbt_tmpfile(void);

/* Parse a JSON file; NULL (and a failure) if it cannot. */
json_t *nbt_load(const char *path);

/*
 * nb_bench_main(argv0, --benchmark_out=TMP, --benchmark_out_format=json,
 * --benchmark_min_time=0.01, extra...) with extra NULL-terminated (may be NULL);
 * *rc gets its status. Returns the parsed output or NULL.
 */
json_t *nbt_run(const char *const *extra, int *rc);

/*
 * The first per-iteration run (run_type "iteration") whose name is family or
 * starts with family + "/"; NULL and a failure if there is none.
 */
json_t *nbt_bench(json_t *doc, const char *family);

/* Names of the per-iteration runs of family, in output order (at most max). */
size_t nbt_names(json_t *doc, const char *family, const char **names, size_t max);

/* bench[key] as a number; NaN and a failure if missing or not a number. */
double nbt_num(json_t *bench, const char *key);

/* bench[key] as a string; "" and a failure if missing. */
const char *nbt_str(json_t *bench, const char *key);

/* |got - want| <= rel * |want| (or <= rel when want is 0). */
bool nbt_near(double got, double want, double rel);

/* Check a number field against an expected value (relative tolerance). */
#define NBT_NUM(bench, key, want, rel)                                                  \
	do {                                                                            \
		double got_ = nbt_num((bench), (key));                                  \
		NBT_CHECK(nbt_near(got_, (want), (rel)), "%s: %s = %.17g, want %.17g", \
			  nbt_str((bench), "name"), (key), got_, (double)(want));       \
	} while (0)

/* Redirect stderr into a temporary file until nbt_stderr_end(), which returns
 * what was written (malloc'd) and restores stderr. */
void nbt_stderr_begin(void);
char *nbt_stderr_end(void);

/* Print the summary; the process exit status. */
int nbt_done(const char *test);

#endif
