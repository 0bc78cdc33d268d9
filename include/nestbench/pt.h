/* SPDX-License-Identifier: MIT */
/*
 * Page-table formats: one description per format, one walker for all.
 *
 * Glossary (used everywhere in nestbench; iommu.h has the IOMMU side's):
 *   level     0 is the leaf-most table (the one holding 4K pages with a 4K
 *             granule); the root is level (levels - 1). Vendor names are kept
 *             only for printing: x86 PT/PD/PDPT/PML4/PML5 = 0/1/2/3/4, ARM
 *             L3/L2/L1/L0 = 0/1/2/3, AMD-Vi "level N" = N - 1.
 *   table     one granule-sized array of 64-bit entries (the stage-2 root of
 *             ARM may be up to 16 concatenated tables: one "root table").
 *   entry     one 64-bit slot of a table; its value is a descriptor (desc).
 *   leaf      a valid entry that maps an output address: a page at level 0,
 *             a superpage/block above (2M, 1G, 32M, 512M ...).
 *   table entry  a valid entry that points to the next-level table.
 *   IA / OA   input / output address of one stage. Stage 1: IOVA -> IPA
 *             (or PA when single stage); stage 2: IPA -> PA.
 *   _lg2      log2 of the quantity (granule_lg2 = 12 for 4 KiB).
 *   last      inclusive upper bound; end: exclusive upper bound.
 *   geometry  a format instantiated with granule, IA size and level count
 *             (struct nb_pt_geom); formats are constant data (struct nb_fmt).
 */
#ifndef NESTBENCH_PT_H
#define NESTBENCH_PT_H

#include "nb.h"

#define NB_MAX_LEVELS 6

/* One per registered format, in registry order (fmt_list.h). */
enum nb_fmt_id {
#define NB_FMT_ENTRY(ID, name) NB_FMT_##ID,
#include "fmt_list.h"
#undef NB_FMT_ENTRY
	NB_FMT_COUNT
};

/* Index of a permission in the per-format permission tables. */
enum nb_perm { NB_PERM_R, NB_PERM_W, NB_PERM_X, NB_PERM_COUNT };

/* One permission of a descriptor: which bits, and what setting them means. */
struct nb_perm_bits {
	uint64_t mask;	 /* 0: the permission is implicit (always granted) */
	bool set_allows; /* true: all mask bits set grant it; false: any bit set denies it */
	uint64_t encode_extra; /* also set when granting (x86 D with W) */
};

/*
 * A format, as constant data. Each src/pt/fmt_*.c fills one in, citing its
 * spec; adding a format is one file and one line in src/pt/fmt_registry.c.
 */
struct nb_fmt {
	const char *name;
	const char *spec;	   /* where the layout comes from */
	uint32_t granules_lg2_mask; /* bit g set: granule 2^g supported */
	uint8_t min_ia_bits, max_ia_bits, max_oa_bits;
	uint8_t oa_field_last; /* top bit of the address field (bits above oa_bits: address size fault) */
	uint8_t min_levels, max_levels;
	bool ia_sign_extend; /* x86: IA must be canonical (sign-extended) */
	bool concat_root;    /* ARM stage 2: root may be concatenated tables */
	const char *level_names[NB_MAX_LEVELS]; /* vendor name of our level l */

	/* Levels that may hold a leaf, per granule: index 0/1/2 = 4K/16K/64K. */
	uint32_t leaf_levels[3];

	/* Classification (valid: any valid_mask bit set). Level > 0 only:
	 * table iff (d & table_mask) == table_match + level * table_match_step. */
	uint64_t valid_mask;
	uint64_t table_mask, table_match, table_match_step;
	/* leaf iff (d & leafN_mask) == leafN_match; leaf0 for level 0, leafN above */
	uint64_t leaf0_mask, leaf0_match, leafN_mask, leafN_match;
	/* Bits in the OA field of a leaf that are not address (x86 PAT at bit 12). */
	uint64_t leaf_oa_exempt;

	/* Encoding: bits always set in a table entry (plus level * table_step),
	 * in every leaf, and in leaves at level 0 / above level 0 only. */
	uint64_t table_bits, table_bits_step;
	uint64_t leaf_bits, leaf0_bits, leafN_bits;

	/* Permissions, R/W/X, of a leaf and of a table entry (hierarchical). */
	struct nb_perm_bits leaf_perm[NB_PERM_COUNT], table_perm[NB_PERM_COUNT];

	/* The leaf bit the IOMMU sets on a DMA write while dirty tracking is on
	 * (Linux iommu_dirty_ops reads and clears it); 0: no dirty tracking on
	 * this format. Unused by the walker: it never changes a translation. */
	uint64_t dirty;
};

extern const struct nb_fmt *const nb_fmts[NB_FMT_COUNT];

/* Look a format up by its name (nb_fmts[i]->name). */
int nb_fmt_by_name(const char *name, enum nb_fmt_id *out);
/* The registered formats' names, "x86_64, vtdss, ...", in buf (returned):
 * every message and help text that lists them takes them from here. */
const char *nb_fmt_list(char *buf, size_t len);

/* Everything the walker needs about one level, in one cache line. */
struct nb_pt_level {
	uint8_t shift;	    /* IA bit where this level's index starts = leaf page_lg2 */
	uint8_t leaf_ok;    /* a leaf may live here */
	uint8_t index_bits; /* bits of index (root: includes concatenation) */
	uint64_t index_mask;
	/* The walker's common case in one and+compare: (d & table_test_mask)
	 * == table_test_match iff d is a valid table entry with no address bit
	 * at or above oa_bits (never true at level 0). Beside shift and
	 * index_mask: what every level of a walk reads shares one cache line. */
	uint64_t table_test_mask, table_test_match;
	uint64_t table_mask, table_match; /* never matches at level 0 */
	uint64_t leaf_mask, leaf_match;
	uint64_t leaf_oa_mask; /* OA bits of a leaf at this level */
	uint64_t leaf_rsvd;    /* bits that must be 0 in a leaf here (OA below page) */
	uint64_t set_table, set_leaf; /* encoding: bits set in a table entry / leaf */
	/* The same for a leaf: (d & leaf_test_mask) == leaf_test_match only if
	 * d is a leaf the exact rules accept here (valid, leaf encoding, no
	 * reserved bit, not a table); it may refuse some they accept (never
	 * matches where the one test cannot be exact). */
	uint64_t leaf_test_mask, leaf_test_match;
	/* The unrolled walker's exact tests (src/walk/walk_4k4.h): an entry
	 * whose bits outside its address field are exactly table_exact (a
	 * table entry as nb_pt_encode_table writes it) or, under
	 * leaf_exact_mask, leaf_exact (a leaf as nb_pt_encode_leaf writes it
	 * for NB_PROT_RW) is that kind, and its address is the entry minus
	 * that constant. Unusable where the format's own encoding would not
	 * pass the one tests above: table_exact then has a bit inside the
	 * address field (and walk_4k4 is off), leaf_exact_mask is 0 and
	 * leaf_exact 1 (never matches). leaf_exact is unusable too where such
	 * a leaf under exact tables from the root would not grant read (its
	 * one use is a stage-1 table fetch, which asks read). */
	uint64_t table_exact, leaf_exact, leaf_exact_mask;
	/* -(table_exact + granule), -(leaf_exact + granule): what the
	 * unrolled walker adds to an entry for its one test (walk_4k4.h). */
	uint64_t table_probe, leaf_probe;
	/* The and and or of table_exact over the levels above this one up to
	 * the root: what a descent from the root through exact table entries
	 * grants the entry it reaches here (the walker's tand and tor). */
	uint64_t exact_tand, exact_tor;
};

/* A format instantiated for one address space. */
struct nb_pt_geom {
	enum nb_fmt_id id;
	const struct nb_fmt *fmt;
	uint8_t levels, granule_lg2, ia_bits, oa_bits;
	uint8_t root_concat_lg2; /* ARM S2: log2 of concatenated root tables */
	bool ia_sign_extend;	 /* fmt->ia_sign_extend, here for the walker */
	uint32_t leaf_levels;	 /* bit l set: level l may hold a leaf */
	uint64_t table_oa_mask;	 /* next-table address bits of a table entry */
	uint64_t oa_rsvd;	 /* address bits at or above oa_bits, must be 0 */
	uint64_t root_bytes;
	uint64_t valid_mask;
	/* Permission decode, hoisted from the format for the walker:
	 * granted = all allow bits set and no deny bit set. */
	uint64_t leaf_allow[NB_PERM_COUNT], leaf_deny[NB_PERM_COUNT];
	uint64_t table_allow[NB_PERM_COUNT], table_deny[NB_PERM_COUNT];
	struct nb_pt_level lv[NB_MAX_LEVELS];
	/* 4 levels of 512 entries over a 4 KiB granule, root not concatenated,
	 * usable exact table tests: the walker may take its unrolled path
	 * (src/walk/walk_4k4.h). Set once here, at init, so the walk tests one
	 * flag. exact_leaf0: level 0's leaf_exact is usable. */
	bool walk_4k4, exact_leaf0;
};

/* Parameters of a geometry. levels = 0 picks the fewest levels that cover
 * ia_bits (ARM stage 2: the fewest with at most 16 concatenated roots). */
/* When an ARM stage 2 with automatic levels concatenates its root. */
enum nb_s2_concat {
	/* The fewest levels whose root needs at most 16 tables (what the
	 * architecture allows; KVM's stage2_pgtable_levels). */
	NB_S2_CONCAT_FEWEST,
	/* Linux io-pgtable-arm, mainline: only where Arm DDI0487 makes it
	 * mandatory (arm_lpae_concat_mandatory: R_DXBSH, R_SRKBC) */
	NB_S2_CONCAT_LINUX_MANDATORY,
	/* Linux io-pgtable-arm up to 6.12 at least (arm_64_lpae_alloc_pgtable_s2):
	 * a root at level 0 with at most 16 entries becomes 16-or-fewer
	 * concatenated tables at level 1 */
	NB_S2_CONCAT_LINUX_OLD,
};

struct nb_pt_cfg {
	enum nb_fmt_id fmt;
	uint8_t granule_lg2; /* 0: 12 */
	uint8_t ia_bits;     /* 0: the format's default (48) */
	uint8_t oa_bits;     /* 0: the format's maximum */
	uint8_t levels;	     /* 0: automatic */
	uint8_t s2_concat;   /* enum nb_s2_concat, for automatic levels of a concat_root format */
};

int nb_pt_geom_init(struct nb_pt_geom *g, const struct nb_pt_cfg *cfg);

/* Bytes of one table at level l (the root may be concatenated). */
static inline uint64_t nb_pt_table_bytes(const struct nb_pt_geom *g, int l)
{
	return l == g->levels - 1 ? g->root_bytes : 1ull << g->granule_lg2;
}

/* Page size (log2) a leaf at level l maps. */
static inline unsigned nb_pt_page_lg2(const struct nb_pt_geom *g, int l)
{
	return g->lv[l].shift;
}

/* Bitmap of page sizes the geometry can map (like the kernel's pgsize_bitmap). */
uint64_t nb_pt_pgsize_bitmap(const struct nb_pt_geom *g);

/* Index of ia in the table at level l. */
static inline uint64_t nb_pt_index(const struct nb_pt_geom *g, int l, uint64_t ia)
{
	return (ia >> g->lv[l].shift) & ((1ull << g->lv[l].index_bits) - 1);
}

/* Is ia inside the geometry's input range? (x86: canonical) */
static inline bool nb_pt_ia_ok(const struct nb_pt_geom *g, uint64_t ia)
{
	if (g->ia_sign_extend) {
		unsigned s = 64 - g->ia_bits;
		return (uint64_t)(((int64_t)(ia << s)) >> s) == ia;
	}
	return g->ia_bits >= 64 || (ia >> g->ia_bits) == 0;
}

/* Encoders: the descriptor the format defines for a table entry / leaf. */
uint64_t nb_pt_encode_table(const struct nb_pt_geom *g, int level, uint64_t table_addr);
uint64_t nb_pt_encode_leaf(const struct nb_pt_geom *g, int level, uint64_t oa, unsigned prot);

/* Decoders, for printing and tests (the walker uses the same rules inline). */
enum nb_desc_kind {
	NB_DESC_INVALID, /* not valid: not present */
	NB_DESC_TABLE,
	NB_DESC_LEAF,
	NB_DESC_RESERVED, /* valid but an encoding the format forbids here */
};
enum nb_desc_kind nb_pt_classify(const struct nb_pt_geom *g, int level, uint64_t desc);
/* Permissions granted by a leaf descriptor alone / a table entry alone. */
unsigned nb_pt_leaf_prot(const struct nb_pt_geom *g, uint64_t desc);
unsigned nb_pt_table_prot(const struct nb_pt_geom *g, uint64_t desc);
/* Permissions table entries leave, given the AND and the OR of all of them. */
unsigned nb_pt_tables_prot(const struct nb_pt_geom *g, uint64_t and_d, uint64_t or_d);
/* Vendor name of level l ("PML4", "L1", ...). */
const char *nb_pt_level_name(const struct nb_pt_geom *g, int level);

#endif
