// SPDX-License-Identifier: MIT
/*
 * Nested walks: memory references over the format x level grid, checked
 * against (n+1)(m+1)-1 with n and m written down by hand per
 * configuration (not read back from the geometry); effective page size and
 * combined permissions; precise faults; iova_to_phys refused on nested.
 */
#include <errno.h>

#include "nb_test.h"
#include "nested_fixture.h"

static struct nb_arena *arena;

struct grid_cfg {
	struct nb_pt_cfg cfg;
	unsigned levels; /* by hand, from the spec */
	const char *name;
};

static const struct grid_cfg s1s[] = {
	{ { .fmt = NB_FMT_X86_64, .ia_bits = 48 }, 4, "x86_64 4-level" },
	{ { .fmt = NB_FMT_X86_64, .ia_bits = 57 }, 5, "x86_64 5-level" },
	{ { .fmt = NB_FMT_ARM_S1, .granule_lg2 = 12, .ia_bits = 48 }, 4, "arm_s1 4K/48" },
	{ { .fmt = NB_FMT_ARM_S1, .granule_lg2 = 12, .ia_bits = 39 }, 3, "arm_s1 4K/39" },
	{ { .fmt = NB_FMT_ARM_S1, .granule_lg2 = 14, .ia_bits = 48 }, 4, "arm_s1 16K/48" },
	{ { .fmt = NB_FMT_ARM_S1, .granule_lg2 = 16, .ia_bits = 48 }, 3, "arm_s1 64K/48" },
	{ { .fmt = NB_FMT_ARM_S1, .granule_lg2 = 16, .ia_bits = 42 }, 2, "arm_s1 64K/42" },
};

static const struct grid_cfg s2s[] = {
	{ { .fmt = NB_FMT_VTDSS, .ia_bits = 39 }, 3, "vtdss 3-level" },
	{ { .fmt = NB_FMT_VTDSS, .ia_bits = 48 }, 4, "vtdss 4-level" },
	{ { .fmt = NB_FMT_VTDSS, .ia_bits = 57 }, 5, "vtdss 5-level" },
	{ { .fmt = NB_FMT_AMDV1, .ia_bits = 48 }, 4, "amdv1 4-level" },
	{ { .fmt = NB_FMT_AMDV1, .ia_bits = 64, .levels = 6 }, 6, "amdv1 6-level" },
	{ { .fmt = NB_FMT_ARM_S2, .granule_lg2 = 12, .ia_bits = 40 }, 3, "arm_s2 4K/40 concat 2" },
	{ { .fmt = NB_FMT_ARM_S2, .granule_lg2 = 12, .ia_bits = 48 }, 4, "arm_s2 4K/48" },
	{ { .fmt = NB_FMT_ARM_S2, .granule_lg2 = 16, .ia_bits = 42 }, 2, "arm_s2 64K/42 concat 2" },
};

static void one(const struct grid_cfg *s1, const struct grid_cfg *s2)
{
	struct nested_fixture f;
	struct nb_walk_result r;
	unsigned g1 = s1->cfg.granule_lg2 ? s1->cfg.granule_lg2 : 12;
	unsigned g2 = s2->cfg.granule_lg2 ? s2->cfg.granule_lg2 : 12;
	uint64_t page = 1ull << (g1 > g2 ? g1 : g2);
	uint64_t iova = 0x12345ull * page, data_ipa = 0x80000000ull, data_pa = 0x3000000000ull;
	unsigned want = (s1->levels + 1) * (s2->levels + 1) - 1;

	if (nested_fixture_init(&f, arena, &s1->cfg, &s2->cfg)) {
		NBT_FAIL("%s over %s: setup: %s", s1->name, s2->name, nb_errmsg());
		return;
	}
	CHECK(nb_domain_map(f.s2, data_ipa, data_pa, page, NB_PROT_RW) == 0, "s2 map %s", nb_errmsg());
	CHECK(nb_domain_map(f.nest->s1, iova, data_ipa, page, NB_PROT_R) == 0, "s1 map %s", nb_errmsg());
	nb_walk_nested(&f.nest->ctx, iova + 0x10, NB_PROT_R, &r);
	CHECK(r.fault == NB_FAULT_NONE, "%s over %s: fault %s stage %d level %d s1ptw %d", s1->name,
	      s2->name, nb_fault_name(r.fault), r.fault_stage, r.level, r.fault_s1ptw);
	CHECK_EQ(r.refs, want, "%s over %s: (n+1)(m+1)-1 references", s1->name, s2->name);
	CHECK_EQ(r.oa, data_pa + 0x10, "%s over %s: final PA", s1->name, s2->name);
	CHECK_EQ(r.ipa, data_ipa + 0x10, "IPA");
	CHECK((r.prot & NB_PROT_RW) == NB_PROT_R, "prot combined: s1 read-only");
	/* Write: stage 1 grants only read -> stage-1 permission fault at the leaf. */
	nb_walk_nested(&f.nest->ctx, iova, NB_PROT_W, &r);
	CHECK(r.fault == NB_FAULT_PERM && r.fault_stage == 1 && r.level == 0,
	      "%s over %s: write: fault %d stage %d level %d", s1->name, s2->name, r.fault,
	      r.fault_stage, r.level);
	/* Unmapped IOVA: stage-1 not-present at the level where the walk stops. */
	nb_walk_nested(&f.nest->ctx, iova + (1ull << (g1 + (s1->levels - 1) * (g1 - 3))), NB_PROT_R, &r);
	CHECK(r.fault == NB_FAULT_NOT_PRESENT && r.fault_stage == 1, "unmapped: %d stage %d", r.fault,
	      r.fault_stage);
	/* Unmap the data page in stage 2: the final translation faults in stage 2. */
	{
		struct nb_gather g;

		nb_gather_init(&g);
		CHECK(nb_domain_unmap(f.s2, data_ipa, page, &g) == (int64_t)page, "s2 unmap");
		nb_gather_release(f.s2, &g);
	}
	nb_walk_nested(&f.nest->ctx, iova, NB_PROT_R, &r);
	CHECK(r.fault == NB_FAULT_NOT_PRESENT && r.fault_stage == 2 && !r.fault_s1ptw,
	      "%s over %s: s2 final fault: %d stage %d s1ptw %d", s1->name, s2->name, r.fault,
	      r.fault_stage, r.fault_s1ptw);
	CHECK_EQ(r.refs, want, "a stage-2 fault on the final IPA still made every read");
	{
		uint64_t pa;

		CHECK(nb_nested_iova_to_phys(f.nest, iova, &pa) == -EOPNOTSUPP,
		      "iova_to_phys on nested: not supported");
	}
	nested_fixture_fini(&f);
}

/* Effective page size: min of the stages; stage-2 fault on a table fetch. */
static void page_size_and_s1ptw(void)
{
	struct nb_pt_cfg s1 = { .fmt = NB_FMT_X86_64 }, s2 = { .fmt = NB_FMT_VTDSS };
	struct nested_fixture f;
	struct nb_walk_result r;

	CHECK(nested_fixture_init(&f, arena, &s1, &s2) == 0, "setup %s", nb_errmsg());
	/* 2M in stage 1 over 4K in stage 2 -> 4K; 2M over 1G -> 2M */
	CHECK(nb_domain_map(f.s2, 0x80000000, 0x100000000, 2ull << 20, NB_PROT_RW) == 0, "s2 map");
	nb_domain_map(f.s2, 0xc0000000, 0x180000000, 1ull << 30, NB_PROT_RW);
	CHECK(nb_domain_map(f.nest->s1, 0x200000, 0x80000000, 2ull << 20, NB_PROT_RW) == 0, "s1 2M");
	CHECK(nb_domain_map(f.nest->s1, 0x400000, 0xc0000000, 2ull << 20, NB_PROT_RW) == 0, "s1 2M b");
	nb_walk_nested(&f.nest->ctx, 0x200000 + 0x5000, NB_PROT_RW, &r);
	CHECK(r.fault == 0 && r.oa == 0x100005000, "2M over 2M-of-4K-pages oa %#llx", (unsigned long long)r.oa);
	CHECK(r.page_lg2 == 21, "s2 range mapped with 2M leaves (aligned): %u", r.page_lg2);
	nb_walk_nested(&f.nest->ctx, 0x400000 + 0x5000, NB_PROT_RW, &r);
	/* levels count from 0 at the 4K leaf: a 2M leaf is level 1 (PD), a 1G
	 * leaf level 2 (PDPT); Intel SDM vol. 3A 4.5, VT-d spec 3.7 */
	CHECK(r.fault == 0 && r.page_lg2 == 21 && r.level == 2 && r.s1_leaf_level == 1,
	      "2M over 1G: page %u s2 level %d s1 level %d", r.page_lg2, r.level, r.s1_leaf_level);
	CHECK(r.ipa == 0xc0005000, "2M over 1G: IPA %#llx", (unsigned long long)r.ipa);
	/* Stage 1 stops at its 2M leaf (PD): 3 reads, each after a 4-read stage-2
	 * walk of the table's IPA; the final IPA hits a 1G stage-2 leaf: 2 reads. */
	CHECK_EQ(r.refs, 3 * (4 + 1) + 2, "2M s1 over 1G s2");
	/* Pull guest RAM out of stage 2 under the stage-1 tables: s1ptw fault. */
	{
		struct nb_gather g;

		nb_gather_init(&g);
		nb_domain_unmap(f.s2, GUEST_RAM_IPA, 32ull << 20, &g);
		nb_gather_release(f.s2, &g);
	}
	nb_walk_nested(&f.nest->ctx, 0x200000, NB_PROT_R, &r);
	CHECK(r.fault == NB_FAULT_NOT_PRESENT && r.fault_stage == 2 && r.fault_s1ptw && r.s1_level == 3,
	      "s1 root fetch faults in stage 2: fault %d stage %d s1ptw %d s1 level %d", r.fault,
	      r.fault_stage, r.fault_s1ptw, r.s1_level);
	/* put it back for the fixture's teardown */
	nb_domain_map(f.s2, GUEST_RAM_IPA, f.ram.alloc.base, f.ram.size, NB_PROT_RW);
	nested_fixture_fini(&f);
}

/* The PA of the last leaf a walk read in `stage` (stage 2: for the final
 * IPA, not for a stage-1 table fetch). */
struct leaf_slot {
	int stage;
	uint64_t pa;
};

static void remember_leaf(void *user, const struct nb_walk_step *s)
{
	struct leaf_slot *ls = user;

	if (s->stage == ls->stage && !s->for_s1_table && s->kind == NB_DESC_LEAF)
		ls->pa = s->table_pa + s->index * 8;
}

/*
 * A leaf with a reserved bit set faults in its stage, whichever path the
 * walk takes (x86-64 over VT-d 4-level, both 4 KiB x 4 levels: the walker's
 * unrolled path, src/walk/walk_4k4.h). Bit 13 of an entry mapping 2 MiB is
 * reserved in both: Intel SDM vol. 3A 4.5.4, table 4-18 (PDE mapping a
 * 2-MByte page: bits 20:13 reserved); VT-d 9.8 (second-stage PDE mapping a
 * 2-MByte page: bits 20:12 reserved).
 */
static void reserved_leaf_bits(void)
{
	struct nb_pt_cfg s1 = { .fmt = NB_FMT_X86_64 }, s2 = { .fmt = NB_FMT_VTDSS };
	struct nested_fixture f;
	struct nb_walk_result r;

	CHECK(nested_fixture_init(&f, arena, &s1, &s2) == 0, "setup %s", nb_errmsg());
	CHECK(nb_domain_map(f.s2, 0x80000000, 0x100000000, 2ull << 20, NB_PROT_RW) == 0, "s2 map");
	CHECK(nb_domain_map(f.nest->s1, 0x200000, 0x80000000, 2ull << 20, NB_PROT_RW) == 0, "s1 2M");
	for (int stage = 1; stage <= 2; stage++) {
		struct leaf_slot ls = { .stage = stage };
		const struct nb_walk_tracer t = { .step = remember_leaf, .user = &ls };
		_Atomic uint64_t *slot;

		nb_walk_nested_traced(&f.nest->ctx, 0x200000 + 0x3000, NB_PROT_R, &r, &t);
		CHECK(r.fault == NB_FAULT_NONE && r.oa == 0x100003000 && ls.pa, "stage %d: leaf found",
		      stage);
		if (!ls.pa)
			continue;
		slot = nb_arena_u64(f.arena, ls.pa);
		atomic_fetch_or(slot, 1ull << 13);
		nb_walk_nested(&f.nest->ctx, 0x200000 + 0x3000, NB_PROT_R, &r);
		CHECK(r.fault == NB_FAULT_RESERVED && r.fault_stage == stage && r.level == 1 &&
			      !r.fault_s1ptw,
		      "stage %d 2M leaf with bit 13: fault %s stage %d level %d s1ptw %d", stage,
		      nb_fault_name((enum nb_fault)r.fault), r.fault_stage, r.level, r.fault_s1ptw);
		atomic_fetch_and(slot, ~(1ull << 13));
	}
	nested_fixture_fini(&f);
}

int main(void)
{
	if (nb_arena_create(&arena, 1ull << 30)) {
		fprintf(stderr, "arena: %s\n", nb_errmsg());
		return 1;
	}
	for (size_t i = 0; i < NB_ARRAY_SIZE(s1s); i++)
		for (size_t j = 0; j < NB_ARRAY_SIZE(s2s); j++)
			one(&s1s[i], &s2s[j]);
	page_size_and_s1ptw();
	reserved_leaf_bits();
	nb_arena_destroy(arena);
	return nbt_done("test_nested_refs");
}
