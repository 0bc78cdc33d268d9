// SPDX-License-Identifier: MIT
/*
 * Fuzz target: arbitrary bytes become page tables, and the walker walks them.
 *
 * Input layout (every read past the end is 0):
 *   mode      bits 0-1: 0/1 single stage, 2/3 nested (stage 1 over stage 2);
 *             bit 2: table pool at the top of the arena (its last slot ends
 *             where the walker's limit is) instead of the bottom;
 *             bit 3: stage-1 table addresses are IPAs 1 GiB above the pool
 *             (nested only: stage 2 must move them back)
 *   access    enum nb_prot asked for by every walk (low 3 bits)
 *   geometry  per stage (stage 1 or the single stage first): format, granule,
 *             ia, levels, oa bytes (see pick_geom)
 *   keys      4 x u64: addresses used to place entries and walked at the end
 *   ops       until an op byte with low 3 bits 7, or 64 ops: op (bits 0-2
 *             kind, bit 3 stage-2 geometry when nested), slot, position,
 *             level, then the kind's operands; each writes one descriptor
 *             (raw, a table entry to a pool slot, a leaf, or a bit flip) into
 *             a slot of the pool at an index given raw or as "the index key K
 *             (or the address of pool slot S) has at level L"
 *   iovas     the rest, 8 bytes each: more addresses to walk (at most 8)
 *
 * Checks, for every walk: no crash and no read outside the arena (everything
 * past the walker's limit + the largest table is mprotect()ed away; ASan
 * watches the rest); the result equals a reference walk written here from
 * nb_pt_decode/nb_pt_classify; fault == NONE implies an OA inside oa_bits and
 * a page size the geometry allows at that level; refs <= levels (single) or
 * (levels + 1) * (s2 levels + 1) - 1 (nested); the traced walk reports one
 * step per read with the descriptor actually in memory, classified as
 * nb_pt_classify does, and nb_pt_decode's fault kind agrees with it;
 * nb_walk_nested_from from a table the reference reached gives the same
 * translation with the reads above it saved.
 */
#include <string.h>
#include <sys/mman.h>

#include "fuzz_input.h"
#include "nestbench/walk.h"

#define ARENA_SIZE (16ull << 20)
#define NSLOTS 8
#define MAX_OPS 64
#define MAX_EXTRA_IOVAS 8
#define IPA_OFF (1ull << 30)
#define LARGEST_TABLE (1ull << 20) /* 16 concatenated 64K tables */

static struct nb_arena *arena;
static uint64_t limit; /* a table must start below this (walk_core.h) */

static void setup_once(void)
{
	uint8_t *lo, *end;

	if (arena)
		return;
	FZ_CHECK(nb_arena_create(&arena, ARENA_SIZE) == 0, "arena: %s", nb_errmsg());
	limit = arena->size - NB_ARENA_GUARD;
	/* Guard pages: a table starting below `limit` may extend LARGEST_TABLE
	 * past it; nothing beyond may ever be read. Also nothing below mem. */
	lo = arena->mem + limit + LARGEST_TABLE;
	end = (uint8_t *)arena->map + arena->map_len;
	FZ_CHECK(mprotect(lo, (size_t)(end - lo), PROT_NONE) == 0, "mprotect tail");
	if (arena->mem > (uint8_t *)arena->map)
		FZ_CHECK(mprotect(arena->map, (size_t)(arena->mem - (uint8_t *)arena->map), PROT_NONE) == 0,
			 "mprotect head");
}

/* ---- geometry from bytes ---- */

static bool pick_geom(struct fz *in, struct nb_pt_geom *g)
{
	enum nb_fmt_id id = (enum nb_fmt_id)(fz_u8(in) % NB_FMT_COUNT);
	const struct nb_fmt *f = nb_fmts[id];
	uint8_t gb = fz_u8(in), ib = fz_u8(in), lb = fz_u8(in), ob = fz_u8(in);
	static const uint8_t granules[3] = { 12, 14, 16 };
	struct nb_pt_cfg c = { .fmt = id };

	c.granule_lg2 = granules[gb % 3];
	if (!(f->granules_lg2_mask & NB_BIT(c.granule_lg2)))
		c.granule_lg2 = 12;
	c.ia_bits = (uint8_t)(f->min_ia_bits + ib % (f->max_ia_bits - f->min_ia_bits + 1));
	c.levels = (uint8_t)(lb % (f->max_levels + 1)); /* 0: automatic */
	c.oa_bits = ob & 1 ? (uint8_t)(32 + (ob >> 1) % (f->max_oa_bits - 31)) : 0;
	if (nb_pt_geom_init(g, &c) == 0)
		return true;
	FZ_CHECK(nb_errmsg()[0], "geometry refused without a message");
	c.levels = 0;
	if (nb_pt_geom_init(g, &c) == 0)
		return true;
	c.ia_bits = 0;
	return nb_pt_geom_init(g, &c) == 0;
}

/* ---- the reference walker: nb_pt_decode + nb_pt_classify, step by step ---- */

struct ref {
	uint8_t fault, stage, page_lg2, prot;
	int8_t level;
	bool s1ptw;
	int8_t s1_level;
	uint64_t oa, ipa, desc;
	uint32_t refs;
	/* nested: stage-1 table PA read at each level, and the reads made
	 * before that read (for nb_walk_nested_from) */
	uint64_t s1_table_pa[NB_MAX_LEVELS];
	uint32_t refs_before[NB_MAX_LEVELS];
	uint8_t prot_above[NB_MAX_LEVELS]; /* what the table entries above allow */
	bool reached[NB_MAX_LEVELS];
};

static uint64_t read_desc(uint64_t table_pa, uint64_t index)
{
	uint64_t pa = table_pa + index * 8;

	/* The walker's bound (a table starts below limit) must keep every
	 * entry inside the arena: the largest table fits in the guard. */
	FZ_CHECK(pa + 8 <= arena->size, "entry at %#llx outside the %#llx-byte arena",
		 (unsigned long long)pa, (unsigned long long)arena->size);
	return atomic_load_explicit(nb_arena_u64(arena, pa), memory_order_relaxed);
}

/* nb_pt_decode's verdict must agree with nb_pt_classify's (separately written). */
static void check_kinds(const struct nb_pt_geom *g, int l, uint64_t d, int rc)
{
	enum nb_desc_kind k = nb_pt_classify(g, l, d);

	switch (k) {
	case NB_DESC_INVALID:
		FZ_CHECK(rc == -NB_FAULT_NOT_PRESENT, "%s L%d desc %#llx: classify invalid, decode %d",
			 g->fmt->name, l, (unsigned long long)d, rc);
		break;
	case NB_DESC_RESERVED:
		FZ_CHECK(rc == -NB_FAULT_RESERVED, "%s L%d desc %#llx: classify reserved, decode %d",
			 g->fmt->name, l, (unsigned long long)d, rc);
		break;
	case NB_DESC_TABLE:
		FZ_CHECK(l > 0 && (rc == 0 || rc == -NB_FAULT_ADDR_SIZE),
			 "%s L%d desc %#llx: classify table, decode %d", g->fmt->name, l,
			 (unsigned long long)d, rc);
		break;
	case NB_DESC_LEAF:
		FZ_CHECK(g->lv[l].leaf_ok &&
				 (rc == 0 || rc == -NB_FAULT_ADDR_SIZE || rc == -NB_FAULT_RESERVED),
			 "%s L%d desc %#llx: classify leaf, decode %d", g->fmt->name, l,
			 (unsigned long long)d, rc);
		break;
	default:
		FZ_CHECK(0, "classify returned %d", (int)k);
	}
}

static void ref_walk1(const struct nb_pt_geom *g, uint64_t table_pa, int level, uint64_t ia,
		      unsigned access, struct ref *r)
{
	unsigned prot = NB_PROT_ALL;

	memset(r, 0, sizeof(*r));
	r->level = (int8_t)level;
	if (!nb_pt_ia_ok(g, ia)) {
		r->fault = NB_FAULT_ADDR_SIZE;
		return;
	}
	for (;;) {
		uint64_t d, addr;
		unsigned p;
		int rc;

		r->level = (int8_t)level;
		if (table_pa == 0 || table_pa >= limit) {
			r->fault = NB_FAULT_ADDR_SIZE;
			r->desc = 0;
			return;
		}
		d = read_desc(table_pa, nb_pt_index(g, level, ia));
		r->refs++;
		r->desc = d;
		rc = nb_pt_decode(g, level, d, &addr, &p);
		check_kinds(g, level, d, rc);
		if (rc < 0) {
			r->fault = (uint8_t)-rc;
			return;
		}
		prot &= p;
		if (nb_pt_classify(g, level, d) == NB_DESC_TABLE) {
			FZ_CHECK(nb_aligned(addr, g->granule_lg2), "table address %#llx not granule-aligned",
				 (unsigned long long)addr);
			table_pa = addr;
			level--;
			continue;
		}
		r->page_lg2 = nb_pt_page_lg2(g, level);
		FZ_CHECK(nb_aligned(addr, r->page_lg2), "leaf OA %#llx not page-aligned",
			 (unsigned long long)addr);
		r->oa = addr | (ia & ((1ull << r->page_lg2) - 1));
		r->prot = (uint8_t)prot;
		r->fault = (access & ~prot) ? NB_FAULT_PERM : NB_FAULT_NONE;
		return;
	}
}

static void ref_fault(struct ref *r, uint8_t f, int stage, int level)
{
	r->fault = f;
	r->stage = (uint8_t)stage;
	r->level = (int8_t)level;
}

static void ref_nested(const struct nb_nest_ctx *n, uint64_t iova, unsigned access, int level,
		       uint64_t table_addr, bool is_pa, struct ref *r)
{
	const struct nb_pt_geom *g = n->s1;
	unsigned prot = NB_PROT_ALL;
	struct ref w;
	uint64_t d, addr = 0;

	memset(r, 0, sizeof(*r));
	if (!nb_pt_ia_ok(g, iova)) {
		ref_fault(r, NB_FAULT_ADDR_SIZE, 1, level);
		return;
	}
	for (;;) {
		uint64_t table_pa = table_addr;
		unsigned p;
		int rc;

		if (!is_pa) {
			ref_walk1(n->s2, n->s2_root_pa, n->s2->levels - 1, table_addr, NB_PROT_R, &w);
			r->refs += w.refs;
			if (w.fault) {
				ref_fault(r, w.fault, 2, w.level);
				r->s1ptw = true;
				r->s1_level = (int8_t)level;
				return;
			}
			table_pa = w.oa;
		}
		is_pa = false;
		r->reached[level] = true;
		r->s1_table_pa[level] = table_pa;
		r->refs_before[level] = r->refs;
		r->prot_above[level] = (uint8_t)prot;
		if (table_pa == 0 || table_pa >= limit) {
			ref_fault(r, NB_FAULT_ADDR_SIZE, 1, level);
			return;
		}
		d = read_desc(table_pa, nb_pt_index(g, level, iova));
		r->refs++;
		rc = nb_pt_decode(g, level, d, &addr, &p);
		check_kinds(g, level, d, rc);
		if (rc < 0) {
			ref_fault(r, (uint8_t)-rc, 1, level);
			return;
		}
		prot &= p;
		if (nb_pt_classify(g, level, d) == NB_DESC_TABLE) {
			table_addr = addr;
			level--;
			continue;
		}
		break;
	}
	r->ipa = addr | (iova & ((1ull << nb_pt_page_lg2(g, level)) - 1));
	if (access & ~prot) {
		ref_fault(r, NB_FAULT_PERM, 1, level);
		return;
	}
	ref_walk1(n->s2, n->s2_root_pa, n->s2->levels - 1, r->ipa, access, &w);
	r->refs += w.refs;
	if (w.fault) {
		ref_fault(r, w.fault, 2, w.level);
		return;
	}
	r->oa = w.oa;
	r->page_lg2 = nb_pt_page_lg2(g, level) < w.page_lg2 ? nb_pt_page_lg2(g, level) : w.page_lg2;
	r->prot = (uint8_t)(prot & w.prot);
	r->level = (int8_t)level;
}

/* ---- tracer: one step per read, each the descriptor really in memory ---- */

struct trace {
	uint32_t steps;
};

static void on_step(void *user, const struct nb_walk_step *s)
{
	struct trace *t = user;

	t->steps++;
	FZ_CHECK(s->table_pa != 0 && s->table_pa < limit, "traced read of table %#llx",
		 (unsigned long long)s->table_pa);
	FZ_CHECK(s->level >= 0 && s->level < s->geom->levels, "traced level %d", s->level);
	FZ_CHECK(s->desc == read_desc(s->table_pa, s->index), "traced descriptor differs from memory");
	FZ_CHECK(s->kind == nb_pt_classify(s->geom, s->level, s->desc), "traced kind %d",
		 (int)s->kind);
}

/* ---- the checks ---- */

static void check_walk1(const struct nb_pt_geom *g, uint64_t root, int level, uint64_t ia,
			unsigned access)
{
	struct nb_walk_result w, wt;
	struct ref r;
	struct trace tr = { 0 };
	struct nb_walk_tracer t = { on_step, &tr };

	nb_walk1(g, arena, root, level, ia, access, &w);
	ref_walk1(g, root, level, ia, access, &r);
	FZ_CHECK(w.fault == r.fault && w.refs == r.refs && w.level == r.level,
		 "%s root %#llx ia %#llx: walker fault %d refs %u level %d, reference %d %u %d",
		 g->fmt->name, (unsigned long long)root, (unsigned long long)ia, w.fault, w.refs,
		 w.level, r.fault, r.refs, r.level);
	FZ_CHECK(w.refs <= (unsigned)level + 1, "%u refs for a %d-level walk", w.refs, level + 1);
	if (w.fault == NB_FAULT_NONE || w.fault == NB_FAULT_PERM)
		FZ_CHECK(w.oa == r.oa && w.page_lg2 == r.page_lg2 && w.prot == r.prot && w.desc == r.desc,
			 "%s ia %#llx: walker oa %#llx 2^%u prot %u, reference %#llx 2^%u prot %u",
			 g->fmt->name, (unsigned long long)ia, (unsigned long long)w.oa, w.page_lg2,
			 w.prot, (unsigned long long)r.oa, r.page_lg2, r.prot);
	else if (w.refs)
		FZ_CHECK(w.desc == r.desc, "faulting descriptor differs");
	if (w.fault == NB_FAULT_NONE) {
		FZ_CHECK(g->oa_bits >= 64 || (w.oa >> g->oa_bits) == 0, "oa %#llx beyond %u bits",
			 (unsigned long long)w.oa, g->oa_bits);
		FZ_CHECK((nb_pt_pgsize_bitmap(g) & NB_BIT(w.page_lg2)) && g->lv[w.level].leaf_ok &&
				 w.page_lg2 == nb_pt_page_lg2(g, w.level),
			 "page 2^%u at level %d not allowed", w.page_lg2, w.level);
		FZ_CHECK((access & ~w.prot) == 0, "granted %u, asked %u", w.prot, access);
	}
	if (w.fault == NB_FAULT_PERM)
		FZ_CHECK(access & ~w.prot, "permission fault with every permission granted");
	nb_walk1_traced(g, arena, root, level, ia, access, &wt, &t);
	FZ_CHECK(wt.fault == w.fault && wt.refs == w.refs && tr.steps == w.refs &&
			 (w.fault != NB_FAULT_NONE || wt.oa == w.oa),
		 "traced walk differs (%u steps, %u refs)", tr.steps, w.refs);
}

static void check_nested(const struct nb_nest_ctx *n, uint64_t iova, unsigned access)
{
	const struct nb_pt_geom *s1 = n->s1, *s2 = n->s2;
	struct nb_walk_result w, wt;
	struct ref r;
	struct trace tr = { 0 };
	struct nb_walk_tracer t = { on_step, &tr };
	uint32_t max_refs = (uint32_t)(s1->levels + 1) * (s2->levels + 1) - 1;

	nb_walk_nested(n, iova, access, &w);
	ref_nested(n, iova, access, s1->levels - 1, n->s1_root_ipa, false, &r);
	FZ_CHECK(w.fault == r.fault && w.refs == r.refs,
		 "nested %s/%s iova %#llx: walker fault %d refs %u, reference %d %u", s1->fmt->name,
		 s2->fmt->name, (unsigned long long)iova, w.fault, w.refs, r.fault, r.refs);
	FZ_CHECK(w.refs <= max_refs, "%u refs > %u", w.refs, max_refs);
	if (w.fault) {
		FZ_CHECK(w.fault_stage == r.stage && w.level == r.level &&
				 w.fault_s1ptw == r.s1ptw && (!r.s1ptw || w.s1_level == r.s1_level),
			 "nested iova %#llx: fault stage %u level %d s1ptw %d/%d, reference %u %d %d/%d",
			 (unsigned long long)iova, w.fault_stage, w.level, w.fault_s1ptw,
			 w.s1_level, r.stage, r.level, r.s1ptw, r.s1_level);
		FZ_CHECK(w.fault_stage == 1 || w.fault_stage == 2, "fault stage %u", w.fault_stage);
	} else {
		FZ_CHECK(w.oa == r.oa && w.ipa == r.ipa && w.page_lg2 == r.page_lg2 && w.prot == r.prot,
			 "nested iova %#llx: walker ipa %#llx pa %#llx 2^%u prot %u, reference %#llx %#llx 2^%u %u",
			 (unsigned long long)iova, (unsigned long long)w.ipa, (unsigned long long)w.oa,
			 w.page_lg2, w.prot, (unsigned long long)r.ipa, (unsigned long long)r.oa,
			 r.page_lg2, r.prot);
		FZ_CHECK(s2->oa_bits >= 64 || (w.oa >> s2->oa_bits) == 0, "pa %#llx beyond %u bits",
			 (unsigned long long)w.oa, s2->oa_bits);
		FZ_CHECK(s1->lv[w.s1_leaf_level].leaf_ok && s2->lv[w.level].leaf_ok &&
				 w.s1_leaf_level == r.level,
			 "leaf levels %d/%d", w.s1_leaf_level, w.level);
		FZ_CHECK(w.page_lg2 == (nb_pt_page_lg2(s1, w.s1_leaf_level) < nb_pt_page_lg2(s2, w.level)
						? nb_pt_page_lg2(s1, w.s1_leaf_level)
						: nb_pt_page_lg2(s2, w.level)),
			 "effective page 2^%u", w.page_lg2);
		FZ_CHECK((access & ~w.prot) == 0, "granted %u, asked %u", w.prot, access);
	}
	nb_walk_nested_traced(n, iova, access, &wt, &t);
	FZ_CHECK(wt.fault == w.fault && wt.refs == w.refs && tr.steps == w.refs &&
			 (w.fault != NB_FAULT_NONE || wt.oa == w.oa),
		 "traced nested walk differs (%u steps, %u refs)", tr.steps, w.refs);

	/* Start one level below the root from the table PA the reference found,
	 * as a walk-cache hit does: same outcome, fewer reads. The walk from
	 * a level does not know what the table entries above it allow
	 * (hierarchical permissions are not passed in, see the report of
	 * issue 8), so where they restrict, it may only grant more. */
	if (s1->levels > 1 && r.reached[s1->levels - 2]) {
		int l = s1->levels - 2;
		struct nb_walk_result f;

		nb_walk_nested_from(n, iova, access, l, r.s1_table_pa[l], &f);
		if (r.prot_above[l] == NB_PROT_ALL || !(w.fault == NB_FAULT_PERM || w.fault == NB_FAULT_NONE))
			FZ_CHECK(f.fault == w.fault && f.refs == w.refs - r.refs_before[l] &&
					 (w.fault || (f.oa == w.oa && f.prot == w.prot && f.page_lg2 == w.page_lg2)) &&
					 (!w.fault || (f.fault_stage == w.fault_stage && f.level == w.level)),
				 "walk from level %d: fault %d refs %u, full walk %d %u (-%u)", l, f.fault,
				 f.refs, w.fault, w.refs, r.refs_before[l]);
		else if (w.fault == NB_FAULT_NONE)
			FZ_CHECK(f.fault == NB_FAULT_NONE && f.oa == w.oa && (f.prot & w.prot) == w.prot,
				 "walk from level %d below restricting tables: fault %d prot %u, full walk prot %u",
				 l, f.fault, f.prot, w.prot);
		else if (w.fault_stage == 2)
			FZ_CHECK(f.fault == w.fault && f.fault_stage == 2,
				 "walk from level %d below restricting tables: fault %d, full walk %d at stage 2",
				 l, f.fault, w.fault);
		/* else: a stage-1 permission fault the walk from below cannot see */
	}
}

/* ---- the target ---- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	struct nb_pt_geom g1, g2;
	const struct nb_pt_geom *geo[2];
	uint8_t mode = fz_u8(&in);
	unsigned access = fz_u8(&in) & NB_PROT_ALL;
	bool nested = (mode & 3) >= 2, high = mode & 4;
	uint64_t ipa_off = nested && (mode & 8) ? IPA_OFF : 0;
	uint64_t keys[4], slot = 0, base, dirty[MAX_OPS];
	int ndirty = 0;

	setup_once();
	if (!pick_geom(&in, &g1))
		return 0;
	if (nested && !pick_geom(&in, &g2))
		return 0;
	geo[0] = &g1;
	geo[1] = nested ? &g2 : &g1;
	for (int i = 0; i < 2; i++) {
		uint64_t b = geo[i]->root_bytes > (1ull << geo[i]->granule_lg2) ? geo[i]->root_bytes
									 : 1ull << geo[i]->granule_lg2;
		slot = b > slot ? b : slot;
	}
	base = high ? limit - NSLOTS * slot : 2ull << 20;
	for (int i = 0; i < 4; i++)
		keys[i] = fz_u64(&in);

	/* Stage-1 (single) tables are addressed by PA, or by IPA when nested. */
#define SLOT_PA(s) (base + (uint64_t)((s) % NSLOTS) * slot)
#define SLOT_ADDR(gi, s) (SLOT_PA(s) + ((gi) == 0 && nested ? ipa_off : 0))
	while (fz_more(&in) && ndirty < MAX_OPS) {
		uint8_t op = fz_u8(&in), kind = op & 7;
		int gi = nested ? (op >> 3) & 1 : 0;
		const struct nb_pt_geom *g = geo[gi];
		uint8_t t, pos;
		int level;
		uint64_t idx, d, pa;

		if (kind == 7)
			break;
		t = fz_u8(&in) % NSLOTS;
		pos = fz_u8(&in);
		level = fz_u8(&in) % g->levels;
		if (pos & 0x80) /* the entry this key (or slot address) uses at this level */
			idx = nb_pt_index(g, level, pos & 0x40 ? SLOT_ADDR(0, pos) : keys[pos & 3]);
		else
			idx = (fz_u16(&in) | (uint64_t)(pos & 0x3f) << 16) % (slot / 8);
		pa = SLOT_PA(t) + idx * 8;
		switch (kind) {
		case 0:
		case 1:
			d = fz_u64(&in);
			break;
		case 2:
		case 3:
			d = nb_pt_encode_table(g, level ? level : (g->levels > 1 ? 1 : 0),
					       SLOT_ADDR(gi, fz_u8(&in)));
			if (kind == 3)
				d ^= NB_BIT(fz_u8(&in) % 64);
			break;
		case 4:
		case 5: {
			uint8_t src = fz_u8(&in);
			uint64_t oa = src & 1 ? SLOT_ADDR(gi, src >> 1) : fz_u64(&in);

			d = nb_pt_encode_leaf(g, level, oa, fz_u8(&in) & NB_PROT_ALL);
			if (kind == 5)
				d ^= NB_BIT(fz_u8(&in) % 64);
			break;
		}
		default:
			d = atomic_load_explicit(nb_arena_u64(arena, pa), memory_order_relaxed) ^
			    NB_BIT(fz_u8(&in) % 64);
			break;
		}
		atomic_store_explicit(nb_arena_u64(arena, pa), d, memory_order_relaxed);
		dirty[ndirty++] = pa;
	}

	for (int i = 0; i < 4 + MAX_EXTRA_IOVAS; i++) {
		uint64_t va;

		if (i < 4)
			va = keys[i];
		else if (fz_more(&in))
			va = fz_u64(&in);
		else
			break;
		if (nested) {
			struct nb_nest_ctx n = { .s1 = &g1, .s2 = &g2, .arena = arena,
						 .s1_root_ipa = SLOT_ADDR(0, 1), .s2_root_pa = SLOT_PA(0) };

			check_nested(&n, va, access);
			check_nested(&n, va, 0);
			/* the stage-2 tables alone */
			check_walk1(&g2, SLOT_PA(0), g2.levels - 1, va, access);
		} else {
			check_walk1(&g1, SLOT_PA(0), g1.levels - 1, va, access);
			check_walk1(&g1, SLOT_PA(0), g1.levels - 1, va, 0);
		}
	}
	/* Table pointers at the edge of simulated memory: the last tables that
	 * may be read, and the first ones the walker must refuse. */
	{
		static const uint64_t edge[] = { 0, 8, 4096 };
		const struct nb_pt_geom *g = geo[1];
		uint64_t gr = 1ull << g->granule_lg2;

		for (size_t i = 0; i < NB_ARRAY_SIZE(edge); i++) {
			check_walk1(g, limit - gr - edge[i], g->levels - 1, keys[0], access);
			check_walk1(g, limit - g->root_bytes - edge[i], g->levels - 1, keys[1], access);
			check_walk1(g, limit + edge[i], g->levels - 1, keys[0], access);
			check_walk1(g, limit - 8, g->levels - 1, keys[2], access);
		}
		check_walk1(g, arena->size - 4096, g->levels - 1, keys[0], access);
		check_walk1(g, ~0ull & ~(gr - 1), g->levels - 1, keys[0], access);
	}
#undef SLOT_PA
#undef SLOT_ADDR

	for (int i = 0; i < ndirty; i++)
		atomic_store_explicit(nb_arena_u64(arena, dirty[i]), 0, memory_order_relaxed);
	return 0;
}
