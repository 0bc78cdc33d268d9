// SPDX-License-Identifier: MIT
/*
 * Tag models: fan-out and collateral of a stage-2 unmap, and the guest
 * invalidation path, against counts derived by hand from each vendor's
 * tagging (see each case). Every scenario ends with the stale-translation
 * oracle finding nothing.
 *
 * Scenario (the testbed): a parent with 1 direct device, K nested domains
 * x D devices, each device has touched 64 pages; then one 4K page of IPA
 * (used by the direct device and by nested domain 0) is unmapped. Every
 * model batches here (policy.batch, no size limit): unbatched generations
 * differ in their waits only (test_fanout has them).
 * One ctest per registered model (test_models MODEL); a model with no row
 * in expects[] is a skip (exit 77) that names this file, never a pass.
 */
#include "per_model.h"
#include "scenario.h"

struct expect {
	const char *model;
	enum nb_vendor v;
	/* commands and distinct tags for a one-page stage-2 unmap */
	uint64_t (*cmds)(int k, int d);
	uint64_t (*tags)(int k, int d);
	/* IOTLB entries dropped although still correct */
	uint64_t (*iotlb_collateral)(int k, int d);
	bool nested_tlb_collateral; /* are stage-2 entries of other IPAs lost? */
	/* guest stage-1 invalidation of one page of nested domain 0 */
	uint64_t (*guest_cmds)(int k, int d);
	uint64_t (*syncs)(int k, int d);
};

/* vtd (cache_tag_flush_range, Linux 6.12.117+): a PSI with the IPA range
 * on the parent's DID (its direct device) and on every nested DID
 * (cache_tag_flush_iotlb), one wait (the batch here has no size limit).
 * Nested DIDs are shared by the D devices of a domain, so each nested
 * domain cached 64 combined entries; a PSI on a nested DID drops them all
 * (VT-d 6.5.2.3), all but the unmapped one as collateral. Its stage-2
 * structures (nested TLB) are matched by IPA: no collateral there. */
static uint64_t vtd_cmds(int k, int d) { return 1 + (uint64_t)k + 1; }
static uint64_t vtd_tags(int k, int d) { return 1 + (uint64_t)k; }
static uint64_t per_domain_collateral(int k, int d) { return k ? (uint64_t)k * 64 - 1 : 0; }
/* PIOTLB_PSI on DID(n0) for PASID 0 + wait */
static uint64_t one_psi_guest(int k, int d) { return 2; }
/* smmuv3 (arm_smmu_tlb_inv_range_domain): TLBI_S2_IPA + CMD_SYNC, then on
 * a nest parent TLBI_NH_ALL + its own CMD_SYNC, whatever K and D. */
static uint64_t smmu_cmds(int k, int d) { return k ? 4 : 2; }
static uint64_t smmu_syncs(int k, int d) { return k ? 2 : 1; }
static uint64_t one(int k, int d) { return 1; }
static uint64_t one_tag(int k, int d) { return 1; }
/* amd: INVALIDATE_IOMMU_PAGES per DomainID: the parent's + one per nested
 * device; + COMPLETION_WAIT. Per-device DomainIDs do not share entries, so
 * K*D*64 guest entries were cached; D of them (page 0 of nested 0) go for
 * a reason. */
static uint64_t amd_cmds(int k, int d) { return 1 + (uint64_t)k * d + 1; }
static uint64_t amd_tags(int k, int d) { return 1 + (uint64_t)k * d; }
static uint64_t amd_collateral(int k, int d) { return k ? (uint64_t)k * d * 64 - d : 0; }
static uint64_t amd_guest(int k, int d) { return (uint64_t)d + 1; }
/* vtd_vmid: one PSI on the parent's tag + wait, whatever K. */
static uint64_t two(int k, int d) { return 2; }
/* intel_cachetag (6.10-6.12.116 cache_tag_flush_range): with no ATS device
 * the fall-through never triggers: vtd's tags, commands and collateral.
 * vtd_legacy (6.8/6.9 intel_iommu_tlb_sync + parent_domain_flush): a PSI
 * per (domain, unit): the parent's DID and each nested DID, the same
 * 1 + K tags; batched here, one wait. amd_hostdid (iommu_flush_pages_v1_
 * hdom_ids): INVALIDATE_IOMMU_PAGES for the parent's DomainID and each
 * nested domain's host DomainID (shared by its D devices: 64 entries per
 * nested domain, as a VT-d nested DID) + COMPLETION_WAIT; the guest's
 * request is one INVALIDATE_IOMMU_PAGES (GN) on its host DomainID + wait. */

static const struct expect expects[] = {
	{ "vtd", NB_VENDOR_VTD, vtd_cmds, vtd_tags, per_domain_collateral, false, one_psi_guest, one },
	{ "smmuv3", NB_VENDOR_SMMUV3, smmu_cmds, one_tag, per_domain_collateral, false, one_psi_guest,
	  smmu_syncs },
	{ "amd", NB_VENDOR_AMD, amd_cmds, amd_tags, amd_collateral, false, amd_guest, one },
	{ "vtd_vmid", NB_VENDOR_VTD, two, one_tag, per_domain_collateral, false, one_psi_guest, one },
	{ "intel_cachetag", NB_VENDOR_VTD, vtd_cmds, vtd_tags, per_domain_collateral, false, one_psi_guest, one },
	{ "vtd_legacy", NB_VENDOR_VTD, vtd_cmds, vtd_tags, per_domain_collateral, false, one_psi_guest, one },
	{ "amd_hostdid", NB_VENDOR_AMD, vtd_cmds, vtd_tags, per_domain_collateral, false, one_psi_guest, one },
};

static void stage2_unmap(const struct expect *x, int k, int d)
{
	struct nb_hw_params p;
	struct nb_testbed s;
	const struct nb_iommu_stats *st;
	int ret;

	scenario_params(&p, x->model, x->v);
	ret = nb_testbed_init(&s, &(struct nb_testbed_cfg){ .p = &p, .nested = k, .devices = d,
							    .pages = PAGES });
	CHECK(ret == 0, "%s K=%d D=%d: setup: %s", x->model, k, d, nb_errmsg());
	if (ret) {
		nb_testbed_fini(&s);
		return;
	}
	st = nb_iommu_stats(s.m);
	CHECK(nb_iommu_unmap(s.m, s.parent, NB_TB_DATA_IPA, 4096) == 4096, "unmap: %s", nb_errmsg());
	CHECK_EQ(st->cmds, x->cmds(k, d), "%s K=%d D=%d: commands for a one-page stage-2 unmap",
		 x->model, k, d);
	CHECK_EQ(st->tags_touched, x->tags(k, d), "%s K=%d D=%d: tags touched", x->model, k, d);
	CHECK_EQ(st->syncs, x->syncs(k, d), "%s K=%d: syncs (batched)", x->model, k);
	CHECK_EQ(nb_iommu_cache(s.m, NB_CACHE_IOTLB)->st.collateral, x->iotlb_collateral(k, d),
		 "%s K=%d D=%d: IOTLB collateral", x->model, k, d);
	CHECK((nb_iommu_cache(s.m, NB_CACHE_NESTED_TLB)->st.collateral > 0) == (k && x->nested_tlb_collateral),
	      "%s K=%d D=%d: nested-TLB collateral %llu", x->model, k, d,
	      (unsigned long long)nb_iommu_cache(s.m, NB_CACHE_NESTED_TLB)->st.collateral);
	CHECK_EQ(nb_iommu_oracle_check(s.m), 0, "%s: stale after stage-2 unmap: %s", x->model, nb_errmsg());
	/* Everything DMA'd again: every collateral IOTLB entry is a refill miss
	 * (the refill tracker may lose a few keys to slot collisions). */
	{
		uint64_t coll = st->collateral, iotlb_coll = x->iotlb_collateral(k, d);

		nb_testbed_touch_all(&s, NB_PROT_R);
		CHECK(st->refill_misses <= iotlb_coll && st->refill_misses * 100 >= iotlb_coll * 95,
		      "%s K=%d: refill misses %llu for %llu IOTLB collateral (%llu in all)", x->model, k,
		      (unsigned long long)st->refill_misses, (unsigned long long)iotlb_coll,
		      (unsigned long long)coll);
		CHECK(st->faults == 1 + (uint64_t)d || k == 0, "%s: the unmapped page faults: %llu",
		      x->model, (unsigned long long)st->faults);
	}
	/* The guest unmaps page 1 in nested domain 0 and asks for invalidation. */
	if (k) {
		struct nb_gather g;
		struct nb_flush_req req = { .addr = 4096, .size = 4096, .leaf = true };
		struct nb_dma_result r;

		nb_iommu_stats_reset(s.m);
		nb_gather_init(&g);
		nb_domain_unmap(s.nn[0]->s1, 4096, 4096, &g);
		nb_gather_release(s.nn[0]->s1, &g);
		CHECK(nb_iommu_oracle_check(s.m) > 0, "%s: before the guest's invalidation the entry is stale",
		      x->model);
		CHECK(nb_iommu_guest_invalidate(s.m, s.nest[0], &req) == 0, "guest inval %s", nb_errmsg());
		CHECK_EQ(st->cmds, x->guest_cmds(k, d), "%s K=%d D=%d: commands for a guest invalidation",
			 x->model, k, d);
		CHECK_EQ(nb_iommu_oracle_check(s.m), 0, "%s: stale after guest invalidation: %s", x->model,
			 nb_errmsg());
		nb_iommu_dma(s.m, nb_testbed_dev(&s, 0, 0), 4096, NB_PROT_R, &r);
		CHECK(r.fault == NB_FAULT_NOT_PRESENT && r.fault_stage == 1, "%s: guest-unmapped page faults in stage 1",
		      x->model);
	}
	nb_testbed_fini(&s);
}

int main(int argc, char **argv)
{
	static const int ks[] = { 0, 1, 8, 64 }, ds[] = { 1, 2 };
	const char *model = nbt_model_arg("test_models", argc, argv);
	const struct expect *x = NULL;

	if (!model)
		return 2;
	for (size_t i = 0; i < NB_ARRAY_SIZE(expects); i++)
		if (strcmp(expects[i].model, model) == 0)
			x = &expects[i];
	if (!x)
		return nbt_skip_no_row("test_models", model, "counts", "expects[] in tests/models/test_models.c");
	for (size_t a = 0; a < NB_ARRAY_SIZE(ks); a++)
		for (size_t b = 0; b < NB_ARRAY_SIZE(ds); b++)
			if (ks[a] * ds[b] <= 64)
				stage2_unmap(x, ks[a], ds[b]);
	return nbt_done("test_models");
}
