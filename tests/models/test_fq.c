// SPDX-License-Identifier: MIT
/*
 * Lazy mode's timeout (Linux drivers/iommu/dma-iommu.c): queue_iova parks
 * an unmapped IOVA in the flush queue and arms a timer of fq_timeout
 * (IOVA_DEFAULT_FQ_TIMEOUT = 10 ms) unless it is already on; when it fires,
 * fq_flush_timeout flushes the domain's IOTLB (fq_flush_iotlb ->
 * iommu_flush_iotlb_all) and only then frees the parked IOVAs
 * (fq_ring_free). Here: a VT-d domain (vtd: cache_tag_flush_all, a DSI on
 * the domain's DID ending in qi_batch_flush_descs' wait) with a queue large
 * enough never to fill, and the simulator's clock in microseconds.
 *   - before the timeout nothing is sent, the IOVA stays parked and its old
 *     translation still hits (the lazy window);
 *   - at the timeout: IOTLB_DSI WAIT on the domain's DID, the queue is
 *     empty, the IOVA faults and can be mapped again.
 * The simulator's timer runs from its last timeout flush, Linux's from the
 * first entry queued while it was off; the instants checked lie where the
 * two agree: unmaps at 0 and 11 ms, ticks at 9.999 and 10 ms (Linux armed
 * at 0 fires at 10) and at 19.999 and 21 ms (Linux armed at 11 fires at 21;
 * the simulator's next flush is due from 20).
 */
#include "desc_log.h"
#include "scenario.h"

static void round_trip(struct nb_testbed *t, uint64_t page, uint64_t unmap_us, uint64_t before_us,
		       uint64_t at_us)
{
	const uint64_t iova = NB_TB_DATA_IPA + page * 4096;
	struct nb_dma_result r;
	char what[64];

	snprintf(what, sizeof(what), "unmap at %llu us", (unsigned long long)unmap_us);
	nb_iommu_dma(t->m, t->direct, iova, NB_PROT_R, &r); /* cached before the unmap */
	desc_log_clear();
	CHECK_EQ(nb_iommu_unmap(t->m, t->parent, iova, 4096), 4096, "%s: %s", what, nb_errmsg());
	nb_iommu_fq_tick(t->m, before_us);
	CHECK_OPS("", "%s: nothing sent before the timeout (tick at %llu us)", what,
		  (unsigned long long)before_us);
	CHECK(nb_iommu_fq_holds(t->m, t->parent, iova), "%s: the IOVA is parked", what);
	nb_iommu_dma(t->m, t->direct, iova, NB_PROT_R, &r);
	CHECK(!r.fault && r.iotlb_hit, "%s: the lazy window: the old translation still hits", what);

	nb_iommu_fq_tick(t->m, at_us);
	CHECK_OPS("IOTLB_DSI WAIT", "%s: the timeout at %llu us flushes the domain", what,
		  (unsigned long long)at_us);
	if (q.n >= 1)
		CHECK_EQ(q.c[0].tag, nb_xdomain_ids(t->parent)[0], "%s: the DSI names the domain's DID", what);
	CHECK(!nb_iommu_fq_holds(t->m, t->parent, iova), "%s: the queue is empty after the timeout", what);
	CHECK_EQ(nb_iommu_oracle_check(t->m), 0, "%s: stale after the timeout: %s", what, nb_errmsg());
	nb_iommu_dma(t->m, t->direct, iova, NB_PROT_R, &r);
	CHECK(r.fault == NB_FAULT_NOT_PRESENT, "%s: after the timeout the IOVA faults (fault %u)", what,
	      r.fault);
	CHECK(nb_iommu_map(t->m, t->parent, iova, 0x3000000000ull, 4096, NB_PROT_RW) == 0,
	      "%s: after the timeout the IOVA can be mapped again: %s", what, nb_errmsg());
}

int main(void)
{
	struct nb_hw_params p;
	struct nb_testbed t;

	scenario_params(&p, "vtd", NB_VENDOR_VTD);
	scenario_queue(&p);
	p.policy.strict = false;
	p.policy.fq_entries = 256;
	p.policy.fq_timeout_us = 10000;
	if (nb_testbed_init(&t, &(struct nb_testbed_cfg){ .p = &p, .pages = PAGES })) {
		NBT_FAIL("setup: %s", nb_errmsg());
	} else {
		nb_iommu_set_observer(t.m, desc_log_observe, NULL);
		round_trip(&t, 0, 0, 9999, 10000);
		round_trip(&t, 1, 11000, 19999, 21000);
	}
	nb_testbed_fini(&t);
	return nbt_done("test_fq");
}
