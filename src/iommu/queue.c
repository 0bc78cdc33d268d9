// SPDX-License-Identifier: MIT
/*
 * The command queue: every command is costed, counted and executed in
 * order (the hardware processes its queue in order); a sync ends a flush.
 * Batched submission puts one sync behind a whole flush, unbatched one
 * behind every command. After a sync the oracle may check every cache.
 */
#include <errno.h>
#include <stdio.h>

#include "iommu_internal.h"

static const enum nb_inv_op sync_op[NB_VENDOR_COUNT] = {
	[NB_VENDOR_VTD] = NB_VTD_WAIT,
	[NB_VENDOR_AMD] = NB_AMD_COMPLETION_WAIT,
	[NB_VENDOR_SMMUV3] = NB_SMMU_CMD_SYNC,
};

static void note_tag(struct nb_iommu *m, uint32_t tag)
{
	for (int i = 0; i < m->ntags_seen; i++)
		if (m->tags_seen[i] == tag)
			return;
	if (m->ntags_seen < (int)NB_ARRAY_SIZE(m->tags_seen))
		m->tags_seen[m->ntags_seen++] = tag;
	m->st.tags_touched++;
}

static void issue(struct nb_iommu *m, const struct nb_inv_cmd *c)
{
	m->st.cmds++;
	m->st.cmd_by_op[c->op]++;
	m->st.cmd_cycles += m->p.cmd_cycles[c->op];
	if (nb_inv_op_is_sync(c->op)) {
		m->st.syncs++;
		m->pending_cmds = 0;
		return;
	}
	note_tag(m, c->tag);
#ifdef NB_ORACLE_MUTANT
	/* The oracle mutation check (CMake NB_ORACLE_MUTANT): every third
	 * range command is lost, as a driver bug would lose it. The tests must
	 * then fail; CI proves they do. */
	if (m->st.cmds % 3 == 0 && nb_inv_span(c, &(uint64_t){ 0 }, &(uint64_t){ 0 })) {
		m->pending_cmds++;
		return;
	}
#endif
	nb_iommu_exec(m, c);
	m->pending_cmds++;
}

/* A sync; the one that ends a flush (end_of_flush) is when the driver's
 * invalidation has completed and the oracle may judge every cache. */
static void issue_sync(struct nb_iommu *m, bool end_of_flush)
{
	struct nb_inv_cmd s = { .op = sync_op[m->p.vendor] };

	issue(m, &s);
	if (end_of_flush && m->oracle_on && nb_iommu_oracle_check(m))
		fprintf(stderr, "nestbench: ORACLE: %s\n", nb_errmsg());
}

void nb_iommu_queue(struct nb_iommu *m, const struct nb_inv_cmd *c)
{
	struct nb_inv_cmd drained;

	/* Read/write draining as the unit's capability says (VT-d CAP.DRD and
	 * DWD: Linux then sets DR and DW in every IOTLB descriptor), for every
	 * model's commands alike. It changes the descriptor's bits only. */
	if (m->p.policy.drain && !c->drain && nb_inv_op_drains(c->op)) {
		drained = *c;
		drained.drain = true;
		c = &drained;
	}
	issue(m, c);
	if (!m->p.policy.batch && !nb_inv_op_is_sync(c->op))
		issue_sync(m, false);
	else
		m->flush_open = true;
}

void nb_iommu_queue_range(struct nb_iommu *m, const struct nb_inv_cmd *tmpl, uint64_t addr,
			  uint64_t size, const struct nb_inv_cmd *whole)
{
	struct nb_split_caps caps = { .max_am = m->p.policy.max_am, .ril = m->p.policy.ril,
				      .granule_lg2 = tmpl->tg ? tmpl->tg : 12 };
	/* room for one command per page up to the SMMU's 511-page threshold */
	static _Thread_local struct nb_inv_cmd out[512];
	uint64_t pages = size >> caps.granule_lg2;
	int n = -ENOSPC;

	if (pages <= m->p.policy.range_max_pages)
		n = nb_inv_split(tmpl, addr, size, &caps, out, (int)NB_ARRAY_SIZE(out));
	if (n < 0) { /* too many pages, or beyond the range encoding: whole tag */
		nb_iommu_queue(m, whole);
		return;
	}
	for (int i = 0; i < n; i++)
		nb_iommu_queue(m, &out[i]);
}

void nb_iommu_sync(struct nb_iommu *m)
{
	if (m->pending_cmds)
		issue_sync(m, true);
	else if (m->oracle_on && nb_iommu_oracle_check(m)) /* unbatched: already synced */
		fprintf(stderr, "nestbench: ORACLE: %s\n", nb_errmsg());
	m->ntags_seen = 0;
	m->flush_open = false;
}
