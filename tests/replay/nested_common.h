/* SPDX-License-Identifier: MIT */
/*
 * Shared by the nested replay tests: the committed nested quick set
 * (tests/traces/nested, README there and tests/traces/README.md) and a
 * replay of it through one model.
 */
#ifndef NB_TESTS_NESTED_COMMON_H
#define NB_TESTS_NESTED_COMMON_H

#include "replay_common.h"

#include "nestbench/iommu.h"

/* Guest k replays NESTED_S1[k % 2]: a NIC receive and NVMe 4 KiB reads,
 * strict (every unmap its own page-selective P_IOTLB). */
#define NESTED_S1 "nested/flts/tcp-rx.trace.gz", "nested/flts/nvme-4k.trace.gz"
#define NESTED_S2 "nested/s2-vmm/all.trace.gz"
#define NESTED_DIRTY "nested/s2-vmm/dirty-mock.trace.gz"

struct nested_paths {
	char s1[2][512], s2[512], dirty[512];
	const char *s1p[2];
};

static inline void nested_paths(struct nested_paths *n)
{
	static const char *const s1[] = { NESTED_S1 };

	for (int i = 0; i < 2; i++) {
		trace_path(s1[i], n->s1[i], sizeof(n->s1[i]));
		n->s1p[i] = n->s1[i];
	}
	trace_path(NESTED_S2, n->s2, sizeof(n->s2));
	trace_path(NESTED_DIRTY, n->dirty, sizeof(n->dirty));
}

static inline struct nb_nested_replay_opts nested_opts(const struct nested_paths *n, uint32_t guests)
{
	return (struct nb_nested_replay_opts){ .s1 = n->s1p, .n_s1 = 2, .guests = guests, .s2 = n->s2,
					       .dirty = n->dirty };
}

/* A shipped model's parameters (nb_hwparams_model); false if unreadable. */
static inline bool nested_params(const char *model, struct nb_hw_params *p)
{
	if (nb_hwparams_model(NB_CONFIG_DIR, model, NULL, 0, p) == 0)
		return true;
	NBT_FAIL("%s: %s", model, nb_errmsg());
	return false;
}

#endif
