// SPDX-License-Identifier: MIT
/*
 * The unrolled 4k4 path (src/walk/walk_4k4.h) against the generic walker.
 *
 * The path follows only entries whose bits outside the address are exactly
 * what this project's encoders write, and hands everything else back. Two
 * claims, both checked here for every 4 KiB x 4-level pair of formats:
 *  - tables built by nb_domain_map are always exact: nbw4_nested and
 *    nbw4_stage finish the walk themselves, with the output address and
 *    read count computed by hand below, and the same result, field by
 *    field, as the traced (generic) walker;
 *  - an entry with one more bit that the architecture ignores in a table
 *    entry, or a stage-2 leaf of guest RAM with its dirty bit set (as the
 *    IOMMU sets it on a write), makes the path refuse, and the public walk
 *    (nb_walk_nested, nb_walk1) still returns the generic walker's result.
 * The bits, by hand from the specs: x86-64 bit 6 of a PML4E, PDPTE or PDE
 * referencing a table is ignored (Intel SDM vol. 3A, tables 4-15, 4-17,
 * 4-19); VT-d second-stage bits 6:3 of a non-leaf entry are ignored (VT-d
 * 9.8); AMD-Vi PDE bits 4:1 are ignored (AMD IOMMU spec 2.2.3, figure
 * "Page Directory Entry"); VMSAv8-64 table descriptor bits 11:2 are
 * ignored (Arm DDI0487 D8.3.1).
 */
#include <string.h>

#include "nb_test.h"
#include "walk/walk_4k4.h"
#include "nestbench/domain.h"

static struct nb_arena *arena;

struct fmt_case {
	struct nb_pt_cfg cfg;
	uint64_t ignored_table_bit; /* by hand, from the spec (see above) */
	const char *name;
};

static const struct fmt_case s1s[] = {
	{ { .fmt = NB_FMT_X86_64, .ia_bits = 48 }, 1ull << 6, "x86_64 4-level" },
	{ { .fmt = NB_FMT_ARM_S1, .granule_lg2 = 12, .ia_bits = 48 }, 1ull << 10, "arm_s1 4K/48" },
};

static const struct fmt_case s2s[] = {
	{ { .fmt = NB_FMT_VTDSS, .ia_bits = 48 }, 1ull << 3, "vtdss 4-level" },
	{ { .fmt = NB_FMT_AMDV1, .ia_bits = 48 }, 1ull << 1, "amdv1 4-level" },
	{ { .fmt = NB_FMT_ARM_S2, .granule_lg2 = 12, .ia_bits = 48 }, 1ull << 10, "arm_s2 4K/48" },
};

/* The address of one entry a traced walk read. */
struct pick {
	int stage, level;
	bool for_s1;
	enum nb_desc_kind kind;
	uint64_t pa; /* first match */
};

static void pick_step(void *user, const struct nb_walk_step *s)
{
	struct pick *p = user;

	if (!p->pa && s->stage == p->stage && s->level == p->level && s->for_s1_table == p->for_s1 &&
	    s->kind == p->kind)
		p->pa = s->table_pa + s->index * 8;
}

static bool same_result(const struct nb_walk_result *a, const struct nb_walk_result *b)
{
	return a->oa == b->oa && a->ipa == b->ipa && a->desc == b->desc && a->refs == b->refs &&
	       a->page_lg2 == b->page_lg2 && a->prot == b->prot && a->fault == b->fault &&
	       a->fault_stage == b->fault_stage && a->level == b->level &&
	       a->s1_leaf_level == b->s1_leaf_level && a->fault_s1ptw == b->fault_s1ptw;
}

static bool exact_nested(const struct nb_nest_ctx *n, uint64_t iova, unsigned access,
			 struct nb_walk_result *r)
{
	return nbw4_nested(&(const struct nbw_cursor){ .n = n, .ia = iova, .access = access,
						       .level = 3, .table = n->s1_root_ipa,
						       .s2 = nbw_s2_plain, .s2ctx = (void *)n },
			   3, r);
}

/* Flip `bit` in the entry at pa, walk both ways, flip it back. */
static void perturbed(const struct nb_nest_ctx *n, uint64_t pa, uint64_t bit, uint64_t iova,
		      const char *what)
{
	_Atomic uint64_t *slot = nb_arena_u64(n->arena, pa);
	struct nb_walk_result r, fast, ref;

	CHECK(pa != 0, "%s: entry found", what);
	if (!pa)
		return;
	atomic_fetch_xor(slot, bit);
	CHECK(!exact_nested(n, iova, NB_PROT_R, &fast), "%s: the exact path refuses it", what);
	nb_walk_nested(n, iova, NB_PROT_R, &r);
	nb_walk_nested_traced(n, iova, NB_PROT_R, &ref, NULL);
	CHECK(same_result(&r, &ref), "%s: nb_walk_nested = generic (oa %#llx / %#llx)", what,
	      (unsigned long long)r.oa, (unsigned long long)ref.oa);
	CHECK(ref.fault == NB_FAULT_NONE, "%s: still translates (fault %s)", what,
	      nb_fault_name((enum nb_fault)ref.fault));
	atomic_fetch_xor(slot, bit);
}

/*
 * s1 over s2 with guest RAM at ram_ipa (base pages when it is not 2 MiB
 * aligned, 2 MiB blocks when it is): a 4 KiB stage-1 page over a 4 KiB
 * stage-2 page; fetch_refs: the stage-2 reads per table fetch, by hand.
 */
static void nested_pair(const struct fmt_case *s1, const struct fmt_case *s2, uint64_t ram_ipa,
			unsigned fetch_refs)
{
	const uint64_t iova = 0x7f1234567000ull, data_ipa = 0x80000000ull, data_pa = 0x3000000000ull;
	struct nb_palloc host;
	struct nb_tspace host_ts;
	struct nb_domain *parent = NULL;
	struct nb_guest_ram ram;
	struct nb_nested *nest = NULL;
	struct nb_walk_result fast = { 0 }, r, ref;
	char what[160];

	snprintf(what, sizeof(what), "%s over %s, guest RAM at %#llx", s1->name, s2->name,
		 (unsigned long long)ram_ipa);
	memset(&ram, 0, sizeof(ram));
	CHECK(nb_palloc_init(&host, arena, 32ull << 20) == 0, "%s: host memory", what);
	host_ts = (struct nb_tspace){ .alloc = &host };
	if (nb_domain_alloc(&parent, &s2->cfg, arena, &host_ts) ||
	    nb_guest_ram_init(&ram, arena, parent, ram_ipa, 16ull << 20) ||
	    nb_nested_alloc(&nest, parent, &s1->cfg, &ram.ts) ||
	    nb_domain_map(parent, data_ipa, data_pa, 4096, NB_PROT_RW) ||
	    nb_domain_map(nest->s1, iova, data_ipa, 4096, NB_PROT_RW)) {
		NBT_FAIL("%s: setup: %s", what, nb_errmsg());
		goto out;
	}
	CHECK(nest->ctx.s1->walk_4k4 && nest->ctx.s2->walk_4k4, "%s: both 4k4", what);
	CHECK(exact_nested(&nest->ctx, iova + 0x18, NB_PROT_R, &fast), "%s: exact path finishes", what);
	nb_walk_nested_traced(&nest->ctx, iova + 0x18, NB_PROT_R, &ref, NULL);
	CHECK(same_result(&fast, &ref), "%s: exact = generic (oa %#llx / %#llx, refs %u / %u)", what,
	      (unsigned long long)fast.oa, (unsigned long long)ref.oa, fast.refs, ref.refs);
	CHECK_EQ(fast.oa, data_pa + 0x18, "%s: output address", what);
	/* 4 stage-1 reads, each after a fetch, and 4 reads for the final IPA */
	CHECK_EQ(fast.refs, 4 * (fetch_refs + 1) + 4, "%s: reads", what);
	CHECK_EQ(fast.prot & NB_PROT_RW, NB_PROT_RW, "%s: RW granted", what);
	/* a write the stage-1 leaf does not grant: refused, the generic walker
	 * reports the permission fault */
	nb_domain_map(nest->s1, iova + 0x1000, data_ipa, 4096, NB_PROT_R);
	nb_walk_nested(&nest->ctx, iova + 0x1000, NB_PROT_W, &r);
	CHECK(r.fault == NB_FAULT_PERM && r.fault_stage == 1, "%s: write to a read-only page: %s", what,
	      nb_fault_name((enum nb_fault)r.fault));

	/* one ignored bit in a stage-1 table entry (the level-2 one) */
	{
		struct pick p = { .stage = 1, .level = 2, .kind = NB_DESC_TABLE };
		const struct nb_walk_tracer t = { .step = pick_step, .user = &p };

		nb_walk_nested_traced(&nest->ctx, iova, NB_PROT_R, &r, &t);
		snprintf(what, sizeof(what), "%s over %s: stage-1 table entry with an ignored bit", s1->name,
			 s2->name);
		perturbed(&nest->ctx, p.pa, s1->ignored_table_bit, iova, what);
	}
	/* one in a stage-2 table entry on a table fetch's walk */
	{
		struct pick p = { .stage = 2, .level = 1, .for_s1 = true, .kind = NB_DESC_TABLE };
		const struct nb_walk_tracer t = { .step = pick_step, .user = &p };

		nb_walk_nested_traced(&nest->ctx, iova, NB_PROT_R, &r, &t);
		if (fetch_refs == 4) {
			snprintf(what, sizeof(what), "%s over %s: stage-2 table entry with an ignored bit",
				 s1->name, s2->name);
			perturbed(&nest->ctx, p.pa, s2->ignored_table_bit, iova, what);
		}
	}
	/* the dirty bit on the stage-2 leaf that maps a stage-1 table */
	if (nest->ctx.s2->fmt->dirty) {
		struct pick p = { .stage = 2, .level = fetch_refs == 4 ? 0 : 1, .for_s1 = true,
				  .kind = NB_DESC_LEAF };
		const struct nb_walk_tracer t = { .step = pick_step, .user = &p };

		nb_walk_nested_traced(&nest->ctx, iova, NB_PROT_R, &r, &t);
		snprintf(what, sizeof(what), "%s over %s: dirty stage-2 leaf of guest RAM", s1->name,
			 s2->name);
		perturbed(&nest->ctx, p.pa, nest->ctx.s2->fmt->dirty, iova, what);
	}
out:
	if (nest)
		nb_nested_free(nest);
	if (ram.size)
		nb_guest_ram_fini(&ram, parent);
	nb_domain_free(parent);
	nb_palloc_fini(&host);
}

/* Single stage: a 4 KiB and a 2 MiB leaf through exact tables, then one
 * table entry with an ignored bit. */
static void single(const struct fmt_case *c)
{
	const uint64_t iova = 0x7f1234567000ull, big = 0x7f1200000000ull;
	struct nb_palloc host;
	struct nb_tspace ts;
	struct nb_domain *d = NULL;
	struct nb_walk_result fast = { 0 }, r, ref;
	struct pick p = { .stage = 1, .level = 1, .kind = NB_DESC_TABLE };
	const struct nb_walk_tracer t = { .step = pick_step, .user = &p };

	CHECK(nb_palloc_init(&host, arena, 16ull << 20) == 0, "host memory");
	ts = (struct nb_tspace){ .alloc = &host };
	if (nb_domain_alloc(&d, &c->cfg, arena, &ts) ||
	    nb_domain_map(d, iova, 0x3000000000ull, 4096, NB_PROT_RW) ||
	    nb_domain_map(d, big, 0x3000200000ull, 2ull << 20, NB_PROT_R)) {
		NBT_FAIL("%s single: setup: %s", c->name, nb_errmsg());
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		uint64_t ia = i ? big + 0x12345 : iova + 0x18, want = i ? 0x3000212345ull : 0x3000000018ull;
		bool ok = nbw4_stage(&(const struct nbw_cursor){ .g = &d->geom, .m = nbw_mem_of(arena),
								 .ia = ia, .access = NB_PROT_R,
								 .table = d->root_pa, .level = 3,
								 .stage = 1, .full_prot = true },
				     3, &fast);

		CHECK(ok, "%s single %s: exact path finishes", c->name, i ? "2M" : "4K");
		nb_walk1_traced(&d->geom, arena, d->root_pa, 3, ia, NB_PROT_R, &ref, NULL);
		CHECK(ok && same_result(&fast, &ref), "%s single %s: exact = generic", c->name,
		      i ? "2M" : "4K");
		CHECK_EQ(fast.oa, want, "%s single %s: output address", c->name, i ? "2M" : "4K");
		CHECK_EQ(fast.refs, i ? 3u : 4u, "%s single %s: reads", c->name, i ? "2M" : "4K");
	}
	nb_walk1_traced(&d->geom, arena, d->root_pa, 3, iova, NB_PROT_R, &r, &t);
	CHECK(p.pa != 0, "%s single: level-1 table entry found", c->name);
	if (p.pa) {
		_Atomic uint64_t *slot = nb_arena_u64(arena, p.pa);

		atomic_fetch_xor(slot, c->ignored_table_bit);
		CHECK(!nbw4_stage(&(const struct nbw_cursor){ .g = &d->geom, .m = nbw_mem_of(arena),
							     .ia = iova, .access = NB_PROT_R,
							     .table = d->root_pa, .level = 3, .stage = 1,
							     .full_prot = true },
				  3, &fast),
		      "%s single: the exact path refuses an ignored bit", c->name);
		nb_walk1(&d->geom, arena, d->root_pa, 3, iova, NB_PROT_R, &r);
		nb_walk1_traced(&d->geom, arena, d->root_pa, 3, iova, NB_PROT_R, &ref, NULL);
		CHECK(same_result(&r, &ref) && r.fault == NB_FAULT_NONE,
		      "%s single: nb_walk1 = generic with an ignored bit", c->name);
		atomic_fetch_xor(slot, c->ignored_table_bit);
	}
out:
	nb_domain_free(d);
	nb_palloc_fini(&host);
}

int main(void)
{
	if (nb_arena_create(&arena, 1ull << 30)) {
		fprintf(stderr, "arena: %s\n", nb_errmsg());
		return 1;
	}
	for (size_t i = 0; i < NB_ARRAY_SIZE(s1s); i++)
		for (size_t j = 0; j < NB_ARRAY_SIZE(s2s); j++) {
			/* 64 KiB past a 2 MiB boundary: base pages, 4 reads per fetch */
			nested_pair(&s1s[i], &s2s[j], 0x40010000ull, 4);
			/* 2 MiB aligned (and its PA too, from the host allocator):
			 * 2 MiB blocks, 3 reads per fetch */
			nested_pair(&s1s[i], &s2s[j], 0x40000000ull, 3);
		}
	for (size_t i = 0; i < NB_ARRAY_SIZE(s1s); i++)
		single(&s1s[i]);
	single(&s2s[0]);
	single(&s2s[1]);
	single(&s2s[2]);
	nb_arena_destroy(arena);
	return nbt_done("test_walk_exact");
}
