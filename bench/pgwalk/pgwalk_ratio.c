// SPDX-License-Identifier: MIT
/*
 * pgwalk/ratio/<single|nested>/<formats>: the walker against the physical
 * limit of its own work, with every table in L1: a walk of R descriptor
 * reads (4 single-stage 4-level, 24 nested 4x4) against R dependent loads of
 * a pointer chase laid out in the same arena (one 8-byte pointer per 64-byte
 * line of a 4 KiB block, from the same allocator as the tables). Walks are
 * chained (each one's root depends on the previous result, as in pgwalk/),
 * over 8 pages of one last-level table. Blocks of walks and of chase loads
 * alternate in each iteration, so load on the machine falls on both alike.
 *
 * L1-resident means resident: tables are 4 KiB aligned, so an entry's L1 set
 * is its index's line in the table, and a layout where most indices are 0
 * (low IOVAs, guest RAM at a round IPA) puts most of the 24 reads in one
 * set. With an 8-way L1 that set overflowed (10 lines with the chase's),
 * and reads went to L2. The IOVAs and IPAs here put each level's index in
 * its own line, and the benchmark counts, from the walks' own traced reads
 * and the chase's lines, the most lines any one set must hold
 * (l1_set_lines_max, against hwloc's l1d_ways); more than the ways is an
 * error, not a number (l1d_ways 0: hwloc does not know the L1, and the
 * count stands unchecked).
 *
 * Counters: refs_per_walk, walk_ns, limit_ns (R x ns per chased load),
 * ratio_to_limit = walk_ns / limit_ns over all blocks, ratio_best = the same
 * for each side's fastest block (the least disturbed); l1_set_lines_max
 * and l1d_ways (counts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "nestbench/domain.h"
#include "nestbench/machine.h"
#include "walk/walk_4k4.h"

#define PAGES 8
#define WALKS 4096 /* per timed block */

/* Each index in its own 64-byte line of its table (entries 8 apart). IOVA:
 * levels 3..0 at lines 5, 6, 7, 1 (the 8 pages share line 1); guest RAM
 * (the stage-1 tables' IPAs; not 2 MiB aligned, so stage 2 maps it with
 * base pages and every fetch is a full stage-2 walk): lines 1, 2, 3, 4;
 * the data's IPA: lines 0, 2, 3, 5. */
#define LINE_IDX(l3, l2, l1, l0) \
	((8ull * (l3) << 39) | (8ull * (l2) << 30) | (8ull * (l1) << 21) | (8ull * (l0) << 12))
#define RATIO_IOVA LINE_IDX(5, 6, 7, 1)
#define RATIO_RAM_IPA LINE_IDX(1, 2, 3, 4)
#define RATIO_DATA_IPA (LINE_IDX(0, 2, 3, 5) + (3ull << 39))

struct ratio_bench {
	struct nb_pt_cfg s1, s2;
	bool nested;
};

struct ratio_env {
	struct nb_arena *arena;
	struct nb_palloc host;
	struct nb_domain *single, *parent;
	struct nb_guest_ram ram;
	struct nb_nested *nest;
	uint64_t iova[PAGES];
	uintptr_t chase; /* the pointer chase's first line (host address) */
};

static void env_free(struct ratio_env *e)
{
	if (e->nest) {
		nb_nested_free(e->nest);
		nb_guest_ram_fini(&e->ram, e->parent);
	}
	nb_domain_free(e->parent);
	nb_domain_free(e->single);
	if (e->host.arena)
		nb_palloc_fini(&e->host);
	nb_arena_destroy(e->arena);
}

/* A cyclic chase through the 64 lines of a 4 KiB block of the arena, lines
 * in a scrambled order (no stride for a prefetcher to follow). */
static uintptr_t make_chase(struct ratio_env *e)
{
	uint64_t pa = nb_palloc_alloc(&e->host, 4096);
	uintptr_t *line[64];

	if (!pa)
		return 0;
	for (int i = 0; i < 64; i++)
		line[i] = (uintptr_t *)(void *)(e->arena->mem + pa + (uint64_t)((i * 37) % 64) * 64);
	for (int i = 0; i < 64; i++)
		*line[i] = (uintptr_t)line[(i + 1) % 64];
	return (uintptr_t)line[0];
}

static int env_build(struct ratio_env *e, const struct ratio_bench *b)
{
	struct nb_tspace ts;

	memset(e, 0, sizeof(*e));
	if (nb_arena_create(&e->arena, 1ull << 30) || nb_palloc_init(&e->host, e->arena, 256ull << 20))
		return -1;
	ts = (struct nb_tspace){ .alloc = &e->host };
	for (int i = 0; i < PAGES; i++)
		e->iova[i] = RATIO_IOVA + (uint64_t)i * 4096;
	if (!b->nested) {
		if (nb_domain_alloc(&e->single, &b->s1, e->arena, &ts))
			return -1;
		for (int i = 0; i < PAGES; i++)
			if (nb_domain_map(e->single, e->iova[i], (1ull << 32) + (uint64_t)i * 4096, 4096, NB_PROT_RW))
				return -1;
	} else {
		/* guest RAM mapped with base pages (a full stage-2 walk per table) */
		if (nb_domain_alloc(&e->parent, &b->s2, e->arena, &ts) ||
		    nb_guest_ram_init(&e->ram, e->arena, e->parent, RATIO_RAM_IPA, 64ull << 20) ||
		    nb_nested_alloc(&e->nest, e->parent, &b->s1, &e->ram.ts) ||
		    nb_domain_map(e->parent, RATIO_DATA_IPA, 1ull << 36, PAGES * 4096, NB_PROT_RW))
			return -1;
		for (int i = 0; i < PAGES; i++)
			if (nb_domain_map(e->nest->s1, e->iova[i], RATIO_DATA_IPA + (uint64_t)i * 4096, 4096,
					  NB_PROT_RW))
				return -1;
	}
	e->chase = make_chase(e);
	return e->chase ? 0 : -1;
}

/* The lines a set must hold: every line the walks of all pages read, and
 * the chase's. */
struct set_count {
	unsigned sets, line;
	uint64_t seen[PAGES * 24 + 64];
	unsigned n;
	unsigned per_set[512];
};

static void count_line(struct set_count *c, uint64_t addr)
{
	uint64_t ln = addr / c->line;

	for (unsigned i = 0; i < c->n; i++)
		if (c->seen[i] == ln)
			return;
	if (c->n < NB_ARRAY_SIZE(c->seen)) {
		c->seen[c->n++] = ln;
		c->per_set[ln % c->sets]++;
	}
}

static void count_step(void *user, const struct nb_walk_step *s)
{
	count_line(user, s->table_pa + s->index * 8);
}

/*
 * The most lines one L1 set must hold for the walks and the chase to stay
 * in L1, with the L1's shape from hwloc. Where hwloc does not know it,
 * *ways is 0 (nothing to check against) and the count is over 64 sets of
 * 64 bytes [assume: the x86 L1D, whose sets index within a 4 KiB page].
 * Sets are counted from arena offsets: exact while a way spans no more
 * than the arena's alignment (4 KiB at least).
 */
static unsigned l1_set_lines_max(const struct ratio_env *e, bool nested, unsigned *ways)
{
	static struct set_count c;
	const struct nb_walk_tracer t = { .step = count_step, .user = &c };
	unsigned most = 0;

	memset(&c, 0, sizeof(c));
	if (nb_topo_l1d_shape(&c.sets, ways, &c.line) || c.sets > NB_ARRAY_SIZE(c.per_set)) {
		*ways = 0;
		c.sets = 64;
		c.line = 64;
	}
	for (int i = 0; i < PAGES; i++) {
		struct nb_walk_result r;

		if (nested)
			nb_walk_nested_traced(&e->nest->ctx, e->iova[i], NB_PROT_R, &r, &t);
		else
			nb_walk1_traced(&e->single->geom, e->arena, e->single->root_pa,
					e->single->geom.levels - 1, e->iova[i], NB_PROT_R, &r, &t);
	}
	for (unsigned i = 0; i < 64; i++) /* arena offsets, as the tables' */
		count_line(&c, (uint64_t)((const uint8_t *)e->chase - e->arena->mem) + i * 64);
	for (unsigned i = 0; i < c.sets; i++)
		most = c.per_set[i] > most ? c.per_set[i] : most;
	return most;
}

/* Always 0, unknown to the compiler: chains each walk to the last. */
static volatile uint64_t zero_src;

static uint64_t walk_block(const struct ratio_env *e, bool nested, uint64_t *refs, uint64_t dep)
{
	const uint64_t zero = zero_src;

	if (nested) {
		const struct nb_nest_ctx *nc = &e->nest->ctx;

		for (int k = 0; k < WALKS; k++) {
			struct nb_walk_result r;

			nbw_nested_plain(&(const struct nbw_cursor){ .n = nc, .ia = e->iova[k % PAGES],
							       .access = NB_PROT_R, .level = nc->s1->levels - 1,
							       .table = nc->s1_root_ipa + dep,
							       .s2 = nbw_s2_plain, .s2ctx = (void *)nc },
				   &r);
			dep = r.oa & zero;
			*refs += r.refs;
		}
	} else {
		const struct nb_pt_geom *g = &e->single->geom;
		const struct nbw_mem m = nbw_mem_of(e->arena);

		for (int k = 0; k < WALKS; k++) {
			struct nb_walk_result w;

			nbw_stage_plain(&(const struct nbw_cursor){ .g = g, .m = m, .ia = e->iova[k % PAGES],
							      .access = NB_PROT_R, .table = e->single->root_pa + dep,
							      .level = g->levels - 1, .stage = 1, .full_prot = true },
				  &w);
			dep = w.desc & zero;
			*refs += w.refs;
		}
	}
	return dep;
}

static uintptr_t chase_block(uintptr_t p, uint64_t loads)
{
	for (uint64_t i = 0; i < loads; i++)
		p = *(const uintptr_t *)p;
	return p;
}

static void bm_ratio(nb_bench_state *st, void *ctx)
{
	const struct ratio_bench *b = ctx;
	struct ratio_env e;
	uint64_t refs = 0, walks = 0, loads = 0, t_walk = 0, t_chase = 0, dep = 0, rpw;
	uint64_t best_walk = UINT64_MAX, best_chase = UINT64_MAX;
	unsigned set_lines, ways;
	uintptr_t p;

	if (env_build(&e, b)) {
		nb_bench_skip_with_error(st, nb_errmsg());
		env_free(&e);
		return;
	}
	/* every page must translate, each walk reading as many descriptors */
	for (int i = 0; i < PAGES; i++) {
		struct nb_walk_result r;
		struct nb_walk_result w;

		if (b->nested)
			nb_walk_nested(&e.nest->ctx, e.iova[i], NB_PROT_R, &r);
		else
			nb_walk1(&e.single->geom, e.arena, e.single->root_pa, e.single->geom.levels - 1, e.iova[i],
				 NB_PROT_R, &w);
		if (b->nested ? r.fault != 0 : w.fault != 0) {
			nb_bench_skip_with_error(st, "a mapped page did not translate");
			env_free(&e);
			return;
		}
	}
	set_lines = l1_set_lines_max(&e, b->nested, &ways);
	if (ways && set_lines > ways) {
		char msg[200];

		snprintf(msg, sizeof(msg),
			 "the tables are not L1-resident: %u lines fall in one set of a %u-way L1",
			 set_lines, ways);
		nb_bench_skip_with_error(st, msg);
		env_free(&e);
		return;
	}
	walk_block(&e, b->nested, &refs, 0);
	rpw = refs / WALKS;
	refs = 0;
	p = e.chase;
	while (nb_bench_keep_running(st)) {
		uint64_t t0 = nb_now_ns(), t1, t2;

		dep = walk_block(&e, b->nested, &refs, dep);
		t1 = nb_now_ns();
		p = chase_block(p, WALKS * rpw);
		t2 = nb_now_ns();
		t_walk += t1 - t0;
		t_chase += t2 - t1;
		best_walk = t1 - t0 < best_walk ? t1 - t0 : best_walk;
		best_chase = t2 - t1 < best_chase ? t2 - t1 : best_chase;
		walks += WALKS;
		loads += WALKS * rpw;
	}
	nb_bench_do_not_optimize((void *)p);
	if (walks && loads) {
		double walk_ns = (double)t_walk / (double)walks;
		double limit_ns = (double)t_chase / (double)loads * (double)rpw;

		nb_bench_counter(st, "refs_per_walk", (double)refs / (double)walks, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "walk_ns", walk_ns, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "limit_ns", limit_ns, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "ratio_to_limit", walk_ns / limit_ns, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "ratio_best", (double)best_walk / (double)best_chase, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "l1_set_lines_max", set_lines, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "l1d_ways", ways, NB_COUNTER_PLAIN);
		nb_bench_set_items_processed(st, (int64_t)walks);
	}
	env_free(&e);
}

void nb_pgwalk_register_ratio(void);

void nb_pgwalk_register_ratio(void)
{
	static const struct ratio_bench single = { .s1 = { .fmt = NB_FMT_X86_64, .ia_bits = 48 } };
	static const struct ratio_bench nested = { .s1 = { .fmt = NB_FMT_X86_64, .ia_bits = 48 },
						   .s2 = { .fmt = NB_FMT_VTDSS, .ia_bits = 48 },
						   .nested = true };

	nb_bench_register("pgwalk/ratio/single/x86_64-4lvl", bm_ratio, (void *)&single);
	nb_bench_register("pgwalk/ratio/nested/x86_64-4lvl+vtdss-4lvl", bm_ratio, (void *)&nested);
}
