// SPDX-License-Identifier: MIT
/*
 * The nested replay (nb_nested_replay, docs/nested.md) in the replay family:
 * real guest stage-1 streams over a real VMM's stage-2 stream, through
 * every model (each names its Linux generation: JSON context linux.<model>).
 *
 * replay/nested/<config>/<model>/guests:K
 *   K guests (1, 8, 64) replay the per-workload captures of
 *   nested/<config>/ (flts: the guest strict, a P_IOTLB per unmap;
 *   flts-lazy: its flush queue, PASID-wide P_IOTLBs) in the order of
 *   WORKLOADS, reused in turn, over nested/s2-vmm/all.trace.gz (virtio-mem
 *   plugs and unplugs) with the dirty rounds of dirty-mock.trace.gz.
 *   Counters, all counts or modelled: hit_rate (IOTLB, per DMA),
 *   refs_per_translation, mem_reads_per_translation, modelled_ns_per_translation
 *   (timing.h); per stage-2 change (every map2, unmap2 and dirty round):
 *   cmds_per_s2_change (syncs included), syncs_per_s2_change,
 *   collateral_per_s2_change, cycles_per_s2_change (modelled: the configs'
 *   command costs), and by kind cmds/syncs/collateral_per_unmap2,
 *   _per_dirty2, cmds_per_map2; per guest invalidation request:
 *   cmds_per_guest_inv, syncs_per_guest_inv, collateral_per_guest_inv,
 *   entries_per_guest_inv, guest_inv_hw_ns (the hardware queue's part),
 *   guest_inv_trapped_ns and guest_inv_virtualized_ns (modelled ns, the
 *   guest-path model of configs/guest_path.cfg, one flow);
 *   nested_domains, guest_requests, s2_changes; stale and oracle_checks
 *   (the oracle at 1 in --oracle-every quiescent completions).
 *   Iteration time: the replay's host time, the oracle's excluded.
 *
 * replay/nested_fs/<model>
 *   F&S's shape (SOSP'24: a NIC receive in a nested VM, results_summary/):
 *   nested/flts/tcp-rx.trace.gz alone (one guest, the e1000e's receive of
 *   RX_BYTES, no page pool), the stage 2 as the VMM set it up (no change, as
 *   in F&S's runs). Counters per 4 KiB page received: iotlb_misses,
 *   mem_reads (IOMMU memory accesses: page-table and context reads),
 *   invalidations (host commands, syncs not counted), first_lookups (DMAs);
 *   per guest request: qi_submit_sync_ns (the trapped path, modelled),
 *   tlb_sync_ns (with the guest driver's own work, guest_flush_ns).
 *   The report puts them beside the published figures.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "guest_path.h"
#include "nestbench/hwparams.h"
#include "nestbench/iommu.h"
#include "nestbench/trace.h"
#include "oracle_sample.h"

#ifndef NB_TRACE_DIR
#define NB_TRACE_DIR "tests/traces"
#endif

/* The guests' captures in turn: NIC and storage alternating, so that K = 1
 * is the NIC receive and K = 8 four of each [assume: a mix, not measured]. */
static const char *const WORKLOADS[] = { "tcp-rx", "nvme-4k", "tcp-4m", "nvme-64k", "ping-1400",
					 "nvme-1m", "ping-small", "nvme-buf", "nvme-4m" };
static const char *const CONFIGS[] = { "flts", "flts-lazy" };
static const int64_t GUESTS[] = { 1, 8, 64 };

/* The capture recipe's tcp-rx (scripts/guest/capture: `n 16777216 1048576`,
 * the second with --quick) [pub: the recipe]. */
#define RX_BYTES_QUICK 1048576.0
#define RX_BYTES_FULL 16777216.0

struct nested_bench {
	const char *model;
	char *s1[NB_ARRAY_SIZE(WORKLOADS)];
	const char *s1p[NB_ARRAY_SIZE(WORKLOADS)];
	uint32_t n_s1;
	bool fs; /* the F&S-shaped run */
	char s2[1024], dirty[1024];
};

static const char *trace_dir(void)
{
	const char *d = getenv("NB_TRACE_DIR");

	return d && *d ? d : NB_TRACE_DIR;
}

static double per(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

static void ctr(nb_bench_state *st, const char *name, double v)
{
	nb_bench_counter(st, name, v, NB_COUNTER_PLAIN);
}

static int replay_nested(nb_bench_state *st, const struct nested_bench *b, uint32_t guests,
			 struct nb_nested_replay_result *r, struct nb_hw_params *p, struct guest_path *gp)
{
	struct nb_nested_replay_opts o = { .s1 = b->s1p, .n_s1 = b->n_s1, .guests = guests, .s2 = b->s2,
					   .dirty = b->fs ? NULL : b->dirty, .static_s2 = b->fs,
					   .oracle_every = nb_bench_oracle_every() };
	char err[600] = "";
	uint64_t runs = 0;

	if (guest_path_load(gp, err, sizeof(err)) || nb_bench_model_params(b->model, p, err, sizeof(err))) {
		nb_bench_skip_with_error(st, err);
		return -1;
	}
	while (nb_bench_keep_running(st)) { /* every run replays the same: the first is reported */
		struct nb_nested_replay_result one;

		if (nb_nested_replay(p, &o, runs ? &one : r)) {
			nb_bench_skip_with_error(st, nb_errmsg());
			return -1;
		}
		nb_bench_set_iteration_time(st, (runs++ ? one.wall_s - one.oracle_s : r->wall_s - r->oracle_s));
	}
	return 0;
}

static void oracle_counters(nb_bench_state *st, const struct nb_nested_replay_result *r)
{
	ctr(st, "stale", (double)r->stale);
	ctr(st, "oracle_checks", (double)r->oracle_checks);
	ctr(st, "oracle_every", (double)nb_bench_oracle_every());
	ctr(st, "oracle_us_per_check", r->oracle_checks ? r->oracle_s * 1e6 / (double)r->oracle_checks : 0);
}

/* The guests' requests through the guest-path model: the mean request
 * (the path is linear in entries and hardware cycles, so the mean's time
 * is the mean time). */
static void guest_counters(nb_bench_state *st, const struct nb_nested_replay_result *r,
			   const struct guest_path *gp)
{
	const struct nb_nested_cost *g = &r->guest;
	double entries = per(r->guest_entries, g->events), cycles = per(g->cmd_cycles, g->events);

	ctr(st, "guest_requests", (double)g->events);
	ctr(st, "entries_per_guest_inv", entries);
	ctr(st, "cmds_per_guest_inv", per(g->cmds, g->events));
	ctr(st, "syncs_per_guest_inv", per(g->syncs, g->events));
	ctr(st, "collateral_per_guest_inv", per(g->collateral, g->events));
	ctr(st, "guest_inv_hw_ns", cycles / gp->ghz);
	ctr(st, "guest_inv_trapped_ns", g->events ? guest_path_ns(gp, true, 0, cycles, 1) +
		entries * (gp->vmm + gp->host) : 0);
	ctr(st, "guest_inv_virtualized_ns", g->events ? guest_path_ns(gp, false, 1, cycles, 1) : 0);
}

static void bm_nested(nb_bench_state *st, void *ctx)
{
	const struct nested_bench *b = ctx;
	struct nb_nested_replay_result r;
	struct nb_nested_cost all = { 0 };
	struct nb_hw_params p;
	struct guest_path gp;

	if (replay_nested(st, b, (uint32_t)nb_bench_range_arg(st, 0), &r, &p, &gp))
		return;
	for (int k = 0; k < NB_NS2_KIND_COUNT; k++) {
		all.events += r.s2[k].events;
		all.cmds += r.s2[k].cmds;
		all.syncs += r.s2[k].syncs;
		all.collateral += r.s2[k].collateral;
		all.cmd_cycles += r.s2[k].cmd_cycles;
	}
	ctr(st, "nested_domains", r.nested_domains);
	ctr(st, "dmas", (double)r.dmas);
	ctr(st, "hit_rate", per(r.dma_iotlb_hits, r.dmas));
	ctr(st, "refs_per_translation", per(r.refs, r.dmas));
	ctr(st, "mem_reads_per_translation", per(r.st.mem_llc + r.st.mem_dram, r.dmas));
	ctr(st, "modelled_ns_per_translation", per(r.st.xlate_ns, r.dmas));
	ctr(st, "faults", (double)(r.s1_faults + r.s2_faults));
	ctr(st, "s2_changes", (double)all.events);
	ctr(st, "cmds_per_s2_change", per(all.cmds, all.events));
	ctr(st, "syncs_per_s2_change", per(all.syncs, all.events));
	ctr(st, "collateral_per_s2_change", per(all.collateral, all.events));
	ctr(st, "cycles_per_s2_change", per(all.cmd_cycles, all.events));
	ctr(st, "cmds_per_map2", per(r.s2[NB_NS2_MAP].cmds, r.s2[NB_NS2_MAP].events));
	ctr(st, "cmds_per_unmap2", per(r.s2[NB_NS2_UNMAP].cmds, r.s2[NB_NS2_UNMAP].events));
	ctr(st, "syncs_per_unmap2", per(r.s2[NB_NS2_UNMAP].syncs, r.s2[NB_NS2_UNMAP].events));
	ctr(st, "collateral_per_unmap2", per(r.s2[NB_NS2_UNMAP].collateral, r.s2[NB_NS2_UNMAP].events));
	ctr(st, "cmds_per_dirty2", per(r.s2[NB_NS2_DIRTY].cmds, r.s2[NB_NS2_DIRTY].events));
	ctr(st, "syncs_per_dirty2", per(r.s2[NB_NS2_DIRTY].syncs, r.s2[NB_NS2_DIRTY].events));
	ctr(st, "collateral_per_dirty2", per(r.s2[NB_NS2_DIRTY].collateral, r.s2[NB_NS2_DIRTY].events));
	guest_counters(st, &r, &gp);
	oracle_counters(st, &r);
}

static void bm_fs(nb_bench_state *st, void *ctx)
{
	const struct nested_bench *b = ctx;
	struct nb_nested_replay_result r;
	struct nb_hw_params p;
	struct guest_path gp;
	char cap[512] = "";
	double pages, cycles, qi;

	if (replay_nested(st, b, 1, &r, &p, &gp))
		return;
	/* the capture's own header says whether it is the quick recipe */
	nb_trace_meta(b->s1p[0], "capture", cap, sizeof(cap));
	pages = (strstr(cap, "--quick") ? RX_BYTES_QUICK : RX_BYTES_FULL) / 4096.0;
	cycles = per(r.guest.cmd_cycles, r.guest.events);
	qi = guest_path_ns(&gp, true, 1, cycles, 1);
	ctr(st, "pages", pages);
	ctr(st, "iotlb_misses", (double)(r.dmas - r.dma_iotlb_hits) / pages);
	ctr(st, "mem_reads", (double)(r.st.mem_llc + r.st.mem_dram) / pages);
	ctr(st, "invalidations", (double)(r.guest.cmds - r.guest.syncs) / pages);
	ctr(st, "first_lookups", (double)r.dmas / pages);
	ctr(st, "guest_requests", (double)r.guest.events / pages);
	ctr(st, "modelled_ns", per(r.st.xlate_ns, r.dmas));
	ctr(st, "qi_submit_sync_ns", r.guest.events ? qi : 0);
	ctr(st, "tlb_sync_ns", r.guest.events ? qi + gp.guest_flush : 0);
	ctr(st, "hw_ns_per_request", cycles / gp.ghz);
	oracle_counters(st, &r);
}

/* ---- the streams ---- */

static bool readable(const char *path)
{
	FILE *f = fopen(path, "r");

	if (f)
		fclose(f);
	return f != NULL;
}

/* The captures of nested/<config>/ in WORKLOADS order (the ones present). */
static bool streams(struct nested_bench *b, const char *config, bool fs)
{
	const char *dir = trace_dir();

	b->fs = fs;
	snprintf(b->s2, sizeof(b->s2), "%s/nested/s2-vmm/all.trace.gz", dir);
	snprintf(b->dirty, sizeof(b->dirty), "%s/nested/s2-vmm/dirty-mock.trace.gz", dir);
	for (size_t i = 0; i < (fs ? 1 : NB_ARRAY_SIZE(WORKLOADS)); i++) {
		char path[1024];

		snprintf(path, sizeof(path), "%s/nested/%s/%s.trace.gz", dir, config, WORKLOADS[i]);
		if (!readable(path) || !(b->s1[b->n_s1] = strdup(path)))
			continue;
		b->s1p[b->n_s1] = b->s1[b->n_s1];
		b->n_s1++;
	}
	return b->n_s1 && readable(b->s2) && (fs || readable(b->dirty));
}

static void drop(struct nested_bench *b)
{
	for (uint32_t i = 0; i < b->n_s1; i++)
		free(b->s1[i]);
	free(b);
}

/* The bench of one model on nested/<config> (fs: the F&S-shaped run), or
 * NULL where the streams are not there. */
static struct nested_bench *bench_for(const char *model, const char *config, bool fs)
{
	struct nested_bench *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->model = model;
	if (!streams(b, config, fs)) {
		drop(b);
		return NULL;
	}
	return b;
}

/* One whole replay per iteration, timed by its own clock. */
static nb_bench *reg(const char *name, nb_bench_fn fn, struct nested_bench *b)
{
	nb_bench *r = nb_bench_register(name, fn, b);

	nb_bench_iterations(r, 1);
	nb_bench_use_manual_time(r);
	nb_bench_unit(r, NB_BENCH_MS);
	return r;
}

void nb_replay_register_nested(void);

void nb_replay_register_nested(void)
{
	static const char *const garg[] = { "guests" };
	char name[256];
	int configs = 0;

	for (size_t c = 0; c < NB_ARRAY_SIZE(CONFIGS); c++)
		for (int m = 0; nb_tag_model_at(m); m++) {
			struct nested_bench *b = bench_for(nb_tag_model_at(m)->name, CONFIGS[c], false);
			nb_bench *r;

			if (!b)
				continue;
			configs += !m;
			snprintf(name, sizeof(name), "replay/nested/%s/%s", CONFIGS[c], b->model);
			r = reg(name, bm_nested, b);
			nb_bench_arg_names(r, garg, 1);
			for (size_t k = 0; k < NB_ARRAY_SIZE(GUESTS); k++)
				nb_bench_arg(r, GUESTS[k]);
		}
	for (int m = 0; nb_tag_model_at(m); m++) {
		struct nested_bench *b = bench_for(nb_tag_model_at(m)->name, "flts", true); /* tcp-rx */

		if (!b)
			continue;
		snprintf(name, sizeof(name), "replay/nested_fs/%s", b->model);
		reg(name, bm_fs, b);
	}
	nb_bench_ctx("nested_configs", "%d", configs);
}
