// SPDX-License-Identifier: MIT
/*
 * Nested walks through a model's walk caches: the IOTLB is disabled so every
 * DMA walks, and the page-walk caches (stage 1, stage 2, nested TLB) are on
 * or off. Memory references per walk drop with the caches; the walks are
 * the same walker, started from the level the cache gives.
 *
 * pgwalk/cached/<model>/<pwc_on|pwc_off>/<seq|random>/pages:N
 *   Counters: refs_per_walk (memory reads per walk, a count), modelled_ns
 *   (the model's translation time per walk, nestbench/timing.h: lookups and
 *   reads at the latencies of configs/<model>.cfg), llc_reads_per_walk and
 *   dram_reads_per_walk (where the timing model's reads hit), pwc_hit_rate,
 *   nested_tlb_hit_rate; host_ns_per_walk and host_walks_per_s are the
 *   simulator's own speed on this machine, not IOMMU time.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_common.h"
#include "nestbench/hwparams.h"
#include "nestbench/testbed.h"

struct cached_bench {
	const char *model;
	bool pwc, random;
};

static void bm_cached(nb_bench_state *st, void *ctx)
{
	struct cached_bench *b = ctx;
	uint32_t pages = (uint32_t)nb_bench_range_arg(st, 0);
	struct nb_hw_params p;
	struct nb_testbed t;
	struct nb_xdev *dev;
	uint64_t *order, refs = 0, n = 0, i = 0, t0;
	char err[512];

	if (nb_bench_model_params(b->model, &p, err, sizeof(err))) {
		nb_bench_skip_with_error(st, err);
		return;
	}
	p.iotlb.entries = 0; /* every DMA walks */
	if (!b->pwc)
		p.pwc_s1.entries = p.pwc_s2.entries = p.nested_tlb.entries = 0;
	if (nb_testbed_init(&t, &(struct nb_testbed_cfg){ .p = &p, .nested = 1, .devices = 1,
							   .pages = pages })) {
		nb_bench_skip_with_error(st, nb_errmsg());
		nb_testbed_fini(&t);
		return;
	}
	dev = nb_testbed_dev(&t, 0, 0);
	order = malloc(pages * sizeof(*order));
	for (uint64_t k = 0; k < pages; k++)
		order[k] = k * 4096;
	if (b->random)
		nb_shuffle(order, pages, 11);
	nb_iommu_stats_reset(t.m);
	t0 = nb_now_ns();
	while (nb_bench_keep_running(st)) {
		struct nb_dma_result r;

		nb_iommu_dma(t.m, dev, order[i], NB_PROT_R, &r);
		refs += r.refs;
		n++;
		i = i + 1 == pages ? 0 : i + 1;
	}
	{
		double ns = (double)(nb_now_ns() - t0) / (double)n;
		const struct nb_cache *s1 = nb_iommu_cache(t.m, NB_CACHE_PWC_S1);
		const struct nb_cache *nt = nb_iommu_cache(t.m, NB_CACHE_NESTED_TLB);

		const struct nb_iommu_stats *ist = nb_iommu_stats(t.m);

		nb_bench_counter(st, "refs_per_walk", (double)refs / (double)n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "modelled_ns", (double)ist->xlate_ns / (double)n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "llc_reads_per_walk", (double)ist->mem_llc / (double)n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "dram_reads_per_walk", (double)ist->mem_dram / (double)n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "host_ns_per_walk", ns, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "host_walks_per_s", ns > 0 ? 1e9 / ns : 0, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "pwc_hit_rate",
				 nb_cache_lookups(&s1->st) ? (double)s1->st.hits / (double)nb_cache_lookups(&s1->st) : 0, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "nested_tlb_hit_rate",
				 nb_cache_lookups(&nt->st) ? (double)nt->st.hits / (double)nb_cache_lookups(&nt->st) : 0, NB_COUNTER_PLAIN);
	}
	free(order);
	nb_testbed_fini(&t);
}

void nb_pgwalk_register_cached(void);

void nb_pgwalk_register_cached(void)
{
	static const char *const arg[] = { "pages" };
	char name[128], base[64];

	/* Walk caches are hardware: the registered models whose file
	 * describes hardware of its own (no base; a variant walks the same). */
	for (int m = 0; nb_tag_model_at(m); m++)
		for (int pwc = 1; pwc >= 0; pwc--)
			for (int rnd = 1; rnd < 2; rnd++) {
				const char *model = nb_tag_model_at(m)->name;
				struct cached_bench *b;
				nb_bench *r;

				if (!nb_hwparams_model_base(nb_bench_config_dir(), model, base, sizeof(base)) &&
				    base[0])
					continue;
				b = calloc(1, sizeof(*b));
				*b = (struct cached_bench){ model, pwc, rnd };
				snprintf(name, sizeof(name), "pgwalk/cached/%s/%s/%s", model,
					 pwc ? "pwc_on" : "pwc_off", rnd ? "random" : "seq");
				r = nb_bench_register(name, bm_cached, b);
				nb_bench_arg_names(r, arg, 1);
				nb_bench_arg(r, 64);
				nb_bench_arg(r, 4096);
				nb_bench_arg(r, 65536);
			}
}
