// SPDX-License-Identifier: MIT
/*
 * Detach drops the device's cached context entry. Device X (source id 2,
 * nested domain 0) and device Y (source id 3, nested domain 1) have both
 * made DMAs, so the context cache holds an entry for each. X is detached
 * and attached again, same source id, to nested domain 1: its first DMA
 * must read its context afresh (no context-cache hit) and translate
 * through the new domain (with 4 pages per nested domain, nested domain 1
 * maps IOVA page 0 to IPA page 4: testbed.c DATA_PA + 4 pages). The rules:
 *   VT-d legacy  domain_context_clear_one -> intel_context_flush_no_pasid:
 *                device-selective context-cache invalidation of X's SID
 *                (VT-d spec 6.5.2.1, G=11);
 *   VT-d scalable intel_pasid_tear_down_entry ->
 *                pasid_cache_invalidation_with_pasid (VT-d spec 6.5.2.2);
 *   SMMUv3       arm_smmu_write_ste -> CFGI_STE for X's StreamID (IHI 0070
 *                4.3.1);
 *   AMD          the DTE change -> device_flush_dte: INVALIDATE_DEVTAB_ENTRY
 *                for X's DeviceID (AMD IOMMU spec 2.4.2).
 * SMMUv3 and AMD write the new STE/DTE at attach with the same command
 * (arm_smmu_write_ste, device_flush_dte), so for them either command keeps
 * X from a stale context; VT-d sends nothing at attach outside caching mode
 * (a not-present entry is never cached: context_present_cache_flush), so
 * its teardown alone must. The SID-selective ones leave Y's entry: Y's next
 * DMA still hits its context. (The simulator's context cache holds one entry per source id and
 * PASID, without the DID: a PASID-cache invalidation drops every entry, a
 * superset, so Y is not checked in scalable mode.)
 */
#include "scenario.h"

static void detach_reattach(const char *model, enum nb_vendor v, bool scalable, bool y_survives)
{
	struct nb_hw_params p;
	struct nb_testbed t;
	struct nb_xdev *x;
	struct nb_dma_result r;
	char what[64];

	snprintf(what, sizeof(what), "%s%s", model, scalable ? " (scalable mode)" : "");
	scenario_params(&p, model, v);
	p.policy.scalable_mode = scalable;
	if (nb_testbed_init(&t, &(struct nb_testbed_cfg){ .p = &p, .nested = 2, .devices = 1, .pages = 4 })) {
		NBT_FAIL("%s: setup: %s", what, nb_errmsg());
		goto out;
	}
	x = nb_testbed_dev(&t, 0, 0);
	CHECK_EQ(nb_xdev_sid(x), 2, "%s: X's source id", what);
	nb_iommu_dma(t.m, x, 0, NB_PROT_R, &r);
	CHECK(r.ctx_hit, "%s: X's context is cached before the detach", what);
	nb_xdev_detach(t.m, x);
	t.dev[0] = NULL;
	if (nb_xdev_attach(t.m, 2, 0, false, t.nest[1], &t.dev[0])) {
		NBT_FAIL("%s: attach again: %s", what, nb_errmsg());
		goto out;
	}
	nb_iommu_dma(t.m, t.dev[0], 0, NB_PROT_R, &r);
	CHECK(!r.ctx_hit, "%s: after the detach X's context is read again, not taken from the cache", what);
	CHECK(!r.fault && r.pa == TB_DATA_PA + 4 * 4096, "%s: X translates through its new domain: fault %u pa %#llx",
	      what, r.fault, (unsigned long long)r.pa);
	if (y_survives) {
		nb_iommu_dma(t.m, nb_testbed_dev(&t, 1, 0), 0, NB_PROT_R, &r);
		CHECK(r.ctx_hit, "%s: Y's context survives X's detach (source-id selective)", what);
	}
	CHECK_EQ(nb_iommu_oracle_check(t.m), 0, "%s: stale: %s", what, nb_errmsg());
out:
	nb_testbed_fini(&t);
}

int main(void)
{
	detach_reattach("vtd", NB_VENDOR_VTD, false, true);
	detach_reattach("vtd", NB_VENDOR_VTD, true, false);
	detach_reattach("smmuv3", NB_VENDOR_SMMUV3, false, true);
	detach_reattach("amd_hostdid", NB_VENDOR_AMD, false, true);
	return nbt_done("test_detach");
}
