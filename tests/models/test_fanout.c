// SPDX-License-Identifier: MIT
/*
 * Nested fan-out, generation by generation: the commands, syncs and doorbell
 * (tail-register) writes of a one-page stage-2 unmap with K nested domains
 * of D devices each (K = 1, 8, 16, 64; D = 1, 4), ATS off and on, against
 * counts derived by hand from the Linux functions each model reproduces.
 * The testbed (nestbench/testbed.h): the parent has one direct device,
 * attached first; nested domain k's D devices attach after it, in order;
 * with ATS every device has a device TLB. The unmapped page is IPA page 0
 * of nested domain 0 (a leaf, 4 KiB: every range command is one page).
 *
 * Queue data as the shipped configs (each value's Linux source there):
 * VT-d qi_batch 16 with a wait per full batch, SMMUv3 CMDQ batch 64 without
 * a sync when full, AMD a tail write per command.
 *
 * Per model, N = descriptors before the waits, W = waits:
 *  vtd (6.12.117+: cache_tag_flush_range, cache_tag_flush_iotlb,
 *      qi_batch_increment_index, qi_batch_flush_descs): the parent's tag
 *      list is IOTLB(parent DID), [DEVTLB(direct)], then per nested domain
 *      NESTING_IOTLB (its D devices share (DID, PASID 0): one tag) and
 *      [D NESTING_DEVTLB]. IOTLB tags: a PSI with the IPA range, nested DIDs
 *      too; DEVTLB: the range; NESTING_DEVTLB: the whole device (mask 52).
 *      N = 1 + K (+ 1 + K*D with ATS); W = ceil(N / 16) (qi_submit_sync per
 *      16, then the rest); one tail write per submission.
 *  intel_cachetag (6.12.0-6.12.116): the same list and N, but after the
 *      first NESTING_DEVTLB (nested domain 0's first device) addr/mask stay
 *      at 0/52: NESTING_IOTLB tags of nested domains 1..K-1 get a DSI
 *      (mask 52 > MAMV). ATS off: no NESTING_DEVTLB, all PSI.
 *  intel_cachetag unbatched (6.10, 6.11: qi_flush_* each submit): W = N.
 *  vtd_legacy (6.8, 6.9: intel_iommu_tlb_sync -> iommu_flush_iotlb_psi per
 *      (domain, unit), then parent_domain_flush per (nested domain, unit);
 *      every qi_flush_* its own qi_submit_sync): PSI(parent), [direct
 *      devTLB], per nested domain a PSI with the IPA range, [D whole
 *      devTLBs]: N = 1 + K (+ 1 + K*D), W = N.
 *  smmuv3 (6.13+: arm_smmu_tlb_inv_range_domain): TLBI_S2_IPA batch +
 *      CMD_SYNC; TLBI_NH_ALL + CMD_SYNC (arm_smmu_cmdq_issue_cmd_with_sync);
 *      with ATS arm_smmu_atc_inv_domain: ATC_INV for the direct master (the
 *      range) and K*D nested masters (whole), batches of 64, one CMD_SYNC.
 *      Doorbells: 1 + 1 + ceil((1 + K*D) / 64).
 *  amd (the seed's per-device DomainID): INVALIDATE_IOMMU_PAGES for the
 *      parent's DomainID and each of the K*D device DomainIDs, [1 + K*D
 *      INVALIDATE_IOTLB_PAGES], one COMPLETION_WAIT (domain_flush_complete);
 *      every command its own tail write (iommu_queue_command).
 *  amd_hostdid (mainline: domain_flush_pages_v1 ->
 *      iommu_flush_pages_v1_hdom_ids): PAGES for the parent and each of the
 *      K host DomainIDs; IOTLB_PAGES and the wait as amd.
 *  vtd_vmid (hypothetical, docs/models.md): one PSI on the parent's tag,
 *      [direct devTLB (range), K*D whole devTLBs]: N = 1 (+ 1 + K*D), W as vtd.
 * One ctest per registered model (test_fanout MODEL); a model with no
 * counts here is a skip (exit 77) that names this file, never a pass.
 * Every case also checks the oracle finds nothing stale, and the
 * descriptors' fields: the PSIs name the IPA page with AM 0 and IH 1.
 */
#include "per_model.h"
#include "scenario.h"

struct got {
	uint64_t n[NB_INV_OP_COUNT];
	uint64_t psi_bad, devtlb_whole, devtlb_page;
};

static struct got g;
static const struct nb_tag_model *base;

/* Every executed (decoded) command, then the vendor's effect. */
static void record(const struct nb_iommu *m, const struct nb_inv_cmd *c, struct nb_inv_effect *e)
{
	g.n[c->op]++;
	if (c->op == NB_VTD_IOTLB_PSI && (c->addr != NB_TB_DATA_IPA || c->am || !c->leaf))
		g.psi_bad++;
	if (c->op == NB_VTD_DEVTLB || c->op == NB_SMMU_ATC_INV)
		*(c->am >= 52 ? &g.devtlb_whole : &g.devtlb_page) += 1;
	if (base->effect)
		base->effect(m, c, e);
	else
		nb_vendor_effect(c, e);
}

struct want {
	uint64_t cmds, syncs, doorbells;
	enum nb_inv_op op[3];
	uint64_t n[3];
};

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

static void run(const char *model, enum nb_vendor v, bool batch, int k, int d, bool ats,
		const struct want *w)
{
	struct nb_hw_params p;
	struct nb_testbed t;
	struct nb_tag_model wrap;
	const struct nb_iommu_stats *st;
	char what[96];

	snprintf(what, sizeof(what), "%s%s K=%d D=%d ATS %s", model, batch ? "" : " unbatched", k, d,
		 ats ? "on" : "off");
	scenario_params(&p, model, v);
	/* counts do not depend on cache sizes: smaller ones set up faster */
	p.iotlb.entries = p.pwc_s1.entries = p.pwc_s2.entries = p.nested_tlb.entries = 4096;
	p.ctx_cache.entries = 256;
	p.devtlb.entries = 64;
	scenario_queue(&p);
	p.policy.batch = batch;
	CHECK(nb_tag_model_by_name(model, &base) == 0, "%s", nb_errmsg());
	wrap = *base;
	wrap.effect = record;
	/* 4 pages per nested domain: the counts do not depend on how many
	 * pages the devices touched, only on the one unmapped */
	if (nb_testbed_init(&t, &(struct nb_testbed_cfg){ .p = &p, .model = &wrap, .nested = k,
							   .devices = d, .ats = ats, .pages = 4 })) {
		NBT_FAIL("%s: setup: %s", what, nb_errmsg());
		nb_testbed_fini(&t);
		return;
	}
	memset(&g, 0, sizeof(g));
	nb_iommu_set_oracle(t.m, false);
	CHECK(nb_iommu_unmap(t.m, t.parent, NB_TB_DATA_IPA, 4096) == 4096, "%s: unmap", what);
	st = nb_iommu_stats(t.m);
	CHECK_EQ(st->cmds, w->cmds, "%s: commands", what);
	CHECK_EQ(st->syncs, w->syncs, "%s: syncs", what);
	CHECK_EQ(st->doorbells, w->doorbells, "%s: doorbells", what);
	CHECK_EQ(st->bad_descs, 0, "%s: descriptors the queue refused", what);
	for (int i = 0; i < 3 && w->n[i]; i++)
		CHECK_EQ(g.n[w->op[i]], w->n[i], "%s: %s", what, nb_inv_op_name(w->op[i]));
	CHECK_EQ(g.psi_bad, 0, "%s: PSIs not naming the IPA page (AM 0, IH 1)", what);
	if (v != NB_VENDOR_AMD) { /* the direct device: the range; nested ones: whole */
		CHECK_EQ(g.devtlb_page, ats ? 1 : 0, "%s: device-TLB commands for the page", what);
		CHECK_EQ(g.devtlb_whole, ats ? (uint64_t)k * d : 0, "%s: whole device-TLB commands", what);
	}
	CHECK_EQ(nb_iommu_oracle_check(t.m), 0, "%s: stale: %s", what, nb_errmsg());
	nb_testbed_fini(&t);
}

static void vtd_case(int k, int d, bool ats)
{
	uint64_t kd = (uint64_t)k * d, n = 1 + (uint64_t)k + (ats ? 1 + kd : 0), w = ceil_div(n, 16);
	uint64_t dev = ats ? 1 + kd : 0;

	run("vtd", NB_VENDOR_VTD, true, k, d, ats,
	    &(struct want){ n + w, w, w, { NB_VTD_IOTLB_PSI, NB_VTD_DEVTLB }, { 1 + (uint64_t)k, dev } });
}

static void cachetag_case(int k, int d, bool ats)
{
	uint64_t kd = (uint64_t)k * d, n = 1 + (uint64_t)k + (ats ? 1 + kd : 0), w = ceil_div(n, 16);
	uint64_t dev = ats ? 1 + kd : 0;

	/* fall-through: nested domains 1..K-1 get a DSI once an ATS device is seen */
	run("intel_cachetag", NB_VENDOR_VTD, true, k, d, ats,
	    &(struct want){ n + w, w, w, { NB_VTD_IOTLB_PSI, NB_VTD_IOTLB_DSI, NB_VTD_DEVTLB },
			    { ats ? 2 : 1 + (uint64_t)k, ats ? (uint64_t)k - 1 : 0, dev } });
	run("intel_cachetag", NB_VENDOR_VTD, false, k, d, ats,
	    &(struct want){ 2 * n, n, n, { NB_VTD_IOTLB_PSI, NB_VTD_DEVTLB }, { ats ? 2 : 1 + (uint64_t)k, dev } });
}

static void legacy_case(int k, int d, bool ats)
{
	uint64_t kd = (uint64_t)k * d, n = 1 + (uint64_t)k + (ats ? 1 + kd : 0);
	uint64_t dev = ats ? 1 + kd : 0;

	run("vtd_legacy", NB_VENDOR_VTD, false, k, d, ats,
	    &(struct want){ 2 * n, n, n, { NB_VTD_IOTLB_PSI, NB_VTD_DEVTLB }, { 1 + (uint64_t)k, dev } });
}

/* vtd_vmid (hypothetical; docs/models.md's row): one PSI on the parent's
 * tag, [a range device-TLB flush for the direct device, a whole one per
 * nested ATS device], batched as vtd (16, a wait per batch). */
static void vmid_case(int k, int d, bool ats)
{
	uint64_t kd = (uint64_t)k * d, n = 1 + (ats ? 1 + kd : 0), w = ceil_div(n, 16);

	run("vtd_vmid", NB_VENDOR_VTD, true, k, d, ats,
	    &(struct want){ n + w, w, w, { NB_VTD_IOTLB_PSI, NB_VTD_DEVTLB }, { 1, ats ? 1 + kd : 0 } });
}

static void smmu_case(int k, int d, bool ats)
{
	uint64_t atc = ats ? 1 + (uint64_t)k * d : 0;

	run("smmuv3", NB_VENDOR_SMMUV3, true, k, d, ats,
	    &(struct want){ 4 + (ats ? atc + 1 : 0), 2 + ats, 2 + ceil_div(atc, 64),
			    { NB_SMMU_TLBI_S2_IPA, NB_SMMU_TLBI_NH_ALL, NB_SMMU_ATC_INV }, { 1, 1, atc } });
}

static void amd_case(int k, int d, bool ats)
{
	uint64_t kd = (uint64_t)k * d, iotlb = ats ? 1 + kd : 0;

	run("amd", NB_VENDOR_AMD, true, k, d, ats,
	    &(struct want){ 1 + kd + iotlb + 1, 1, 1 + kd + iotlb + 1,
			    { NB_AMD_INV_IOMMU_PAGES, NB_AMD_INV_IOTLB_PAGES }, { 1 + kd, iotlb } });
}

static void hostdid_case(int k, int d, bool ats)
{
	uint64_t iotlb = ats ? 1 + (uint64_t)k * d : 0;

	run("amd_hostdid", NB_VENDOR_AMD, true, k, d, ats,
	    &(struct want){ 1 + (uint64_t)k + iotlb + 1, 1, 1 + (uint64_t)k + iotlb + 1,
			    { NB_AMD_INV_IOMMU_PAGES, NB_AMD_INV_IOTLB_PAGES }, { 1 + (uint64_t)k, iotlb } });
}

/* The models with counts derived by hand (above); one ctest per registered
 * model (tests/models/CMakeLists.txt), a model not here is a skip. */
static const struct {
	const char *model;
	void (*one)(int k, int d, bool ats);
} derived[] = {
	{ "vtd", vtd_case },	       { "intel_cachetag", cachetag_case }, { "vtd_legacy", legacy_case },
	{ "vtd_vmid", vmid_case },     { "smmuv3", smmu_case },		    { "amd", amd_case },
	{ "amd_hostdid", hostdid_case },
};

int main(int argc, char **argv)
{
	static const int ks[] = { 1, 8, 16, 64 }, ds[] = { 1, 4 };
	const char *model = nbt_model_arg("test_fanout", argc, argv);
	void (*one)(int, int, bool) = NULL;

	if (!model)
		return 2;
	for (size_t i = 0; i < NB_ARRAY_SIZE(derived); i++)
		if (strcmp(derived[i].model, model) == 0)
			one = derived[i].one;
	if (!one)
		return nbt_skip_no_row("test_fanout", model, "fan-out (from the Linux functions it reproduces)",
				       "derived[] in tests/models/test_fanout.c");
	for (size_t a = 0; a < NB_ARRAY_SIZE(ks); a++)
		for (size_t b = 0; b < NB_ARRAY_SIZE(ds); b++)
			for (int ats = 0; ats < 2; ats++)
				one(ks[a], ds[b], ats);
	return nbt_done("test_fanout");
}
