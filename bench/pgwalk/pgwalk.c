// SPDX-License-Identifier: MIT
/*
 * pgwalk: page-table walk latency, single stage and nested, by format,
 * granule, page size, stage-2 depth, working set and access pattern.
 *
 * Names: pgwalk/single/<format>/<page>/<pattern>/ws_kib:N and
 *        pgwalk/nested/<stage1>+<stage2>/<page>/<pattern>/ws_kib:N
 * One iteration is one walk. Walks are chained (each IOVA depends on the
 * previous result) so the time is latency, not overlapped throughput.
 *
 * Layout: one mapped page per last-level table (IOVAs one table span
 * apart), so the working set is the tables the walks touch: about
 * ws_kib KiB of last-level tables (the counter table_bytes has the truth).
 *
 * Counters: refs_per_walk (descriptor reads), table_bytes, walk_ns,
 * limit_ns (the same number of dependent loads of a pointer chase over as
 * many bytes, measured in the same run) and ratio_to_limit = walk / limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "nestbench/domain.h"
#include "walk/walk_core.h"

#define NONE NB_FMT_COUNT

struct fmt_choice {
	const char *name;
	struct nb_pt_cfg cfg;
};

static const struct fmt_choice s1_fmts[] = {
	{ "x86_64-4lvl", { .fmt = NB_FMT_X86_64, .ia_bits = 48 } },
	{ "x86_64-5lvl", { .fmt = NB_FMT_X86_64, .ia_bits = 57 } },
	{ "vtdss-3lvl", { .fmt = NB_FMT_VTDSS, .ia_bits = 39 } },
	{ "vtdss-4lvl", { .fmt = NB_FMT_VTDSS, .ia_bits = 48 } },
	{ "amdv1-4lvl", { .fmt = NB_FMT_AMDV1, .ia_bits = 48 } },
	{ "arm_s1-4K", { .fmt = NB_FMT_ARM_S1, .granule_lg2 = 12, .ia_bits = 48 } },
	{ "arm_s1-16K", { .fmt = NB_FMT_ARM_S1, .granule_lg2 = 14, .ia_bits = 48 } },
	{ "arm_s1-64K", { .fmt = NB_FMT_ARM_S1, .granule_lg2 = 16, .ia_bits = 48 } },
};

struct nest_choice {
	const char *name;
	struct nb_pt_cfg s1, s2;
};

static const struct nest_choice nests[] = {
	{ "x86_64-4lvl+vtdss-4lvl", { .fmt = NB_FMT_X86_64, .ia_bits = 48 },
	  { .fmt = NB_FMT_VTDSS, .ia_bits = 48 } },
	{ "x86_64-4lvl+vtdss-3lvl", { .fmt = NB_FMT_X86_64, .ia_bits = 48 },
	  { .fmt = NB_FMT_VTDSS, .ia_bits = 39 } },
	{ "x86_64-5lvl+vtdss-5lvl", { .fmt = NB_FMT_X86_64, .ia_bits = 57 },
	  { .fmt = NB_FMT_VTDSS, .ia_bits = 57 } },
	{ "x86_64-4lvl+amdv1-4lvl", { .fmt = NB_FMT_X86_64, .ia_bits = 48 },
	  { .fmt = NB_FMT_AMDV1, .ia_bits = 48 } },
	{ "arm_s1-4K+arm_s2-4K", { .fmt = NB_FMT_ARM_S1, .granule_lg2 = 12, .ia_bits = 48 },
	  { .fmt = NB_FMT_ARM_S2, .granule_lg2 = 12, .ia_bits = 48 } },
	{ "arm_s1-4K+arm_s2-4K-40bit", { .fmt = NB_FMT_ARM_S1, .granule_lg2 = 12, .ia_bits = 48 },
	  { .fmt = NB_FMT_ARM_S2, .granule_lg2 = 12, .ia_bits = 40 } },
	{ "arm_s1-64K+arm_s2-64K", { .fmt = NB_FMT_ARM_S1, .granule_lg2 = 16, .ia_bits = 48 },
	  { .fmt = NB_FMT_ARM_S2, .granule_lg2 = 16, .ia_bits = 48 } },
};

static const int64_t ws_kib[] = { 16, 256, 4096, 65536, 262144 };

/* One benchmark's configuration; its environment is built on first use
 * (Google Benchmark calls a benchmark several times) and kept. */
struct walk_bench {
	struct nb_pt_cfg s1, s2;
	bool nested, huge, random;
	/* environment for ws_kib == built_ws */
	int64_t built_ws;
	struct nb_arena *arena;
	struct nb_palloc host;
	struct nb_domain *single, *parent;
	struct nb_guest_ram ram;
	struct nb_nested *nest;
	uint64_t *iova, n;
	uint64_t table_bytes;
	double limit_ns_per_load;
};

static void env_free(struct walk_bench *b)
{
	if (!b->arena)
		return;
	if (b->nest) {
		nb_nested_free(b->nest);
		nb_guest_ram_fini(&b->ram, b->parent);
		nb_domain_free(b->parent);
	} else {
		nb_domain_free(b->single);
	}
	nb_palloc_fini(&b->host);
	nb_arena_destroy(b->arena);
	free(b->iova);
	memset(&b->arena, 0, sizeof(*b) - offsetof(struct walk_bench, arena));
	b->built_ws = 0;
}

/* IOVA stride: one last-level table (or, for 2M/512M pages, one level-1
 * table) per mapped page. */
static unsigned stride_lg2(const struct nb_pt_geom *g, bool huge)
{
	return g->lv[huge ? 2 : 1].shift;
}

static int map_sparse(struct nb_domain *d, uint64_t n, bool huge, uint64_t out_base,
		      uint64_t out_stride, uint64_t *iova)
{
	unsigned page = d->geom.lv[huge ? 1 : 0].shift, stride = stride_lg2(&d->geom, huge);

	for (uint64_t i = 0; i < n; i++) {
		iova[i] = (i + 1) << stride;
		if (nb_domain_map(d, iova[i], out_base + i * out_stride, 1ull << page, NB_PROT_RW))
			return -1;
	}
	return 0;
}

/* The pointer-chase limit, measured once per power-of-two size and order
 * (building and shuffling a DRAM-sized chain takes a while). */
static double chase_limit(uint64_t bytes, bool random)
{
	static double memo[2][64];
	unsigned lg2 = 63 - (unsigned)__builtin_clzll(bytes | 1);

	if (!memo[random][lg2])
		memo[random][lg2] = nb_chase_ns_per_load(bytes, random, 1u << 20);
	return memo[random][lg2];
}

static const char *env_build(struct walk_bench *b, int64_t ws)
{
	static char err[256];
	struct nb_pt_geom g1;
	uint64_t granule, tables_bytes, n;
	struct nb_tspace ts;

	env_free(b);
	nb_pt_geom_init(&g1, &b->s1);
	granule = 1ull << g1.granule_lg2;
	n = ((uint64_t)ws << 10) / granule;
	if (n < 1)
		n = 1;
	{ /* one table span per page: the input space holds only so many */
		unsigned stride = stride_lg2(&g1, b->huge), top = g1.ia_bits - 1; /* x86: lower half */
		uint64_t slots = top > stride ? (1ull << (top - stride)) - 1 : 1;

		if (n > slots)
			n = slots;
	}
	tables_bytes = (n + 64) * granule * 2 + (64ull << 20);
	if (nb_arena_create(&b->arena, (tables_bytes * 3 + (64ull << 20)) & ~((2ull << 20) - 1)) ||
	    nb_palloc_init(&b->host, b->arena, tables_bytes))
		goto fail;
	ts = (struct nb_tspace){ .alloc = &b->host };
	b->iova = malloc(n * sizeof(*b->iova));
	b->n = n;
	if (!b->nested) {
		if (nb_domain_alloc(&b->single, &b->s1, b->arena, &ts) ||
		    map_sparse(b->single, n, b->huge, 1ull << 32, 1ull << stride_lg2(&g1, b->huge), b->iova))
			goto fail;
		b->table_bytes = nb_domain_table_bytes(b->single);
	} else {
		struct nb_pt_geom g2;
		uint64_t g2sz, ram = tables_bytes;

		nb_pt_geom_init(&g2, &b->s2);
		g2sz = 1ull << g2.granule_lg2;
		if (nb_domain_alloc(&b->parent, &b->s2, b->arena, &ts))
			goto fail;
		/* guest RAM at an IPA one granule past an aligned boundary while its
		 * PA is aligned: stage 2 maps it with base pages, so every stage-1
		 * table fetch is a full stage-2 walk */
		if (nb_guest_ram_init(&b->ram, b->arena, b->parent, (1ull << 34) + g2sz, ram) ||
		    nb_nested_alloc(&b->nest, b->parent, &b->s1, &b->ram.ts))
			goto fail;
		/* data: IPA i -> one stage-2 last-level table each, then stage 1 */
		{
			unsigned s2stride = g2.lv[1].shift;
			unsigned page = g1.lv[b->huge ? 1 : 0].shift;
			uint64_t data_ipa = 1ull << 35;

			if (page < g2.granule_lg2)
				page = g2.granule_lg2;
			for (uint64_t i = 0; i < n; i++)
				if (nb_domain_map(b->parent, data_ipa + (i << s2stride), (1ull << 40) + (i << s2stride),
						  1ull << page, NB_PROT_RW))
					goto fail;
			if (map_sparse(b->nest->s1, n, b->huge, data_ipa, 1ull << s2stride, b->iova))
				goto fail;
		}
		b->table_bytes = nb_domain_table_bytes(b->nest->s1) + nb_domain_table_bytes(b->parent);
	}
	if (b->random)
		nb_shuffle(b->iova, n, 0xfeed);
	b->built_ws = ws;
	b->limit_ns_per_load = chase_limit(b->table_bytes, b->random);
	return NULL;
fail:
	snprintf(err, sizeof(err), "setup ws_kib=%lld: %s", (long long)ws, nb_errmsg());
	env_free(b);
	return err;
}

/* Walk every IOVA once, untimed: they must all translate. */
static bool env_check(struct walk_bench *b, uint64_t *refs)
{
	for (uint64_t i = 0; i < b->n; i++) {
		if (b->nested) {
			struct nb_walk_result r;

			nb_walk_nested(&b->nest->ctx, b->iova[i], NB_PROT_R, &r);
			if (r.fault)
				return false;
			*refs = r.refs;
		} else {
			struct nb_walk1 w;

			nb_walk1(&b->single->geom, b->arena, b->single->root_pa,
				 b->single->geom.levels - 1, b->iova[i], NB_PROT_R, &w);
			if (w.fault)
				return false;
			*refs = w.refs;
		}
	}
	return true;
}

#define BATCH 64

/* Always 0, but the compiler cannot know: ANDed with a walk's last read and
 * added to the next walk's root, it chains the walks (latency, not
 * throughput) at the cost of two ALU operations. */
static volatile uint64_t chain_zero_src;

static void bm_walk(nb_bench_state *st, void *ctx)
{
	struct walk_bench *b = ctx;
	int64_t ws = nb_bench_range_arg(st, 0);
	uint64_t refs = 0, walk_refs = 0, dep = 0, i = 0, t0, t1, iters = 0;
	const char *err;
	const uint64_t chain_zero = chain_zero_src;

	if (b->built_ws != ws && (err = env_build(b, ws))) {
		nb_bench_skip_with_error(st, err);
		return;
	}
	if (!env_check(b, &walk_refs)) {
		nb_bench_skip_with_error(st, "a mapped IOVA did not translate");
		return;
	}
	const uint64_t *iova = b->iova, n = b->n;
	t0 = nb_now_ns();
	if (b->nested) {
		const struct nb_nest_ctx *nc = &b->nest->ctx;

		while (nb_bench_keep_running_batch(st, BATCH)) {
			for (int k = 0; k < BATCH; k++) {
				struct nb_walk_result r;

				nbw_nested(nc, iova[i], NB_PROT_R, nc->s1->levels - 1, nc->s1_root_ipa + dep,
					   false, &r, NULL, nbw_s2_plain, (void *)nc);
				dep = r.oa & chain_zero;
				refs += r.refs;
				i = i + 1 == n ? 0 : i + 1;
			}
			iters += BATCH;
		}
	} else {
		const struct nb_pt_geom *g = &b->single->geom;
		const struct nbw_mem m = nbw_mem_of(b->arena);
		uint64_t root = b->single->root_pa;

		while (nb_bench_keep_running_batch(st, BATCH)) {
			for (int k = 0; k < BATCH; k++) {
				struct nb_walk1 w;

				nbw_stage(g, m, root + dep, g->levels - 1, iova[i], NB_PROT_R, &w, NULL, 1,
					  false);
				dep = w.desc & chain_zero;
				refs += w.refs;
				i = i + 1 == n ? 0 : i + 1;
			}
			iters += BATCH;
		}
	}
	t1 = nb_now_ns();
	{
		double walk_ns = (double)(t1 - t0) / (double)iters;
		double rpw = (double)refs / (double)iters;
		double limit = b->limit_ns_per_load * rpw;

		nb_bench_counter(st, "refs_per_walk", rpw, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "table_bytes", (double)b->table_bytes, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "mapped_pages", (double)n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "walk_ns", walk_ns, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "limit_ns", limit, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "ratio_to_limit", limit > 0 ? walk_ns / limit : 0, NB_COUNTER_PLAIN);
		nb_bench_set_items_processed(st, (int64_t)iters);
	}
}

/* The pointer chase alone, for the plots: ns per dependent load by size. */
static void bm_chase(nb_bench_state *st, void *ctx)
{
	int64_t kib = nb_bench_range_arg(st, 0);
	uint64_t lines = ((uint64_t)kib << 10) / 64, *order;
	uintptr_t *mem, p;

	mem = aligned_alloc(4096, lines * 64);
	order = malloc(lines * sizeof(*order));
	if (!mem || !order) {
		free(mem);
		free(order);
		nb_bench_skip_with_error(st, "out of memory");
		return;
	}
	for (uint64_t i = 0; i < lines; i++)
		order[i] = i;
	nb_shuffle(order + 1, lines - 1, 0x5eed);
	for (uint64_t i = 0; i < lines; i++)
		mem[order[i] * 8] = (uintptr_t)&mem[order[(i + 1) % lines] * 8];
	p = (uintptr_t)&mem[order[0] * 8];
	while (nb_bench_keep_running_batch(st, BATCH))
		for (int k = 0; k < BATCH; k++)
			p = *(uintptr_t *)p;
	nb_bench_do_not_optimize((void *)p);
	nb_bench_set_items_processed(st, nb_bench_iterations_done(st));
	free(mem);
	free(order);
}

static void add(struct walk_bench *b, const char *name)
{
	static const char *const arg_names[] = { "ws_kib" };
	nb_bench *r = nb_bench_register(name, bm_walk, b);

	nb_bench_arg_names(r, arg_names, 1);
	for (size_t i = 0; i < NB_ARRAY_SIZE(ws_kib); i++)
		nb_bench_arg(r, ws_kib[i]);
}

void nb_pgwalk_register_cached(void); /* pgwalk_cached.c */

static void register_all(void)
{
	static const char *const chase_names[] = { "ws_kib" };
	char name[160];

	/* Every format with base pages in random order; sequential order and
	 * superpages for the first format of each family (the grid stays
	 * inside the default suite's time budget). */
	for (size_t f = 0; f < NB_ARRAY_SIZE(s1_fmts); f++)
		for (int huge = 0; huge < 2; huge++)
			for (int rnd = 0; rnd < 2; rnd++) {
				bool lead = f == 0 || f == 5 || f == 7;
				struct walk_bench *b;
				struct nb_pt_geom g;

				if ((huge || !rnd) && !lead)
					continue;
				b = calloc(1, sizeof(*b));
				b->s1 = s1_fmts[f].cfg;
				b->huge = huge;
				b->random = rnd;
				nb_pt_geom_init(&g, &b->s1);
				if (huge && !(g.leaf_levels & 2))
					continue;
				snprintf(name, sizeof(name), "pgwalk/single/%s/%s/%s", s1_fmts[f].name,
					 huge ? "huge" : "base", rnd ? "random" : "seq");
				add(b, name);
			}
	for (size_t f = 0; f < NB_ARRAY_SIZE(nests); f++)
		for (int huge = 0; huge < 2; huge++)
			for (int rnd = 0; rnd < 2; rnd++) {
				struct walk_bench *b;

				if ((huge || !rnd) && f != 0 && f != 4)
					continue;
				b = calloc(1, sizeof(*b));

				b->s1 = nests[f].s1;
				b->s2 = nests[f].s2;
				b->nested = true;
				b->huge = huge;
				b->random = rnd;
				snprintf(name, sizeof(name), "pgwalk/nested/%s/%s/%s", nests[f].name,
					 huge ? "huge" : "base", rnd ? "random" : "seq");
				add(b, name);
			}
	nb_pgwalk_register_cached();
	nb_bench *c = nb_bench_register("pgwalk/chase", bm_chase, NULL);
	nb_bench_arg_names(c, chase_names, 1);
	for (size_t i = 0; i < NB_ARRAY_SIZE(ws_kib); i++)
		nb_bench_arg(c, ws_kib[i]);
}

int main(int argc, char **argv)
{
	return nb_bench_family_main(argc, argv, "pgwalk", register_all);
}
