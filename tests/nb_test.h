/* SPDX-License-Identifier: MIT */
/*
 * A tiny test harness (the libperf way): checks print what and where, the
 * program exits non-zero if any failed. Each ctest entry is one program.
 */
#ifndef NB_TEST_H
#define NB_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

/* A test of several files defines NBT_SHARED_COUNTERS in each and the
 * counters once (int nbt_failed, nbt_checks;) in the one with main. */
#ifdef NBT_SHARED_COUNTERS
extern int nbt_failed, nbt_checks;
#else
static int nbt_failed, nbt_checks;
#endif

#define NBT_FAIL(...)                                                        \
	do {                                                                 \
		nbt_failed++;                                                \
		fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);        \
		fprintf(stderr, __VA_ARGS__);                                \
		fputc('\n', stderr);                                         \
	} while (0)

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		nbt_checks++;                                                \
		if (!(cond)) {                                               \
			NBT_FAIL("%s: ", #cond);                              \
			fprintf(stderr, "    " __VA_ARGS__);                 \
			fputc('\n', stderr);                                 \
		}                                                            \
	} while (0)

#define CHECK_EQ(a, b, ...)                                                  \
	do {                                                                 \
		uint64_t _a = (uint64_t)(a), _b = (uint64_t)(b);             \
		nbt_checks++;                                                \
		if (_a != _b) {                                              \
			NBT_FAIL("%s == %s: got %#" PRIx64 ", want %#" PRIx64, \
				 #a, #b, _a, _b);                            \
			fprintf(stderr, "    " __VA_ARGS__);                 \
			fputc('\n', stderr);                                 \
		}                                                            \
	} while (0)

/* ctest's skip: a test registered with SKIP_RETURN_CODE 77 that has
 * nothing to check returns nbt_skip(), which says why (never a pass). */
#define NBT_SKIP_RC 77
static inline int nbt_skip(const char *name, const char *why)
{
	printf("%s: SKIP: %s\n", name, why);
	return NBT_SKIP_RC;
}

/* Call last in main. */
static inline int nbt_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, nbt_checks, nbt_failed);
	return nbt_failed ? 1 : 0;
}

#endif
