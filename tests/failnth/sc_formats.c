// SPDX-License-Identifier: MIT
/*
 * Fail-nth scenario: map and unmap on every page-table format of the
 * registry (nb_fmts), every granule it supports and every level count from
 * its minimum to its maximum (plus an ARM stage-2 root of concatenated
 * tables). One run: an arena and an allocator for the tables, a domain, a
 * page, a run of pages across two leaf tables, a superpage, pages at the
 * far end of the input space (a fresh path of tables from the root), then
 * unmaps of part of the run, of a whole leaf table's span (the table goes)
 * and of everything else, and the teardown.
 *
 * After every call, failed or not: the tables (nb_walk1) agree with the
 * reference map at every probe address, the domain's mapped bytes with the
 * reference's, its table count with the table pages its allocator has out;
 * after the teardown, the allocator has nothing out.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nestbench/domain.h"
#include "refmap.h"
#include "sweep.h"

#define MAX_CASES 40
#define PA_BASE 0x40000000ull

static struct fcase {
	struct nb_pt_cfg cfg;
	char name[48];
} cases[MAX_CASES];
static int ncases;

/* Every format x granule x level count, with the smallest input size that
 * needs those levels (a full root table); ARM stage 2 also with a root of
 * 16 concatenated tables. */
static int enumerate(void)
{
	if (ncases)
		return ncases;
	for (int f = 0; f < NB_FMT_COUNT; f++) {
		const struct nb_fmt *fmt = nb_fmts[f];

		for (unsigned g = 12; g <= 16; g += 2) {
			if (!(fmt->granules_lg2_mask & NB_BIT(g)))
				continue;
			for (unsigned l = fmt->min_levels; l <= fmt->max_levels; l++) {
				for (unsigned concat = 0; concat <= (fmt->concat_root ? 4u : 0u); concat += 4) {
					unsigned ia = g + l * (g - 3) + concat;
					struct nb_pt_cfg cfg = { .fmt = (enum nb_fmt_id)f, .granule_lg2 = (uint8_t)g,
								 .levels = (uint8_t)l };
					struct nb_pt_geom geo;

					ia = ia > fmt->max_ia_bits ? fmt->max_ia_bits : ia;
					cfg.ia_bits = (uint8_t)ia;
					if (ia < fmt->min_ia_bits || nb_pt_geom_init(&geo, &cfg) || ncases == MAX_CASES ||
					    (concat && !geo.root_concat_lg2))
						continue;
					cases[ncases].cfg = cfg;
					snprintf(cases[ncases].name, sizeof(cases[ncases].name),
						 "map/unmap %s %uK %u-level%s", fmt->name, 1u << (g - 10), l,
						 geo.root_concat_lg2 ? " concat" : "");
					ncases++;
				}
			}
		}
	}
	nb_errclear();
	return ncases;
}

static void case_name(int i, char *buf, size_t len)
{
	snprintf(buf, len, "%s", cases[i].name);
}

struct run {
	struct fn_ctx *c;
	struct nb_domain *d;
	struct nb_palloc *pal;
	struct refmap ref;
	uint64_t pg, blk, probes[64];
	int nprobes;
};

static void probe(struct run *r, uint64_t iova)
{
	if (r->nprobes < (int)NB_ARRAY_SIZE(r->probes))
		r->probes[r->nprobes++] = iova;
}

/* The tables against the reference, and the accounting. */
static void check(struct run *r, const char *after)
{
	const struct nb_pt_geom *g = &r->d->geom;

	fn_pause();
	for (int i = 0; i < r->nprobes; i++) {
		uint64_t iova = r->probes[i], pa = 0;
		unsigned prot = 0;
		bool mapped = ref_lookup(&r->ref, iova, &pa, &prot);
		struct nb_walk_result w;

		nb_walk1(g, r->d->arena, r->d->root_pa, g->levels - 1, iova, 0, &w);
		if (mapped)
			fn_check(r->c, !w.fault && w.oa == pa && (w.prot & NB_PROT_RW) == prot,
				 "after %s: IOVA %#llx: fault %u oa %#llx prot %u, reference %#llx prot %u", after,
				 (unsigned long long)iova, w.fault, (unsigned long long)w.oa, w.prot,
				 (unsigned long long)pa, prot);
		else
			fn_check(r->c, w.fault == NB_FAULT_NOT_PRESENT,
				 "after %s: IOVA %#llx: fault %u oa %#llx, reference: not mapped", after,
				 (unsigned long long)iova, w.fault, (unsigned long long)w.oa);
	}
	fn_check(r->c, atomic_load(&r->d->mapped_bytes) == ref_bytes(&r->ref),
		 "after %s: the domain counts %llu bytes mapped, the reference %llu", after,
		 (unsigned long long)atomic_load(&r->d->mapped_bytes), (unsigned long long)ref_bytes(&r->ref));
	/* (compared only with no deferred free in flight: the call_rcu thread
	 * updates the two one after the other) */
	if (!atomic_load(&r->d->deferred))
		fn_check(r->c, atomic_load(&r->d->tables) == atomic_load(&r->pal->blocks_in_use),
			 "after %s: the domain counts %llu tables, its allocator has %llu out", after,
			 (unsigned long long)atomic_load(&r->d->tables),
			 (unsigned long long)atomic_load(&r->pal->blocks_in_use));
	fn_resume();
}

static void map(struct run *r, uint64_t iova, uint64_t pa, uint64_t size, unsigned prot, const char *what)
{
	if (fn_ok(r->c, nb_domain_map(r->d, iova, pa, size, prot), what))
		ref_add(&r->ref, iova, pa, size, prot);
	check(r, what);
}

static void unmap(struct run *r, uint64_t iova, uint64_t size, const char *what)
{
	struct nb_gather gat;
	int64_t got;

	nb_gather_init(&gat);
	got = nb_domain_unmap(r->d, iova, size, &gat);
	nb_gather_release(r->d, &gat);
	if (fn_ok(r->c, got, what)) {
		uint64_t want = ref_overlap(&r->ref, iova, size);

		fn_check(r->c, (uint64_t)got == want, "%s: %lld bytes unmapped, the reference maps %llu", what,
			 (long long)got, (unsigned long long)want);
		ref_del(&r->ref, iova, size);
	}
	check(r, what);
}

static void run(struct fn_ctx *c, int i)
{
	struct nb_arena *arena = NULL;
	struct nb_palloc pal;
	struct run r = { .c = c, .pal = &pal };
	const struct nb_pt_geom *g;
	uint64_t ia_size, run0, far = 0, sp = 0, sp_size = 0;
	int sp_level = 0;

	if (!fn_ok(c, nb_arena_create(&arena, 64ull << 20), "arena create"))
		return;
	if (!fn_ok(c, nb_palloc_init(&pal, arena, 16ull << 20), "allocator init"))
		goto out_arena;
	if (!fn_ok(c, nb_domain_alloc(&r.d, &cases[i].cfg, arena, &(struct nb_tspace){ .alloc = &pal }),
		   "domain alloc"))
		goto out_pal;
	g = &r.d->geom;
	r.pg = 1ull << g->granule_lg2;
	r.blk = g->levels > 1 ? 1ull << g->lv[1].shift : r.pg * 16;
	ia_size = g->ia_bits >= 64 ? ~0ull : 1ull << g->ia_bits;
	for (int l = 1; l < g->levels && !sp_level; l++)
		if (g->lv[l].leaf_ok && (4ull << g->lv[l].shift) <= ia_size / 2)
			sp_level = l;
	run0 = r.blk - 8 * r.pg;
	probe(&r, r.pg);
	for (uint64_t k = 0; k < 22; k++)
		probe(&r, run0 - r.pg + k * r.pg);
	if (sp_level) {
		sp_size = 1ull << g->lv[sp_level].shift;
		sp = 2 * sp_size > 2 * r.blk ? 2 * sp_size : 2 * r.blk;
		probe(&r, sp);
		probe(&r, sp + sp_size - r.pg);
		probe(&r, sp + sp_size);
	}
	if (g->levels > 2)
		far = nb_align_down(ia_size / 4, g->lv[g->levels - 1].shift);
	if (far) {
		probe(&r, far);
		probe(&r, far + r.pg);
		probe(&r, far + 2 * r.pg);
	}
	check(&r, "domain alloc");

	map(&r, r.pg, PA_BASE + r.pg, r.pg, NB_PROT_RW, "map of one page");
	map(&r, run0, PA_BASE + 0x100000, 20 * r.pg, NB_PROT_RW, "map of a run across two leaf tables");
	if (sp_level)
		map(&r, sp, 4 * sp_size, sp_size, NB_PROT_R, "map of a superpage");
	if (far)
		map(&r, far, PA_BASE, 2 * r.pg, NB_PROT_R, "map at the far end (a new path of tables)");

	unmap(&r, run0 + 2 * r.pg, 4 * r.pg, "unmap of part of the run");
	if (g->levels > 1)
		unmap(&r, r.blk, r.blk, "unmap of a leaf table's whole span");
	if (far)
		unmap(&r, far, 1ull << g->lv[g->levels - 1].shift, "unmap of a root entry's span");
	if (sp_level)
		unmap(&r, sp, sp_size, "unmap of the superpage");
	unmap(&r, 0, 2 * r.blk, "unmap of the rest");
	/* (not the table count: tables wait for their grace period) */
	fn_digest(c, "mapped %llu\n", (unsigned long long)atomic_load(&r.d->mapped_bytes));
	nb_domain_free(r.d);
	fn_pause();
	fn_check(c, atomic_load(&pal.blocks_in_use) == 0, "after the domain's free, %llu table pages are still out",
		 (unsigned long long)atomic_load(&pal.blocks_in_use));
	fn_resume();
out_pal:
	nb_palloc_fini(&pal);
out_arena:
	nb_arena_destroy(arena);
}

static int count(void)
{
	return enumerate();
}

const struct fn_family fn_formats = {
	.name = "formats",
	.cases = count,
	.case_name = case_name,
	.run = run,
};
