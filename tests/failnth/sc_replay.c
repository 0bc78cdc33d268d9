// SPDX-License-Identifier: MIT
/*
 * Fail-nth scenario: trace replay (nb_trace_meta + nb_replay_ex) of real
 * captured traces from tests/traces (gzip: zlib's allocations count too):
 * VT-d caching mode through the vtd model with the driver's flush on map,
 * the same with the recorded commands applied (QEMU's IOTLB keys, the
 * trace's domain ids), VT-d lazy through a lazy vtd model (the flush
 * queue), AMD through amd.
 *
 * A failed replay returns -ENOMEM with a one-line message naming the
 * trace; a replay that succeeds gives the baseline's results, counter for
 * counter (the replay's wall time aside).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nestbench/iommu.h"
#include "nestbench/trace.h"
#include "sweep.h"

static const struct rcase {
	const char *name, *trace, *model;
	bool lazy, recorded;
} cases[] = {
	{ "replay vtd-cm ping (vtd)", "vtd-cm/ping-small.trace.gz", "vtd", false, false },
	{ "replay vtd-cm ping (recorded cmds)", "vtd-cm/ping-small.trace.gz", "vtd", false, true },
	{ "replay vtd-lazy ping (vtd lazy)", "vtd-lazy/ping-small.trace.gz", "vtd", true, false },
	{ "replay amd ping (amd)", "amd/ping-small.trace.gz", "amd", false, false },
};

static int count(void)
{
	return (int)NB_ARRAY_SIZE(cases);
}

static void case_name(int i, char *buf, size_t len)
{
	snprintf(buf, len, "%s", cases[i].name);
}

static void run(struct fn_ctx *c, int i)
{
	const struct rcase *rc = &cases[i];
	struct nb_replay_opts o = { .apply_inv = rc->recorded, .source_tags = rc->recorded,
				    .qemu_keys = rc->recorded };
	struct nb_replay_result res;
	const struct nb_tag_model *tm;
	struct nb_hw_params p;
	char path[512], flag[16];
	int got;

	snprintf(path, sizeof(path), "%s/tests/traces/%s", NB_SOURCE_DIR, rc->trace);
	fn_pause();
	fn_check(c, nb_tag_model_by_name(rc->model, &tm) == 0, "model %s: %s", rc->model, nb_errmsg());
	fn_resume();
	nb_hwparams_defaults(&p, tm->vendor);
	snprintf(p.model, sizeof(p.model), "%s", rc->model);
	p.policy.strict = !rc->lazy;
	got = nb_trace_meta(path, "flush-on-map", flag, sizeof(flag));
	if (!fn_ok(c, got, "trace header"))
		return;
	o.flush_on_map = got == 1 && strcmp(flag, "1") == 0;
	if (!fn_ok(c, nb_replay_ex(path, &p, &o, &res), "replay")) {
		fn_pause();
		fn_check(c, strstr(nb_errmsg(), path) != NULL, "the message does not name the trace: %s",
			 nb_errmsg());
		fn_resume();
		return;
	}
	fn_digest(c, "events %llu maps %llu unmaps %llu dmas %llu invs %llu implied %llu faults %llu live %llu\n",
		  (unsigned long long)res.events, (unsigned long long)res.maps, (unsigned long long)res.unmaps,
		  (unsigned long long)res.dmas, (unsigned long long)res.invs, (unsigned long long)res.implied_maps,
		  (unsigned long long)res.faults, (unsigned long long)res.live_maps);
	fn_digest(c, "iotlb %llu/%llu refs %llu dma_hits %llu fq_forced %llu agree %llu/%llu\n",
		  (unsigned long long)res.iotlb_hits, (unsigned long long)res.iotlb_lookups,
		  (unsigned long long)res.refs, (unsigned long long)res.dma_iotlb_hits,
		  (unsigned long long)res.fq_forced, (unsigned long long)res.src_hit_agree,
		  (unsigned long long)res.src_hits_known);
	fn_digest(c, "cmds %llu syncs %llu collateral %llu refill %llu fq %llu stale %llu\n",
		  (unsigned long long)res.st.cmds, (unsigned long long)res.st.syncs,
		  (unsigned long long)res.st.collateral, (unsigned long long)res.st.refill_misses,
		  (unsigned long long)res.st.fq_flushes, (unsigned long long)res.st.stale_found);
	for (int k = 0; k < NB_CACHE_KIND_COUNT; k++)
		fn_digest(c, "%s %llu %llu %llu %llu\n", nb_cache_kind_name((enum nb_cache_kind)k),
			  (unsigned long long)res.cache[k].hits, (unsigned long long)res.cache[k].misses,
			  (unsigned long long)res.cache[k].evictions, (unsigned long long)res.cache[k].invalidated);
}

const struct fn_family fn_replay = {
	.name = "replay",
	.cases = count,
	.case_name = case_name,
	.run = run,
};
