// SPDX-License-Identifier: MIT
/*
 * Fail-nth scenario: the simulated IOMMU's objects, for every registered
 * tag model (nb_tag_model_at), lazy policy (the flush queue where Linux
 * uses one). One run: an IOMMU, a stage-2 domain with guest RAM and a data
 * window, a device on it with ATS, two nested domains over it with three
 * devices, a stage-1-only domain with its own device; DMAs through every
 * device (filling every cache); a stage-2 unmap, a guest unmap with its
 * invalidation, a guest invalidation array, a lazy unmap, a device moved
 * to another nested domain; then the flush queue and the teardown.
 *
 * After every call, failed or not: the oracle finds no stale entry in any
 * cache, and every attached device's DMAs translate as the reference maps
 * say (an IOVA still in the flush queue may translate the old way); the
 * run goes on with what exists. After the teardown the host allocator has
 * no table page out.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nestbench/iommu.h"
#include "refmap.h"
#include "sweep.h"

#define PG 4096ull
#define DATA_IPA 0x100000000ull
#define DATA_PA 0x2000000000ull
#define S1_PA 0x3000000000ull
#define RAM_IPA 0x40000000ull
#define RAM_BYTES (4ull << 20)
#define PAGES 16 /* per nested domain; the data window maps 2 * PAGES */
#define NDEV 5

enum { DOM_PARENT = -1, DOM_N0, DOM_N1, DOM_S1 };

struct run {
	struct fn_ctx *c;
	struct nb_iommu *m;
	struct nb_domain *s2, *ds1;
	struct nb_xdomain *xs2, *xs1, *xn[2];
	struct nb_nested *nn[2];
	struct refmap ref2, ref1[2], refs1; /* stage 2; each nested stage 1; the stage-1-only domain */
	struct dev {
		uint32_t sid;
		bool ats;
		int dom;
		struct nb_xdev *x;
	} dev[NDEV];
};

static int model_count(void)
{
	int n = 0;

	while (nb_tag_model_at(n))
		n++;
	return n;
}

static void case_name(int i, char *buf, size_t len)
{
	snprintf(buf, len, "iommu %s", nb_tag_model_at(i)->name);
}

static struct nb_xdomain *xdom(struct run *r, int dom)
{
	return dom == DOM_PARENT ? r->xs2 : dom == DOM_S1 ? r->xs1 : r->xn[dom];
}

/* The reference translation of a device's IOVA: false = a fault. */
static bool expect(struct run *r, int dom, uint64_t iova, uint64_t *pa)
{
	unsigned prot;
	uint64_t ipa;

	if (dom == DOM_S1)
		return ref_lookup(&r->refs1, iova, pa, &prot);
	if (dom == DOM_PARENT)
		return ref_lookup(&r->ref2, iova, pa, &prot);
	return ref_lookup(&r->ref1[dom], iova, &ipa, &prot) && ref_lookup(&r->ref2, ipa, pa, &prot);
}

/* Every attached device reads every page of its window; the oracle. */
static void check(struct run *r, const char *after, bool digest)
{
	struct nb_dma_result d;
	uint64_t stale;

	fn_pause();
	for (int i = 0; i < NDEV; i++) {
		struct dev *v = &r->dev[i];
		uint64_t base = v->dom == DOM_PARENT ? DATA_IPA : 0;
		int pages = v->dom == DOM_PARENT ? 2 * PAGES : PAGES;

		if (!v->x)
			continue;
		for (int p = 0; p < pages; p++) {
			uint64_t iova = base + (uint64_t)p * PG, pa = 0;
			bool mapped = expect(r, v->dom, iova, &pa);

			if (nb_iommu_fq_holds(r->m, xdom(r, v->dom), iova))
				continue; /* lazy: the old translation may still be cached */
			nb_iommu_dma(r->m, v->x, iova, NB_PROT_R, &d);
			fn_check(r->c, mapped ? !d.fault && d.pa == pa : d.fault != 0,
				 "after %s: sid %u IOVA %#llx: %s %#llx, reference: %s %#llx", after, v->sid,
				 (unsigned long long)iova, d.fault ? "fault" : "pa", (unsigned long long)d.pa,
				 mapped ? "pa" : "fault", (unsigned long long)pa);
			if (digest)
				fn_digest(r->c, "%u:%llx=%llx%c", v->sid, (unsigned long long)iova,
					  (unsigned long long)(d.fault ? 0 : d.pa), p + 1 == pages ? '\n' : ' ');
		}
	}
	stale = nb_iommu_oracle_check(r->m);
	fn_check(r->c, stale == 0, "after %s: the oracle finds %llu stale entries: %s", after,
		 (unsigned long long)stale, nb_errmsg());
	fn_resume();
}

static void attach(struct run *r, int i, int dom, const char *what)
{
	struct dev *v = &r->dev[i];

	if (!xdom(r, dom))
		return;
	if (fn_ok(r->c, nb_xdev_attach(r->m, v->sid, 0, v->ats, xdom(r, dom), &v->x), what))
		v->dom = dom;
	else
		v->x = NULL;
	check(r, what, false);
}

static void detach(struct run *r, int i)
{
	if (r->dev[i].x)
		nb_xdev_detach(r->m, r->dev[i].x);
	r->dev[i].x = NULL;
}

static void build(struct run *r, struct nb_arena *arena, struct nb_palloc *host, struct nb_guest_ram *ram,
		  bool *have_ram)
{
	struct nb_pt_cfg s1, s2;
	struct nb_tspace ts = { .alloc = host };

	nb_vendor_formats(nb_iommu_params(r->m)->vendor, &s1, &s2);
	if (!fn_ok(r->c, nb_domain_alloc(&r->s2, &s2, arena, &ts), "stage-2 domain alloc"))
		return;
	if (!fn_ok(r->c, nb_xdomain_paging(r->m, r->s2, NB_XD_S2, &r->xs2), "stage-2 attachable domain"))
		return;
	if (fn_ok(r->c, nb_guest_ram_init(ram, arena, r->s2, RAM_IPA, RAM_BYTES), "guest RAM init")) {
		*have_ram = true;
		ref_add(&r->ref2, RAM_IPA, ram->alloc.base, ram->size, NB_PROT_RW);
	}
	if (fn_ok(r->c, nb_iommu_map(r->m, r->xs2, DATA_IPA, DATA_PA, 2 * PAGES * PG, NB_PROT_RW),
		  "stage-2 map"))
		ref_add(&r->ref2, DATA_IPA, DATA_PA, 2 * PAGES * PG, NB_PROT_RW);
	check(r, "stage-2 map", false);
	attach(r, 0, DOM_PARENT, "attach to the stage-2 domain");
	for (int k = 0; k < 2 && *have_ram; k++) {
		if (!fn_ok(r->c, nb_nested_alloc(&r->nn[k], r->s2, &s1, &ram->ts), "nested domain alloc"))
			continue;
		if (!fn_ok(r->c, nb_xdomain_nested(r->m, r->nn[k], r->xs2, &r->xn[k]), "nested attachable domain"))
			continue;
		if (fn_ok(r->c, nb_domain_map(r->nn[k]->s1, 0, DATA_IPA + k * PAGES * PG, PAGES * PG, NB_PROT_RW),
			  "guest stage-1 map"))
			ref_add(&r->ref1[k], 0, DATA_IPA + k * PAGES * PG, PAGES * PG, NB_PROT_RW);
		check(r, "guest stage-1 map", false);
	}
	attach(r, 1, DOM_N0, "attach to nested domain 0");
	attach(r, 2, DOM_N0, "attach to nested domain 0");
	attach(r, 3, DOM_N1, "attach to nested domain 1");
	if (!fn_ok(r->c, nb_domain_alloc(&r->ds1, &s1, arena, &ts), "stage-1 domain alloc") ||
	    !fn_ok(r->c, nb_xdomain_paging(r->m, r->ds1, NB_XD_S1, &r->xs1), "stage-1 attachable domain"))
		return;
	attach(r, 4, DOM_S1, "attach to the stage-1 domain");
	if (fn_ok(r->c, nb_iommu_map(r->m, r->xs1, 0, S1_PA, PAGES * PG, NB_PROT_RW), "stage-1 map"))
		ref_add(&r->refs1, 0, S1_PA, PAGES * PG, NB_PROT_RW);
	check(r, "stage-1 map", false);
}

/* Unmaps and invalidations of every kind, on what exists. */
static void change(struct run *r)
{
	int64_t got;

	got = nb_iommu_unmap(r->m, r->xs2, DATA_IPA + 4 * PG, 4 * PG);
	if (fn_ok(r->c, got, "stage-2 unmap"))
		ref_del(&r->ref2, DATA_IPA + 4 * PG, 4 * PG);
	check(r, "stage-2 unmap", false);
	if (r->xn[0]) {
		struct nb_gather g;
		struct nb_flush_req req;

		nb_gather_init(&g);
		got = nb_domain_unmap(r->nn[0]->s1, 2 * PG, 3 * PG, &g);
		if (fn_ok(r->c, got, "guest unmap"))
			ref_del(&r->ref1[0], 2 * PG, 3 * PG);
		req = (struct nb_flush_req){ .addr = 2 * PG, .size = 3 * PG, .leaf = !g.tables_freed,
					     .pgsize_mask = g.pgsize_mask };
		fn_ok(r->c, nb_iommu_guest_invalidate(r->m, r->xn[0], &req), "guest invalidation");
		nb_gather_release(r->nn[0]->s1, &g);
		check(r, "guest unmap and invalidation", false);
	}
	if (r->xn[1]) {
		struct nb_flush_req reqs[2] = { { .addr = 0, .size = PG, .leaf = true },
						{ .addr = 8 * PG, .size = 4 * PG } };
		uint32_t done = 0;

		if (fn_ok(r->c, nb_iommu_guest_invalidate_array(r->m, r->xn[1], reqs, 2, &done),
			  "guest invalidation array"))
			fn_check(r->c, done == 2, "guest invalidation array: %u of 2 handled", done);
		else /* the entry that failed is not counted */
			fn_check(r->c, done < 2, "guest invalidation array failed, yet %u of 2 handled", done);
		check(r, "guest invalidation array", false);
	}
	if (r->xs1) {
		got = nb_iommu_unmap(r->m, r->xs1, 0, 8 * PG);
		if (fn_ok(r->c, got, "lazy stage-1 unmap"))
			ref_del(&r->refs1, 0, 8 * PG);
		check(r, "lazy stage-1 unmap", false);
	}
	detach(r, 2);
	check(r, "detach", false);
	attach(r, 2, DOM_N1, "attach to nested domain 1 (moved)");
	nb_iommu_fq_flush(r->m);
	check(r, "flush queue", true);
}

static void run(struct fn_ctx *c, int i)
{
	const struct nb_tag_model *tm = nb_tag_model_at(i);
	struct run r = { .c = c };
	struct nb_arena *arena = NULL;
	struct nb_palloc host = { 0 };
	struct nb_guest_ram ram;
	struct nb_hw_params p;
	bool have_ram = false;
	static const struct dev devs[NDEV] = {
		{ .sid = 1, .ats = true }, { .sid = 10, .ats = true }, { .sid = 11 }, { .sid = 12, .ats = true },
		{ .sid = 20 },
	};

	memcpy(r.dev, devs, sizeof(devs));
	nb_hwparams_defaults(&p, tm->vendor);
	snprintf(p.model, sizeof(p.model), "%s", tm->name);
	p.policy.strict = false;
	if (!fn_ok(c, nb_arena_create(&arena, 64ull << 20), "arena create"))
		return;
	if (!fn_ok(c, nb_palloc_init(&host, arena, 16ull << 20), "allocator init"))
		goto out;
	if (!fn_ok(c, nb_iommu_create(&r.m, &p, arena), "IOMMU create"))
		goto out;
	build(&r, arena, &host, &ram, &have_ram);
	if (r.xs2)
		change(&r);

	for (int d = 0; d < NDEV; d++)
		detach(&r, d);
	nb_xdomain_free(r.m, r.xs1);
	nb_domain_free(r.ds1);
	for (int k = 0; k < 2; k++) {
		nb_xdomain_free(r.m, r.xn[k]);
		nb_nested_free(r.nn[k]);
	}
	if (have_ram)
		nb_guest_ram_fini(&ram, r.s2);
	nb_xdomain_free(r.m, r.xs2);
	nb_domain_free(r.s2);
	nb_iommu_destroy(r.m);
	fn_pause();
	fn_check(c, atomic_load(&host.blocks_in_use) == 0, "after the teardown, %llu table pages are still out",
		 (unsigned long long)atomic_load(&host.blocks_in_use));
	fn_resume();
out:
	if (host.arena)
		nb_palloc_fini(&host);
	nb_arena_destroy(arena);
}

const struct fn_family fn_iommu = {
	.name = "iommu",
	.cases = model_count,
	.case_name = case_name,
	.run = run,
};
