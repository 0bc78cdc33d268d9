// SPDX-License-Identifier: MIT
/*
 * The nested replay's guests (nested_internal.h): one guest's stage-1
 * events (maps, unmaps, DMAs, its invalidation descriptors and waits)
 * through the model, the cost of what each sent and the oracle's sample
 * after an invalidation completes. The set-up (live maps) and the merged
 * run (nested_replay.c) both stand on it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nested_internal.h"

double nested_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "FILE:LINE: nested replay: why", why copied first: nb_fail writes the
 * buffer nb_errmsg() reads. The cause's errno stays (out of memory is not
 * bad input). */
int nested_failed_at(int ret, const char *path, unsigned line, const char *who)
{
	char why[400];

	snprintf(why, sizeof(why), "%s", nb_errmsg()[0] ? nb_errmsg() : strerror(ret < 0 ? -ret : ret));
	return nb_fail(ret < 0 ? -ret : EINVAL, "%s:%u: nested replay: %s%s", path, line, who, why);
}

/* ---- costs and the oracle ---- */

void nested_cost_add(struct nb_nested_cost *c, const struct nb_iommu_stats *a,
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
void nested_completed(struct nrp *r)
{
	double t0;
	uint64_t stale;

	if (!r->o->oracle_every || r->pending_doms)
		return;
	if (r->quiescent++ % r->o->oracle_every)
		return;
	t0 = nested_seconds();
	stale = nb_iommu_oracle_check(r->m);
	if (stale && !r->res->stale)
		snprintf(r->res->stale_msg, sizeof(r->res->stale_msg), "%s", nb_errmsg());
	r->res->stale += stale;
	r->res->oracle_checks++;
	r->res->oracle_s += nested_seconds() - t0;
}

/* ---- the guests ---- */

struct gdom *nested_gdom(struct guest *g, uint32_t did)
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
int nested_guest_submit(struct nrp *r, struct guest *g)
{
	for (uint32_t i = 0; i < g->norder; i++) {
		struct gdom *d = g->order[i];
		struct nb_iommu_stats before = *nb_iommu_stats(r->m);
		bool had = d->pending.n;
		uint32_t done;
		int ret = nb_iommu_guest_invalidate_array(r->m, d->xd, d->req, d->nreq, &done);

		if (ret)
			return ret;
		nested_cost_add(&r->res->guest, &before, nb_iommu_stats(r->m));
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
		nested_completed(r);
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
		return nested_guest_submit(r, g);
	if ((c.op != NB_VTD_PIOTLB_PSI && c.op != NB_VTD_PIOTLB_PASID) || !(d = nested_gdom(g, c.tag))) {
		r->res->guest_descs_other += c.op != NB_VTD_WAIT;
		return 0;
	}
	if (c.op == NB_VTD_PIOTLB_PSI)
		q = (struct nb_flush_req){ .addr = c.addr, .size = 4096ull << c.am, .leaf = c.leaf };
	if (nb_grow((void **)&d->req, &d->capreq, (size_t)d->nreq + 1, sizeof(*d->req), 8))
		return nb_fail(ENOMEM, "nested replay: out of memory for a guest request");
	d->req[d->nreq++] = q;
	for (i = 0; i < g->norder && g->order[i] != d; i++)
		;
	if (i == g->norder)
		g->order[g->norder++] = d;
	return 0;
}

int nested_guest_event(struct nrp *r, struct guest *g, const struct nb_trace_event *ev)
{
	struct gdom *d = ev->kind == NB_TR_INV ? NULL : nested_gdom(g, ev->domain);
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
