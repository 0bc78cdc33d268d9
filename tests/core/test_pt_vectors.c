// SPDX-License-Identifier: MIT
/*
 * Formats against hand-computed references (pt_vectors.h: each vector was
 * derived from the architecture manuals and the documented encoding policy,
 * not from this code): descriptor encodings, decodings, geometries, and
 * walks over hand-built page-table images, single stage and nested.
 */
#include <string.h>

#include "nb_test.h"
#include "nestbench/walk.h"
#include "pt_vectors.h"

static struct nb_arena *arena;

static bool geom(const struct pt_geom_key *k, struct nb_pt_geom *g, const char *why)
{
	struct nb_pt_cfg cfg = { .fmt = k->fmt, .granule_lg2 = k->granule_lg2,
				 .ia_bits = k->ia_bits, .levels = k->levels };

	if (nb_pt_geom_init(g, &cfg)) {
		NBT_FAIL("geometry for '%s': %s", why, nb_errmsg());
		return false;
	}
	return true;
}

static void encodings(void)
{
	for (size_t i = 0; i < NB_ARRAY_SIZE(pt_enc_vectors); i++) {
		const struct pt_enc_vector *v = &pt_enc_vectors[i];
		struct nb_pt_geom g;
		uint64_t got;

		if (!geom(&v->g, &g, v->why))
			continue;
		got = v->leaf ? nb_pt_encode_leaf(&g, v->level, v->addr, v->prot)
			      : nb_pt_encode_table(&g, v->level, v->addr);
		CHECK_EQ(got, v->expect, "encode: %s", v->why);
	}
}

static enum pt_dec_kind kind_of(int r, const struct nb_pt_geom *g, int level, uint64_t d)
{
	if (r == 0)
		return nb_pt_classify(g, level, d) == NB_DESC_TABLE ? PT_DEC_TABLE : PT_DEC_LEAF;
	return r == -NB_FAULT_NOT_PRESENT ? PT_DEC_INVALID : PT_DEC_RESERVED;
}

static void decodings(void)
{
	for (size_t i = 0; i < NB_ARRAY_SIZE(pt_dec_vectors); i++) {
		const struct pt_dec_vector *v = &pt_dec_vectors[i];
		struct nb_pt_geom g;
		uint64_t addr;
		unsigned prot;
		int r;

		if (!geom(&v->g, &g, v->why))
			continue;
		r = nb_pt_decode(&g, v->level, v->desc, &addr, &prot);
		CHECK_EQ(kind_of(r, &g, v->level, v->desc), v->kind, "decode kind: %s", v->why);
		if (r == 0) {
			CHECK_EQ(addr, v->addr, "decode address: %s", v->why);
			CHECK_EQ(prot, v->prot, "decode permissions: %s", v->why);
		}
	}
}

static void geometries(void)
{
	for (size_t i = 0; i < NB_ARRAY_SIZE(pt_s2geom_vectors); i++) {
		const struct pt_s2geom_vector *v = &pt_s2geom_vectors[i];
		struct pt_geom_key k = { NB_FMT_ARM_S2, v->granule_lg2, v->ia_bits, 0 };
		struct nb_pt_geom g;

		if (!geom(&k, &g, v->why))
			continue;
		CHECK_EQ(g.levels, v->levels, "S2 levels: %s", v->why);
		CHECK_EQ(1u << g.root_concat_lg2, v->root_concat, "S2 concatenated roots: %s", v->why);
		CHECK_EQ(g.lv[g.levels - 1].index_bits, v->root_index_bits, "S2 root index: %s", v->why);
		CHECK_EQ(4 - g.levels, v->arm_start_level, "S2 start level: %s", v->why);
	}
	for (size_t i = 0; i < NB_ARRAY_SIZE(pt_geom_vectors); i++) {
		const struct pt_geom_vector *v = &pt_geom_vectors[i];
		struct nb_pt_geom g;

		if (!geom(&v->g, &g, v->why))
			continue;
		CHECK_EQ(g.levels, v->levels, "levels: %s", v->why);
		CHECK_EQ(g.lv[g.levels - 1].index_bits, v->root_index_bits, "root index: %s", v->why);
		CHECK_EQ(1u << g.root_concat_lg2, v->root_concat, "concat: %s", v->why);
		CHECK_EQ(nb_pt_pgsize_bitmap(&g), v->pgsize_bitmap, "pgsize bitmap: %s", v->why);
	}
}

static void load_image(const struct pt_write *w, size_t n)
{
	memset(arena->mem, 0, 64ull << 20);
	for (size_t i = 0; i < n; i++)
		atomic_store(nb_arena_u64(arena, w[i].pa), w[i].desc);
}

static void walks(void)
{
	for (size_t s = 0; s < NB_ARRAY_SIZE(pt_walk_scenarios); s++) {
		const struct pt_walk_scenario *sc = &pt_walk_scenarios[s];
		struct nb_pt_geom g;

		if (!geom(&sc->g, &g, sc->name))
			continue;
		load_image(sc->writes, sc->n_writes);
		for (size_t i = 0; i < sc->n_q; i++) {
			const struct pt_walk_query *q = &sc->q[i];
			struct nb_walk_result w;

			nb_walk1(&g, arena, sc->root_pa, g.levels - 1, q->ia, q->access, &w);
			CHECK_EQ(w.fault, q->fault, "%s: %s", sc->name, q->why);
			CHECK_EQ(w.refs, q->mem_refs, "%s: references: %s", sc->name, q->why);
			if (q->fault != PT_FAULT_NONE && q->fault != PT_FAULT_PERM && q->fault_level >= 0)
				CHECK_EQ(w.level, q->fault_level, "%s: fault level: %s", sc->name, q->why);
			if (q->fault == PT_FAULT_NONE) {
				CHECK_EQ(w.oa, q->oa, "%s: OA: %s", sc->name, q->why);
				CHECK_EQ(w.page_lg2, q->page_lg2, "%s: page: %s", sc->name, q->why);
				CHECK_EQ(w.prot, q->prot, "%s: prot: %s", sc->name, q->why);
			}
		}
	}
}

static void nested_walks(void)
{
	for (size_t s = 0; s < NB_ARRAY_SIZE(pt_nested_scenarios); s++) {
		const struct pt_nested_scenario *sc = &pt_nested_scenarios[s];
		struct nb_pt_geom g1, g2;
		struct nb_nest_ctx n;

		if (!geom(&sc->s1, &g1, sc->name) || !geom(&sc->s2, &g2, sc->name))
			continue;
		load_image(sc->writes, sc->n_writes);
		n = (struct nb_nest_ctx){ &g1, &g2, arena, sc->s1_root_ipa, sc->s2_root_pa };
		for (size_t i = 0; i < sc->n_q; i++) {
			const struct pt_nested_query *q = &sc->q[i];
			struct nb_walk_result r;

			nb_walk_nested(&n, q->ia, q->access, &r);
			CHECK_EQ(r.fault, q->fault, "%s: %s", sc->name, q->why);
			CHECK_EQ(r.refs, q->mem_refs, "%s: references: %s", sc->name, q->why);
			if (q->fault != PT_FAULT_NONE) {
				CHECK_EQ(r.fault_stage, q->fault_stage, "%s: stage: %s", sc->name, q->why);
				CHECK_EQ(r.fault_s1ptw, q->fault_on_s1_table_fetch, "%s: s1ptw: %s", sc->name,
					 q->why);
				if (q->fault != PT_FAULT_PERM)
					CHECK_EQ(r.level, q->fault_level, "%s: level: %s", sc->name, q->why);
			} else {
				CHECK_EQ(r.oa, q->oa, "%s: PA: %s", sc->name, q->why);
				CHECK_EQ(r.page_lg2, q->page_lg2, "%s: page: %s", sc->name, q->why);
				CHECK_EQ(r.prot, q->prot, "%s: prot: %s", sc->name, q->why);
			}
		}
	}
}

int main(void)
{
	if (nb_arena_create(&arena, 128ull << 20)) {
		fprintf(stderr, "arena: %s\n", nb_errmsg());
		return 1;
	}
	encodings();
	decodings();
	geometries();
	walks();
	nested_walks();
	nb_arena_destroy(arena);
	return nbt_done("test_pt_vectors");
}
