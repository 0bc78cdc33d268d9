// SPDX-License-Identifier: MIT
/* The testbed (see nestbench/testbed.h), on a scenario (scenario.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nestbench/testbed.h"

#define DATA_PA 0x2000001000ull /* not 2M-aligned with the IPA: 4K leaves */
#define ARENA_BYTES (2ull << 30)
#define HOST_BYTES (256ull << 20)

static int add_nested(struct nb_testbed *t, int k, const struct nb_pt_cfg *s1, uint32_t *sid)
{
	int u = k % t->units, ret;

	if ((ret = nb_nested_alloc(&t->nn[k], t->s2, s1, &t->sc.ram.ts)) ||
	    (ret = nb_xdomain_nested(t->unit[u], t->nn[k], t->parent_u[u], &t->nest[k])))
		return ret;
	/* a guest maps its IOVA pages one by one, as its DMA API would */
	for (uint32_t i = 0; i < t->cfg.pages; i++)
		if ((ret = nb_domain_map(t->nn[k]->s1, (uint64_t)i * 4096, nb_testbed_ipa(t, k, i), 4096,
					 NB_PROT_RW)))
			return ret;
	for (int j = 0; j < t->cfg.devices; j++)
		if ((ret = nb_xdev_attach(t->unit[u], (*sid)++, 0, t->cfg.ats, t->nest[k],
					  &t->dev[k * t->cfg.devices + j])))
			return ret;
	return 0;
}

/* Guest RAM: room for the stage-1 tables of every nested domain. */
static uint64_t ram_bytes(const struct nb_testbed_cfg *c)
{
	return c->ram_mib ? (uint64_t)c->ram_mib << 20 : (32ull << 20) + (uint64_t)c->nested * (1ull << 20);
}

/* Everything but the memory (the scenario's; its guest RAM and units made
 * again when they can be). */
static int build(struct nb_testbed *t, const struct nb_testbed_cfg *c)
{
	uint64_t data = (uint64_t)(c->nested ? c->nested : 1) * c->pages * 4096;
	struct nb_pt_cfg s1, s2;
	uint32_t sid = 1;
	int ret;

	t->cfg = *c;
	t->units = c->units > 0 ? c->units : 1;
	nb_vendor_formats(c->p->vendor, &s1, &s2);
	t->nest = calloc((size_t)c->nested + 1, sizeof(*t->nest));
	t->nn = calloc((size_t)c->nested + 1, sizeof(*t->nn));
	t->dev = calloc((size_t)c->nested * c->devices + 1, sizeof(*t->dev));
	t->parent_u = calloc((size_t)t->units, sizeof(*t->parent_u));
	if (!t->nest || !t->nn || !t->dev || !t->parent_u)
		return nb_fail(ENOMEM, "testbed: out of memory");
	if ((ret = nb_scenario_units(&t->sc, c->p, c->model, t->units)))
		return ret;
	t->unit = t->sc.unit;
	t->m = t->unit[0];
	if ((ret = nb_scenario_stage2(&t->sc, c->p->vendor, &t->s2)))
		return ret;
	for (int u = 0; u < t->units; u++)
		if ((ret = nb_xdomain_paging(t->unit[u], t->s2, NB_XD_S2, &t->parent_u[u])))
			return ret;
	t->parent = t->parent_u[0];
	if ((ret = nb_scenario_ram_map(&t->sc, t->s2, NB_TB_RAM_IPA, ram_bytes(c))) ||
	    (ret = nb_domain_map(t->s2, NB_TB_DATA_IPA, DATA_PA, data, NB_PROT_RW)) ||
	    (ret = nb_xdev_attach(t->m, sid++, 0, c->ats, t->parent, &t->direct)))
		return ret;
	for (int k = 0; k < c->nested; k++)
		if ((ret = add_nested(t, k, &s1, &sid)))
			return ret;
	nb_testbed_touch_all(t, NB_PROT_R);
	nb_testbed_stats_reset(t);
	return 0;
}

int nb_testbed_init(struct nb_testbed *t, const struct nb_testbed_cfg *c)
{
	int ret;

	memset(t, 0, sizeof(*t));
	if ((ret = nb_scenario_init(&t->sc, ARENA_BYTES, HOST_BYTES)))
		return ret;
	t->arena = t->sc.arena;
	return build(t, c);
}

/* The objects on the simulated memory; with keep_memory, the units and the
 * guest RAM are kept for the next build (the RAM's tables go with the
 * domains). */
static void teardown(struct nb_testbed *t, bool keep_memory)
{
	/* (both arrays: a build that failed may have only the first one, fail-nth sweep) */
	for (int k = 0; t->nest && t->nn && k < t->cfg.nested; k++) {
		if (t->nest[k])
			nb_xdomain_free(nb_testbed_unit_of(t, k), t->nest[k]);
		nb_nested_free(t->nn[k]);
	}
	for (int u = 0; t->parent_u && u < t->units; u++)
		if (t->parent_u[u])
			nb_xdomain_free(t->unit[u], t->parent_u[u]);
	if (!keep_memory)
		nb_scenario_ram_unmap(&t->sc, t->s2);
	nb_domain_free(t->s2);
	if (keep_memory) {
		nb_scenario_ram_forget(&t->sc);
		nb_scenario_units_release(&t->sc);
	}
	free(t->parent_u);
	free(t->nest);
	free(t->nn);
	free(t->dev);
	t->parent_u = NULL;
	t->nest = NULL;
	t->nn = NULL;
	t->dev = NULL;
	t->s2 = NULL;
	t->m = NULL;
	t->parent = NULL;
	t->direct = NULL;
}

void nb_testbed_fini(struct nb_testbed *t)
{
	teardown(t, false);
	nb_scenario_fini(&t->sc);
	memset(t, 0, sizeof(*t));
}

void nb_testbed_release(struct nb_testbed *t)
{
	teardown(t, true);
}

int nb_testbed_reset(struct nb_testbed *t, const struct nb_testbed_cfg *c)
{
	int ret;

	if (!t->sc.arena || !t->sc.host.arena)
		return nb_testbed_init(t, c);
	if (t->nest) /* not released yet */
		teardown(t, true);
	/* every domain is freed, each after its own deferred frees (nb_domain_free):
	 * nothing of the memory is in use */
	nb_palloc_reset(&t->sc.host);
	ret = build(t, c);
	if (ret)
		nb_testbed_fini(t);
	return ret;
}
void nb_testbed_touch_all(struct nb_testbed *t, unsigned access)
{
	struct nb_dma_result r;

	for (uint32_t i = 0; i < t->cfg.pages; i++)
		nb_iommu_dma(t->m, t->direct, NB_TB_DATA_IPA + (uint64_t)i * 4096, access, &r);
	for (int k = 0; k < t->cfg.nested; k++)
		for (int j = 0; j < t->cfg.devices; j++)
			for (uint32_t i = 0; i < t->cfg.pages; i++)
				nb_iommu_dma(nb_testbed_unit_of(t, k), nb_testbed_dev(t, k, j), (uint64_t)i * 4096,
					     access, &r);
}

int64_t nb_testbed_unmap_s2(struct nb_testbed *t, uint64_t ipa, uint64_t size)
{
	struct nb_gather g;
	struct nb_flush_req req;
	int64_t got;

	nb_gather_init(&g);
	got = nb_domain_unmap(t->s2, ipa, size, &g);
	if (got >= 0 && nb_flush_req_of_unmap(&g, ipa, size, &req))
		for (int u = 0; u < t->units; u++)
			nb_iommu_flush(t->unit[u], t->parent_u[u], &req);
	nb_gather_release(t->s2, &g);
	return got;
}

void nb_testbed_stats(const struct nb_testbed *t, struct nb_iommu_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (int u = 0; u < t->units; u++) {
		const uint64_t *src = (const uint64_t *)nb_iommu_stats(t->unit[u]);
		uint64_t *dst = (uint64_t *)out;

		/* every field is a uint64_t counter */
		for (size_t i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
			dst[i] += src[i];
	}
}

void nb_testbed_stats_reset(struct nb_testbed *t)
{
	for (int u = 0; u < t->units; u++)
		nb_iommu_stats_reset(t->unit[u]);
}

int nb_testbed_remap(struct nb_testbed *t, uint64_t ipa, uint64_t n)
{
	return nb_domain_map(t->s2, ipa, DATA_PA + (ipa - NB_TB_DATA_IPA), n * 4096, NB_PROT_RW);
}
