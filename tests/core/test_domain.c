// SPDX-License-Identifier: MIT
/*
 * Paging domains against an independent reference: a list of mapped
 * intervals. Random maps and unmaps over every format configuration; after
 * each step, translations of probed IOVAs must agree with the reference.
 * Plus the hand-checked rules: largest-leaf choice, refusals that change
 * nothing, and the table-memory ratio.
 */
#include <errno.h>
#include <string.h>

#include "nb_test.h"
#include "nestbench/domain.h"

struct ival {
	uint64_t iova, size, pa;
	unsigned prot;
};

struct ref {
	struct ival v[4096];
	int n;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const struct ival *ref_find(const struct ref *r, uint64_t iova)
{
	for (int i = 0; i < r->n; i++)
		if (iova >= r->v[i].iova && iova - r->v[i].iova < r->v[i].size)
			return &r->v[i];
	return NULL;
}

static bool ref_overlaps(const struct ref *r, uint64_t iova, uint64_t size)
{
	for (int i = 0; i < r->n; i++)
		if (iova < r->v[i].iova + r->v[i].size && r->v[i].iova < iova + size)
			return true;
	return false;
}

static uint64_t ref_unmap(struct ref *r, uint64_t iova, uint64_t size)
{
	uint64_t end = iova + size, removed = 0;

	for (int i = 0; i < r->n; i++) {
		struct ival v = r->v[i];
		uint64_t vend = v.iova + v.size, lo, hi;

		if (end <= v.iova || vend <= iova)
			continue;
		lo = iova > v.iova ? iova : v.iova;
		hi = end < vend ? end : vend;
		removed += hi - lo;
		r->v[i] = r->v[--r->n];
		if (v.iova < lo)
			r->v[r->n++] = (struct ival){ v.iova, lo - v.iova, v.pa, v.prot };
		if (hi < vend)
			r->v[r->n++] = (struct ival){ hi, vend - hi, v.pa + (hi - v.iova), v.prot };
		i = -1; /* list changed: rescan */
	}
	return removed;
}

static struct nb_arena *arena;

static void probe(struct nb_domain *d, const struct ref *r, uint64_t iova, const char *ctx)
{
	const struct ival *v = ref_find(r, iova);
	struct nb_walk_result w;

	nb_walk1(&d->geom, arena, d->root_pa, d->geom.levels - 1, iova, 0, &w);
	if (!v) {
		CHECK(w.fault == NB_FAULT_NOT_PRESENT, "%s: %s iova %#llx unmapped in ref, walk fault %d oa %#llx",
		      ctx, d->geom.fmt->name, (unsigned long long)iova, w.fault,
		      (unsigned long long)w.oa);
		return;
	}
	CHECK(w.fault == NB_FAULT_NONE, "%s: %s iova %#llx mapped in ref, walk fault %s at %d", ctx,
	      d->geom.fmt->name, (unsigned long long)iova, nb_fault_name(w.fault), w.level);
	CHECK_EQ(w.oa, v->pa + (iova - v->iova), "%s: %s iova %#llx", ctx, d->geom.fmt->name,
		 (unsigned long long)iova);
	CHECK((w.prot & NB_PROT_RW) == (v->prot & NB_PROT_RW), "%s: prot %#x want %#x", ctx,
	      w.prot, v->prot);
}

static void probe_all(struct nb_domain *d, const struct ref *r, uint64_t window, const char *ctx)
{
	for (int i = 0; i < r->n; i++) {
		probe(d, r, r->v[i].iova, ctx);
		probe(d, r, r->v[i].iova + r->v[i].size - 1, ctx);
		probe(d, r, r->v[i].iova + (rnd() % r->v[i].size), ctx);
		probe(d, r, r->v[i].iova + r->v[i].size, ctx);
		if (r->v[i].iova)
			probe(d, r, r->v[i].iova - 1, ctx);
	}
	for (int i = 0; i < 64; i++)
		probe(d, r, rnd() % window, ctx);
}

/* A size made of n pages of one of the sizes the format maps. */
static uint64_t pick_size(const struct nb_domain *d)
{
	uint64_t bm = d->pgsize_bitmap;
	int sizes[8], n = 0;

	for (int b = 0; b < 64; b++)
		if ((bm & (1ull << b)) && b <= 30)
			sizes[n++] = b;
	int lg2 = sizes[rnd() % n];
	return (1 + rnd() % 3) << lg2;
}

static void random_ops(const struct nb_pt_cfg *cfg, const char *name)
{
	struct nb_palloc pal;
	struct nb_tspace ts = { .alloc = &pal };
	struct nb_domain *d;
	static struct ref r;
	uint64_t window;
	int ret;

	CHECK(nb_palloc_init(&pal, arena, 256ull << 20) == 0, "palloc: %s", nb_errmsg());
	ret = nb_domain_alloc(&d, cfg, arena, &ts);
	CHECK(ret == 0, "%s: alloc: %s", name, nb_errmsg());
	if (ret)
		return;
	r.n = 0;
	window = 1ull << (d->geom.ia_bits < 36 ? d->geom.ia_bits : 36);
	for (int step = 0; step < 600; step++) {
		uint64_t size = pick_size(d);
		unsigned lg2 = __builtin_ctzll(size);
		uint64_t iova = nb_align_down(rnd() % window, lg2);
		uint64_t pa;

		if (iova + size > window)
			continue;
		if (rnd() % 3) {
			unsigned prot = (rnd() & 1) ? NB_PROT_RW : NB_PROT_R;
			bool overlap = ref_overlaps(&r, iova, size);

			struct nb_map_seg seg[4];
			size_t nseg = 1;

			/* half the time PA shares IOVA's alignment, else only the granule's */
			pa = nb_align_down(rnd() % (1ull << 40), (rnd() & 1) ? lg2 : d->geom.granule_lg2);
			seg[0] = (struct nb_map_seg){ pa, size };
			if (rnd() & 1) {
				/* a scatter list: up to 4 pieces cut at granule multiples, each
				 * with a PA of its own */
				uint64_t left = size, granules = size >> d->geom.granule_lg2;

				for (nseg = 0; left && nseg < 4; nseg++) {
					uint64_t len = nseg == 3 ? left : ((rnd() % granules) + 1) << d->geom.granule_lg2;

					len = len > left ? left : len;
					seg[nseg] = (struct nb_map_seg){
						nb_align_down(rnd() % (1ull << 40), (rnd() & 1) ? lg2 : d->geom.granule_lg2),
						len };
					left -= len;
				}
				ret = nb_domain_map_sg(d, iova, seg, nseg, prot);
			} else {
				ret = nb_domain_map(d, iova, pa, size, prot);
			}
			if (overlap) {
				CHECK(ret == -EEXIST, "%s: overlapping map must be refused, got %d", name, ret);
				CHECK(strstr(nb_errmsg(), "overlaps") != NULL, "message: %s", nb_errmsg());
			} else {
				uint64_t at = iova;

				CHECK(ret == 0, "%s: map %#llx+%#llx (%zu pieces): %s", name, (unsigned long long)iova,
				      (unsigned long long)size, nseg, nb_errmsg());
				for (size_t k = 0; ret == 0 && k < nseg && r.n < 4000; at += seg[k++].len)
					r.v[r.n++] = (struct ival){ at, seg[k].len, seg[k].pa, prot };
			}
		} else {
			struct nb_gather g;
			int64_t got;

			nb_gather_init(&g);
			got = nb_domain_unmap(d, iova, size, &g);
			if (got == -EINVAL) {
				/* Must really cut a leaf: one boundary inside a bigger page. */
				struct nb_walk_result w1, w2;
				bool cut = false;

				CHECK(strstr(nb_errmsg(), "partial superpage") != NULL, "msg %s", nb_errmsg());
				nb_walk1(&d->geom, arena, d->root_pa, d->geom.levels - 1, iova, 0, &w1);
				nb_walk1(&d->geom, arena, d->root_pa, d->geom.levels - 1, iova + size - 1, 0, &w2);
				if (!w1.fault && !nb_aligned(iova, w1.page_lg2))
					cut = true;
				if (!w2.fault && !nb_aligned(iova + size, w2.page_lg2))
					cut = true;
				CHECK(cut, "%s: unmap %#llx+%#llx refused but no leaf is cut", name,
				      (unsigned long long)iova, (unsigned long long)size);
			} else {
				uint64_t want = ref_unmap(&r, iova, size);

				CHECK(got >= 0 && (uint64_t)got == want, "%s: unmap returned %lld want %llu",
				      name, (long long)got, (unsigned long long)want);
				CHECK(g.bytes == want, "gather bytes");
				if (want)
					CHECK(g.start >= iova && g.last <= iova + size - 1, "gather span");
			}
			nb_gather_release(d, &g);
		}
		if (step % 25 == 0)
			probe_all(d, &r, window, name);
	}
	probe_all(d, &r, window, name);
	/* Unmap the whole input space: every table but the root must be freed. */
	{
		struct nb_gather g;
		unsigned top = d->geom.fmt->ia_sign_extend ? d->geom.ia_bits - 1 : d->geom.ia_bits;
		uint64_t half = 1ull << (top - 1);
		int64_t got;

		nb_gather_init(&g);
		got = nb_domain_unmap(d, 0, half, &g);
		CHECK(got >= 0, "%s: final unmap %s", name, nb_errmsg());
		got = nb_domain_unmap(d, half, half, &g);
		CHECK(got >= 0, "%s: final unmap %s", name, nb_errmsg());
		nb_gather_release(d, &g);
		nb_rcu_barrier();
		CHECK_EQ(atomic_load(&d->tables), 1, "%s: tables left after unmapping everything", name);
		CHECK_EQ(atomic_load(&pal.bytes_in_use), nb_pt_table_bytes(&d->geom, d->geom.levels - 1),
			 "%s: allocator bytes after unmapping everything", name);
	}
	nb_domain_free(d);
	nb_palloc_fini(&pal);
}

/* Hand-derived: which leaf size the pgsize rule picks. */
static void leaf_choice(void)
{
	struct nb_palloc pal;
	struct nb_tspace ts = { .alloc = &pal };
	struct nb_pt_cfg cfg = { .fmt = NB_FMT_X86_64 };
	struct nb_domain *d;
	struct nb_walk_result w;
	struct {
		uint64_t iova, pa, size, probe;
		unsigned want_lg2;
	} cases[] = {
		{ 0x40000000, 0x80000000, 1ull << 30, 0x40000000, 30 },	 /* 1G aligned both */
		{ 0x80200000, 0x100200000, 4ull << 20, 0x80400000, 21 }, /* 2M aligned */
		{ 0x90200000, 0x100201000, 2ull << 20, 0x90200000, 12 }, /* PA only 4K aligned */
		{ 0xa0000000, 0x200000000, (2ull << 20) + 4096, 0xa0200000, 12 }, /* tail 4K */
		{ 0xa0000000, 0x200000000, 0, 0xa0000000, 21 },	 /* head of the above: 2M */
	};

	CHECK(nb_palloc_init(&pal, arena, 16ull << 20) == 0, "palloc");
	CHECK(nb_domain_alloc(&d, &cfg, arena, &ts) == 0, "alloc");
	for (size_t i = 0; i < NB_ARRAY_SIZE(cases); i++) {
		if (cases[i].size)
			CHECK(nb_domain_map(d, cases[i].iova, cases[i].pa, cases[i].size, NB_PROT_RW) == 0,
			      "map case %zu: %s", i, nb_errmsg());
		nb_walk1(&d->geom, arena, d->root_pa, d->geom.levels - 1, cases[i].probe, 0, &w);
		CHECK(w.fault == 0 && w.page_lg2 == cases[i].want_lg2, "case %zu: page_lg2 %u want %u", i,
		      w.page_lg2, cases[i].want_lg2);
	}
	/* Refusals, each leaving the mappings as they were. */
	CHECK(nb_domain_map(d, 0x1000, 0x2000, 0, NB_PROT_RW) == -EINVAL, "size 0");
	CHECK(nb_domain_map(d, 0x1800, 0x2000, 4096, NB_PROT_RW) == -EINVAL, "misaligned iova");
	CHECK(strstr(nb_errmsg(), "IOVA") != NULL, "names the IOVA: %s", nb_errmsg());
	CHECK(nb_domain_map(d, 0x1000, 0x2800, 4096, NB_PROT_RW) == -EINVAL, "misaligned pa");
	CHECK(nb_domain_map(d, 1ull << 47, 0, 4096, NB_PROT_RW) == -ERANGE, "non-canonical iova");
	CHECK(nb_domain_map(d, 0x1000, 1ull << 52, 4096, NB_PROT_RW) == -ERANGE, "pa above 52 bits");
	/* overlap in the middle of a multi-page map: first part must be rolled back */
	CHECK(nb_domain_map(d, 0x80200000 - 0x3000, 0x5000000, 0x5000, NB_PROT_RW) == -EEXIST,
	      "map running into the 2M leaf at 0x80200000");
	nb_walk1(&d->geom, arena, d->root_pa, d->geom.levels - 1, 0x80200000 - 0x3000, 0, &w);
	CHECK(w.fault == NB_FAULT_NOT_PRESENT, "rolled-back part of a refused map must be unmapped");
	/* A scatter list (hand-derived): 4K at PA 0x7000000, 8K at 0x7100000,
	 * then 2M at 0x7400000: the third piece starts 2M-aligned at IOVA
	 * 0xb0200000 with a 2M-aligned PA, so it is one 2M leaf. */
	{
		const struct nb_map_seg sg[] = { { 0x7000000, 0x1000 }, { 0x7100000, 0x2000 },
						 { 0x7400000, 2ull << 20 } };
		uint64_t got_pa;

		CHECK(nb_domain_map_sg(d, 0xb0200000 - 0x3000, sg, 3, NB_PROT_RW) == 0, "map_sg: %s",
		      nb_errmsg());
		CHECK(nb_domain_iova_to_phys(d, 0xb01fd010, &got_pa) == 0 && got_pa == 0x7000010, "sg piece 0");
		CHECK(nb_domain_iova_to_phys(d, 0xb01ff020, &got_pa) == 0 && got_pa == 0x7101020, "sg piece 1");
		CHECK(nb_domain_iova_to_phys(d, 0xb0300000, &got_pa) == 0 && got_pa == 0x7500000, "sg piece 2");
		nb_walk1(&d->geom, arena, d->root_pa, d->geom.levels - 1, 0xb0200000, 0, &w);
		CHECK(w.fault == 0 && w.page_lg2 == 21, "sg piece 2 is a 2M leaf: %u", w.page_lg2);
		/* refused for its second piece's misaligned PA, and for running into
		 * the 4K at 0xb01fd000 in the middle: nothing of either stays */
		const struct nb_map_seg bad[] = { { 0x8000000, 0x1000 }, { 0x8100800, 0x1000 } };
		CHECK(nb_domain_map_sg(d, 0xc0000000, bad, 2, NB_PROT_RW) == -EINVAL, "misaligned piece");
		CHECK(nb_domain_iova_to_phys(d, 0xc0000000, &got_pa) == -ENOENT, "nothing mapped");
		const struct nb_map_seg over[] = { { 0x9000000, 0x1000 }, { 0x9001000, 0x2000 } };
		CHECK(nb_domain_map_sg(d, 0xb01fc000, over, 2, NB_PROT_RW) == -EEXIST, "sg overlap");
		CHECK(nb_domain_iova_to_phys(d, 0xb01fc000, &got_pa) == -ENOENT, "sg rolled back");
		CHECK(nb_domain_iova_to_phys(d, 0xb01fd000, &got_pa) == 0 && got_pa == 0x7000000,
		      "the mapping it ran into is intact");
		/* 4K pieces across a leaf-table boundary (the cursor's table ends) */
		const struct nb_map_seg across[] = { { 0xa000000, 0x1000 }, { 0xa005000, 0x1000 },
						     { 0xa00a000, 0x1000 } };
		CHECK(nb_domain_map_sg(d, 0xd01ff000, across, 3, NB_PROT_RW) == 0, "across: %s", nb_errmsg());
		CHECK(nb_domain_iova_to_phys(d, 0xd0201000, &got_pa) == 0 && got_pa == 0xa00a000, "across end");
	}
	struct nb_gather g;
	uint64_t tables = atomic_load(&d->tables);
	nb_gather_init(&g);
	CHECK(nb_domain_unmap(d, 0x40000000, 2ull << 20, &g) == -EINVAL, "partial 1G unmap refused");
	CHECK(strstr(nb_errmsg(), "partial superpage") != NULL, "msg: %s", nb_errmsg());
	nb_walk1(&d->geom, arena, d->root_pa, d->geom.levels - 1, 0x40000000, 0, &w);
	CHECK(w.fault == 0 && w.oa == 0x80000000, "refused unmap left the 1G leaf");
	CHECK(nb_domain_unmap(d, 0x80200000, 4ull << 20, &g) == 4ll << 20, "2M x2 unmap");
	CHECK(g.pgsize_mask == (1ull << 21) && g.leaves == 2, "gather: two 2M leaves");
	nb_gather_release(d, &g);
	nb_rcu_barrier();
	CHECK(atomic_load(&d->tables) <= tables, "no table leak");
	uint64_t pa;
	CHECK(nb_domain_iova_to_phys(d, 0x40001234, &pa) == 0 && pa == 0x80001234, "iova_to_phys");
	CHECK(nb_domain_iova_to_phys(d, 0x80200000, &pa) == -ENOENT, "iova_to_phys unmapped");
	nb_domain_free(d);
	nb_palloc_fini(&pal);
}

int main(void)
{
	static const struct {
		struct nb_pt_cfg cfg;
		const char *name;
	} cfgs[] = {
		{ { .fmt = NB_FMT_X86_64, .ia_bits = 48 }, "x86_64/4lvl" },
		{ { .fmt = NB_FMT_X86_64, .ia_bits = 57 }, "x86_64/5lvl" },
		{ { .fmt = NB_FMT_VTDSS, .ia_bits = 39 }, "vtdss/3lvl" },
		{ { .fmt = NB_FMT_VTDSS, .ia_bits = 48 }, "vtdss/4lvl" },
		{ { .fmt = NB_FMT_VTDSS, .ia_bits = 57 }, "vtdss/5lvl" },
		{ { .fmt = NB_FMT_AMDV1, .ia_bits = 48 }, "amdv1/4lvl" },
		{ { .fmt = NB_FMT_AMDV1, .ia_bits = 64, .levels = 6 }, "amdv1/6lvl" },
		{ { .fmt = NB_FMT_ARM_S1, .granule_lg2 = 12 }, "arm_s1/4K" },
		{ { .fmt = NB_FMT_ARM_S1, .granule_lg2 = 14 }, "arm_s1/16K" },
		{ { .fmt = NB_FMT_ARM_S1, .granule_lg2 = 16 }, "arm_s1/64K" },
		{ { .fmt = NB_FMT_ARM_S2, .granule_lg2 = 12, .ia_bits = 40 }, "arm_s2/4K/40 (2 concat)" },
		{ { .fmt = NB_FMT_ARM_S2, .granule_lg2 = 14, .ia_bits = 40 }, "arm_s2/16K/40 (16 concat)" },
		{ { .fmt = NB_FMT_ARM_S2, .granule_lg2 = 16, .ia_bits = 48 }, "arm_s2/64K/48" },
	};

	if (nb_arena_create(&arena, 8ull << 30)) {
		fprintf(stderr, "arena: %s\n", nb_errmsg());
		return 1;
	}
	leaf_choice();
	for (size_t i = 0; i < NB_ARRAY_SIZE(cfgs); i++)
		random_ops(&cfgs[i].cfg, cfgs[i].name);
	nb_arena_destroy(arena);
	return nbt_done("test_domain");
}
