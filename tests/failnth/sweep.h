/* SPDX-License-Identifier: MIT */
/*
 * The fail-nth sweep (issue 16): each scenario is run once as the baseline,
 * then again with its first allocation failed, its second, ... until a run
 * makes no n-th allocation. Every run must
 *  - get a clean error from the call whose allocation failed: -ENOMEM and a
 *    one-line nb_errmsg() (or, where the library recovers by itself, the
 *    same results as the baseline: the digest),
 *  - leave the structures consistent: the scenario's checks (the oracle,
 *    the page tables against a reference map) pass after every call, and
 *    it continues and tears down,
 *  - leak nothing (every allocation made while armed is freed by the end).
 * A scenario is a family of cases (formats, models, inputs) in one file.
 */
#ifndef NB_FAILNTH_SWEEP_H
#define NB_FAILNTH_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fail_alloc.h"

struct fn_ctx {
	const char *name; /* the case, for messages */
	uint64_t n;	  /* the allocation failed in this run (0: none, the baseline) */
	unsigned errors;  /* library calls that returned a clean error */
	unsigned bugs;	  /* failed checks */
	size_t dlen;
	char digest[16384]; /* what the run produced, compared with the baseline's */
};

/* A library call's result: >= 0 passes (true). A negative errno is an
 * error, which is right only after the injected failure, as -ENOMEM and
 * with a one-line message (else a bug is counted); false either way. */
bool fn_ok(struct fn_ctx *c, long rc, const char *what);
/* The same for a call that reports failure its own way (status + message). */
bool fn_ok_msg(struct fn_ctx *c, bool failed, const char *msg, const char *what);
/* A consistency check; a bug if cond is false. */
void fn_check(struct fn_ctx *c, bool cond, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Append to the run's digest (compared with the baseline's when the run
 * had no error). */
void fn_digest(struct fn_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct fn_family {
	const char *name;
	int (*cases)(void);
	void (*case_name)(int i, char *buf, size_t len);
	/* Once, unarmed, before the first run of the family (input files). */
	int (*prepare)(void);
	/* One run of case i, armed. */
	void (*run)(struct fn_ctx *c, int i);
};

extern const struct fn_family fn_formats, fn_iommu, fn_testbed, fn_config, fn_script, fn_replay, fn_backend,
	fn_nested;

/* Where the shipped files are (CMake passes the source tree). */
#ifndef NB_SOURCE_DIR
#define NB_SOURCE_DIR "."
#endif

#endif
