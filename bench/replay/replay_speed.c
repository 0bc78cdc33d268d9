// SPDX-License-Identifier: MIT
/*
 * The replay's own speed (host time, one core), on every committed
 * capture's whole run (<config>/all.trace.gz under the trace folder):
 *
 * replay/parse/text      the text reader (gzip, tokenising, checks) into
 *                        memory: counter events_per_second
 * replay/parse/binary    the binary cache mapped, checked against its
 *                        source (size, mtime, hash) and every record decoded
 *                        into an event: events_per_second, and
 *                        speedup_over_text (the text reader timed in the same
 *                        iteration)
 * replay/model/<model>   the event loop alone (traces in memory; no parse,
 *                        no set-up or teardown) with the model's shipped
 *                        parameters and an 8-way IOTLB, then the same with
 *                        the IOTLB fully associative (as many ways as
 *                        entries), alternating in each iteration: counters
 *                        events_per_second (8-way), fa_events_per_second,
 *                        fa_slowdown (fully associative time / 8-way time)
 * Each iteration's time is the host time measured (manual time).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "nestbench/iommu.h"
#include "nestbench/hwparams.h"
#include "nestbench/trace_mem.h"

#define MAX_RUNS 16

struct run_trace {
	char path[1100];
	bool strict, flush_on_map;
	struct nb_trace_mem *mem; /* loaded on first use */
};

static struct run_trace runs[MAX_RUNS];
static int nruns;

static bool meta_flag(const char *path, const char *key, bool dflt)
{
	char v[32];

	return nb_trace_meta(path, key, v, sizeof(v)) == 1 ? atoi(v) != 0 : dflt;
}

static int cmp_run(const void *a, const void *b)
{
	return strcmp(((const struct run_trace *)a)->path, ((const struct run_trace *)b)->path);
}

static void find_runs(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		struct run_trace *r = &runs[nruns < MAX_RUNS ? nruns : MAX_RUNS - 1];
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(r->path, sizeof(r->path), "%s/%s/all.trace.gz", dir, e->d_name);
		if (!(f = fopen(r->path, "rb")))
			continue;
		fclose(f);
		if (nruns == MAX_RUNS) {
			/* the speed benchmarks' figures are over a fixed set of runs:
			 * one more is refused by name, not left out unsaid */
			fprintf(stderr, "nb-bench-replay: %s/%s: more than %d configurations with an "
				"all.trace.gz for replay/parse and replay/model\n", dir, e->d_name, MAX_RUNS);
			exit(2);
		}
		r->strict = meta_flag(r->path, "guest-strict", true);
		r->flush_on_map = meta_flag(r->path, "flush-on-map", false);
		nruns++;
	}
	if (d)
		closedir(d);
	qsort(runs, (size_t)nruns, sizeof(runs[0]), cmp_run);
}

static const char *load_all(void)
{
	static char err[700];

	for (int i = 0; i < nruns; i++)
		if (!runs[i].mem && nb_trace_mem_create(&runs[i].mem, runs[i].path)) {
			snprintf(err, sizeof(err), "%s", nb_errmsg());
			return err;
		}
	return NULL;
}

static void bm_parse_text(nb_bench_state *st, void *ctx)
{
	uint64_t events = 0;
	double secs = 0;

	while (nb_bench_keep_running(st)) {
		double t = 0;

		for (int i = 0; i < nruns; i++) {
			struct nb_trace_mem *m;
			uint64_t t0 = nb_now_ns();

			if (nb_trace_parse(&m, runs[i].path)) {
				nb_bench_skip_with_error(st, nb_errmsg());
				return;
			}
			t += (double)(nb_now_ns() - t0) / 1e9;
			events += m->n;
			nb_trace_mem_destroy(m);
		}
		nb_bench_set_iteration_time(st, t);
		secs += t;
	}
	nb_bench_counter(st, "events_per_second", secs > 0 ? (double)events / secs : 0, NB_COUNTER_PLAIN);
}

/* Load through the cache and decode every record (what a replay reads). */
static int load_decode(const char *path, uint64_t *events, uint64_t *sink)
{
	struct nb_trace_mem *m;
	struct nb_trace_event ev;

	if (nb_trace_mem_create(&m, path))
		return -1;
	if (m->cache != NB_TRACE_CACHE_HIT) {
		nb_fail(EINVAL, "%s: no binary cache to read (%s)", path,
			m->cache_why[0] ? m->cache_why : "it was just built");
		nb_trace_mem_destroy(m);
		return -1;
	}
	for (uint64_t i = 0; i < m->n; i++) {
		nb_trace_mem_event(m, i, &ev);
		*sink += ev.iova ^ ev.time_ns ^ ev.kind;
	}
	*events += m->n;
	nb_trace_mem_destroy(m);
	return 0;
}

static void bm_parse_binary(nb_bench_state *st, void *ctx)
{
	uint64_t events = 0, text_events = 0, sink = 0;
	double secs = 0, text_secs = 0;
	const char *err = load_all(); /* builds the caches once */

	if (err) {
		nb_bench_skip_with_error(st, err);
		return;
	}
	while (nb_bench_keep_running(st)) {
		double t = 0;

		for (int i = 0; i < nruns; i++) {
			uint64_t t0 = nb_now_ns(), t1;
			struct nb_trace_mem *m;

			if (load_decode(runs[i].path, &events, &sink)) {
				nb_bench_skip_with_error(st, nb_errmsg());
				return;
			}
			t1 = nb_now_ns();
			t += (double)(t1 - t0) / 1e9;
			/* the text reader beside it, untimed by the benchmark's clock */
			if (nb_trace_parse(&m, runs[i].path)) {
				nb_bench_skip_with_error(st, nb_errmsg());
				return;
			}
			text_secs += (double)(nb_now_ns() - t1) / 1e9;
			text_events += m->n;
			nb_trace_mem_destroy(m);
		}
		nb_bench_set_iteration_time(st, t);
		secs += t;
	}
	nb_bench_do_not_optimize(&sink);
	nb_bench_counter(st, "events_per_second", secs > 0 ? (double)events / secs : 0, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "speedup_over_text",
			 secs > 0 && text_secs > 0 ? ((double)events / secs) / ((double)text_events / text_secs) : 0,
			 NB_COUNTER_PLAIN);
}

/* One pass of the model over every trace; the event loops' host time. */
static int model_pass(const struct nb_hw_params *base, bool fully_assoc, double *secs, uint64_t *events)
{
	for (int i = 0; i < nruns; i++) {
		struct nb_hw_params p = *base;
		struct nb_replay_opts o = { .flush_on_map = runs[i].flush_on_map };
		struct nb_replay_result r;

		p.policy.strict = runs[i].strict;
		p.iotlb.ways = fully_assoc || p.iotlb.repl == NB_REPL_QEMU ? p.iotlb.entries : 8;
		if (nb_replay_mem(runs[i].mem, &p, &o, &r))
			return -1;
		*secs += r.model_s;
		*events += r.events;
	}
	return 0;
}

static void bm_model(nb_bench_state *st, void *ctx)
{
	const char *model = ctx, *err = load_all();
	struct nb_hw_params p;
	uint64_t ev8 = 0, evfa = 0;
	double s8 = 0, sfa = 0;
	char msg[600];

	if (err || nb_bench_model_params(model, &p, msg, sizeof(msg))) {
		nb_bench_skip_with_error(st, err ? err : msg);
		return;
	}
	while (nb_bench_keep_running(st)) {
		double t = 0;

		if (model_pass(&p, false, &t, &ev8) || model_pass(&p, true, &sfa, &evfa)) {
			nb_bench_skip_with_error(st, nb_errmsg());
			return;
		}
		nb_bench_set_iteration_time(st, t);
		s8 += t;
	}
	nb_bench_counter(st, "events_per_second", s8 > 0 ? (double)ev8 / s8 : 0, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "fa_events_per_second", sfa > 0 ? (double)evfa / sfa : 0, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "fa_slowdown", s8 > 0 && evfa ? (sfa / (double)evfa) / (s8 / (double)ev8) : 0,
			 NB_COUNTER_PLAIN);
	nb_bench_counter(st, "iotlb_entries", p.iotlb.entries, NB_COUNTER_PLAIN);
}

static void manual(nb_bench *r)
{
	nb_bench_use_manual_time(r);
	nb_bench_unit(r, NB_BENCH_MS);
}

void nb_replay_register_speed(const char *dir);

void nb_replay_register_speed(const char *dir)
{
	char name[160];

	find_runs(dir);
	if (!nruns)
		return;
	manual(nb_bench_register("replay/parse/text", bm_parse_text, NULL));
	manual(nb_bench_register("replay/parse/binary", bm_parse_binary, NULL));
	for (int m = 0; nb_tag_model_at(m); m++) {
		snprintf(name, sizeof(name), "replay/model/%s", nb_tag_model_at(m)->name);
		manual(nb_bench_register(name, bm_model, (void *)nb_tag_model_at(m)->name));
	}
}
