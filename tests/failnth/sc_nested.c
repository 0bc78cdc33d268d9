// SPDX-License-Identifier: MIT
/*
 * Fail-nth scenario: the nested replay (nb_nested_replay) of two guests'
 * small stage-1 captures (tests/traces/nested/flts: the two pings) over the
 * VMM's stage-2 stream with the dirty rounds, through vtd and smmuv3, the
 * oracle at every quiescent completion.
 *
 * A failed replay returns -ENOMEM with a one-line message; a replay that
 * succeeds gives the baseline's results, counter for counter (the host
 * times aside), and finds nothing stale.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nestbench/iommu.h"
#include "nestbench/hwparams.h"
#include "nestbench/trace.h"
#include "sweep.h"

static const char *const models[] = { "vtd", "smmuv3" };

static int count(void)
{
	return (int)NB_ARRAY_SIZE(models);
}

static void case_name(int i, char *buf, size_t len)
{
	snprintf(buf, len, "nested replay 2 guests (%s)", models[i]);
}

static void digest_cost(struct fn_ctx *c, const char *what, const struct nb_nested_cost *k)
{
	fn_digest(c, "%s %llu: cmds %llu syncs %llu doorbells %llu cycles %llu inv %llu coll %llu\n", what,
		  (unsigned long long)k->events, (unsigned long long)k->cmds, (unsigned long long)k->syncs,
		  (unsigned long long)k->doorbells, (unsigned long long)k->cmd_cycles,
		  (unsigned long long)k->invalidated, (unsigned long long)k->collateral);
}

static void run(struct fn_ctx *c, int i)
{
	char s1[2][512], s2[512], dirty[512];
	const char *s1p[2] = { s1[0], s1[1] };
	struct nb_nested_replay_result r;
	const struct nb_tag_model *tm;
	struct nb_hw_params p;

	snprintf(s1[0], sizeof(s1[0]), "%s/tests/traces/nested/flts/ping-small.trace.gz", NB_SOURCE_DIR);
	snprintf(s1[1], sizeof(s1[1]), "%s/tests/traces/nested/flts/ping-1400.trace.gz", NB_SOURCE_DIR);
	snprintf(s2, sizeof(s2), "%s/tests/traces/nested/s2-vmm/all.trace.gz", NB_SOURCE_DIR);
	snprintf(dirty, sizeof(dirty), "%s/tests/traces/nested/s2-vmm/dirty-mock.trace.gz", NB_SOURCE_DIR);
	fn_pause();
	fn_check(c, nb_tag_model_by_name(models[i], &tm) == 0, "model %s: %s", models[i], nb_errmsg());
	fn_resume();
	nb_hwparams_defaults(&p, tm->vendor);
	snprintf(p.model, sizeof(p.model), "%s", models[i]);
	if (!fn_ok(c, nb_nested_replay(&p,
				       &(struct nb_nested_replay_opts){ .s1 = s1p, .n_s1 = 2, .guests = 2,
									.s2 = s2, .dirty = dirty,
									.oracle_every = 1 },
				       &r),
		   "nested replay"))
		return;
	fn_check(c, r.stale == 0 && r.oracle_checks > 0, "stale %llu in %llu checks: %s",
		 (unsigned long long)r.stale, (unsigned long long)r.oracle_checks, r.stale_msg);
	fn_digest(c, "events %llu dmas %llu hits %llu refs %llu faults %llu/%llu implied %llu\n",
		  (unsigned long long)r.events, (unsigned long long)r.dmas, (unsigned long long)r.dma_iotlb_hits,
		  (unsigned long long)r.refs, (unsigned long long)r.s1_faults, (unsigned long long)r.s2_faults,
		  (unsigned long long)r.implied_maps);
	fn_digest(c, "domains %u devices %u maps %llu unmaps %llu live %llu other %llu entries %llu\n",
		  r.nested_domains, r.devices, (unsigned long long)r.s1_maps, (unsigned long long)r.s1_unmaps,
		  (unsigned long long)r.live_maps, (unsigned long long)r.guest_descs_other,
		  (unsigned long long)r.guest_entries);
	digest_cost(c, "guest", &r.guest);
	for (int k = 0; k < NB_NS2_KIND_COUNT; k++)
		digest_cost(c, "s2", &r.s2[k]);
	fn_digest(c, "xlate %llu llc %llu dram %llu checks %llu\n", (unsigned long long)r.st.xlate_ns,
		  (unsigned long long)r.st.mem_llc, (unsigned long long)r.st.mem_dram,
		  (unsigned long long)r.oracle_checks);
}

const struct fn_family fn_nested = {
	.name = "nested",
	.cases = count,
	.case_name = case_name,
	.run = run,
};
