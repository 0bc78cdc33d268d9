// SPDX-License-Identifier: MIT
/*
 * A guest invalidation array (IOMMU_HWPT_INVALIDATE with entry_num 3): the
 * guest unmapped IOVA pages 1, 10 and 20 of nested domain 0, each its own
 * leaf, and asks for all three in one call. iommufd_hwpt_invalidate hands
 * the array to the driver, which handles every entry in order and reports
 * how many it handled (include/uapi/linux/iommufd.h, struct
 * iommu_hwpt_invalidate: entry_num is updated to the number handled):
 *   VT-d  intel_nested_cache_invalidate_user: per entry
 *         cache_tag_flush_range(addr, addr + npages * 4K - 1, leaf) on the
 *         nested domain (first level: qi_desc_piotlb), each ending in its
 *         own qi_batch_flush_descs: PIOTLB_PSI WAIT, three times; a one-page
 *         PSI has qw0 = type 6 | G=11 << 4 | DID << 16 | PASID 0 << 32 =
 *         0x36 | DID << 16, qw1 = ADDR | IH (leaf) << 6 | AM 0.
 *   SMMU  arm_vsmmu_cache_invalidate: the three TLBI_NH_VA, each with its
 *         VMID replaced by the vSMMU's - the stage-2 parent's -
 *         (arm_vsmmu_convert_user_cmd: w0 47:32) and the guest's ASID kept
 *         (w0 63:48), issued as one command list with one CMD_SYNC.
 *   AMD   (amd_hostdid) no Linux function to compare commands with here;
 *         the effect below is checked as for the others.
 * Then, for every model: nothing stale (the oracle), the three pages fault
 * in stage 1 for the nested device - entries 2 and 3 dropped their pages
 * too - and page 2, never unmapped, still translates to where the testbed
 * keeps IPA page 2 (testbed.c DATA_PA + 2 pages).
 */
#include "desc_log.h"
#include "scenario.h"

static const uint64_t pages[3] = { 1, 10, 20 };

static void check_vtd(const struct nb_testbed *t)
{
	uint64_t did = nb_xdomain_ids(t->nest[0])[0];

	CHECK_OPS("PIOTLB_PSI WAIT PIOTLB_PSI WAIT PIOTLB_PSI WAIT", "vtd: a flush and a wait per entry");
	for (int i = 0; i < 3 && 2 * i < q.n; i++) {
		CHECK_EQ(q.raw[2 * i].w[0], 0x36ull | did << 16, "vtd entry %d: qw0", i + 1);
		CHECK_EQ(q.raw[2 * i].w[1], pages[i] * 4096 | 1ull << 6, "vtd entry %d: qw1 = ADDR | IH", i + 1);
	}
}

static void check_smmu(const struct nb_testbed *t)
{
	uint64_t vmid = nb_xdomain_ids(t->parent)[0], asid = nb_xdomain_ids(t->nest[0])[1];

	CHECK_OPS("TLBI_NH_VA TLBI_NH_VA TLBI_NH_VA CMD_SYNC", "smmuv3: one command list, one sync");
	for (int i = 0; i < 3 && i < q.n; i++) {
		CHECK_EQ(q.raw[i].w[0] >> 32, vmid | asid << 16, "smmu entry %d: VMID (the parent's), ASID",
			 i + 1);
		CHECK_EQ(q.raw[i].w[1] >> 12, pages[i], "smmu entry %d: address", i + 1);
	}
}

static void array_of_three(const char *model, enum nb_vendor v, void (*check)(const struct nb_testbed *))
{
	struct nb_hw_params p;
	struct nb_testbed t;
	struct nb_flush_req reqs[3];
	struct nb_dma_result r;
	uint32_t done = 0;

	scenario_params(&p, model, v);
	scenario_queue(&p);
	if (nb_testbed_init(&t, &(struct nb_testbed_cfg){ .p = &p, .nested = 1, .devices = 1,
							   .pages = PAGES })) {
		NBT_FAIL("%s: setup: %s", model, nb_errmsg());
		goto out;
	}
	for (int i = 0; i < 3; i++) {
		struct nb_gather g;

		nb_gather_init(&g);
		CHECK_EQ(nb_domain_unmap(t.nn[0]->s1, pages[i] * 4096, 4096, &g), 4096, "%s: guest unmap",
			 model);
		nb_gather_release(t.nn[0]->s1, &g);
		reqs[i] = (struct nb_flush_req){ .addr = pages[i] * 4096, .size = 4096, .leaf = true,
						 .pgsize_mask = 4096 };
	}
	nb_iommu_set_observer(t.m, desc_log_observe, NULL);
	desc_log_clear();
	CHECK(nb_iommu_guest_invalidate_array(t.m, t.nest[0], reqs, 3, &done) == 0, "%s: %s", model,
	      nb_errmsg());
	CHECK_EQ(done, 3, "%s: entries handled", model);
	if (check)
		check(&t);
	CHECK_EQ(nb_iommu_oracle_check(t.m), 0, "%s: stale after the array: %s", model, nb_errmsg());
	for (int i = 0; i < 3; i++) {
		nb_iommu_dma(t.m, nb_testbed_dev(&t, 0, 0), pages[i] * 4096, NB_PROT_R, &r);
		CHECK(r.fault == NB_FAULT_NOT_PRESENT && r.fault_stage == 1,
		      "%s: entry %d: IOVA page %llu must fault in stage 1: fault %u stage %u pa %#llx", model,
		      i + 1, (unsigned long long)pages[i], r.fault, r.fault_stage, (unsigned long long)r.pa);
	}
	nb_iommu_dma(t.m, nb_testbed_dev(&t, 0, 0), 2 * 4096, NB_PROT_R, &r);
	CHECK(!r.fault && r.pa == TB_DATA_PA + 2 * 4096, "%s: page 2 still translates: fault %u pa %#llx",
	      model, r.fault, (unsigned long long)r.pa);
out:
	nb_testbed_fini(&t);
}

int main(void)
{
	array_of_three("vtd", NB_VENDOR_VTD, check_vtd);
	array_of_three("smmuv3", NB_VENDOR_SMMUV3, check_smmu);
	array_of_three("amd_hostdid", NB_VENDOR_AMD, NULL);
	return nbt_done("test_guest_array");
}
