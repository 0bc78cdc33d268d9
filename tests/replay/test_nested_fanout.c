// SPDX-License-Identifier: MIT
/*
 * The models' differences on the nested quick set equal the fan-out derived
 * by hand from the Linux functions each reproduces (docs/models.md). K = 2
 * guests (tcp-rx and nvme-4k, each with its NIC's and its NVMe's domain):
 * N = 4 nested domains, one device each, no ATS, no device on the parent;
 * and K = 16 (N = 32: VT-d's batches of 16 show).
 * What the streams hold is counted here from the traces themselves: the
 * VMM's changes inside its VM's DMA window (the test checks each unmap2 is
 * one 2 MiB leaf), the dirty rounds (each flush a power-of-two range), the
 * guests' requests (P_IOTLB descriptors up to each wait, per domain) and
 * the pages they name.
 *
 * Per stage-2 unmap (commands incl. syncs, syncs):
 *   vtd, intel_cachetag  N + W, W with W = ceil(N / 16): cache_tag_flush_range
 *                        (intel/cache.c) walks the parent's list, one
 *                        NESTING_IOTLB tag per nested domain's device
 *                        (__cache_tag_assign_parent_domain), a PSI each
 *                        (cache_tag_flush_iotlb: 2 MiB is am 9 <= MAMV 18);
 *                        qi_batch_add_desc submits every 16 with a wait,
 *                        qi_batch_flush_descs the rest with one
 *   vtd_legacy           2N, N: 6.9 intel_iommu_tlb_sync flushes per (domain,
 *                        unit) in its iommu_array (the parent has no device:
 *                        none), parent_domain_flush a PSI per nested domain,
 *                        each through qi_submit_sync with its own wait
 *   vtd_vmid             2, 1 (hypothetical: one PSI on the parent's tag)
 *   smmuv3               4, 2: arm_smmu_tlb_inv_range_domain ->
 *                        __arm_smmu_tlb_inv_range, one TLBI_S2_IPA per
 *                        granule = the gather's page size (the 2 MiB leaf;
 *                        no RIL, configs/smmuv3.cfg) and a CMD_SYNC; a nest
 *                        parent then TLBI_NH_ALL with its own sync
 *   amd_hostdid          N + 1, 1: iommu_flush_pages_v1_hdom_ids, one
 *                        INVALIDATE_IOMMU_PAGES per host DomainID (the
 *                        parent's own only with a device), then
 *                        iommu_completion_wait
 *   amd                  D + 1, 1 (the seed's DomainID per device: D = 4)
 * Per dirty round (a 64-page flush): as the unmap for every VT-d and AMD
 *   model (intel_iommu_tlb_sync / amd_iommu_iotlb_sync flush the gathered
 *   range: one PSI with am 6, one INVALIDATE_IOMMU_PAGES with its size);
 *   smmuv3 0, 0: the gather of iommu_read_and_clear_dirty has no pgsize and
 *   arm_smmu_iotlb_sync returns.
 * Per stage-2 map: 0 (no caching mode on a host IOMMU: nothing cached for
 *   not-present entries, cache_tag_flush_range_np sends nothing).
 * Per guest request of E entries naming P pages: VT-d models 2E, E
 *   (intel_nested_cache_invalidate_user: per entry a P_IOTLB, then
 *   qi_batch_flush_descs' wait); smmuv3 P + 1, 1 (arm_vsmmu_cache_invalidate:
 *   the guest's TLBI_NH_VA per page, one batch and CMD_SYNC); AMD models
 *   E + 1, 1 (INVALIDATE_IOMMU_PAGES with GN, one COMPLETION_WAIT).
 * One ctest per registered model (test_nested_fanout MODEL); a model with
 * no row in derived_row() is a skip (exit 77) that names this file.
 */
#include "nb_test.h"
#include "nested_common.h"
#include "per_model.h"

#define TWO_MIB (2ull << 20)

struct counts {
	uint64_t map2, unmap2, dirty, requests, entries, pages;
	uint32_t domains, devices;
};

/* The VMM's changes in its VM's DMA window (first to last dma). */
static void count_s2(const char *path, struct counts *c)
{
	struct nb_trace *t;
	struct nb_trace_event ev;
	uint64_t w0 = 0, w1 = 0;
	bool dma = false;
	int got;

	for (int pass = 0; pass < 2; pass++) {
		if (nb_trace_open(&t, path)) {
			NBT_FAIL("%s", nb_errmsg());
			return;
		}
		while ((got = nb_trace_next(t, &ev)) == 1) {
			if (pass == 0 && ev.kind == NB_TR_DMA) {
				w0 = dma ? w0 : ev.time_ns;
				w1 = ev.time_ns;
				dma = true;
			}
			if (pass == 0 || ev.time_ns < w0 || ev.time_ns > w1)
				continue;
			c->map2 += ev.kind == NB_TR_MAP2;
			if (ev.kind == NB_TR_UNMAP2) {
				c->unmap2++;
				CHECK(ev.size == TWO_MIB && !(ev.iova & (TWO_MIB - 1)),
				      "%s:%u: the formula's unmap2 is one 2 MiB leaf", path, ev.line);
			}
		}
		nb_trace_close(t);
		CHECK(got == 0, "%s: %s", path, nb_errmsg());
	}
}

static void count_dirty(const char *path, struct counts *c)
{
	struct nb_trace *t;
	struct nb_trace_event ev;

	if (nb_trace_open(&t, path)) {
		NBT_FAIL("%s", nb_errmsg());
		return;
	}
	while (nb_trace_next(t, &ev) == 1)
		if (ev.kind == NB_TR_DIRTY2) {
			c->dirty++;
			CHECK(ev.flush_size && !(ev.flush_size & (ev.flush_size - 1)) &&
			      !(ev.flush_iova & (ev.flush_size - 1)) && ev.flush_size <= TWO_MIB,
			      "%s:%u: the formula's flush is one aligned power-of-two range", path, ev.line);
		}
	nb_trace_close(t);
}

/* One capture: its domains and devices, and its requests (per domain, the
 * P_IOTLBs up to a wait). */
static void count_guest(const char *path, struct counts *c)
{
	uint32_t did[16], sid[16], nd = 0, ns = 0, open_mask = 0;
	struct nb_trace *t;
	struct nb_trace_event ev;

	if (nb_trace_open(&t, path)) {
		NBT_FAIL("%s", nb_errmsg());
		return;
	}
	while (nb_trace_next(t, &ev) == 1) {
		struct nb_inv_cmd cmd;
		uint32_t i;

		if (ev.kind == NB_TR_MAP || ev.kind == NB_TR_UNMAP || ev.kind == NB_TR_DMA) {
			for (i = 0; i < nd && did[i] != ev.domain; i++)
				;
			if (i == nd && nd < 16)
				did[nd++] = ev.domain;
			for (i = 0; i < ns && sid[i] != ev.sid; i++)
				;
			if (i == ns && ns < 16)
				sid[ns++] = ev.sid;
			continue;
		}
		if (ev.kind != NB_TR_INV || !ev.has_raw || nb_inv_decode(NB_VENDOR_VTD, &ev.raw, &cmd))
			continue;
		if (cmd.op == NB_VTD_WAIT) {
			c->requests += (uint64_t)__builtin_popcount(open_mask);
			open_mask = 0;
			continue;
		}
		if (cmd.op != NB_VTD_PIOTLB_PSI && cmd.op != NB_VTD_PIOTLB_PASID)
			continue;
		for (i = 0; i < nd && did[i] != cmd.tag; i++)
			;
		if (i == nd)
			continue; /* a domain with no map, unmap or DMA: not a guest domain */
		open_mask |= 1u << i;
		c->entries++;
		c->pages += cmd.op == NB_VTD_PIOTLB_PSI ? 1ull << cmd.am : 1;
	}
	nb_trace_close(t);
	c->requests += (uint64_t)__builtin_popcount(open_mask);
	c->domains += nd;
	c->devices += ns;
}

struct expect {
	const char *model;
	uint64_t unmap[2], dirty[2], guest[2]; /* cmds, syncs */
};

static void check_model(const struct nested_paths *n, uint32_t guests, const struct expect *e,
			const struct counts *c)
{
	struct nb_nested_replay_opts o = nested_opts(n, guests);
	struct nb_nested_replay_result r;
	struct nb_hw_params p;

	if (!nested_params(e->model, &p))
		return;
	if (nb_nested_replay(&p, &o, &r)) {
		NBT_FAIL("%s K=%u: %s", e->model, guests, nb_errmsg());
		return;
	}
	CHECK_EQ(r.s2[NB_NS2_UNMAP].events, c->unmap2, "%s K=%u: the stage-2 unmaps replayed", e->model, guests);
	CHECK_EQ(r.s2[NB_NS2_MAP].events, c->map2, "%s K=%u: the stage-2 maps replayed", e->model, guests);
	CHECK_EQ(r.s2[NB_NS2_DIRTY].events, c->dirty, "%s K=%u: the dirty rounds replayed", e->model, guests);
	CHECK_EQ(r.guest.events, c->requests, "%s K=%u: the guests' requests", e->model, guests);
	CHECK_EQ(r.guest_entries, c->entries, "%s K=%u: their entries", e->model, guests);
	CHECK_EQ(r.s2[NB_NS2_UNMAP].cmds, c->unmap2 * e->unmap[0], "%s K=%u: commands per stage-2 unmap",
		 e->model, guests);
	CHECK_EQ(r.s2[NB_NS2_UNMAP].syncs, c->unmap2 * e->unmap[1], "%s K=%u: syncs per stage-2 unmap",
		 e->model, guests);
	CHECK_EQ(r.s2[NB_NS2_MAP].cmds, 0, "%s K=%u: no command for a stage-2 map", e->model, guests);
	CHECK_EQ(r.s2[NB_NS2_DIRTY].cmds, c->dirty * e->dirty[0], "%s K=%u: commands per dirty round",
		 e->model, guests);
	CHECK_EQ(r.s2[NB_NS2_DIRTY].syncs, c->dirty * e->dirty[1], "%s K=%u: syncs per dirty round", e->model,
		 guests);
	CHECK_EQ(r.guest.cmds, e->guest[0], "%s K=%u: commands for the guests' requests", e->model, guests);
	CHECK_EQ(r.guest.syncs, e->guest[1], "%s K=%u: syncs for the guests' requests", e->model, guests);
	printf("K=%-3u %-15s per unmap2 %llu cmds %llu syncs, per dirty2 %llu/%llu, guests %llu cmds %llu "
	       "syncs for %llu requests\n", guests, e->model, (unsigned long long)e->unmap[0],
	       (unsigned long long)e->unmap[1], (unsigned long long)e->dirty[0], (unsigned long long)e->dirty[1],
	       (unsigned long long)e->guest[0], (unsigned long long)e->guest[1], (unsigned long long)c->requests);
}

/* The hand-derived row of a model (the formulas above) for the counts c;
 * false: the model has none. */
static bool derived_row(const char *model, const struct counts *c, struct expect *out)
{
	uint64_t N = c->domains, D = c->devices, W = (N + 15) / 16, E = c->entries, R = c->requests;
	const struct expect e[] = {
		{ "vtd", { N + W, W }, { N + W, W }, { 2 * E, E } },
		{ "intel_cachetag", { N + W, W }, { N + W, W }, { 2 * E, E } },
		{ "vtd_legacy", { 2 * N, N }, { 2 * N, N }, { 2 * E, E } },
		{ "vtd_vmid", { 2, 1 }, { 2, 1 }, { 2 * E, E } },
		{ "smmuv3", { 4, 2 }, { 0, 0 }, { c->pages + R, R } },
		{ "amd_hostdid", { N + 1, 1 }, { N + 1, 1 }, { E + R, R } },
		{ "amd", { D + 1, 1 }, { D + 1, 1 }, { E + R, R } },
	};

	for (size_t i = 0; i < NB_ARRAY_SIZE(e); i++)
		if (strcmp(e[i].model, model) == 0) {
			*out = e[i];
			return true;
		}
	return false;
}

/* K guests: the stage-2 counts once, each capture's guest counts once per
 * guest that replays it (guest k replays capture k % 2). */
static void check_k(const struct nested_paths *n, const char *model, uint32_t guests,
		    const struct counts *s2, const struct counts *cap)
{
	struct counts c = *s2;
	struct expect e;

	for (uint32_t k = 0; k < guests; k++) {
		const struct counts *g = &cap[k % 2];

		c.requests += g->requests;
		c.entries += g->entries;
		c.pages += g->pages;
		c.domains += g->domains;
		c.devices += g->devices;
	}
	CHECK_EQ(c.entries, c.requests, "one P_IOTLB per request in the strict captures (the formulas' E = R)");
	CHECK_EQ(c.domains, 2 * guests, "K=%u: two domains per guest", guests);
	if (derived_row(model, &c, &e))
		check_model(n, guests, &e, &c);
}

/* One ctest per registered model (tests/replay/CMakeLists.txt): test_nested_fanout MODEL. */
int main(int argc, char **argv)
{
	struct nested_paths n;
	struct counts s2 = { 0 }, cap[2] = { { 0 } };
	const char *model = nbt_model_arg("test_nested_fanout", argc, argv);
	struct expect e;

	if (!model)
		return 2;
	if (!derived_row(model, &s2, &e))
		return nbt_skip_no_row("test_nested_fanout", model,
				       "fan-out (commands and waits per stage-2 unmap, dirty round and guest request)",
				       "derived_row() in tests/replay/test_nested_fanout.c");
	nested_paths(&n);
	count_s2(n.s2, &s2);
	count_dirty(n.dirty, &s2);
	for (int k = 0; k < 2; k++)
		count_guest(n.s1[k], &cap[k]);
	CHECK(s2.unmap2 > 0 && s2.map2 > 0 && s2.dirty > 0 && cap[0].requests > 0 && cap[1].requests > 0,
	      "the quick set has every kind");
	check_k(&n, model, 2, &s2, cap);
	check_k(&n, model, 16, &s2, cap);
	return nbt_done("test_nested_fanout");
}
