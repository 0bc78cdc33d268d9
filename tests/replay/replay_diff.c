// SPDX-License-Identifier: MIT
/*
 * Every count a replay gives, one line per replay, for comparing two
 * revisions of the simulator (tests/replay/replay_diff.sh builds this
 * against each and compares the lines): a change meant only to be faster
 * must leave every line as it was. Not a ctest: it needs two revisions.
 *
 * The replays: every committed trace (TRACES/<config>/<workload>.trace.gz)
 * through every registered model, with an 8-way and a fully associative
 * IOTLB, strict and lazy, with and without flush-on-map, and once with the
 * driver's recorded descriptors applied (apply_inv); then every nested
 * capture of TRACES/nested/flts*, over the VMM's stage-2 stream, through
 * every model, both IOTLB geometries, 1 and 4 guests, with and without the
 * dirty-page rounds, the oracle after every completion. A line: the replay,
 * its return and message, and its counters by name (the IOMMU's, each
 * cache's hits, misses, fills, evictions, invalidated, collateral). Host
 * times are left out.
 *
 * Usage: replay_diff CONFIG_DIR TRACE_DIR > lines
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nestbench/hwparams.h"
#include "nestbench/iommu.h"
#include "nestbench/trace_mem.h"

static const char *cfg_dir, *trace_dir;

static void put_stats(const struct nb_iommu_stats *s)
{
	printf(" dmas=%llu faults=%llu cmds=%llu syncs=%llu doorbells=%llu bad_descs=%llu cmd_cycles=%llu"
	       " xlate_ns=%llu llc=%llu dram=%llu tags=%llu inval=%llu collateral=%llu refill=%llu"
	       " stale_checks=%llu stale=%llu fq=%llu fallbacks=%llu",
	       (unsigned long long)s->dmas, (unsigned long long)s->faults, (unsigned long long)s->cmds,
	       (unsigned long long)s->syncs, (unsigned long long)s->doorbells, (unsigned long long)s->bad_descs,
	       (unsigned long long)s->cmd_cycles, (unsigned long long)s->xlate_ns, (unsigned long long)s->mem_llc,
	       (unsigned long long)s->mem_dram, (unsigned long long)s->tags_touched,
	       (unsigned long long)s->entries_invalidated, (unsigned long long)s->collateral,
	       (unsigned long long)s->refill_misses, (unsigned long long)s->stale_checks,
	       (unsigned long long)s->stale_found, (unsigned long long)s->fq_flushes,
	       (unsigned long long)s->flush_fallbacks);
	printf(" by_op=");
	for (int i = 0; i < NB_INV_OP_COUNT; i++)
		printf("%s%llu", i ? "," : "", (unsigned long long)s->cmd_by_op[i]);
	printf(" pwc_levels=");
	for (int st = 0; st < 2; st++)
		for (int l = 0; l < NB_PWC_LEVELS; l++)
			printf("%s%llu", st || l ? "," : "", (unsigned long long)s->pwc_hit_level[st][l]);
}

static void put_caches(const struct nb_cache_stats *c)
{
	for (int k = 0; k < NB_CACHE_KIND_COUNT; k++)
		printf(" %s=%llu/%llu/%llu/%llu/%llu/%llu", nb_cache_kind_name((enum nb_cache_kind)k),
		       (unsigned long long)c[k].hits, (unsigned long long)c[k].misses,
		       (unsigned long long)c[k].fills, (unsigned long long)c[k].evictions,
		       (unsigned long long)c[k].invalidated, (unsigned long long)c[k].collateral);
}

static int model_params(const struct nb_tag_model *tm, bool fa, struct nb_hw_params *p)
{
	if (nb_hwparams_model(cfg_dir, tm->name, NULL, 0, p)) {
		printf("%s: %s\n", tm->name, nb_errmsg());
		return -1;
	}
	if (p->iotlb.repl != NB_REPL_QEMU)
		p->iotlb.ways = fa ? p->iotlb.entries : 8;
	return 0;
}

static void single(const char *path)
{
	struct nb_trace_mem *m;

	if (nb_trace_mem_create(&m, path)) {
		printf("%s: load: %s\n", path, nb_errmsg());
		return;
	}
	for (int i = 0; nb_tag_model_at(i); i++)
		for (int v = 0; v < 9; v++) {
			const struct nb_tag_model *tm = nb_tag_model_at(i);
			bool fa = v & 1, strict = v & 2, fom = v & 4, apply = v == 8;
			struct nb_replay_opts o = { .flush_on_map = fom, .apply_inv = apply };
			struct nb_replay_result r;
			struct nb_hw_params p;
			int rc;

			if (model_params(tm, fa, &p))
				continue;
			p.policy.strict = strict || apply;
			rc = nb_replay_mem(m, &p, &o, &r);
			printf("%s %s fa=%d strict=%d fom=%d apply_inv=%d rc=%d %s|", path + strlen(trace_dir), tm->name,
			       fa, p.policy.strict, fom, apply, rc, rc ? nb_errmsg() : "");
			printf(" events=%llu maps=%llu unmaps=%llu dmas=%llu invs=%llu implied=%llu faults=%llu live=%llu"
			       " iotlb=%llu/%llu refs=%llu dma_hits=%llu fq_forced=%llu replaced=%llu unmapped=%llu"
			       " raw=%llu src=%llu/%llu",
			       (unsigned long long)r.events, (unsigned long long)r.maps, (unsigned long long)r.unmaps,
			       (unsigned long long)r.dmas, (unsigned long long)r.invs, (unsigned long long)r.implied_maps,
			       (unsigned long long)r.faults, (unsigned long long)r.live_maps,
			       (unsigned long long)r.iotlb_hits, (unsigned long long)r.iotlb_lookups,
			       (unsigned long long)r.refs, (unsigned long long)r.dma_iotlb_hits,
			       (unsigned long long)r.fq_forced, (unsigned long long)r.maps_replaced,
			       (unsigned long long)r.unmaps_unmapped, (unsigned long long)r.raw_executed,
			       (unsigned long long)r.src_hits_known, (unsigned long long)r.src_hit_agree);
			put_stats(&r.st);
			put_caches(r.cache);
			printf("\n");
		}
	nb_trace_mem_destroy(m);
}

static void put_cost(const char *name, const struct nb_nested_cost *c)
{
	printf(" %s=%llu/%llu/%llu/%llu/%llu/%llu/%llu", name, (unsigned long long)c->events,
	       (unsigned long long)c->cmds, (unsigned long long)c->syncs, (unsigned long long)c->doorbells,
	       (unsigned long long)c->cmd_cycles, (unsigned long long)c->invalidated,
	       (unsigned long long)c->collateral);
}

static void nested(const char *s1, const char *s2, const char *dirty)
{
	for (int i = 0; nb_tag_model_at(i); i++)
		for (int v = 0; v < 8; v++) {
			const struct nb_tag_model *tm = nb_tag_model_at(i);
			bool fa = v & 1, with_dirty = v & 4;
			unsigned guests = v & 2 ? 4 : 1;
			struct nb_nested_replay_opts o = { .s1 = &s1, .n_s1 = 1, .guests = guests, .s2 = s2,
							   .dirty = with_dirty ? dirty : NULL, .oracle_every = 1 };
			struct nb_nested_replay_result r;
			struct nb_hw_params p;
			int rc;

			if (model_params(tm, fa, &p))
				continue;
			memset(&r, 0, sizeof(r));
			rc = nb_nested_replay(&p, &o, &r);
			printf("%s %s fa=%d guests=%u dirty=%d rc=%d %s|", s1 + strlen(trace_dir), tm->name, fa, guests,
			       with_dirty, rc, rc ? nb_errmsg() : "");
			printf(" events=%llu dmas=%llu hits=%llu refs=%llu s1f=%llu s2f=%llu implied=%llu maps=%llu"
			       " unmaps=%llu live=%llu replaced=%llu unmapped=%llu reattached=%llu entries=%llu other=%llu"
			       " s2_setup=%llu s2_skipped=%llu after=%llu dirty=%llu checks=%llu stale=%llu",
			       (unsigned long long)r.events, (unsigned long long)r.dmas,
			       (unsigned long long)r.dma_iotlb_hits, (unsigned long long)r.refs,
			       (unsigned long long)r.s1_faults, (unsigned long long)r.s2_faults,
			       (unsigned long long)r.implied_maps, (unsigned long long)r.s1_maps,
			       (unsigned long long)r.s1_unmaps, (unsigned long long)r.live_maps,
			       (unsigned long long)r.maps_replaced, (unsigned long long)r.unmaps_unmapped,
			       (unsigned long long)r.reattached, (unsigned long long)r.guest_entries,
			       (unsigned long long)r.guest_descs_other, (unsigned long long)r.s2_setup_events,
			       (unsigned long long)r.s2_skipped, (unsigned long long)r.s2_after_window,
			       (unsigned long long)r.dirty_pages, (unsigned long long)r.oracle_checks,
			       (unsigned long long)r.stale);
			put_cost("guest", &r.guest);
			put_cost("s2map", &r.s2[NB_NS2_MAP]);
			put_cost("s2unmap", &r.s2[NB_NS2_UNMAP]);
			put_cost("s2dirty", &r.s2[NB_NS2_DIRTY]);
			put_stats(&r.st);
			printf("\n");
		}
}

int main(int argc, char **argv)
{
	char pat[1200], s2[1100], dirty[1100];
	glob_t g;

	if (argc != 3) {
		fprintf(stderr, "usage: replay_diff CONFIG_DIR TRACE_DIR\n");
		return 2;
	}
	cfg_dir = argv[1];
	trace_dir = argv[2];
	snprintf(pat, sizeof(pat), "%s/*/*.trace.gz", trace_dir);
	if (glob(pat, 0, NULL, &g) || !g.gl_pathc) {
		fprintf(stderr, "replay_diff: no traces match %s\n", pat);
		return 2;
	}
	for (size_t i = 0; i < g.gl_pathc; i++)
		single(g.gl_pathv[i]);
	globfree(&g);
	snprintf(pat, sizeof(pat), "%s/nested/flts*/*.trace.gz", trace_dir);
	snprintf(s2, sizeof(s2), "%s/nested/s2-vmm/all.trace.gz", trace_dir);
	snprintf(dirty, sizeof(dirty), "%s/nested/s2-vmm/dirty-mock.trace.gz", trace_dir);
	if (glob(pat, 0, NULL, &g) || !g.gl_pathc) {
		fprintf(stderr, "replay_diff: no nested captures match %s\n", pat);
		return 2;
	}
	for (size_t i = 0; i < g.gl_pathc; i++)
		nested(g.gl_pathv[i], s2, dirty);
	globfree(&g);
	return fflush(stdout) || ferror(stdout) ? 1 : 0;
}
