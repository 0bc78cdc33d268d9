/* SPDX-License-Identifier: MIT */
/*
 * The descriptors the simulated queue executes, recorded in order (their
 * bytes as they were in the ring and what they decode to, syncs included),
 * for tests that check commands against a Linux function.
 */
#ifndef NB_TEST_DESC_LOG_H
#define NB_TEST_DESC_LOG_H

#include <string.h>

#include "nb_test.h"
#include "nestbench/iommu.h"

#define MAXSEQ 4096

static struct desc_log {
	int n;
	struct nb_inv_cmd c[MAXSEQ];
	struct nb_inv_raw raw[MAXSEQ];
} q;

/* nb_iommu_set_observer(m, desc_log_observe, NULL) */
static inline void desc_log_observe(void *user, const struct nb_inv_raw *raw,
				    const struct nb_inv_cmd *c)
{
	if (q.n < MAXSEQ) {
		q.c[q.n] = *c;
		q.raw[q.n] = *raw;
	}
	q.n++;
}

static inline void desc_log_clear(void)
{
	memset(&q, 0, sizeof(q));
}

/* The executed ops in order, "A B C", for messages and comparisons. */
static inline const char *desc_log_ops(char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = 0;
	for (int i = 0; i < q.n && i < MAXSEQ && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? " " : "", nb_inv_op_name(q.c[i].op));
	return buf;
}

#define CHECK_OPS(want, ...)                                                          \
	do {                                                                          \
		char _b[2048];                                                        \
		CHECK(strcmp(desc_log_ops(_b, sizeof(_b)), want) == 0, "got '%s', want '%s'", _b, want); \
		if (strcmp(_b, want))                                                 \
			fprintf(stderr, "    " __VA_ARGS__), fputc('\n', stderr);        \
	} while (0)

#endif
