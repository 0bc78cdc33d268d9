/* SPDX-License-Identifier: MIT */
/* A nested setup for tests: host tables, a stage-2 parent, guest RAM mapped
 * by it, and a nested stage-1 domain whose tables live in that RAM. */
#ifndef NB_TEST_NESTED_FIXTURE_H
#define NB_TEST_NESTED_FIXTURE_H

#include "nestbench/domain.h"

struct nested_fixture {
	struct nb_arena *arena;
	struct nb_palloc host;
	struct nb_tspace host_ts;
	struct nb_domain *s2;
	struct nb_guest_ram ram;
	struct nb_nested *nest;
};

/* 64K past a 2M boundary while its PA is 2M aligned: stage 2 maps guest RAM
 * with base pages, so every stage-1 table fetch is a full stage-2 walk. */
#define GUEST_RAM_IPA 0x40010000ull

static inline int nested_fixture_init(struct nested_fixture *f, struct nb_arena *a,
				      const struct nb_pt_cfg *s1, const struct nb_pt_cfg *s2)
{
	int ret;

	f->arena = a;
	ret = nb_palloc_init(&f->host, a, 32ull << 20);
	if (ret)
		return ret;
	f->host_ts = (struct nb_tspace){ .alloc = &f->host };
	ret = nb_domain_alloc(&f->s2, s2, a, &f->host_ts);
	if (ret)
		return ret;
	ret = nb_guest_ram_init(&f->ram, a, f->s2, GUEST_RAM_IPA, 32ull << 20);
	if (ret)
		return ret;
	return nb_nested_alloc(&f->nest, f->s2, s1, &f->ram.ts);
}

static inline void nested_fixture_fini(struct nested_fixture *f)
{
	nb_nested_free(f->nest);
	nb_guest_ram_fini(&f->ram, f->s2);
	nb_domain_free(f->s2);
	nb_palloc_fini(&f->host);
}

#endif
