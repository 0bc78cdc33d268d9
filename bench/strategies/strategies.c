// SPDX-License-Identifier: MIT
/*
 * strategies: the questions the kernel's later cache-tag work argues about.
 *
 * strategies/instances/<model>/<shared_s2|per_instance_s2>/units:N
 *   A VM with N IOMMU instances (vSMMUs / IOMMU units), two nested domains
 *   of two devices on each. shared_s2: one stage 2 shared by every instance
 *   (a VMID/DID per instance: each instance flushes its own tags);
 *   per_instance_s2: the layout before sharing, a stage-2 copy per
 *   instance (every change is made N times). One iteration: a one-page
 *   stage-2 unmap. Counters per unmap: cmds, syncs, modeled_cycles,
 *   pt_updates (page-table changes), collateral; stale and oracle_* from
 *   the sampled oracle (oracle_sample.h), every unit checked.
 *
 * strategies/guest_path/<trapped|virtualized>/<model>/entries:B
 *   A guest's stage-1 invalidation of B pages on a nested domain: the
 *   host's commands come from the model; the hops before them from
 *   configs/guest_path.cfg (guest_path.h). Counters, all modelled ns (not
 *   host time): path_ns (the whole path), path_ns_per_entry, hw_ns (the
 *   hardware queue's part).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_common.h"
#include "nestbench/hwparams.h"
#include "nestbench/testbed.h"
#include "guest_path.h"
#include "oracle_sample.h"

static int params(const char *model, struct nb_hw_params *p)
{
	char err[512];

	if (nb_bench_model_params(model, p, err, sizeof(err)))
		return nb_fail(EINVAL, "%s", err);
	return 0;
}

/* ---- instances ---- */

struct inst_bench {
	const char *model;
	bool shared;
};

static void bm_instances(nb_bench_state *st, void *ctx)
{
	struct inst_bench *b = ctx;
	int n = (int)nb_bench_range_arg(st, 0), copies = b->shared ? 1 : n;
	struct nb_testbed *t = calloc((size_t)copies, sizeof(*t));
	struct nb_hw_params p;
	struct nb_iommu_stats sum = { 0 }, one;
	struct nb_bench_oracle oracle = { 0 };
	uint64_t rounds = 0, page = 0;

	if (!t || params(b->model, &p)) {
		nb_bench_skip_with_error(st, nb_errmsg());
		free(t);
		return;
	}
	for (int c = 0; c < copies; c++) {
		int units = b->shared ? n : 1;

		if (nb_testbed_init(&t[c], &(struct nb_testbed_cfg){ .p = &p, .nested = 2 * units,
								      .devices = 2, .units = units, .pages = 64 })) {
			nb_bench_skip_with_error(st, nb_errmsg());
			for (int k = 0; k <= c; k++)
				nb_testbed_fini(&t[k]);
			free(t);
			return;
		}
	}
	while (nb_bench_keep_running(st)) {
		uint64_t ipa = nb_testbed_ipa(&t[0], 0, page);

		for (int c = 0; c < copies; c++) /* the change, made in each copy */
			nb_testbed_unmap_s2(&t[c], ipa, 4096);
		nb_bench_pause(st);
		for (int c = 0; c < copies; c++)
			for (int u = 0; u < t[c].units; u++)
				nb_bench_oracle_round(st, &oracle, t[c].unit[u], false);
		for (int c = 0; c < copies; c++)
			nb_testbed_remap(&t[c], ipa, 1);
		page = (page + 1) % 64;
		rounds++;
		nb_bench_resume(st);
	}
	for (int c = 0; c < copies; c++) {
		nb_testbed_stats(&t[c], &one);
		sum.cmds += one.cmds;
		sum.syncs += one.syncs;
		sum.doorbells += one.doorbells;
		sum.cmd_cycles += one.cmd_cycles;
		sum.collateral += one.collateral;
		nb_testbed_fini(&t[c]);
	}
	nb_bench_counter(st, "cmds_per_unmap", (double)sum.cmds / (double)rounds, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "syncs_per_unmap", (double)sum.syncs / (double)rounds, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "doorbells_per_unmap", (double)sum.doorbells / (double)rounds, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "modeled_cycles", (double)sum.cmd_cycles / (double)rounds, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "collateral", (double)sum.collateral / (double)rounds, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "pt_updates", (double)copies, NB_COUNTER_PLAIN);
	nb_bench_oracle_counters(st, &oracle);
	free(t);
}

/* ---- the guest's invalidation path ---- */

struct path_bench {
	const char *model;
	bool trapped;
};

static void bm_guest_path(nb_bench_state *st, void *ctx)
{
	struct path_bench *b = ctx;
	uint32_t entries = (uint32_t)nb_bench_range_arg(st, 0);
	struct nb_hw_params p;
	struct nb_testbed t;
	struct guest_path c;
	uint64_t rounds = 0, cycles0;
	char err[600] = "";

	if (guest_path_load(&c, err, sizeof(err)) || params(b->model, &p) ||
	    nb_testbed_init(&t, &(struct nb_testbed_cfg){ .p = &p, .nested = 1, .devices = 1, .pages = 64 })) {
		nb_bench_skip_with_error(st, err[0] ? err : nb_errmsg());
		return;
	}
	cycles0 = nb_iommu_stats(t.m)->cmd_cycles;
	while (nb_bench_keep_running(st)) {
		/* one request of `entries` single-page ranges, handled as one array */
		struct nb_flush_req reqs[64];
		uint32_t done;

		for (uint32_t i = 0; i < entries; i++)
			reqs[i] = (struct nb_flush_req){ .addr = (uint64_t)(i % 64) * 4096, .size = 4096,
							 .leaf = true };
		nb_iommu_guest_invalidate_array(t.m, t.nest[0], reqs, entries, &done);
		rounds++;
	}
	{
		double hw_cycles = (double)(nb_iommu_stats(t.m)->cmd_cycles - cycles0) / (double)rounds;
		double path_ns = guest_path_ns(&c, b->trapped, entries, hw_cycles, 1);

		nb_bench_counter(st, "hw_ns", hw_cycles / c.ghz, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "path_ns", path_ns, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "path_ns_per_entry", path_ns / entries, NB_COUNTER_PLAIN);
	}
	nb_testbed_fini(&t);
}

void nb_strategies_register_calibrate(void); /* calibrate.c */

static void register_all(void)
{
	static const char *const uarg[] = { "units" }, *const earg[] = { "entries" };
	char name[160];

	/* Every registered tag model takes part: a new strategy is in every sweep. */
	for (int m = 0; nb_tag_model_at(m); m++)
		for (int shared = 1; shared >= 0; shared--) {
			struct inst_bench *b = calloc(1, sizeof(*b));
			nb_bench *r;

			*b = (struct inst_bench){ nb_tag_model_at(m)->name, shared };
			snprintf(name, sizeof(name), "strategies/instances/%s/%s", b->model,
				 shared ? "shared_s2" : "per_instance_s2");
			r = nb_bench_register(name, bm_instances, b);
			nb_bench_arg_names(r, uarg, 1);
			for (int64_t u = 1; u <= 16; u *= 4)
				nb_bench_arg(r, u);
			nb_bench_iterations(r, 64);
		}
	for (int m = 0; nb_tag_model_at(m); m++)
		for (int trapped = 1; trapped >= 0; trapped--) {
			struct path_bench *b = calloc(1, sizeof(*b));
			nb_bench *r;

			*b = (struct path_bench){ nb_tag_model_at(m)->name, trapped };
			snprintf(name, sizeof(name), "strategies/guest_path/%s/%s", trapped ? "trapped" : "virtualized",
				 b->model);
			r = nb_bench_register(name, bm_guest_path, b);
			nb_bench_arg_names(r, earg, 1);
			nb_bench_arg(r, 1);
			nb_bench_arg(r, 16);
			nb_bench_iterations(r, 200);
		}
	nb_strategies_register_calibrate();
}

static const struct nb_bench_family family = {
	.name = "strategies",
	.register_all = register_all,
	.quick = "strategies/(instances/smmuv3/shared_s2|guest_path/[a-z]+/(vtd|smmuv3|amd)/)|calibrate/",
};

int main(int argc, char **argv)
{
	return nb_bench_family_main(argc, argv, &family);
}
