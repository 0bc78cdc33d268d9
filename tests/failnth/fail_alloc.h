/* SPDX-License-Identifier: MIT */
/*
 * The allocation-failure injector of the fail-nth sweep (fail_alloc.c): the
 * thread that arms it has its allocations counted, and the n-th fails, as
 * the kernel's iommufd_fail_nth fails the n-th allocation of an ioctl
 * (tools/testing/selftests/iommu/iommufd_fail_nth.c, through
 * /proc/self/task/TID/fail-nth). Only one allocation fails per run; the
 * ones after it succeed.
 *
 * Every allocation is attributed to where it was made (enum fn_origin):
 * nestbench's own calls of the malloc family, its allocators of simulated
 * memory (arena mmap, nb_palloc_init, nb_palloc_alloc), or a library it
 * uses (libconfig, zlib, libc's stdio, liburcu). Two libraries' allocations
 * are counted but never failed, because the library itself cannot survive
 * the failure and no caller can make up for it:
 *  - liburcu ends the process (urcu_die) when one fails
 *    (call_rcu_data_init, rcu_barrier in urcu-call-rcu-impl.h);
 *  - libconfig 1.5 uses its allocations unchecked: config_init writes
 *    through the root setting it just calloc'ed (a NULL dereference, seen
 *    by this sweep), settings and the scanner's buffers likewise, and its
 *    flex scanner exits the process when it runs out of memory.
 *
 * Memory the armed thread allocates is tracked until freed (by any
 * thread), so a run can tell exactly which allocation it leaked.
 */
#ifndef NB_FAIL_ALLOC_H
#define NB_FAIL_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fn_origin {
	FN_NESTBENCH, /* malloc family called by nestbench (and this program) */
	FN_TABLES,    /* nb_palloc_alloc: a page-table page of simulated memory */
	FN_CARVE,     /* nb_palloc_init: a range of simulated memory for an allocator */
	FN_MMAP,      /* mmap by nestbench: the arena itself */
	FN_LIBCONFIG,
	FN_ZLIB,
	FN_LIBC,      /* libc's own (stdio buffers, FILE objects ...) */
	FN_URCU,      /* counted, never failed (see above) */
	FN_OTHER,
	FN_ORIGIN_COUNT
};

const char *fn_origin_name(enum fn_origin o);
/* Counted, never failed (see above). */
bool fn_origin_exempt(enum fn_origin o);

/* What one armed stretch saw. */
struct fn_tally {
	uint64_t steps;			    /* allocations that could fail (not the exempt origins) */
	uint64_t by_origin[FN_ORIGIN_COUNT]; /* the exempt ones included */
	bool injected;			    /* the fail_at-th one was failed */
	enum fn_origin inj_origin;
	uintptr_t inj_caller;		    /* return address into the caller of the allocator */
};

/* Call once, before any arming (reads the loaded objects' address ranges). */
void fn_init(void);
/* Count from now on this thread; fail the fail_at-th allocation (1-based;
 * 0: none). Clears the tally and the tracked memory. */
void fn_arm(uint64_t fail_at);
/* Stop counting; *out gets the tally. */
void fn_disarm(struct fn_tally *out);
/* Stop / resume counting (the sweep's own checks between library calls). */
void fn_pause(void);
void fn_resume(void);
/* Has the injected failure happened yet in this run? */
bool fn_injected(void);
/* The tally so far. */
void fn_tally(struct fn_tally *out);

/* Memory allocated while armed and not freed since: call fn(user, ...)
 * for each (the step number, origin and caller); returns how many. */
typedef void (*fn_leak_fn)(void *user, uint64_t step, enum fn_origin o, uintptr_t caller,
			   size_t size);
unsigned fn_leaks(fn_leak_fn fn, void *user);

/* "function file:line" of a code address, as well as this build can. */
void fn_symbolize(uintptr_t pc, char *buf, size_t len);

#endif
