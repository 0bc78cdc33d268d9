/* SPDX-License-Identifier: MIT */
/* The invalidate family's set-up: a testbed built from a model's config. */
#ifndef NB_BENCH_SCENARIO_H
#define NB_BENCH_SCENARIO_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "nestbench/hwparams.h"
#include "nestbench/testbed.h"

#include "bench_common.h"

static inline int bench_params(const char *model, struct nb_hw_params *p, char *err, size_t len)
{
	return nb_bench_model_params(model, p, err, len);
}

struct bscenario {
	struct nb_testbed tb;
	struct nb_iommu *m;
	struct nb_xdomain *parent;
	int k;
	uint64_t pages_per_nested, unmap_pages;
	/* guest (nested domain 0) mappings for workloads */
};

static inline int bscenario_init(struct bscenario *s, const struct nb_hw_params *p, int k, int d,
				 uint64_t unmap_pages, bool ats, char *err, size_t len)
{
	struct nb_testbed_cfg c = { .p = p, .nested = k, .devices = d, .ats = ats,
				    .pages = unmap_pages > 64 ? (uint32_t)unmap_pages : 64 };

	if (nb_testbed_init(&s->tb, &c)) {
		snprintf(err, len, "testbed K=%d D=%d: %s", k, d, nb_errmsg());
		nb_testbed_fini(&s->tb);
		return -EINVAL;
	}
	s->m = s->tb.m;
	s->parent = s->tb.parent;
	s->k = k;
	s->pages_per_nested = c.pages;
	s->unmap_pages = unmap_pages;
	return 0;
}

static inline void bscenario_fini(struct bscenario *s)
{
	nb_testbed_fini(&s->tb);
}

/* Round r unmaps nested domain (r mod K)'s pages [0, P). */
static inline uint64_t bscenario_unmap_target(const struct bscenario *s, uint64_t round)
{
	return nb_testbed_ipa(&s->tb, s->k ? (int)(round % (uint64_t)s->k) : 0, 0);
}

static inline void bscenario_touch_all(struct bscenario *s)
{
	nb_testbed_touch_all(&s->tb, NB_PROT_R);
}

static inline void bscenario_remap(struct bscenario *s, uint64_t ipa, uint64_t pages)
{
	nb_testbed_remap(&s->tb, ipa, pages);
}

/* Workloads run as the guest's DMA API on nested domain 0: it maps IOVA to
 * IPA in its own tables, and invalidates (a guest request) on unmap. The
 * IPA is folded into the testbed's data region so stage 2 maps it. */
static inline int bscenario_guest_map(struct bscenario *s, uint64_t iova, uint64_t pa, uint64_t size)
{
	uint64_t span = s->pages_per_nested * 4096;
	uint64_t ipa = NB_TB_DATA_IPA + (pa % span & ~4095ull);

	if (ipa + size > NB_TB_DATA_IPA + span)
		ipa = NB_TB_DATA_IPA + span - size;
	return nb_domain_map(s->tb.nn[0]->s1, iova, ipa, size, NB_PROT_RW);
}

static inline void bscenario_guest_unmap(struct bscenario *s, uint64_t iova, uint64_t size)
{
	struct nb_gather g;
	struct nb_flush_req req;

	nb_gather_init(&g);
	if (nb_domain_unmap(s->tb.nn[0]->s1, iova, size, &g) >= 0 && nb_flush_req_of_unmap(&g, iova, size, &req))
		nb_iommu_guest_invalidate(s->m, s->tb.nest[0], &req);
	nb_gather_release(s->tb.nn[0]->s1, &g);
}

#endif
