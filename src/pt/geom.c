// SPDX-License-Identifier: MIT
/*
 * Geometry: a format instantiated for one address space (granule, IA size,
 * levels), precomputed per level so the walker only does loads, shifts and
 * mask compares. Also the encoders and decoders the walker's rules imply.
 */
#include <errno.h>

#include "fmt.h"

static int granule_index(unsigned granule_lg2)
{
	return granule_lg2 == 12 ? 0 : granule_lg2 == 14 ? 1 : 2;
}

/* Arm DDI0487 (K.a) R_DXBSH, R_SRKBC as Linux's arm_lpae_concat_mandatory
 * reads them: with a start level of `start` (4 - levels), the initial
 * lookup must use concatenated tables one level down. */
static bool concat_mandatory(unsigned gr, unsigned start, unsigned ia, unsigned oa)
{
	if (gr == 14 && start == 0)
		return oa == 48 || ia == 48;
	if (gr == 12 && start == 0)
		return oa == 40 || oa == 42;
	return gr == 14 && start == 1 && oa == 40;
}

/* Levels needed to cover `need` IA bits above the granule; an ARM stage 2
 * may fold up to 4 bits (16 tables) into a concatenated root instead, as
 * the configuration's rule says (enum nb_s2_concat). */
static unsigned auto_levels(const struct nb_fmt *f, const struct nb_pt_cfg *cfg, unsigned gr,
			    unsigned ia, unsigned oa, unsigned need, unsigned bpl)
{
	unsigned plain = need > 0 ? (need + bpl - 1) / bpl : 1, levels = plain;

	if (f->concat_root) {
		switch ((enum nb_s2_concat)cfg->s2_concat) {
		case NB_S2_CONCAT_LINUX_MANDATORY:
			if (plain > 1 && plain <= 4 && concat_mandatory(gr, 4 - plain, ia, oa))
				levels = plain - 1;
			break;
		case NB_S2_CONCAT_LINUX_OLD:
			if (plain == 4 && need - 3 * bpl <= 4) /* level-0 root of <= 16 entries */
				levels = 3;
			break;
		default:
			levels = need > 4 ? (need - 4 + bpl - 1) / bpl : 1;
			break;
		}
	}
	return levels < f->min_levels ? f->min_levels : levels;
}

static int check_cfg(const struct nb_fmt *f, unsigned g, unsigned ia, unsigned oa)
{
	if (!(f->granules_lg2_mask & NB_BIT(g)))
		return nb_fail(EINVAL, "%s: granule 2^%u not supported", f->name, g);
	if (ia < f->min_ia_bits || ia > f->max_ia_bits)
		return nb_fail(EINVAL, "%s: ia_bits %u outside %u..%u", f->name, ia,
			       f->min_ia_bits, f->max_ia_bits);
	if (oa < 32 || oa > f->max_oa_bits)
		return nb_fail(EINVAL, "%s: oa_bits %u outside 32..%u", f->name, oa, f->max_oa_bits);
	return 0;
}

static void init_perm(const struct nb_perm_bits *p, uint64_t *allow, uint64_t *deny)
{
	for (int i = 0; i < NB_PERM_COUNT; i++) {
		allow[i] = p[i].set_allows ? p[i].mask : 0;
		deny[i] = p[i].set_allows ? 0 : p[i].mask;
	}
}

/* The leaf's one test: every valid bit set, the leaf encoding, no reserved
 * bit. Exact only if the encoding asks no valid bit to be 0 and the table
 * encoding is decided by the bits it tests; otherwise it never matches. */
static void init_leaf_test(const struct nb_pt_geom *g, struct nb_pt_level *lv)
{
	uint64_t mask = lv->leaf_mask | g->valid_mask | lv->leaf_rsvd;
	uint64_t match = lv->leaf_match | g->valid_mask;
	bool exact = g->valid_mask && !(lv->leaf_mask & g->valid_mask & ~lv->leaf_match) &&
		     !(lv->leaf_match & lv->leaf_rsvd) && (lv->leaf_match & ~lv->leaf_mask) == 0 &&
		     (lv->table_mask & ~mask) == 0 && (match & lv->table_mask) != lv->table_match;

	lv->leaf_test_mask = exact ? mask : 0;
	lv->leaf_test_match = exact ? match : 1;
}

static uint64_t encode_perm(const struct nb_perm_bits *p, unsigned prot)
{
	uint64_t d = 0;

	for (int i = 0; i < NB_PERM_COUNT; i++) {
		bool want = prot & (1u << i);

		if (want)
			d |= p[i].encode_extra;
		if (want == p[i].set_allows)
			d |= p[i].mask;
	}
	return d;
}

/* The exact tests (pt.h: table_exact, leaf_exact): this format's own
 * encodings, kept only where they pass the one tests, so that an exact
 * match implies everything those check. Otherwise unusable: a table value
 * with a bit in the address field (usable_exact_tables says no fast walk
 * then), and a leaf test that never matches (mask 0, value 1). */
static void init_exact_tests(const struct nb_pt_geom *g, struct nb_pt_level *lv)
{
	uint64_t table = lv->set_table, leaf = lv->set_leaf | encode_perm(g->fmt->leaf_perm, NB_PROT_RW);
	bool leaf_ok = lv->leaf_test_mask && lv->leaf_oa_mask && !(leaf & lv->leaf_oa_mask) &&
		       (leaf & lv->leaf_test_mask) == lv->leaf_test_match;

	lv->table_exact = lv->table_test_mask && !(table & g->table_oa_mask) &&
				  (table & lv->table_test_mask) == lv->table_test_match
			  ? table
			  : g->table_oa_mask & -g->table_oa_mask;
	lv->leaf_exact = leaf_ok ? leaf : 1;
	lv->leaf_exact_mask = leaf_ok ? ~lv->leaf_oa_mask : 0;
}

/* Are the table encodings of levels 1 .. levels - 1 all usable exact tests
 * (an unusable one has a bit in the address field)? */
static bool usable_exact_tables(const struct nb_pt_geom *g)
{
	for (int l = 1; l < g->levels; l++)
		if (g->lv[l].table_exact & g->table_oa_mask)
			return false;
	return true;
}

/* What exact tables from the root grant each level (pt.h: exact_tand,
 * exact_tor); and leaf_exact only where such a leaf, under them, grants
 * read: what a stage-1 table fetch asks, so the walker need not ask. */
static void init_exact_walks(struct nb_pt_geom *g)
{
	int root = g->levels - 1;

	g->lv[root].exact_tand = ~0ull;
	g->lv[root].exact_tor = 0;
	for (int l = root - 1; l >= 0; l--) {
		g->lv[l].exact_tand = g->lv[l + 1].exact_tand & g->lv[l + 1].table_exact;
		g->lv[l].exact_tor = g->lv[l + 1].exact_tor | g->lv[l + 1].table_exact;
	}
	for (int l = 0; l <= root; l++) {
		struct nb_pt_level *lv = &g->lv[l];

		if (lv->leaf_exact_mask && (!(nb_pt_leaf_prot(g, lv->leaf_exact) & NB_PROT_R) ||
					    !(nb_pt_tables_prot(g, lv->exact_tand, lv->exact_tor) & NB_PROT_R))) {
			lv->leaf_exact = 1;
			lv->leaf_exact_mask = 0;
		}
		lv->table_probe = 0 - lv->table_exact - (1ull << g->granule_lg2);
		lv->leaf_probe = 0 - lv->leaf_exact - (1ull << g->granule_lg2);
	}
	/* the level-0 leaf's test is the probe's, which needs the value usable */
	g->exact_leaf0 = g->lv[0].leaf_exact_mask != 0;
}

static void init_level(struct nb_pt_geom *g, int l, unsigned index_bits)
{
	const struct nb_fmt *f = g->fmt;
	struct nb_pt_level *lv = &g->lv[l];
	unsigned gr = g->granule_lg2;

	lv->shift = gr + l * (gr - 3);
	lv->index_bits = index_bits;
	lv->index_mask = (1ull << index_bits) - 1;
	lv->leaf_ok = !!(g->leaf_levels & NB_BIT(l));
	if (l == 0) {
		lv->table_mask = 0; /* never a table: 0 != 1 */
		lv->table_match = 1;
		lv->leaf_mask = f->leaf0_mask;
		lv->leaf_match = f->leaf0_match;
	} else {
		lv->table_mask = f->table_mask;
		lv->table_match = f->table_match + l * f->table_match_step;
		lv->leaf_mask = f->leafN_mask;
		lv->leaf_match = f->leafN_match;
		lv->set_table = f->table_bits + l * f->table_bits_step;
	}
	if (!lv->leaf_ok) {
		lv->leaf_mask = 0; /* never a leaf: a leaf-shaped entry is reserved */
		lv->leaf_match = 1;
	}
	lv->set_leaf = f->leaf_bits | (l ? f->leafN_bits : f->leaf0_bits);
	lv->leaf_oa_mask = NB_GENMASK(g->oa_bits - 1, lv->shift);
	lv->leaf_rsvd = g->oa_rsvd;
	if (lv->shift > gr)
		lv->leaf_rsvd |= NB_GENMASK(lv->shift - 1, gr) & ~f->leaf_oa_exempt;
	/* Level 0 holds no tables: its test stays unmatchable (0 != 1); the
	 * extra valid bits of the combined test could otherwise hide that. */
	lv->table_test_mask = l ? lv->table_mask | g->valid_mask | g->oa_rsvd : 0;
	lv->table_test_match = l ? lv->table_match | g->valid_mask : 1;
	init_leaf_test(g, lv);
	init_exact_tests(g, lv);
}

int nb_pt_geom_init(struct nb_pt_geom *g, const struct nb_pt_cfg *cfg)
{
	const struct nb_fmt *f;
	unsigned gr, ia, oa, bpl, need, levels, root_bits;
	int ret;

	if ((unsigned)cfg->fmt >= NB_FMT_COUNT)
		return nb_fail(EINVAL, "page-table format id %d unknown", (int)cfg->fmt);
	f = nb_fmts[cfg->fmt];
	gr = cfg->granule_lg2 ? cfg->granule_lg2 : 12;
	ia = cfg->ia_bits ? cfg->ia_bits : 48;
	oa = cfg->oa_bits ? cfg->oa_bits : f->max_oa_bits;
	ret = check_cfg(f, gr, ia, oa);
	if (ret)
		return ret;
	bpl = gr - 3;
	need = ia - gr;
	levels = cfg->levels ? cfg->levels : auto_levels(f, cfg, gr, ia, oa, need, bpl);
	if (levels < f->min_levels || levels > f->max_levels)
		return nb_fail(EINVAL, "%s: %u levels outside %u..%u", f->name, levels,
			       f->min_levels, f->max_levels);
	if ((levels - 1) * bpl >= need)
		return nb_fail(EINVAL, "%s: %u levels is too many for %u-bit input", f->name,
			       levels, ia);
	root_bits = need - (levels - 1) * bpl;
	if (root_bits > bpl + (f->concat_root ? 4u : 0u))
		return nb_fail(EINVAL, "%s: %u levels cannot cover %u-bit input%s", f->name,
			       levels, ia,
			       f->concat_root ? " (needs more than 16 concatenated root tables)" : "");
	if (f->ia_sign_extend && root_bits != bpl)
		return nb_fail(EINVAL, "%s: ia_bits must be %u for %u levels", f->name,
			       gr + levels * bpl, levels);

	*g = (struct nb_pt_geom){
		.id = cfg->fmt,
		.fmt = f,
		.levels = levels,
		.granule_lg2 = gr,
		.ia_bits = ia,
		.oa_bits = oa,
		.root_concat_lg2 = root_bits > bpl ? root_bits - bpl : 0,
		.ia_sign_extend = f->ia_sign_extend,
		.leaf_levels = f->leaf_levels[granule_index(gr)] & (NB_BIT(levels) - 1),
		.table_oa_mask = NB_GENMASK(oa - 1, gr),
		.valid_mask = f->valid_mask,
	};
	if (f->oa_field_last >= oa)
		g->oa_rsvd = NB_GENMASK(f->oa_field_last, oa);
	if (gr == 16 && f->oa_field_last < 51)
		g->oa_rsvd |= NB_GENMASK(15, 12); /* 64K granule: OA[51:48] without FEAT_LPA */
	g->root_bytes = 8ull << root_bits;
	if (g->root_bytes < (1ull << gr))
		g->root_bytes = 1ull << gr;
	init_perm(f->leaf_perm, g->leaf_allow, g->leaf_deny);
	init_perm(f->table_perm, g->table_allow, g->table_deny);
	for (unsigned l = 0; l < levels; l++)
		init_level(g, l, l == levels - 1 ? root_bits : bpl);
	init_exact_walks(g);
	g->walk_4k4 = levels == 4 && gr == 12 && root_bits == bpl && usable_exact_tables(g);
	return 0;
}

uint64_t nb_pt_pgsize_bitmap(const struct nb_pt_geom *g)
{
	uint64_t m = 0;

	for (int l = 0; l < g->levels; l++)
		if (g->lv[l].leaf_ok)
			m |= NB_BIT(g->lv[l].shift);
	return m;
}

uint64_t nb_pt_encode_table(const struct nb_pt_geom *g, int level, uint64_t table_addr)
{
	return g->lv[level].set_table | (table_addr & g->table_oa_mask);
}

uint64_t nb_pt_encode_leaf(const struct nb_pt_geom *g, int level, uint64_t oa, unsigned prot)
{
	return g->lv[level].set_leaf | (oa & g->lv[level].leaf_oa_mask) |
	       encode_perm(g->fmt->leaf_perm, prot);
}

enum nb_desc_kind nb_pt_classify(const struct nb_pt_geom *g, int level, uint64_t d)
{
	const struct nb_pt_level *lv = &g->lv[level];

	if (!(d & g->valid_mask))
		return NB_DESC_INVALID;
	if ((d & lv->table_mask) == lv->table_match)
		return NB_DESC_TABLE;
	if ((d & lv->leaf_mask) == lv->leaf_match)
		return NB_DESC_LEAF;
	return NB_DESC_RESERVED;
}

static unsigned decode_perm(const uint64_t *allow, const uint64_t *deny, uint64_t and_d,
			    uint64_t or_d)
{
	unsigned prot = 0;

	for (int i = 0; i < NB_PERM_COUNT; i++)
		if ((and_d & allow[i]) == allow[i] && !(or_d & deny[i]))
			prot |= 1u << i;
	return prot;
}

unsigned nb_pt_leaf_prot(const struct nb_pt_geom *g, uint64_t d)
{
	return decode_perm(g->leaf_allow, g->leaf_deny, d, d);
}

unsigned nb_pt_table_prot(const struct nb_pt_geom *g, uint64_t d)
{
	return decode_perm(g->table_allow, g->table_deny, d, d);
}

unsigned nb_pt_tables_prot(const struct nb_pt_geom *g, uint64_t and_d, uint64_t or_d)
{
	return decode_perm(g->table_allow, g->table_deny, and_d, or_d);
}

const char *nb_pt_level_name(const struct nb_pt_geom *g, int level)
{
	if (level < 0 || level >= NB_MAX_LEVELS || !g->fmt->level_names[level])
		return "?";
	return g->fmt->level_names[level];
}
