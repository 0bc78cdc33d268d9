/* SPDX-License-Identifier: MIT */
/*
 * A tiny test macro for the machine tests: CHECK(cond, fmt, ...) reports
 * file:line, the condition and a message, counts the failure and goes on, so
 * one run shows every broken expectation. main() ends with check_exit().
 */
#ifndef NB_TEST_MACHINE_CHECK_H
#define NB_TEST_MACHINE_CHECK_H

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_int check_failures;

#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (!(cond)) {                                                  \
			atomic_fetch_add(&check_failures, 1);                   \
			fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__,  \
				__LINE__, #cond);                               \
			fprintf(stderr, __VA_ARGS__);                           \
			fputc('\n', stderr);                                    \
		}                                                               \
	} while (0)

/* Exit status 77 is what ctest's SKIP_RETURN_CODE is set to for these tests. */
#define CHECK_SKIP 77

static inline int check_exit(const char *name)
{
	int n = atomic_load(&check_failures);

	if (n)
		fprintf(stderr, "%s: %d check(s) failed\n", name, n);
	else
		printf("%s: all checks passed\n", name);
	return n ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
