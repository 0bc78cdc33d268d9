// SPDX-License-Identifier: MIT
/* Instruction-count regions for callgrind (see icount.h). */
#include "icount.h"

#include <stdatomic.h>
#include <stdio.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define NB_HAVE_CALLGRIND 1
#endif
#endif

#ifdef NB_HAVE_CALLGRIND
static atomic_int active;		 /* threads inside a region now */
static atomic_ullong seq;		 /* regions dumped so far */
static int under_valgrind = -1; /* asked once; races are harmless (same answer) */
/* Callgrind's switch is a toggle, per thread: track where this thread's is. */
static _Thread_local bool collecting, in_region;

static int on_valgrind(void)
{
	if (under_valgrind < 0)
		under_valgrind = RUNNING_ON_VALGRIND ? 1 : 0;
	return under_valgrind;
}

void nb_icount_region_begin(const char *bench_name)
{
	(void)bench_name;
	if (!on_valgrind())
		return;
	if (atomic_fetch_add(&active, 1) == 0)
		CALLGRIND_ZERO_STATS;
	in_region = true;
	if (!collecting) {
		CALLGRIND_TOGGLE_COLLECT;
		collecting = true;
	}
}

void nb_icount_pause(void)
{
	if (!on_valgrind() || !in_region || !collecting)
		return;
	CALLGRIND_TOGGLE_COLLECT;
	collecting = false;
}

void nb_icount_resume(void)
{
	if (!on_valgrind() || !in_region || collecting)
		return;
	CALLGRIND_TOGGLE_COLLECT;
	collecting = true;
}

bool nb_icount_active(void)
{
	return on_valgrind();
}

void nb_icount_region_end(const char *bench_name, int64_t iterations)
{
	char tag[512];

	if (!on_valgrind())
		return;
	if (collecting) {
		CALLGRIND_TOGGLE_COLLECT;
		collecting = false;
	}
	in_region = false;
	if (atomic_fetch_sub(&active, 1) != 1)
		return;
	/* The tag is one line; names never hold newlines, but be safe. */
	snprintf(tag, sizeof(tag), "nbicount seq=%llu iters=%lld name=%s",
		 (unsigned long long)atomic_fetch_add(&seq, 1), (long long)iterations,
		 bench_name && *bench_name ? bench_name : "-");
	for (char *p = tag; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	CALLGRIND_DUMP_STATS_AT(tag);
}
#else
void nb_icount_region_begin(const char *bench_name)
{
	(void)bench_name;
}

void nb_icount_pause(void)
{
}

void nb_icount_resume(void)
{
}

bool nb_icount_active(void)
{
	return false;
}

void nb_icount_region_end(const char *bench_name, int64_t iterations)
{
	(void)bench_name;
	(void)iterations;
}
#endif
