// SPDX-License-Identifier: MIT
/*
 * The nested replay (nestbench/trace.h, docs/nested.md): K guests' stage-1
 * streams over one stage 2 that a VMM's stream changes, through one model.
 * Set-up: the simulated memory laid out as the alignment rule says, the
 * stage 2 as the VMM set it up, every guest's nested domains, devices and
 * live mappings; then the streams merged on the replay clock; each event's
 * cost is what the model's commands for it added to the IOMMU's counters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nested_internal.h"

#define TWO_MIB (2ull << 20)
#define HOST_TABLES (32ull << 20) /* the stage 2's own tables (host memory) */
#define MAX_ARENA (64ull << 30)
#define MAX_GUESTS 255		  /* guest k's devices are on bus k */

/* One nested domain: a guest's trace domain. */
struct gdom {
	uint32_t did;
	struct nb_nested *nn;
	struct nb_xdomain *xd;
	struct nested_ranges pending; /* IOVAs it unmapped and has not invalidated yet */
	struct nb_gather gather;      /* the stage-1 tables those unmaps freed */
	struct nb_flush_req *req;     /* its request being built (P_IOTLBs since the last wait) */
	uint32_t nreq, capreq;
};

struct gdev {
	uint32_t sid; /* the guest's (trace) source id */
	struct nb_xdev *dev;
	struct gdom *d;
};

struct guest {
	uint32_t k;
	const struct nested_capture *cap;
	size_t pos;
	uint64_t base; /* its block's IPA */
	struct gdom dom[NESTED_MAX_DOMS];
	struct gdev dev[NESTED_MAX_DOMS];
	uint32_t ndom, ndev;
	struct gdom *order[NESTED_MAX_DOMS]; /* domains with a request, in order */
	uint32_t norder;
};

struct nrp {
	const struct nb_hw_params *p;
	const struct nb_nested_replay_opts *o;
	struct nb_nested_replay_result *res;
	struct nested_capture *caps;
	uint32_t ncaps;
	struct nested_s2 s2;
	struct nb_arena *arena;
	struct nb_palloc host, filler, tables;
	struct nb_tspace guest_ts;
	struct nb_domain *s2pt;
	struct nb_xdomain *parent;
	struct nb_iommu *m;
	struct guest *g;
	uint32_t K;
	uint32_t pending_doms; /* domains with something unmapped and not invalidated */
	uint64_t quiescent;    /* completions while none had (the oracle's sample clock) */
	/* caching mode: the map2 call not flushed yet */
	bool call_open;
	uint64_t call_lo, call_hi;
};

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "FILE:LINE: nested replay: why", why copied first: nb_fail writes the
 * buffer nb_errmsg() reads. The cause's errno stays (out of memory is not
 * bad input). */
static int failed_at(int ret, const char *path, unsigned line, const char *who)
{
	char why[400];

	snprintf(why, sizeof(why), "%s", nb_errmsg()[0] ? nb_errmsg() : strerror(ret < 0 ? -ret : ret));
	return nb_fail(ret < 0 ? -ret : EINVAL, "%s:%u: nested replay: %s%s", path, line, who, why);
}

/* ---- costs and the oracle ---- */

static void cost_add(struct nb_nested_cost *c, const struct nb_iommu_stats *a,
		     const struct nb_iommu_stats *b)
{
	c->events++;
	c->cmds += b->cmds - a->cmds;
	c->syncs += b->syncs - a->syncs;
	c->doorbells += b->doorbells - a->doorbells;
	c->cmd_cycles += b->cmd_cycles - a->cmd_cycles;
	c->invalidated += b->entries_invalidated - a->entries_invalidated;
	c->collateral += b->collateral - a->collateral;
}

/* An invalidation completed: where no guest has anything unmapped left to
 * invalidate, every cached entry must agree with the tables. */
static void completed(struct nrp *r)
{
	double t0;
	uint64_t stale;

	if (!r->o->oracle_every || r->pending_doms)
		return;
	if (r->quiescent++ % r->o->oracle_every)
		return;
	t0 = seconds();
	stale = nb_iommu_oracle_check(r->m);
	if (stale && !r->res->stale)
		snprintf(r->res->stale_msg, sizeof(r->res->stale_msg), "%s", nb_errmsg());
	r->res->stale += stale;
	r->res->oracle_checks++;
	r->res->oracle_s += seconds() - t0;
}

/* ---- the guests ---- */

static struct gdom *gdom_of(struct guest *g, uint32_t did)
{
	for (uint32_t i = 0; i < g->ndom; i++)
		if (g->dom[i].did == did)
			return &g->dom[i];
	return NULL;
}

/* Guest k's device for sid, attached to the domain the event names (a
 * device that moved is attached again). */
static int device(struct nrp *r, struct guest *g, uint32_t sid, struct gdom *d, struct nb_xdev **out)
{
	struct gdev *v = NULL;
	int ret;

	for (uint32_t i = 0; i < g->ndev; i++)
		if (g->dev[i].sid == sid)
			v = &g->dev[i];
	if (!v) /* the capture's device list has every source id */
		return nb_fail(EINVAL, "nested replay: source id %#x not in the stream's devices", sid);
	if (v->d != d) {
		nb_xdev_detach(r->m, v->dev);
		v->dev = NULL;
		v->d = d;
		r->res->reattached++;
	}
	if (!v->dev && (ret = nb_xdev_attach(r->m, (g->k << 8) | sid, 0, false, d->xd, &v->dev)))
		return ret;
	*out = v->dev;
	return 0;
}

static int pending_add(struct nrp *r, struct gdom *d, uint64_t first, uint64_t end)
{
	if (!d->pending.n)
		r->pending_doms++;
	return nested_ranges_set(&d->pending, first, end, 0);
}

static int s1_unmap(struct nrp *r, struct gdom *d, uint64_t first, uint64_t len, bool counted)
{
	int64_t got = nb_domain_unmap(d->nn->s1, first, len, &d->gather);

	if (got < 0)
		return (int)got; /* a cut superpage: nb_errmsg() says so */
	r->res->unmaps_unmapped += counted && (uint64_t)got < len;
	return got ? pending_add(r, d, first, first + len) : 0;
}

static int s1_map(struct nrp *r, struct guest *g, struct gdom *d, uint64_t iova, uint64_t out,
		  uint64_t len, unsigned prot)
{
	uint64_t ipa = nested_place(g->cap, g->base, out);
	int ret;

	if (!ipa) /* every out= is in a run (lay_out) */
		return nb_fail(EINVAL, "address %#llx is in none of the stream's runs", (unsigned long long)out);
	ret = nb_domain_map(d->nn->s1, iova, ipa, len, prot);
	if (ret == -EEXIST) { /* the stream lacks the unmap in between */
		r->res->maps_replaced++;
		if (!(ret = s1_unmap(r, d, iova, len, false)))
			ret = nb_domain_map(d->nn->s1, iova, ipa, len, prot);
	}
	return ret;
}

static int dma(struct nrp *r, struct guest *g, struct gdom *d, const struct nb_trace_event *ev)
{
	struct nb_nested_replay_result *res = r->res;
	struct nb_dma_result dr;
	struct nb_xdev *dev = NULL;
	uint32_t refs = 0;
	int ret = device(r, g, ev->sid, d, &dev);

	if (ret)
		return ret;
	nb_iommu_dma(r->m, dev, ev->iova, ev->prot, &dr);
	if (dr.fault == NB_FAULT_NOT_PRESENT && dr.fault_stage == 1 && ev->has_out) {
		/* mapped before the capture began: map it where the source saw it */
		refs = dr.refs;
		res->implied_maps++;
		if ((ret = s1_map(r, g, d, nb_align_down(ev->iova, 12), nb_align_down(ev->out, 12), 4096,
				  NB_PROT_RW)))
			return ret;
		nb_iommu_dma(r->m, dev, ev->iova, ev->prot, &dr);
		dr.refs += refs;
	}
	res->dmas++;
	res->dma_iotlb_hits += dr.iotlb_hit;
	res->refs += dr.refs;
	res->s1_faults += dr.fault && dr.fault_stage != 2;
	res->s2_faults += dr.fault && dr.fault_stage == 2;
	if (r->o->on_dma)
		r->o->on_dma(r->o->user, g->k, ev, ev->has_out ? nested_place(g->cap, g->base, ev->out) : 0, &dr);
	return 0;
}

/* The guest's wait: each domain's P_IOTLBs since the last one, as one
 * request (IOMMU_HWPT_INVALIDATE with an array) through the model. */
static int submit(struct nrp *r, struct guest *g)
{
	for (uint32_t i = 0; i < g->norder; i++) {
		struct gdom *d = g->order[i];
		struct nb_iommu_stats before = *nb_iommu_stats(r->m);
		bool had = d->pending.n;
		uint32_t done;
		int ret = nb_iommu_guest_invalidate_array(r->m, d->xd, d->req, d->nreq, &done);

		if (ret)
			return ret;
		cost_add(&r->res->guest, &before, nb_iommu_stats(r->m));
		r->res->guest_entries += d->nreq;
		for (uint32_t j = 0; j < d->nreq && !ret; j++)
			ret = d->req[j].size ? nested_ranges_clear(&d->pending, d->req[j].addr,
								   d->req[j].addr + d->req[j].size)
					     : (d->pending.n = 0, 0);
		d->nreq = 0;
		if (ret)
			return ret;
		if (!d->pending.n) { /* everything it unmapped is invalidated: its tables may go */
			r->pending_doms -= had;
			nb_gather_release(d->nn->s1, &d->gather);
		}
		completed(r);
	}
	g->norder = 0;
	return 0;
}

/* A guest descriptor: P_IOTLBs join their domain's request, the wait sends
 * it; the rest (context, PASID cache, legacy IOTLB) is counted. */
static int descriptor(struct nrp *r, struct guest *g, const struct nb_trace_event *ev)
{
	struct nb_inv_cmd c;
	struct nb_flush_req q = { 0 };
	struct gdom *d;
	uint32_t i;

	if (!ev->has_raw) {
		r->res->guest_descs_other++;
		return 0;
	}
	if (nb_inv_decode(NB_VENDOR_VTD, &ev->raw, &c))
		return -EINVAL; /* nb_errmsg() names the field */
	if (c.op == NB_VTD_WAIT)
		return submit(r, g);
	if ((c.op != NB_VTD_PIOTLB_PSI && c.op != NB_VTD_PIOTLB_PASID) || !(d = gdom_of(g, c.tag))) {
		r->res->guest_descs_other += c.op != NB_VTD_WAIT;
		return 0;
	}
	if (c.op == NB_VTD_PIOTLB_PSI)
		q = (struct nb_flush_req){ .addr = c.addr, .size = 4096ull << c.am, .leaf = c.leaf };
	if (d->nreq == d->capreq) {
		uint32_t cap = d->capreq ? d->capreq * 2 : 8;
		struct nb_flush_req *n = realloc(d->req, cap * sizeof(*n));

		if (!n)
			return nb_fail(ENOMEM, "nested replay: out of memory for a guest request");
		d->req = n;
		d->capreq = cap;
	}
	d->req[d->nreq++] = q;
	for (i = 0; i < g->norder && g->order[i] != d; i++)
		;
	if (i == g->norder)
		g->order[g->norder++] = d;
	return 0;
}

static int guest_event(struct nrp *r, struct guest *g, const struct nb_trace_event *ev)
{
	struct gdom *d = ev->kind == NB_TR_INV ? NULL : gdom_of(g, ev->domain);
	uint64_t first, len;

	nested_pages(ev, &first, &len);
	switch (ev->kind) {
	case NB_TR_MAP:
		if (ev->live && g->pos <= g->cap->first)
			r->res->live_maps++;
		else
			r->res->s1_maps++;
		return s1_map(r, g, d, first, nb_align_down(ev->out, 12), len, ev->prot);
	case NB_TR_UNMAP:
		r->res->s1_unmaps++;
		return s1_unmap(r, d, first, len, true);
	case NB_TR_DMA:
		return dma(r, g, d, ev);
	case NB_TR_INV:
		return descriptor(r, g, ev);
	default:
		return 0;
	}
}

/* ---- the stage-2 changes ---- */

/* Caching mode only (a vIOMMU caches not-present entries): the flush after
 * a map2 call (Linux's iotlb_sync_map); real host IOMMUs need none. */
static int close_call(struct nrp *r)
{
	if (!r->call_open)
		return 0;
	r->call_open = false;
	return nb_iommu_flush(r->m, r->parent,
			      &(struct nb_flush_req){ .addr = r->call_lo, .size = r->call_hi - r->call_lo });
}

static int s2_map(struct nrp *r, const struct nb_trace_event *ev, uint64_t first, uint64_t len)
{
	uint64_t out = nb_align_down(ev->out, 12);
	/* map2 carries no prot= in the captures: the VMM maps guest RAM read-write */
	int ret = nb_iommu_map(r->m, r->parent, first, out, len, NB_PROT_RW);

	if (ret == -EEXIST) { /* the stream lacks the unmap in between */
		int64_t got = nb_iommu_unmap(r->m, r->parent, first, len);

		ret = got < 0 ? (int)got : nb_iommu_map(r->m, r->parent, first, out, len, NB_PROT_RW);
	}
	if (ret || !r->p->policy.caching_mode)
		return ret;
	if (!r->call_open || first < r->call_lo)
		r->call_lo = first;
	if (!r->call_open || first + len > r->call_hi)
		r->call_hi = first + len;
	r->call_open = true;
	return ev->more ? 0 : close_call(r);
}

static int s2_event(struct nrp *r, const struct nb_trace_event *ev, bool relocated)
{
	struct nb_iommu_stats before = *nb_iommu_stats(r->m);
	struct nb_nested_replay_result *res = r->res;
	enum nb_nested_s2_kind kind;
	uint64_t first, len;
	int ret = 0;

	nested_pages(ev, &first, &len);
	if (ev->kind != NB_TR_MAP2 && (ret = close_call(r)))
		return ret;
	if (ev->kind == NB_TR_MAP2) {
		kind = NB_NS2_MAP;
		ret = s2_map(r, ev, first, len);
	} else if (ev->kind == NB_TR_UNMAP2) {
		int64_t got = nb_iommu_unmap(r->m, r->parent, first, len);

		kind = NB_NS2_UNMAP;
		ret = got < 0 ? (int)got : 0;
	} else {
		uint64_t at = ev->flush_iova;

		kind = NB_NS2_DIRTY;
		res->dirty_pages += ev->dirty;
		if (relocated) /* onto the guests' data, where their DMA writes */
			at = res->data_ipa + (ev->flush_iova - r->s2.dirty_base) % res->data_bytes;
		if (ev->flush_size)
			ret = nb_iommu_flush(r->m, r->parent,
					     &(struct nb_flush_req){ .addr = nb_align_down(at, 12),
								     .size = ev->flush_size, .leaf = true,
								     .dirty = true });
	}
	if (ret)
		return ret;
	cost_add(&res->s2[kind], &before, nb_iommu_stats(r->m));
	completed(r);
	return 0;
}

/* ---- set-up ---- */

static uint64_t round2m(uint64_t v)
{
	return (v + TWO_MIB - 1) & ~(TWO_MIB - 1);
}

/* Where the guests live (docs/nested.md): their stage-1 tables at the
 * start of the stage 2's RAM (where its host address is 2 MiB aligned, as
 * the table allocator's memory is), each guest's block after them. */
static int lay_out(struct nrp *r, uint64_t *host_tables)
{
	struct nb_nested_replay_result *res = r->res;
	uint64_t ram_end = r->s2.ram_ipa + r->s2.ram_bytes, domains = 0, blocks = 0;

	for (uint32_t k = 0; k < r->K; k++) {
		domains += r->g[k].cap->ndomains;
		blocks += r->g[k].cap->block_bytes;
	}
	res->ram_ipa = r->s2.ram_ipa;
	res->ram_bytes = r->s2.ram_bytes;
	res->table_ipa = r->s2.ram_ipa + ((TWO_MIB - (r->s2.ram_host & (TWO_MIB - 1))) & (TWO_MIB - 1));
	res->table_bytes = round2m((4ull << 20) + domains * (256ull << 10));
	res->data_ipa = res->table_ipa + res->table_bytes;
	res->data_bytes = blocks;
	if (res->data_ipa + blocks > ram_end || res->data_ipa < res->table_ipa)
		return nb_fail(ENOSPC, "%s: nested replay: %u guests need %llu MiB of guest memory (%llu MiB of "
				       "stage-1 tables, %llu MiB of their streams' runs); the stage 2's RAM (IPA %#llx, "
				       "%llu MiB) holds %llu MiB: fewer guests or smaller streams",
			       r->o->s2, r->K, (unsigned long long)((res->data_ipa - r->s2.ram_ipa + blocks) >> 20),
			       (unsigned long long)(res->table_bytes >> 20), (unsigned long long)(blocks >> 20),
			       (unsigned long long)r->s2.ram_ipa, (unsigned long long)(r->s2.ram_bytes >> 20),
			       (unsigned long long)(r->s2.ram_bytes >> 20));
	blocks = 0;
	for (uint32_t k = 0; k < r->K; k++) {
		r->g[k].base = res->data_ipa + blocks;
		blocks += r->g[k].cap->block_bytes;
	}
	*host_tables = r->s2.ram_host + (res->table_ipa - r->s2.ram_ipa);
	if (*host_tables < TWO_MIB || *host_tables + res->table_bytes + HOST_TABLES > MAX_ARENA)
		return nb_fail(ERANGE, "%s: nested replay: the stage 2 maps the guests' RAM at host %#llx: outside "
				       "what the replay's simulated memory holds (2 MiB .. %llu GiB)",
			       r->o->s2, (unsigned long long)*host_tables, (unsigned long long)(MAX_ARENA >> 30));
	return 0;
}

/* The simulated memory: host addresses as the stream has them, so the
 * guests' tables are at the host address their IPA maps to. */
static int memory(struct nrp *r, uint64_t host_tables)
{
	uint64_t size = round2m(host_tables + r->res->table_bytes + HOST_TABLES + NB_ARENA_GUARD + TWO_MIB);
	int ret;

	if ((ret = nb_arena_create(&r->arena, size)))
		return ret;
	if (host_tables > r->arena->next && (ret = nb_palloc_init(&r->filler, r->arena, host_tables - r->arena->next)))
		return ret;
	if ((ret = nb_palloc_init(&r->tables, r->arena, r->res->table_bytes)))
		return ret;
	if (r->tables.base != host_tables)
		return nb_fail(EFAULT, "nested replay: the guests' table memory landed at %#llx, not %#llx",
			       (unsigned long long)r->tables.base, (unsigned long long)host_tables);
	r->guest_ts = (struct nb_tspace){ .alloc = &r->tables,
					  .addr_minus_pa = (int64_t)(r->res->table_ipa - host_tables) };
	return nb_palloc_init(&r->host, r->arena, HOST_TABLES);
}

/* The stage 2 as the VMM set it up: its state when the VM's DMA began,
 * each range mapped once as the VMM's call mapped it (tables only: nothing
 * is cached yet). */
static int stage2(struct nrp *r, const struct nb_tag_model *model)
{
	struct nb_pt_cfg s1, s2;
	uint64_t pa;
	int ret;

	nb_vendor_formats(r->p->vendor, &s1, &s2);
	if ((ret = nb_iommu_create_with(&r->m, r->p, r->arena, model)) ||
	    (ret = nb_domain_alloc(&r->s2pt, &s2, r->arena, &(struct nb_tspace){ .alloc = &r->host })) ||
	    (ret = nb_xdomain_paging(r->m, r->s2pt, NB_XD_S2, &r->parent)))
		return ret;
	for (size_t i = 0; i < r->s2.at_start.n; i++) {
		const struct nested_range *x = &r->s2.at_start.r[i];

		if ((ret = nb_domain_map(r->s2pt, x->first, x->to, x->end - x->first, NB_PROT_RW))) {
			char why[400];

			snprintf(why, sizeof(why), "%s", nb_errmsg());
			return nb_fail(-ret, "%s: nested replay: the VMM's set-up, IPA %#llx+%#llx: %s", r->o->s2,
				       (unsigned long long)x->first, (unsigned long long)(x->end - x->first), why);
		}
	}
	if (nb_domain_iova_to_phys(r->s2pt, r->res->table_ipa, &pa) || pa != r->tables.base)
		return nb_fail(EFAULT, "nested replay: the stage 2 does not map the tables' IPA %#llx to %#llx",
			       (unsigned long long)r->res->table_ipa, (unsigned long long)r->tables.base);
	return 0;
}

static int guest_init(struct nrp *r, struct guest *g)
{
	struct nb_pt_cfg s1, s2;
	int ret;

	nb_vendor_formats(r->p->vendor, &s1, &s2);
	for (uint32_t i = 0; i < g->cap->ndomains; i++) {
		struct gdom *d = &g->dom[g->ndom++];

		d->did = g->cap->did[i];
		nb_gather_init(&d->gather);
		if ((ret = nb_nested_alloc(&d->nn, r->s2pt, &s1, &r->guest_ts)) ||
		    (ret = nb_xdomain_nested(r->m, d->nn, r->parent, &d->xd)))
			return ret;
	}
	for (uint32_t i = 0; i < g->cap->ndevs; i++) {
		struct gdev *v = &g->dev[g->ndev++];

		v->sid = g->cap->dev[i].sid;
		v->d = gdom_of(g, g->cap->dev[i].did);
		if ((ret = nb_xdev_attach(r->m, (g->k << 8) | v->sid, 0, false, v->d->xd, &v->dev)))
			return ret;
	}
	for (; g->pos < g->cap->first; g->pos++)
		if ((ret = guest_event(r, g, &g->cap->ev[g->pos])))
			return ret;
	return 0;
}

/* ---- the run ---- */

enum { SRC_S2, SRC_DIRTY, SRC_GUEST };

/* The streams merged on the replay clock: at equal times the stage 2
 * first, then the dirty rounds, then the guests in order. */
static int run(struct nrp *r, size_t *s2pos, size_t *dpos)
{
	for (;;) {
		uint64_t best = UINT64_MAX, t;
		int src = -1;
		uint32_t gk = 0;
		int ret;

		if (*s2pos < r->s2.nchange && (t = nested_s2_time(&r->s2, r->s2.change[*s2pos].time_ns)) < best)
			best = t, src = SRC_S2;
		if (*dpos < r->s2.ndirty && (t = nested_dirty_time(&r->s2, r->s2.dirty[*dpos].time_ns)) < best)
			best = t, src = SRC_DIRTY;
		for (uint32_t k = 0; k < r->K; k++) {
			const struct guest *g = &r->g[k];

			if (g->pos < g->cap->n && (t = nested_capture_time(g->cap, g->cap->ev[g->pos].time_ns)) < best)
				best = t, src = SRC_GUEST, gk = k;
		}
		if (src < 0)
			return 0;
		r->res->events++;
		if (src == SRC_S2) {
			const struct nb_trace_event *ev = &r->s2.change[(*s2pos)++];

			if ((ret = s2_event(r, ev, false)))
				return failed_at(ret, r->o->s2, ev->line, "");
		} else if (src == SRC_DIRTY) {
			const struct nb_trace_event *ev = &r->s2.dirty[(*dpos)++];

			if ((ret = s2_event(r, ev, true)))
				return failed_at(ret, r->o->dirty, ev->line, "");
		} else {
			struct guest *g = &r->g[gk];
			const struct nb_trace_event *ev = &g->cap->ev[g->pos++];

			if ((ret = guest_event(r, g, ev))) {
				char who[32];

				snprintf(who, sizeof(who), "guest %u: ", gk);
				return failed_at(ret, g->cap->path, ev->line, who);
			}
		}
	}
}

static int load(struct nrp *r)
{
	const struct nb_nested_replay_opts *o = r->o;
	int ret;

	if (!o->s1 || !o->n_s1 || !o->s2 || !o->guests || o->guests > MAX_GUESTS)
		return nb_fail(EINVAL, "nested replay: %s", !o->s1 || !o->n_s1 ? "no stage-1 stream"
							      : !o->s2 ? "no stage-2 stream"
								       : "guests must be 1..255");
	r->K = o->guests;
	r->caps = calloc(o->n_s1, sizeof(*r->caps));
	r->g = calloc(r->K, sizeof(*r->g));
	if (!r->caps || !r->g)
		return nb_fail(ENOMEM, "nested replay: out of memory");
	for (uint32_t i = 0; i < o->n_s1; i++) { /* each file once */
		uint32_t j = 0;

		while (j < r->ncaps && strcmp(r->caps[j].path, o->s1[i]))
			j++;
		if (j == r->ncaps && (ret = nested_capture_load(&r->caps[r->ncaps++], o->s1[i])))
			return ret;
	}
	for (uint32_t k = 0; k < r->K; k++) {
		const char *path = o->s1[k % o->n_s1];

		r->g[k].k = k;
		for (uint32_t j = 0; j < r->ncaps; j++)
			if (!strcmp(r->caps[j].path, path))
				r->g[k].cap = &r->caps[j];
	}
	r->res->captures = r->ncaps;
	return nested_s2_load(&r->s2, o->s2, o->dirty, o->static_s2);
}

static int setup(struct nrp *r)
{
	const struct nb_tag_model *model = r->o->model;
	uint64_t host_tables = 0;
	int ret;

	if (!model && (ret = nb_tag_model_by_name(r->p->model, &model)))
		return ret;
	if ((ret = load(r)) || (ret = lay_out(r, &host_tables)) || (ret = memory(r, host_tables)) ||
	    (ret = stage2(r, model)))
		return ret;
	r->res->s2_setup_events = r->s2.nsetup;
	for (uint32_t k = 0; k < r->K; k++) {
		struct guest *g = &r->g[k];

		if ((ret = guest_init(r, g))) {
			const struct nb_trace_event *ev = &g->cap->ev[g->pos < g->cap->n ? g->pos : 0];

			return failed_at(ret, g->cap->path, ev->line, "setting up: ");
		}
		r->res->nested_domains += g->ndom;
		r->res->devices += g->ndev;
	}
	return 0;
}

static void teardown(struct nrp *r)
{
	for (uint32_t k = 0; r->g && k < r->K; k++) {
		struct guest *g = &r->g[k];

		for (uint32_t i = 0; i < g->ndev; i++)
			if (g->dev[i].dev)
				nb_xdev_detach(r->m, g->dev[i].dev);
		for (uint32_t i = 0; i < g->ndom; i++) {
			struct gdom *d = &g->dom[i];

			if (d->nn)
				nb_gather_release(d->nn->s1, &d->gather);
			if (d->xd)
				nb_xdomain_free(r->m, d->xd);
			nb_nested_free(d->nn);
			nested_ranges_fini(&d->pending);
			free(d->req);
		}
	}
	if (r->parent)
		nb_xdomain_free(r->m, r->parent);
	nb_domain_free(r->s2pt);
	nb_iommu_destroy(r->m);
	if (r->host.arena)
		nb_palloc_fini(&r->host);
	if (r->tables.arena)
		nb_palloc_fini(&r->tables);
	if (r->filler.arena)
		nb_palloc_fini(&r->filler);
	nb_arena_destroy(r->arena);
	for (uint32_t i = 0; i < r->ncaps; i++)
		nested_capture_fini(&r->caps[i]);
	nested_s2_fini(&r->s2);
	free(r->caps);
	free(r->g);
}

int nb_nested_replay(const struct nb_hw_params *p, const struct nb_nested_replay_opts *o,
		     struct nb_nested_replay_result *res)
{
	struct nrp *r = calloc(1, sizeof(*r));
	double w0 = seconds();
	size_t s2pos = 0, dpos = 0;
	int ret;

	memset(res, 0, sizeof(*res));
	if (!r)
		return nb_fail(ENOMEM, "nested replay: out of memory");
	*r = (struct nrp){ .p = p, .o = o, .res = res };
	res->guests = o->guests;
	if (!(ret = setup(r)) && nb_iommu_stats(r->m)->flush_fallbacks)
		ret = nb_fail(ENOMEM, "nested replay: out of memory for the set-up's invalidations");
	if (!ret) {
		nb_iommu_stats_reset(r->m); /* counting starts with the streams */
		ret = run(r, &s2pos, &dpos);
	}
	for (uint32_t k = 0; !ret && k < r->K; k++) /* a request the stream ended before its wait */
		ret = submit(r, &r->g[k]);
	if (!ret)
		ret = close_call(r);
	if (!ret && nb_iommu_stats(r->m)->flush_fallbacks)
		ret = nb_fail(ENOMEM, "nested replay: out of memory for %llu invalidations (the unit dropped every "
				      "cached entry instead): the counts do not stand",
			      (unsigned long long)nb_iommu_stats(r->m)->flush_fallbacks);
	if (r->m)
		res->st = *nb_iommu_stats(r->m);
	res->s2_skipped = r->s2.skipped;
	res->s2_after_window = r->s2.after;
	teardown(r);
	free(r);
	res->wall_s = seconds() - w0;
	return ret;
}
