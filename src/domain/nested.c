// SPDX-License-Identifier: MIT
/* Nested domains and guest RAM (see domain.h). */
#include <errno.h>
#include <stdlib.h>

#include "nestbench/domain.h"

/* The VMM maps all of guest RAM in stage 2: the guest's stage-1 tables are
 * reachable through it like any other guest page. */
static int map_ram(struct nb_guest_ram *g, struct nb_domain *parent)
{
	return nb_domain_map(parent, g->ipa_base, g->alloc.base, g->size, NB_PROT_RW);
}

int nb_guest_ram_init(struct nb_guest_ram *g, struct nb_arena *a, struct nb_domain *parent,
		      uint64_t ipa_base, uint64_t size)
{
	int ret = nb_palloc_init(&g->alloc, a, size);

	if (ret)
		return ret;
	g->ipa_base = ipa_base;
	g->size = g->alloc.end - g->alloc.base;
	g->ts = (struct nb_tspace){
		.alloc = &g->alloc,
		.addr_minus_pa = (int64_t)(ipa_base - g->alloc.base),
	};
	ret = map_ram(g, parent);
	if (ret) {
		nb_palloc_fini(&g->alloc);
		g->size = 0; /* nothing to finalize again (nb_testbed_fini would have) */
	}
	return ret;
}

int nb_guest_ram_reset(struct nb_guest_ram *g, struct nb_domain *parent)
{
	nb_palloc_reset(&g->alloc);
	return map_ram(g, parent);
}

void nb_guest_ram_fini(struct nb_guest_ram *g, struct nb_domain *parent)
{
	struct nb_gather gather;

	nb_gather_init(&gather);
	nb_domain_unmap(parent, g->ipa_base, g->size, &gather);
	nb_gather_release(parent, &gather);
	nb_rcu_barrier();
	nb_palloc_fini(&g->alloc);
}

/*
 * Stage 1's table entries hold the IPAs of the tables below them, in its
 * output-address field: guest RAM (where those tables live) must lie below
 * 2^(stage 1's OA bits), or the entries would drop the address's top bits
 * and point elsewhere (found by fuzz_script: guest RAM at IPA 2^54 under
 * x86-64's 52-bit output, behind a 56-bit stage 2, read the arena out of
 * bounds when the tables were freed).
 */
static int tables_addressable(const struct nb_domain *s1, const struct nb_tspace *ts)
{
	uint64_t lo = ts->alloc->base + (uint64_t)ts->addr_minus_pa;
	uint64_t hi = ts->alloc->end - 1 + (uint64_t)ts->addr_minus_pa;

	if (s1->geom.oa_bits >= 64 || hi >> s1->geom.oa_bits == 0)
		return 0;
	return nb_fail(EINVAL,
		       "guest RAM IPA %#llx..%#llx lies above stage 1's %u-bit output addresses (%s): its "
		       "table entries cannot hold those IPAs",
		       (unsigned long long)lo, (unsigned long long)hi, s1->geom.oa_bits, s1->geom.fmt->name);
}

int nb_nested_alloc(struct nb_nested **out, struct nb_domain *parent,
		    const struct nb_pt_cfg *s1_cfg, const struct nb_tspace *guest_ts)
{
	struct nb_nested *n = calloc(1, sizeof(*n));
	int ret;

	if (!n)
		return nb_fail(ENOMEM, "nested: out of memory");
	ret = nb_domain_alloc(&n->s1, s1_cfg, parent->arena, guest_ts);
	if (ret) {
		free(n);
		return ret;
	}
	ret = tables_addressable(n->s1, guest_ts);
	if (ret) {
		nb_domain_free(n->s1);
		free(n);
		return ret;
	}
	n->parent = parent;
	n->ctx = (struct nb_nest_ctx){
		.s1 = &n->s1->geom,
		.s2 = &parent->geom,
		.arena = parent->arena,
		.s1_root_ipa = n->s1->root_addr,
		.s2_root_pa = parent->root_pa,
	};
	*out = n;
	return 0;
}

void nb_nested_free(struct nb_nested *n)
{
	if (!n)
		return;
	nb_domain_free(n->s1);
	free(n);
}

int nb_nested_iova_to_phys(struct nb_nested *n, uint64_t iova, uint64_t *pa)
{
	return nb_fail(EOPNOTSUPP,
		       "iova_to_phys on a nested domain is not supported (as in the kernel: the guest owns stage 1)");
}
