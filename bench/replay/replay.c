// SPDX-License-Identifier: MIT
/*
 * replay: real DMA traces (tests/traces/, captured from Linux drivers in the
 * QEMU guest by scripts/guest/capture) replayed through every tag model. The
 * mapping state comes from the trace's map/unmap events; every translation
 * goes through the model's own caches (QEMU's hit flag is ignored here) and
 * every unmap is invalidated as the model and policy say.
 *
 * replay/hit/<config>/<workload>/<model>/ways:W/entries:E
 *   The IOTLB at E entries, W ways (0: fully associative), the rest of the
 *   model as shipped, the invalidation policy the guest ran (trace header
 *   guest-strict; flush on map where the vIOMMU made the guest do it:
 *   caching mode, AMD NpCache). Counters: hit_rate (per DMA),
 *   misses_per_kdma, pwc_s1_hit_rate / pwc_s2_hit_rate (walk caches; -1
 *   when the model has none or never used it), refs_per_translation,
 *   collateral (still-valid entries dropped, per unmap), events_per_second
 *   and speedup (the trace's own span over the replay's wall time: above 1,
 *   the replay runs faster than the guest produced the trace).
 *
 * replay/inval/<config>/<workload>/<model>/fq_entries:N
 *   The model as shipped (its IOTLB), strict (N = 0: every unmap invalidated
 *   before it returns) or lazy with a flush queue of N entries (Linux's
 *   default is 256) whose timeout runs on the trace's clock. Counters per
 *   I/O (per unmap the guest made): cmds_per_io (every command, syncs
 *   included), syncs_per_io, collateral_per_io, fq_forced_per_io (a map of
 *   an IOVA the model still holds in its queue: the guest, strict, reused it
 *   at once; lazy Linux would not have); fq_flushes; hit_rate.
 *
 * replay/driver/<config>/<workload>/vtd/entries:E
 *   VT-d traces only: Linux's own recorded descriptors, executed from their
 *   bytes through the simulated queue (nb_replay_opts.apply_inv), against
 *   the vtd model's caches with an 8-way IOTLB of E entries - beside
 *   replay/hit's model's own commands at the same sizes. Counters: hit_rate,
 *   misses_per_kdma, collateral_per_io, driver_cmds_per_io (the driver's
 *   descriptors, waits included).
 *
 * The traces: NB_TRACE_DIR (environment) or the compile-time default
 * (tests/traces), every <config>/<workload>.trace.gz but the whole-run
 * all.trace.gz. Iteration = one whole replay (time: its wall time).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "nestbench/iommu.h"
#include "nestbench/hwparams.h"
#include "nestbench/trace.h"

#ifndef NB_TRACE_DIR
#define NB_TRACE_DIR "tests/traces"
#endif

struct trace {
	char path[1200];
	char config[64], workload[64];
	bool strict, flush_on_map, vtd; /* vtd: a VT-d capture with raw descriptor words */
};

enum rp_kind { RP_HIT, RP_INVAL, RP_DRIVER };

struct rp_bench {
	const struct trace *t;
	const char *model;
	enum rp_kind kind;
};

static const char *trace_dir(void)
{
	const char *d = getenv("NB_TRACE_DIR");

	return d && *d ? d : NB_TRACE_DIR;
}

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

static double rate_or_none(const struct nb_cache_stats *s)
{
	return nb_cache_lookups(s) ? (double)s->hits / (double)nb_cache_lookups(s) : -1.0;
}

static void bm_replay(nb_bench_state *st, void *ctx)
{
	struct rp_bench *b = ctx;
	struct nb_hw_params p;
	struct nb_replay_result r = { 0 }, sum = { 0 };
	struct nb_replay_opts o = { .flush_on_map = b->t->flush_on_map };
	uint64_t runs = 0;
	char err[600];

	if (nb_bench_model_params(b->model, &p, err, sizeof(err))) {
		nb_bench_skip_with_error(st, err);
		return;
	}
	if (b->kind == RP_DRIVER) {
		p.iotlb.entries = (uint32_t)nb_bench_range_arg(st, 0);
		p.iotlb.ways = 8;
		p.policy.strict = b->t->strict;
		o = (struct nb_replay_opts){ .apply_inv = true, .source_tags = true };
	} else if (b->kind == RP_HIT) {
		uint32_t entries = (uint32_t)nb_bench_range_arg(st, 1), ways = (uint32_t)nb_bench_range_arg(st, 0);

		p.iotlb.entries = entries;
		p.iotlb.ways = ways ? ways : entries;
		if (p.iotlb.repl == NB_REPL_QEMU)
			p.iotlb.ways = entries;
		p.policy.strict = b->t->strict;
	} else {
		uint32_t fq = (uint32_t)nb_bench_range_arg(st, 0);

		p.policy.strict = fq == 0;
		if (fq)
			p.policy.fq_entries = fq;
	}
	if (nb_hwparams_validate(&p)) {
		nb_bench_skip_with_error(st, nb_errmsg());
		return;
	}
	while (nb_bench_keep_running(st)) {
		if (nb_replay_ex(b->t->path, &p, &o, &r)) {
			nb_bench_skip_with_error(st, nb_errmsg());
			return;
		}
		nb_bench_set_iteration_time(st, r.wall_s);
		if (!runs++)
			sum = r;
	}
	r = sum; /* every run replays the same: report the first */
	nb_bench_counter(st, "dmas", (double)r.dmas, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "unmaps", (double)r.unmaps, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "hit_rate", ratio(r.dma_iotlb_hits, r.dmas), NB_COUNTER_PLAIN);
	nb_bench_counter(st, "misses_per_kdma", 1000.0 * ratio(r.dmas - r.dma_iotlb_hits, r.dmas),
			 NB_COUNTER_PLAIN);
	nb_bench_counter(st, "refs_per_translation", ratio(r.refs, r.dmas), NB_COUNTER_PLAIN);
	/* modelled IOMMU time (nestbench/timing.h), not the replay's host time */
	nb_bench_counter(st, "modelled_ns_per_translation", ratio(r.st.xlate_ns, r.dmas), NB_COUNTER_PLAIN);
	if (b->kind == RP_DRIVER) {
		nb_bench_counter(st, "collateral_per_io", ratio(r.st.collateral, r.unmaps), NB_COUNTER_PLAIN);
		nb_bench_counter(st, "driver_cmds_per_io", ratio(r.raw_executed, r.unmaps), NB_COUNTER_PLAIN);
	} else if (b->kind == RP_HIT) {
		nb_bench_counter(st, "pwc_s1_hit_rate", rate_or_none(&r.cache[NB_CACHE_PWC_S1]), NB_COUNTER_PLAIN);
		nb_bench_counter(st, "pwc_s2_hit_rate", rate_or_none(&r.cache[NB_CACHE_PWC_S2]), NB_COUNTER_PLAIN);
		nb_bench_counter(st, "collateral", ratio(r.st.collateral, r.unmaps), NB_COUNTER_PLAIN);
		nb_bench_counter(st, "events_per_second", r.wall_s > 0 ? (double)r.events / r.wall_s : 0,
				 NB_COUNTER_PLAIN);
		nb_bench_counter(st, "speedup", r.wall_s > 0 ? r.trace_s / r.wall_s : 0, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "trace_seconds", r.trace_s, NB_COUNTER_PLAIN);
	} else {
		nb_bench_counter(st, "cmds_per_io", ratio(r.st.cmds, r.unmaps), NB_COUNTER_PLAIN);
		nb_bench_counter(st, "syncs_per_io", ratio(r.st.syncs, r.unmaps), NB_COUNTER_PLAIN);
		nb_bench_counter(st, "collateral_per_io", ratio(r.st.collateral, r.unmaps), NB_COUNTER_PLAIN);
		nb_bench_counter(st, "fq_flushes", (double)r.st.fq_flushes, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "fq_forced_per_io", ratio(r.fq_forced, r.unmaps), NB_COUNTER_PLAIN);
		nb_bench_counter(st, "implied_maps", (double)r.implied_maps, NB_COUNTER_PLAIN);
	}
	/* what the trace did that a driver would not (docs/trace-format.md) */
	nb_bench_counter(st, "maps_replaced", (double)r.maps_replaced, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "unmaps_unmapped", (double)r.unmaps_unmapped, NB_COUNTER_PLAIN);
}

/* ---- the traces ---- */

static int cmp_trace(const void *a, const void *b)
{
	const struct trace *x = a, *y = b;
	int c = strcmp(x->config, y->config);

	return c ? c : strcmp(x->workload, y->workload);
}

static bool meta_flag(const char *path, const char *key, bool dflt)
{
	char v[32];

	return nb_trace_meta(path, key, v, sizeof(v)) == 1 ? atoi(v) != 0 : dflt;
}

static struct trace *find_traces(int *n)
{
	const char *dir = trace_dir();
	struct trace *t = NULL;
	int cap = 0;
	DIR *d = opendir(dir), *sub;
	struct dirent *e, *f;

	*n = 0;
	if (!d) {
		fprintf(stderr, "nb-bench-replay: %s: %s (NB_TRACE_DIR names the traces)\n", dir, strerror(errno));
		return NULL;
	}
	while ((e = readdir(d))) {
		char cdir[600];

		if (e->d_name[0] == '.')
			continue;
		snprintf(cdir, sizeof(cdir), "%s/%s", dir, e->d_name);
		if (!(sub = opendir(cdir)))
			continue;
		while ((f = readdir(sub))) {
			size_t l = strlen(f->d_name);
			struct trace *x;

			if (l < 10 || strcmp(f->d_name + l - 9, ".trace.gz") || !strcmp(f->d_name, "all.trace.gz"))
				continue;
			/* a trace the benchmark names cannot hold, or no memory for
			 * the list: said and stopped, not left out of the sweep */
			if (strlen(e->d_name) >= sizeof(x->config) || l - 9 >= sizeof(x->workload) ||
			    strlen(cdir) + 1 + l >= sizeof(x->path)) {
				fprintf(stderr, "nb-bench-replay: %s/%s: name too long (configuration folder < %zu, "
					"workload < %zu characters)\n", cdir, f->d_name, sizeof(x->config),
					sizeof(x->workload));
				exit(2);
			}
			if (*n == cap) {
				struct trace *nt = realloc(t, (size_t)(cap = cap ? cap * 2 : 32) * sizeof(*t));

				if (!nt) {
					fprintf(stderr, "nb-bench-replay: the list of traces in %s: out of memory\n", dir);
					exit(1);
				}
				t = nt;
			}
			x = &t[(*n)++];
			memset(x, 0, sizeof(*x));
			snprintf(x->path, sizeof(x->path), "%s/%s", cdir, f->d_name);
			snprintf(x->config, sizeof(x->config), "%s", e->d_name);
			snprintf(x->workload, sizeof(x->workload), "%.*s", (int)(l - 9), f->d_name);
			x->strict = meta_flag(x->path, "guest-strict", true);
			x->flush_on_map = meta_flag(x->path, "flush-on-map", false);
			{
				char v[64];

				x->vtd = nb_trace_meta(x->path, "vtd-cap", v, sizeof(v)) == 1;
			}
		}
		closedir(sub);
	}
	closedir(d);
	if (*n)
		qsort(t, (size_t)*n, sizeof(*t), cmp_trace);
	else
		fprintf(stderr, "nb-bench-replay: %s: no traces (the replay reads %s/<configuration>/<workload>"
			".trace.gz, all.trace.gz aside; NB_TRACE_DIR names the folder)\n", dir, dir);
	return t;
}

void nb_replay_register_nested(void); /* nested.c */
void nb_replay_register_speed(const char *dir); /* replay_speed.c */

static void register_all(void)
{
	static const char *const hit_args[] = { "ways", "entries" }, *const fq_arg[] = { "fq_entries" };
	int n;
	struct trace *t = find_traces(&n);
	char name[256];

	nb_bench_ctx("trace_dir", "%s", trace_dir());
	nb_bench_ctx("traces", "%d", n);
	nb_replay_register_speed(trace_dir());
	for (int i = 0; i < n; i++) {
		if (t[i].vtd) {
			static const char *const e_arg[] = { "entries" };
			struct rp_bench *b = calloc(1, sizeof(*b));
			nb_bench *r;

			*b = (struct rp_bench){ &t[i], "vtd", RP_DRIVER };
			snprintf(name, sizeof(name), "replay/driver/%s/%s/vtd", t[i].config, t[i].workload);
			r = nb_bench_register(name, bm_replay, b);
			nb_bench_arg_names(r, e_arg, 1);
			nb_bench_arg(r, 64);
			nb_bench_arg(r, 512);
			nb_bench_iterations(r, 1);
			nb_bench_use_manual_time(r);
			nb_bench_unit(r, NB_BENCH_MS);
		}
		for (int m = 0; nb_tag_model_at(m); m++) {
			const char *model = nb_tag_model_at(m)->name;
			struct rp_bench *b = calloc(2, sizeof(*b));
			nb_bench *r;

			b[0] = (struct rp_bench){ &t[i], model, RP_HIT };
			snprintf(name, sizeof(name), "replay/hit/%s/%s/%s", t[i].config, t[i].workload, model);
			r = nb_bench_register(name, bm_replay, &b[0]);
			nb_bench_arg_names(r, hit_args, 2);
			for (int64_t ways = 0; ways <= 8; ways += 8) /* 0: fully associative */
				for (int64_t e = 64; e <= 4096; e *= 8)
					nb_bench_args(r, (const int64_t[]){ ways, e }, 2);
			nb_bench_iterations(r, 1);
			nb_bench_use_manual_time(r);
			nb_bench_unit(r, NB_BENCH_MS);
			b[1] = (struct rp_bench){ &t[i], model, RP_INVAL };
			snprintf(name, sizeof(name), "replay/inval/%s/%s/%s", t[i].config, t[i].workload, model);
			r = nb_bench_register(name, bm_replay, &b[1]);
			nb_bench_arg_names(r, fq_arg, 1);
			nb_bench_arg(r, 0);   /* strict */
			nb_bench_arg(r, 64);
			nb_bench_arg(r, 256); /* Linux's IOVA_DEFAULT_FQ_SIZE */
			nb_bench_iterations(r, 1);
			nb_bench_use_manual_time(r);
			nb_bench_unit(r, NB_BENCH_MS);
		}
	}
	nb_replay_register_nested();
}

static const struct nb_bench_family family = {
	.name = "replay",
	.register_all = register_all,
};

int main(int argc, char **argv)
{
	return nb_bench_family_main(argc, argv, &family);
}
