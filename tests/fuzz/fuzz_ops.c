// SPDX-License-Identifier: MIT
/*
 * Fuzz target: arbitrary sequences of IOMMU operations over a testbed, with
 * the stale-translation oracle on (it judges every cache after every flush)
 * and a reference model kept here, independent of the library:
 *   - what stage 2 maps, page by page, over the testbed's data window
 *     (and which guest-RAM pages, where stage-1 tables live, are unmapped);
 *   - what each nested domain's stage 1 maps (IOVA page -> data page, prot);
 *   - which device is attached to which domain.
 * After every operation: no stale entry was found (stats->stale_found);
 * after every one that writes stage 2 (and at the end), the stage-2 tables,
 * walked with nb_walk1, agree with the reference page by page; after a
 * guest map or unmap, that domain's tables around it (all at the end);
 * every DMA's result (through every cache) equals what the reference
 * says, except where lazy mode allows the old translation (the IOVA is in
 * the flush queue) or a guest-RAM page holding stage-1 tables is unmapped
 * (then a fault is allowed, but a translation must still be right).
 *
 * Input: byte 0 model (low 2 bits, with bits 5-7 of byte 2: the registry
 * index of a tag model, modulo their count) and flags (batch, ATS,
 * lazy, small caches); byte 1 nested domains K (bits 0-2: 0..4), devices D
 * (bit 3: 1..2) and IOMMU units sharing the stage 2 (bit 4: 1..2); bytes
 * 2-4 cache and policy variations; then operations (at most 200), each an
 * opcode byte and its operand bytes. The testbed is built per input on the
 * simulated memory of the last one (nb_testbed_reset: the same state as a
 * new testbed, at the cost of what the last input touched; fuzz_ops_reset
 * in ctest runs every seed twice, in two orders, and wants the same digest).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "fuzz_input.h"
#include "nestbench/testbed.h"

#define PAGES 64u
#define MAX_K 4
#define MAX_D 2
#define MAX_OPS 200
#define WIN (MAX_K * PAGES)	    /* largest data window, pages */
#define DATA_PA 0x2000001000ull	    /* where the testbed backs the data window */
#define ALT_PA 0x3000000000ull	    /* where remaps may move pages to */
#define RAM_PAGES 64		    /* guest-RAM pages the fuzzer may unmap */
#define PG 4096ull

struct st {
	struct nb_hw_params p;
	int K, D, units;
	uint32_t win; /* data window in pages: max(K, 1) * PAGES */
	bool lazy, ats;
	/* stage 2 over the data window (+4 pages never mapped) */
	uint64_t s2pa[WIN + 4];
	uint8_t s2prot[WIN + 4];
	/* stage 1 of nested domain k: IOVA page i -> data page s1tgt (-1: unmapped) */
	int16_t s1tgt[MAX_K][PAGES];
	uint8_t s1prot[MAX_K][PAGES];
	/* devices: slot 0 the direct device (parent domain), 1 + k*D + j nested */
	struct nb_xdev *dev[1 + MAX_K * MAX_D];
	uint32_t sid[1 + MAX_K * MAX_D];
	int dom[1 + MAX_K * MAX_D]; /* nested domain index, -1: the parent */
	int home[1 + MAX_K * MAX_D]; /* the nested domain the testbed attached it to */
	bool attached[1 + MAX_K * MAX_D];
	bool ram_hole[RAM_PAGES];
	int ram_holes;
	uint64_t now_us;
	int op; /* operation index, for messages */
	/* Last: kept from input to input (nb_testbed_reset builds it again on
	 * its memory, as nb_testbed_init would; the rest is zeroed per input). */
	struct nb_testbed t;
};

/* What this input saw (fz_digest): every translation, every return code,
 * and at the end every counter of every unit and cache, which the caches'
 * replacement state and the tags decide, and where the tables went. */
static uint64_t digest;

uint64_t fz_digest(void)
{
	return digest;
}

static void mix_counters(const struct st *s)
{
	/* where the tables went: the allocators' high-water marks */
	fz_mix(&digest, s->t.sc.host.bump - s->t.sc.host.base);
	fz_mix(&digest, s->t.sc.ram.alloc.bump - s->t.sc.ram.alloc.base);
	fz_mix(&digest, s->t.s2->root_pa);
	for (int u = 0; u < s->units; u++) {
		const struct nb_iommu_stats *st = nb_iommu_stats(s->t.unit[u]);
		const uint64_t *w = (const uint64_t *)st; /* every field a uint64_t counter */

		for (size_t i = 0; i < sizeof(*st) / sizeof(uint64_t); i++)
			fz_mix(&digest, w[i]);
		for (int k = 0; k < NB_CACHE_KIND_COUNT; k++) {
			const struct nb_cache_stats *c = &nb_iommu_cache(s->t.unit[u], (enum nb_cache_kind)k)->st;

			fz_mix(&digest, c->hits);
			fz_mix(&digest, c->misses);
			fz_mix(&digest, c->fills);
			fz_mix(&digest, c->evictions);
			fz_mix(&digest, c->invalidated);
			fz_mix(&digest, c->collateral);
		}
	}
}

static const char *ctx_name(const struct st *s)
{
	static char buf[96];

	snprintf(buf, sizeof(buf), "%s K=%d D=%d units=%d %s%s%s op %d", s->p.model, s->K, s->D,
		 s->units, s->p.policy.batch ? "batch" : "unbatched", s->lazy ? " lazy" : "",
		 s->ats ? " ats" : "", s->op);
	return buf;
}

static void check_no_stale(struct st *s)
{
	struct nb_iommu_stats st;

	nb_testbed_stats(&s->t, &st);
	FZ_CHECK(st.stale_found == 0, "%s: stale translation: %s", ctx_name(s), nb_errmsg());
}

/* The IOMMU unit a device slot's DMAs go through. */
static struct nb_iommu *unit_of(const struct st *s, int slot)
{
	return slot ? nb_testbed_unit_of(&s->t, s->dom[slot]) : s->t.m;
}

/* A stage-2 unmap: through unit 0's policy (lazy or strict) when there is
 * one unit, else once from the tables and flushed on every unit. */
static int64_t s2_unmap(struct st *s, uint64_t ipa, uint64_t size)
{
	return s->units == 1 ? nb_iommu_unmap(s->t.m, s->t.parent, ipa, size)
			     : nb_testbed_unmap_s2(&s->t, ipa, size);
}

/* ---- the reference ---- */

struct expect {
	bool fault;
	uint8_t kind, stage; /* enum nb_fault, 1 or 2 */
	uint64_t pa;
};

static struct expect expect_s2(const struct st *s, uint32_t j, uint64_t off, unsigned access)
{
	struct expect e = { .stage = 2 };

	if (j >= s->win || !s->s2pa[j]) {
		e.fault = true;
		e.kind = NB_FAULT_NOT_PRESENT;
	} else if (access & ~s->s2prot[j] & NB_PROT_RW) {
		e.fault = true;
		e.kind = NB_FAULT_PERM;
	} else {
		e.pa = s->s2pa[j] + off;
	}
	return e;
}

static struct expect expect_nested(const struct st *s, int k, uint32_t i, uint64_t off,
				   unsigned access)
{
	struct expect e = { .stage = 1 };

	if (i >= PAGES || s->s1tgt[k][i] < 0) {
		e.fault = true;
		e.kind = NB_FAULT_NOT_PRESENT;
		return e;
	}
	if (access & ~s->s1prot[k][i] & NB_PROT_RW) {
		e.fault = true;
		e.kind = NB_FAULT_PERM;
		return e;
	}
	return expect_s2(s, (uint32_t)s->s1tgt[k][i], off, access);
}

static void check_result(const struct st *s, const char *what, const struct expect *e, bool fault,
			 uint8_t kind, uint8_t stage, uint64_t pa, bool weak)
{
	fz_mix(&digest, fault ? kind | (uint64_t)stage << 8 : pa);
	if (weak && fault)
		return; /* a stage-1 table may be out of reach: a fault is allowed */
	FZ_CHECK(fault == e->fault, "%s: %s: %s, reference says %s (pa %#llx)", ctx_name(s), what,
		 fault ? "fault" : "translated", e->fault ? "fault" : "translated",
		 (unsigned long long)(fault ? e->pa : pa));
	if (fault)
		FZ_CHECK(kind == e->kind && (stage == 0 || stage == e->stage),
			 "%s: %s: fault %s at stage %u, reference %s at stage %u", ctx_name(s), what,
			 nb_fault_name((enum nb_fault)kind), stage, nb_fault_name((enum nb_fault)e->kind),
			 e->stage);
	else
		FZ_CHECK(pa == e->pa, "%s: %s: pa %#llx, reference %#llx", ctx_name(s), what,
			 (unsigned long long)pa, (unsigned long long)e->pa);
}

/* The stage-2 tables against the reference, page by page, by nb_walk1. */
static void check_s2_tables(const struct st *s)
{
	const struct nb_domain *d = s->t.s2;

	for (uint32_t j = 0; j < s->win + 4; j++) {
		struct nb_walk_result w;
		struct expect e = expect_s2(s, j, 0, 0);

		nb_walk1(&d->geom, s->t.arena, d->root_pa, d->geom.levels - 1, NB_TB_DATA_IPA + j * PG, 0, &w);
		check_result(s, "stage-2 walk", &e, w.fault, w.fault, 0, w.oa, false);
		if (!w.fault)
			FZ_CHECK(!!(w.prot & NB_PROT_W) == !!(s->s2prot[j] & NB_PROT_W) && (w.prot & NB_PROT_R),
				 "%s: stage-2 page %u prot %u, reference %u", ctx_name(s), j, w.prot,
				 s->s2prot[j]);
	}
}

/* Nested domain k's tables (no caches) against the reference. */
static void check_s1_tables(const struct st *s, int k, uint32_t first, uint32_t n)
{
	for (uint32_t i = first; i < first + n && i < PAGES + 4; i++) {
		struct nb_walk_result w;
		struct expect e = expect_nested(s, k, i, 0, 0);

		nb_walk_nested(&s->t.nn[k]->ctx, i * PG, 0, &w);
		check_result(s, "nested walk", &e, w.fault, w.fault, w.fault_stage, w.oa, s->ram_holes > 0);
	}
}

/* ---- operations ---- */

static void op_dma(struct st *s, struct fz *in)
{
	int slot = fz_u8(in) % (1 + s->K * s->D);
	uint32_t page = fz_u8(in) % (slot ? PAGES + 4 : s->win + 4);
	uint64_t off = (fz_u8(in) * 16u) & (PG - 1);
	unsigned access = 1 + fz_u8(in) % 3; /* R, W, RW */
	struct nb_dma_result r;
	struct expect e;
	uint64_t iova;
	bool weak = false;

	if (!s->attached[slot])
		return;
	if (slot == 0) {
		iova = NB_TB_DATA_IPA + page * PG + off;
		e = expect_s2(s, page, off, access);
		/* lazy mode: an unmapped IOVA still in the flush queue may hit */
		if (s->lazy && nb_iommu_fq_holds(s->t.m, s->t.parent, iova))
			return;
	} else {
		iova = page * PG + off;
		e = expect_nested(s, s->dom[slot], page, off, access);
		weak = s->ram_holes > 0;
	}
	nb_iommu_dma(unit_of(s, slot), s->dev[slot], iova, access, &r);
	check_result(s, slot ? "nested DMA" : "direct DMA", &e, r.fault, r.fault,
		     slot ? r.fault_stage : 0, r.pa, weak);
	if (!r.fault)
		FZ_CHECK((r.prot & access) == access, "%s: DMA granted %u for %u", ctx_name(s), r.prot, access);
}

/* Every page of one device, so that the caches hold something to lose. */
static void op_dma_all(struct st *s, struct fz *in)
{
	int slot = fz_u8(in) % (1 + s->K * s->D);
	struct nb_dma_result r;

	if (!s->attached[slot])
		return;
	for (uint32_t i = 0; i < (slot ? PAGES : s->win); i++) {
		uint64_t iova = (slot ? 0 : NB_TB_DATA_IPA) + i * PG;
		struct expect e = slot ? expect_nested(s, s->dom[slot], i, 0, NB_PROT_R)
				       : expect_s2(s, i, 0, NB_PROT_R);

		if (!slot && s->lazy && nb_iommu_fq_holds(s->t.m, s->t.parent, iova))
			continue;
		nb_iommu_dma(unit_of(s, slot), s->dev[slot], iova, NB_PROT_R, &r);
		check_result(s, "DMA sweep", &e, r.fault, r.fault, slot ? r.fault_stage : 0, r.pa,
			     slot && s->ram_holes > 0);
	}
}

static void op_s2_unmap(struct st *s, struct fz *in)
{
	uint32_t j = fz_u8(in) % s->win, nb = fz_u8(in);
	uint32_t n = nb & 0x80 ? 512 : 1 + nb % 8; /* 512: a whole 2M table's span */
	uint64_t want = 0;
	int64_t got;

	for (uint32_t i = j; i < j + n && i < s->win; i++)
		want += s->s2pa[i] ? PG : 0;
	got = s2_unmap(s, NB_TB_DATA_IPA + j * PG, n * PG);
	FZ_CHECK(got == (int64_t)want, "%s: stage-2 unmap of %u pages at %u: %lld, reference %llu (%s)",
		 ctx_name(s), n, j, (long long)got, (unsigned long long)want, nb_errmsg());
	for (uint32_t i = j; i < j + n && i < s->win; i++)
		s->s2pa[i] = 0;
}

static void op_s2_map(struct st *s, struct fz *in)
{
	uint32_t j = fz_u8(in) % s->win, n = 1 + fz_u8(in) % 8;
	uint8_t how = fz_u8(in);
	unsigned prot = how & 1 ? NB_PROT_R : NB_PROT_RW;

	for (uint32_t i = j; i < j + n && i < s->win; i++) {
		uint64_t ipa = NB_TB_DATA_IPA + i * PG;
		uint64_t pa = how & 2 ? ALT_PA + ((i + (how >> 2)) % s->win) * PG : DATA_PA + i * PG;
		int want = s->s2pa[i] ? -EEXIST
			   : s->lazy && nb_iommu_fq_holds(s->t.m, s->t.parent, ipa) ? -EBUSY : 0;
		int rc = nb_iommu_map(s->t.m, s->t.parent, ipa, pa, PG, prot);

		FZ_CHECK(rc == want, "%s: stage-2 map of page %u: %d, reference %d (%s)", ctx_name(s), i,
			 rc, want, nb_errmsg());
		if (!rc) {
			s->s2pa[i] = pa;
			s->s2prot[i] = (uint8_t)prot;
		}
	}
}

static void op_guest_unmap(struct st *s, struct fz *in)
{
	int k = fz_u8(in) % s->K;
	uint32_t i = fz_u8(in) % PAGES, nb = fz_u8(in);
	uint32_t n = nb & 0x80 ? 512 : 1 + nb % 8;
	uint8_t how = fz_u8(in) % 4;
	struct nb_flush_req req = { .addr = i * PG, .size = n * PG };
	struct nb_gather g;
	uint64_t want = 0;
	int64_t got;
	int rc;

	for (uint32_t x = i; x < i + n && x < PAGES; x++)
		want += s->s1tgt[k][x] >= 0 ? PG : 0;
	nb_gather_init(&g);
	got = nb_domain_unmap(s->t.nn[k]->s1, i * PG, n * PG, &g);
	FZ_CHECK(got == (int64_t)want, "%s: guest unmap of %u pages at %u: %lld, reference %llu (%s)",
		 ctx_name(s), n, i, (long long)got, (unsigned long long)want, nb_errmsg());
	for (uint32_t x = i; x < i + n && x < PAGES; x++)
		s->s1tgt[k][x] = -1;
	/* What the guest asks to invalidate: always covering what it unmapped. */
	req.leaf = !g.tables_freed;
	req.pgsize_mask = g.pgsize_mask;
	if (how == 1) {
		req.addr = req.size = 0; /* everything of the domain */
	} else if (how == 2) {
		req.addr = nb_align_down(i * PG, 21);
		req.size = nb_align_down(i * PG + n * PG + (2ull << 20) - 1, 21) - req.addr;
	} else if (how == 3) {
		req.leaf = false;
		req.pgsize_mask = 0;
	}
	if (how == 0 && (nb & 0x40) && n > 1 && n < 512) {
		/* the same range as an array of two requests, as IOMMU_HWPT_INVALIDATE
		 * carries them: every entry must be handled, not only the first */
		struct nb_flush_req two[2] = { req, req };
		uint32_t done = 0;

		two[0].size = (n / 2) * PG;
		two[1].addr = req.addr + two[0].size;
		two[1].size = req.size - two[0].size;
		rc = nb_iommu_guest_invalidate_array(nb_testbed_unit_of(&s->t, k), s->t.nest[k], two, 2, &done);
		FZ_CHECK(rc == 0 && done == 2, "%s: guest invalidate array: %u of 2 done: %s", ctx_name(s), done,
			 nb_errmsg());
	} else {
		rc = nb_iommu_guest_invalidate(nb_testbed_unit_of(&s->t, k), s->t.nest[k], &req);
		FZ_CHECK(rc == 0, "%s: guest invalidate: %s", ctx_name(s), nb_errmsg());
	}
	nb_gather_release(s->t.nn[k]->s1, &g);
	check_s1_tables(s, k, i, n > PAGES ? PAGES : n);
}

static void op_guest_map(struct st *s, struct fz *in)
{
	int k = fz_u8(in) % s->K;
	uint32_t i = fz_u8(in) % PAGES, n = 1 + fz_u8(in) % 8;
	uint8_t how = fz_u8(in), to = fz_u8(in);
	unsigned prot = how & 1 ? NB_PROT_R : NB_PROT_RW;

	for (uint32_t x = i; x < i + n && x < PAGES; x++) {
		/* its own IPA page, or any page of the window (+4 never mapped) */
		uint32_t tgt = how & 2 ? (to + x - i) % (s->win + 4) : k * PAGES + x;
		int want = s->s1tgt[k][x] >= 0 ? -EEXIST : 0;
		int rc = nb_domain_map(s->t.nn[k]->s1, x * PG, NB_TB_DATA_IPA + tgt * PG, PG, prot);

		FZ_CHECK(rc == want, "%s: guest map of page %u: %d, reference %d (%s)", ctx_name(s), x, rc,
			 want, nb_errmsg());
		if (!rc) {
			s->s1tgt[k][x] = (int16_t)tgt;
			s->s1prot[k][x] = (uint8_t)prot;
		}
	}
	check_s1_tables(s, k, i, n);
}

static void op_attach(struct st *s, struct fz *in)
{
	int slot = fz_u8(in) % (1 + s->K * s->D), k = s->K ? fz_u8(in) % s->K : 0;
	struct nb_xdomain *d;
	int rc;

	if (s->attached[slot]) {
		nb_xdev_detach(unit_of(s, slot), s->dev[slot]);
		s->attached[slot] = false;
		s->dev[slot] = NULL;
		return;
	}
	/* the direct device goes back to the parent; a nested one to any nested
	 * domain (on that domain's unit) */
	if (slot && k % s->units != s->home[slot] % s->units)
		k = s->home[slot]; /* a device stays behind its own IOMMU unit */
	d = slot ? s->t.nest[k] : s->t.parent;
	if (slot)
		s->dom[slot] = k;
	rc = nb_xdev_attach(unit_of(s, slot), s->sid[slot], 0, s->ats, d, &s->dev[slot]);
	FZ_CHECK(rc == 0, "%s: attach sid %u: %s", ctx_name(s), s->sid[slot], nb_errmsg());
	s->attached[slot] = true;
}

/* Unmap or map back a page of guest RAM (where stage-1 tables live). */
static void op_ram(struct st *s, struct fz *in)
{
	int r = fz_u8(in) % RAM_PAGES;
	uint64_t ipa = s->t.sc.ram.ipa_base + (uint64_t)r * PG;

	if (!s->ram_hole[r]) {
		int64_t got = s2_unmap(s, ipa, PG);

		FZ_CHECK(got == (int64_t)PG, "%s: unmap of guest RAM page %d: %lld (%s)", ctx_name(s), r,
			 (long long)got, nb_errmsg());
		s->ram_hole[r] = true;
		s->ram_holes++;
	} else {
		int rc = nb_iommu_map(s->t.m, s->t.parent, ipa, s->t.sc.ram.alloc.base + (uint64_t)r * PG, PG,
				      NB_PROT_RW);

		if (rc == -EBUSY && s->lazy)
			return; /* still in the flush queue */
		FZ_CHECK(rc == 0, "%s: map back guest RAM page %d: %d (%s)", ctx_name(s), r, rc, nb_errmsg());
		s->ram_hole[r] = false;
		s->ram_holes--;
	}
}

static void op_fq(struct st *s, struct fz *in)
{
	uint8_t b = fz_u8(in);

	s->now_us += (uint64_t)b * 500;
	for (int u = 0; u < s->units; u++) {
		if (b & 1)
			nb_iommu_fq_flush(s->t.unit[u]);
		else
			nb_iommu_fq_tick(s->t.unit[u], s->now_us);
	}
}

static void op_oracle(struct st *s)
{
	for (int u = 0; u < s->units; u++) {
		uint64_t n = nb_iommu_oracle_check(s->t.unit[u]);

		FZ_CHECK(n == 0, "%s: unit %d: %llu stale entries: %s", ctx_name(s), u,
			 (unsigned long long)n, nb_errmsg());
	}
}

/* ---- set-up ---- */

static void params(struct st *s, struct fz *in, uint8_t b0)
{
	uint8_t b2 = fz_u8(in), b3 = fz_u8(in), b4 = fz_u8(in);
	static const uint32_t range_max[] = { UINT32_MAX, 0, 1, 8, 32 };
	struct nb_hw_params *p = &s->p;
	const struct nb_tag_model *tm;
	int nmodels = 0, mi;

	while (nb_tag_model_at(nmodels))
		nmodels++;
	mi = ((b0 & 3) + 4 * (b2 >> 5)) % nmodels;
	tm = nb_tag_model_at(mi);
	nb_hwparams_defaults(p, tm->vendor);
	snprintf(p->model, sizeof(p->model), "%s", tm->name);
	p->policy.batch = b0 & 4;
	p->policy.strict = !(b0 & 16);
	if (b0 & 32) { /* tiny caches: evictions and refills */
		p->iotlb.entries = 8;
		p->iotlb.ways = 2;
		p->pwc_s1.entries = p->pwc_s2.entries = p->nested_tlb.entries = 4;
		p->pwc_s1.ways = p->pwc_s2.ways = p->nested_tlb.ways = 2;
	}
	p->iotlb.repl = (enum nb_repl)(b2 % 3); /* lru, plru, random */
	if (b2 & 8)
		p->pwc_s1.levels = p->pwc_s2.levels = NB_BIT(1) | NB_BIT(2) | NB_BIT(3) | NB_BIT(4);
	if (b2 & 16)
		p->iotlb.page_sizes = NB_BIT(12);
	p->policy.range_max_pages = range_max[b3 % NB_ARRAY_SIZE(range_max)];
	p->policy.max_am = (uint8_t)((b3 >> 3) % 10);
	p->policy.ril = b3 & 0x80;
	p->policy.fq_entries = 1 + b4 % 8;
	p->policy.fq_timeout_us = 1000 + (b4 >> 3) * 1000u;
	if (nb_hwparams_validate(p)) { /* a variation the rules refuse: the defaults */
		nb_hwparams_defaults(p, tm->vendor);
		snprintf(p->model, sizeof(p->model), "%s", tm->name);
	}
}

static void setup(struct st *s, struct fz *in)
{
	uint8_t b0 = fz_u8(in), b1 = fz_u8(in);
	struct nb_testbed_cfg c;
	int rc;

	memset(s, 0, offsetof(struct st, t));
	digest = 0xcbf29ce484222325ull;
	s->K = (b1 & 7) % (MAX_K + 1);
	s->D = 1 + (b1 >> 3) % MAX_D;
	s->units = 1 + (b1 >> 4) % 2;
	s->ats = b0 & 8;
	params(s, in, b0);
	/* the flush queue is for DMA-API domains: a nest parent is always strict */
	s->lazy = !s->p.policy.strict && s->K == 0;
	s->win = (uint32_t)(s->K ? s->K : 1) * PAGES;
	/* 2 MiB of guest RAM holds every stage-1 table here; the default 36
	 * MiB, mapped page by page, was most of the set-up's time */
	c = (struct nb_testbed_cfg){ .p = &s->p, .nested = s->K, .devices = s->D, .pages = PAGES,
				     .ats = s->ats, .units = s->units, .ram_mib = 2 };
	rc = nb_testbed_reset(&s->t, &c);
	FZ_CHECK(rc == 0, "%s: testbed: %s", ctx_name(s), nb_errmsg());
	for (int u = 0; u < s->units; u++)
		nb_iommu_set_oracle(s->t.unit[u], true);

	for (uint32_t j = 0; j < s->win; j++) {
		s->s2pa[j] = DATA_PA + j * PG;
		s->s2prot[j] = NB_PROT_RW;
	}
	for (int k = 0; k < s->K; k++)
		for (uint32_t i = 0; i < PAGES; i++) {
			s->s1tgt[k][i] = (int16_t)(k * PAGES + i);
			s->s1prot[k][i] = NB_PROT_RW;
		}
	s->dev[0] = s->t.direct;
	s->dom[0] = -1;
	for (int k = 0; k < s->K; k++)
		for (int j = 0; j < s->D; j++) {
			s->dev[1 + k * s->D + j] = nb_testbed_dev(&s->t, k, j);
			s->dom[1 + k * s->D + j] = s->home[1 + k * s->D + j] = k;
		}
	for (int i = 0; i < 1 + s->K * s->D; i++) {
		s->sid[i] = nb_xdev_sid(s->dev[i]);
		s->attached[i] = true;
	}
	/* the testbed's layout is what the reference assumes */
	check_s2_tables(s);
	for (int k = 0; k < s->K; k++)
		check_s1_tables(s, k, 0, PAGES + 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct st s;
	struct fz in = { data, size };

	setup(&s, &in);
	for (s.op = 0; s.op < MAX_OPS && fz_more(&in); s.op++) {
		uint8_t op = fz_u8(&in) % 12;

		switch (op) {
		case 0:
		case 1:
		case 2:
			op_dma(&s, &in);
			break;
		case 3:
			op_s2_unmap(&s, &in);
			break;
		case 4:
			op_s2_map(&s, &in);
			break;
		case 5:
			if (s.K)
				op_guest_unmap(&s, &in);
			break;
		case 6:
			if (s.K)
				op_guest_map(&s, &in);
			break;
		case 7:
			op_attach(&s, &in);
			break;
		case 8:
			op_ram(&s, &in);
			break;
		case 9:
			op_fq(&s, &in);
			break;
		case 10:
			op_oracle(&s);
			break;
		default:
			op_dma_all(&s, &in);
			break;
		}
		check_no_stale(&s);
		/* the stage-2 tables change only in these: the walk of the whole
		 * window after every operation was a third of the time per input;
		 * DMAs compare with the reference as they go, and the end checks
		 * every table again */
		if (op == 3 || op == 4 || op == 8 || op == 9)
			check_s2_tables(&s);
	}
	/* the end: flush what is parked, then nothing may be stale */
	for (int u = 0; u < s.units; u++)
		nb_iommu_fq_flush(s.t.unit[u]);
	check_no_stale(&s);
	op_oracle(&s);
	check_s2_tables(&s);
	mix_counters(&s);
	for (int k = 0; k < s.K; k++)
		check_s1_tables(&s, k, 0, PAGES + 4);
	/* this input's objects go; the memory stays for the next one (so that
	 * each input frees what it allocated: libFuzzer's leak check) */
	nb_testbed_release(&s.t);
	return 0;
}
