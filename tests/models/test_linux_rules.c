// SPDX-License-Identifier: MIT
/*
 * One rule of a Linux driver per case, checked on the descriptors the
 * simulated queue executes (their bytes and what they decode to, syncs
 * included, in order). Expected values are derived by hand from the Linux
 * function named in each case (drivers/iommu/, Linux 6.12 unless said).
 */
#include "desc_log.h"
#include "scenario.h"

static int bed(struct nb_testbed *t, struct nb_hw_params *p, int k, int d, bool ats, uint32_t pages)
{
	int ret = nb_testbed_init(t, &(struct nb_testbed_cfg){ .p = p, .nested = k, .devices = d,
							       .ats = ats, .pages = pages ? pages : PAGES });

	CHECK(ret == 0, "setup %s K=%d D=%d: %s", p->model, k, d, nb_errmsg());
	if (!ret)
		nb_iommu_set_observer(t->m, desc_log_observe, NULL);
	desc_log_clear();
	return ret;
}

static void params(struct nb_hw_params *p, const char *model, enum nb_vendor v)
{
	scenario_params(p, model, v);
	p->iotlb.entries = p->pwc_s1.entries = p->pwc_s2.entries = p->nested_tlb.entries = 4096;
	scenario_queue(p);
}

/* 1. SMMUv3 nest parent (arm_smmu_tlb_inv_range_domain, 6.13+): the
 * TLBI_S2_IPA batch with its CMD_SYNC, then TLBI_NH_ALL with its own
 * (arm_smmu_cmdq_issue_cmd_with_sync), then the ATC batch and its sync
 * (arm_smmu_atc_inv_domain): S2 before NH_ALL before the ATCs. Every
 * CMD_SYNC as arm_smmu_cmdq_build_sync_cmd writes it with MSI polling:
 * opcode 0x46, CS=SIG_IRQ (1 << 12), MSH Inner Shareable (3 << 22),
 * MSIAttr OIWB (0xf << 24): w0 = 0x0fc01046, MSIAddr = its own slot. */
static void smmu_nest_parent(void)
{
	struct nb_hw_params p;
	struct nb_testbed t;

	params(&p, "smmuv3", NB_VENDOR_SMMUV3);
	if (bed(&t, &p, 2, 1, true, 0))
		goto out;
	nb_iommu_unmap(t.m, t.parent, NB_TB_DATA_IPA, 4096);
	CHECK_OPS("TLBI_S2_IPA CMD_SYNC TLBI_NH_ALL CMD_SYNC ATC_INV ATC_INV ATC_INV CMD_SYNC",
		  "smmuv3: S2 batch+sync, NH_ALL+sync, ATC batch+sync");
	CHECK_EQ(nb_iommu_stats(t.m)->doorbells, 3, "smmuv3: one producer write per cmdlist");
	for (int i = 0; i < q.n; i++)
		if (q.c[i].op == NB_SMMU_CMD_SYNC) {
			CHECK_EQ(q.raw[i].w[0], 0x0fc01046, "CMD_SYNC %d: word 0", i);
			CHECK(q.raw[i].w[1] && !(q.raw[i].w[1] & 3), "CMD_SYNC %d: MSIAddr %#llx", i,
			      (unsigned long long)q.raw[i].w[1]);
		}
out:
	nb_testbed_fini(&t);
}

/* 2. VT-d nested DIDs get a PSI with the IPA range; a DSI only when the
 * mask exceeds MAMV (cache_tag_flush_iotlb: mask > cap_max_amask_val).
 * MAMV 2: 4 pages (mask 2) are page-selective on the parent's DID and on
 * both nested DIDs; 8 pages (mask 3) are three DSIs. */
static void vtd_psi_or_dsi(uint32_t pages, const char *want)
{
	struct nb_hw_params p;
	struct nb_testbed t;

	params(&p, "vtd", NB_VENDOR_VTD);
	p.policy.max_am = 2;
	if (bed(&t, &p, 2, 1, false, 0))
		goto out;
	nb_iommu_unmap(t.m, t.parent, NB_TB_DATA_IPA, pages * 4096ull);
	CHECK_OPS(want, "vtd: %u pages with MAMV 2", pages);
	for (int i = 0; i < q.n; i++)
		if (q.c[i].op == NB_VTD_IOTLB_PSI)
			CHECK(q.c[i].addr == NB_TB_DATA_IPA && q.c[i].am == 2, "PSI %d: addr %#llx am %u", i,
			      (unsigned long long)q.c[i].addr, q.c[i].am);
out:
	nb_testbed_fini(&t);
}

/* 3. No threshold and no buffer forces a wider command (SMMUv3 mainline:
 * CMDQ_MAX_TLBI_OPS only in arm-smmu-v3-sva.c). 512 pages without RIL:
 * 512 TLBI_S2_IPA, one per granule (__arm_smmu_tlb_inv_range), in CMDQ
 * batches of 64: seven full ones published without a sync
 * (arm_smmu_cmdq_batch_add), the last with its CMD_SYNC: 8 producer
 * writes; then NH_ALL + sync: 9 doorbells, 2 syncs. With RIL: 512 = 1 << 9
 * pages is one command, SCALE 9, NUM 0; the 512 pages emptied their leaf
 * table, which went too, so the invalidation is not leaf-only and carries
 * no TTL (__arm_smmu_tlb_inv_range: TTL only for leaf). */
static void smmu_no_threshold(bool ril)
{
	struct nb_hw_params p;
	struct nb_testbed t;
	const struct nb_iommu_stats *st;
	uint64_t s2 = 0;

	params(&p, "smmuv3", NB_VENDOR_SMMUV3);
	p.policy.ril = ril;
	p.policy.range_max_pages = UINT32_MAX; /* as configs/smmuv3.cfg */
	if (bed(&t, &p, 1, 1, false, 512))
		goto out;
	nb_iommu_unmap(t.m, t.parent, NB_TB_DATA_IPA, 512 * 4096ull);
	st = nb_iommu_stats(t.m);
	for (int i = 0; i < q.n; i++)
		s2 += q.c[i].op == NB_SMMU_TLBI_S2_IPA;
	CHECK_EQ(st->cmd_by_op[NB_SMMU_TLBI_S12_VMALL], 0, "ril %d: never the whole VMID", ril);
	CHECK_EQ(s2, ril ? 1 : 512, "ril %d: TLBI_S2_IPA commands", ril);
	CHECK_EQ(st->syncs, 2, "ril %d: syncs", ril);
	CHECK_EQ(st->doorbells, ril ? 2 : 9, "ril %d: doorbells", ril);
	if (ril)
		CHECK(q.c[0].scale == 9 && q.c[0].num == 0 && q.c[0].tg == 12 && q.c[0].ttl == 0 &&
			      !q.c[0].leaf,
		      "RIL command: scale %u num %u tg %u ttl %u leaf %d", q.c[0].scale, q.c[0].num,
		      q.c[0].tg, q.c[0].ttl, q.c[0].leaf);
out:
	nb_testbed_fini(&t);
}

/* 4. AMD: build_inv_iommu_pages always sets PDE (w1 bit 1), a leaf unmap
 * too; every command is its own tail write, one COMPLETION_WAIT at the
 * end (amd_iommu_domain_flush_pages -> domain_flush_complete). The wait
 * as build_completion_wait writes it: opcode 1 << 60, S (store, bit 0),
 * the semaphore's address, data = the next sequence number. */
static void amd_pde_and_wait(void)
{
	struct nb_hw_params p;
	struct nb_testbed t;
	uint64_t seq0 = 0;

	params(&p, "amd_hostdid", NB_VENDOR_AMD);
	if (bed(&t, &p, 2, 1, false, 0))
		goto out;
	for (int r = 0; r < 2; r++) {
		desc_log_clear();
		nb_iommu_unmap(t.m, t.parent, nb_testbed_ipa(&t, 0, (uint64_t)r), 4096);
		CHECK_OPS("INVALIDATE_IOMMU_PAGES INVALIDATE_IOMMU_PAGES INVALIDATE_IOMMU_PAGES COMPLETION_WAIT",
			  "amd_hostdid: parent + 2 host DomainIDs + wait");
		for (int i = 0; i < q.n; i++) {
			if (q.c[i].op == NB_AMD_INV_IOMMU_PAGES)
				CHECK(q.raw[i].w[1] & 2, "PAGES %d: PDE clear: w1 %#llx", i,
				      (unsigned long long)q.raw[i].w[1]);
			if (q.c[i].op != NB_AMD_COMPLETION_WAIT)
				continue;
			CHECK((q.raw[i].w[0] >> 60) == 1 && (q.raw[i].w[0] & 1) && !(q.raw[i].w[0] & 0x6),
			      "wait word 0 %#llx", (unsigned long long)q.raw[i].w[0]);
			if (!r)
				seq0 = q.raw[i].w[1];
			else
				CHECK_EQ(q.raw[i].w[1], seq0 + 1, "wait data: the next sequence number");
		}
		CHECK_EQ(nb_iommu_stats(t.m)->doorbells, 4 * (uint64_t)(r + 1), "a tail write per command");
	}
out:
	nb_testbed_fini(&t);
}

/* 5. Linux 6.8/6.9 flushed once per (domain, IOMMU unit) and
 * parent_domain_flush once per (nested domain, unit), each qi_flush_* its
 * own qi_submit_sync. Two units, K = 4 (nested domains 0, 2 on unit 0 with
 * the direct device; 1, 3 on unit 1), D = 2: unit 0 sends PSIs for the
 * parent and its 2 nested DIDs, unit 1 for its 2 (the parent has no device
 * there: not in that unit's iommu_array): 5 PSIs, 5 waits, 5 tail writes. */
static void vtd_legacy_per_unit(void)
{
	struct nb_hw_params p;
	struct nb_testbed t;
	struct nb_iommu_stats st;

	params(&p, "vtd_legacy", NB_VENDOR_VTD);
	p.policy.batch = false;
	if (nb_testbed_init(&t, &(struct nb_testbed_cfg){ .p = &p, .nested = 4, .devices = 2,
							   .units = 2, .pages = PAGES })) {
		NBT_FAIL("setup: %s", nb_errmsg());
		goto out;
	}
	nb_testbed_unmap_s2(&t, NB_TB_DATA_IPA, 4096);
	nb_testbed_stats(&t, &st);
	CHECK_EQ(st.cmd_by_op[NB_VTD_IOTLB_PSI], 5, "vtd_legacy: PSIs over both units");
	CHECK_EQ(st.cmd_by_op[NB_VTD_WAIT], 5, "vtd_legacy: a wait per descriptor");
	CHECK_EQ(st.doorbells, 5, "vtd_legacy: a tail write per qi_submit_sync");
	CHECK_EQ(st.cmd_by_op[NB_VTD_IOTLB_DSI], 0, "vtd_legacy: no DSI for one page");
out:
	nb_testbed_fini(&t);
}

/* 6. VT-d teardown, each step its own qi_submit_sync. Scalable mode
 * (intel_pasid_tear_down_entry): PASID-cache invalidation (G=01 PASID-
 * selective, the DID, PASID 0), a DSI for the nested entry, then the
 * device TLB (devtlb_invalidation_with_pasid, PASID 0: type 3, size
 * order 52). Legacy (intel_context_flush_no_pasid): device-selective
 * context invalidation naming the DID, DSI, device TLB. Every WAIT is
 * qi_submit_sync's: status data QI_DONE (2), SW, type 5 = 0x200000025;
 * a scalable-mode slot is 256 bits with qw2 = qw3 = 0. */
static void vtd_teardown(bool scalable)
{
	struct nb_hw_params p;
	struct nb_testbed t;
	struct nb_xdev *dev;

	params(&p, "vtd", NB_VENDOR_VTD);
	p.policy.scalable_mode = scalable;
	if (bed(&t, &p, 1, 1, true, 0))
		goto out;
	dev = nb_testbed_dev(&t, 0, 0);
	nb_xdev_detach(t.m, dev);
	if (scalable)
		CHECK_OPS("PC_INV WAIT IOTLB_DSI WAIT DEVTLB WAIT", "scalable teardown");
	else
		CHECK_OPS("CC_INV WAIT IOTLB_DSI WAIT DEVTLB WAIT", "legacy teardown");
	CHECK(q.c[0].gran == (scalable ? 1 : 3) && q.c[0].tag == q.c[2].tag && q.c[2].tag != 0,
	      "first descriptor: G %u DID %u (DSI DID %u)", q.c[0].gran, q.c[0].tag, q.c[2].tag);
	CHECK_EQ(q.c[4].am, 52, "device TLB: the whole space");
	for (int i = 1; i < q.n; i += 2) {
		CHECK_EQ(q.raw[i].w[0], 0x200000025ull, "WAIT %d: qw0 as qi_submit_sync", i);
		CHECK(q.raw[i].w[2] == 0 && q.raw[i].w[3] == 0, "WAIT %d: qw2/qw3", i);
	}
out:
	nb_testbed_fini(&t);
}

/* 7. Attach in caching mode. Scalable (pasid_flush_caches): PC_INV then a
 * PASID-selective P_IOTLB, each synced; legacy (context_present_cache_
 * flush): CC_INV naming DID 0 for the device, then a DSI of the new DID.
 * Without caching mode: nothing (a write-buffer flush, no descriptor). */
static void vtd_attach(bool scalable, bool cm, const char *want)
{
	struct nb_hw_params p;
	struct nb_testbed t;
	struct nb_xdev *dev;

	params(&p, "vtd", NB_VENDOR_VTD);
	p.policy.scalable_mode = scalable;
	p.policy.caching_mode = cm;
	if (bed(&t, &p, 1, 1, false, 0))
		goto out;
	CHECK(nb_xdev_attach(t.m, 99, 0, false, t.nest[0], &dev) == 0, "attach: %s", nb_errmsg());
	CHECK_OPS(want, "attach, scalable %d caching mode %d", scalable, cm);
out:
	nb_testbed_fini(&t);
}

/* 8. SMMUv3: a stage-1 context change is a CD change, CFGI_CD for the
 * SSID, leaf (arm_smmu_write_cd_entry -> arm_smmu_sync_cd), then the STE
 * (arm_smmu_write_ste -> CFGI_STE), each synced. */
static void smmu_cfgi_cd(void)
{
	struct nb_hw_params p;
	struct nb_arena *a = NULL;
	struct nb_palloc pal = { 0 };
	struct nb_iommu *m = NULL;
	struct nb_domain *pt = NULL;
	struct nb_xdomain *xd = NULL;
	struct nb_xdev *dev;

	params(&p, "smmuv3", NB_VENDOR_SMMUV3);
	if (nb_arena_create(&a, 64ull << 20) || nb_palloc_init(&pal, a, 16ull << 20) ||
	    nb_iommu_create(&m, &p, a) ||
	    nb_domain_alloc(&pt, &(struct nb_pt_cfg){ .fmt = NB_FMT_ARM_S1, .granule_lg2 = 12 }, a,
			    &(struct nb_tspace){ .alloc = &pal }) ||
	    nb_xdomain_paging(m, pt, NB_XD_S1, &xd)) {
		NBT_FAIL("setup: %s", nb_errmsg());
		goto out;
	}
	nb_iommu_set_observer(m, desc_log_observe, NULL);
	desc_log_clear();
	CHECK(nb_xdev_attach(m, 7, 3, false, xd, &dev) == 0, "attach: %s", nb_errmsg());
	CHECK_OPS("CFGI_CD CMD_SYNC CFGI_STE CMD_SYNC", "stage-1 attach");
	CHECK(q.c[0].sid == 7 && q.c[0].sub == 3 && q.c[0].leaf, "CFGI_CD sid %u ssid %u leaf %d",
	      q.c[0].sid, q.c[0].sub, q.c[0].leaf);
	nb_xdev_detach(m, dev);
out:
	if (xd)
		nb_xdomain_free(m, xd);
	nb_domain_free(pt);
	nb_iommu_destroy(m);
	if (pal.arena)
		nb_palloc_fini(&pal);
	nb_arena_destroy(a);
}

/* 9. ARM stage-2 root concatenation, both Linux generations, for automatic
 * levels. Without concatenation io-pgtable-arm uses ceil(va / bpl) levels
 * from start level 4 - levels (va = ias - granule, bpl = granule - 3).
 *   mainline arm_lpae_concat_mandatory (Arm DDI0487 R_DXBSH, R_SRKBC):
 *     16K from L0 with oas or ias 48; 4K from L0 with oas 40 or 42; 16K
 *     from L1 with oas 40: one level fewer, the root concatenated;
 *   6.12 arm_64_lpae_alloc_pgtable_s2: from L0 with at most 16 root
 *     entries (pgd_bits <= 4): one level fewer.
 * levels, log2 of the concatenated tables, worked out per row. */
static void arm_s2_concat(void)
{
	static const struct {
		uint8_t rule, gr, ia, oa, levels, concat_lg2;
		const char *why;
	} v[] = {
		{ NB_S2_CONCAT_LINUX_MANDATORY, 12, 40, 40, 3, 1, "4K ias40 oas40: va 28, 4 levels from L0; 2.a: L1, 2 tables" },
		{ NB_S2_CONCAT_LINUX_MANDATORY, 12, 40, 48, 4, 0, "4K ias40 oas48: not mandatory, L0 root of 2 entries" },
		{ NB_S2_CONCAT_LINUX_MANDATORY, 12, 42, 42, 3, 3, "4K ias42 oas42: 2.c, L1 root of 8 tables" },
		{ NB_S2_CONCAT_LINUX_MANDATORY, 12, 48, 48, 4, 0, "4K ias48 oas48: 4 levels, no concatenation" },
		{ NB_S2_CONCAT_LINUX_MANDATORY, 14, 40, 40, 2, 4, "16K ias40 oas40: va 26, 3 levels from L1; 2.b: L2, 16 tables" },
		{ NB_S2_CONCAT_LINUX_MANDATORY, 14, 48, 48, 3, 1, "16K ias48: va 34, 4 levels from L0; R_DXBSH: L1, 2 tables" },
		{ NB_S2_CONCAT_LINUX_MANDATORY, 14, 47, 48, 3, 0, "16K ias47 oas48: va 33, 3 levels from L1, not 2.b" },
		{ NB_S2_CONCAT_LINUX_OLD, 12, 40, 48, 3, 1, "old: 4K ias40: L0 root of 2 entries <= 16: L1, 2 tables" },
		{ NB_S2_CONCAT_LINUX_OLD, 12, 44, 48, 4, 0, "old: 4K ias44: L0 root of 32 entries > 16: stays" },
		{ NB_S2_CONCAT_LINUX_OLD, 14, 40, 40, 3, 0, "old: 16K ias40: starts at L1, never concatenated" },
		{ NB_S2_CONCAT_LINUX_OLD, 16, 44, 48, 3, 0, "old: 64K ias44: va 28, 3 levels from L1, root of 4 entries" },
	};

	for (size_t i = 0; i < NB_ARRAY_SIZE(v); i++) {
		struct nb_pt_geom g;
		struct nb_pt_cfg c = { .fmt = NB_FMT_ARM_S2, .granule_lg2 = v[i].gr, .ia_bits = v[i].ia,
				       .oa_bits = v[i].oa, .s2_concat = v[i].rule };

		if (nb_pt_geom_init(&g, &c)) {
			NBT_FAIL("%s: %s", v[i].why, nb_errmsg());
			continue;
		}
		CHECK_EQ(g.levels, v[i].levels, "%s: levels", v[i].why);
		CHECK_EQ(g.root_concat_lg2, v[i].concat_lg2, "%s: concatenated tables (log2)", v[i].why);
	}
}

int main(void)
{
	arm_s2_concat();
	smmu_nest_parent();
	vtd_psi_or_dsi(4, "IOTLB_PSI IOTLB_PSI IOTLB_PSI WAIT");
	vtd_psi_or_dsi(8, "IOTLB_DSI IOTLB_DSI IOTLB_DSI WAIT");
	smmu_no_threshold(false);
	smmu_no_threshold(true);
	amd_pde_and_wait();
	vtd_legacy_per_unit();
	vtd_teardown(true);
	vtd_teardown(false);
	vtd_attach(true, true, "PC_INV WAIT PIOTLB_PASID WAIT");
	vtd_attach(false, true, "CC_INV WAIT IOTLB_DSI WAIT");
	vtd_attach(true, false, "");
	smmu_cfgi_cd();
	return nbt_done("test_linux_rules");
}
