// SPDX-License-Identifier: MIT
/* Trace replay through a model (see nestbench/trace.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nestbench/iommu.h"
#include "nestbench/trace_mem.h"

#define MAX_DOMS 256
#define MAX_DEVS 1024
#define PA_OFFSET (1ull << 40) /* synthetic PA = IOVA + offset */

struct rp_dom {
	uint32_t id;
	struct nb_domain *pt;
	struct nb_xdomain *xd;
};

struct rp {
	const struct nb_hw_params *p;
	struct nb_hw_params pcopy; /* p, with caching mode where the driver flushed on map */
	struct nb_replay_opts o;
	const struct nb_tag_model *base; /* the model under test */
	struct nb_tag_model wrap;	 /* it, with the options' hooks */
	const struct nb_trace_event *cur; /* the event being replayed (for on_cmd) */
	int err;			  /* why domain() or device() gave NULL (negative errno) */
	struct nb_arena *arena;
	struct nb_palloc pal;
	struct nb_iommu *m;
	struct rp_dom dom[MAX_DOMS];
	int ndom;
	struct { uint32_t sid; struct nb_xdev *dev; struct rp_dom *d; } dev[MAX_DEVS];
	int ndev;
	int last_dom, last_dev;		  /* the previous event's: most events repeat them */
	/* flush_on_map: the maps of one driver call not yet flushed */
	struct rp_dom *sync_d;
	uint64_t sync_lo, sync_hi;
	struct nb_trace_event sync_ev; /* the call's last map (on_cmd names it) */
	bool started;		       /* past the initial state (live maps) */
};

/* The replay whose model hooks run on this thread (a replay is one thread's). */
static _Thread_local struct rp *tl_rp;

/* qemu_keys: a stage-2 attachment's entries carry its source id as sub-tag. */
static struct nb_tags qemu_dev_tags(const struct nb_iommu *m, const struct nb_xdev *dev)
{
	struct nb_tags t = tl_rp->base->dev_tags(m, dev);

	if (t.sub == NB_SUB_S2)
		t.sub = nb_xdev_sid(dev);
	return t;
}

/* on_cmd: every executed command, then its effect as the model says. */
static void hooked_effect(const struct nb_iommu *m, const struct nb_inv_cmd *c,
			  struct nb_inv_effect *e)
{
	struct rp *r = tl_rp;

	if (r->o.on_cmd && r->cur) /* not the replay's own teardown */
		r->o.on_cmd(r->o.user, r->cur, c);
	if (r->base->effect)
		r->base->effect(m, c, e);
	else
		nb_vendor_effect(c, e);
}

/* on_desc: every executed descriptor with the event that caused it. */
static void observed(void *user, const struct nb_inv_raw *raw, const struct nb_inv_cmd *c)
{
	struct rp *r = user;

	r->o.on_desc(r->o.user, r->cur, raw, c);
}

static struct rp_dom *domain(struct rp *r, uint32_t id)
{
	struct nb_pt_cfg s1, cfg;
	struct rp_dom *d;

	if (r->last_dom < r->ndom && r->dom[r->last_dom].id == id)
		return &r->dom[r->last_dom];
	for (int i = 0; i < r->ndom; i++)
		if (r->dom[i].id == id)
			return &r->dom[r->last_dom = i];
	nb_vendor_formats(r->p->vendor, &s1, &cfg); /* a new domain: its format */
	if (r->ndom == MAX_DOMS) {
		r->err = nb_fail(ENOSPC, "replay: more than %d domains", MAX_DOMS);
		return NULL;
	}
	d = &r->dom[r->ndom];
	d->id = id;
	if ((r->err = nb_domain_alloc(&d->pt, &cfg, r->arena, &(struct nb_tspace){ .alloc = &r->pal })))
		return NULL;
	if ((r->err = nb_xdomain_paging(r->m, d->pt, NB_XD_S2, &d->xd))) {
		nb_domain_free(d->pt); /* fail-nth sweep: it leaked */
		d->pt = NULL;
		return NULL;
	}
	if (r->o.source_tags && r->p->vendor == NB_VENDOR_VTD)
		nb_xdomain_ids(d->xd)[0] = id; /* VT-d models keep the DID in slot 0 */
	r->ndom++;
	return d;
}

/* "map 0x1000+0x1000: why", with why copied first: nb_fail writes the
 * buffer nb_errmsg() reads. */
static int op_failed(const char *op, uint64_t first, uint64_t len, int ret)
{
	char why[400];

	snprintf(why, sizeof(why), "%s", nb_errmsg()[0] ? nb_errmsg() : strerror(-ret));
	return nb_fail(-ret, "%s %#llx+%#llx: %s", op, (unsigned long long)first,
		       (unsigned long long)len, why);
}

/* Map, as the driver did: a range still in the model's flush queue (the
 * source flushed sooner) flushes the queue first; an overlap means the
 * trace missed an unmap: the old mapping goes. */
static int map(struct rp *r, struct rp_dom *d, uint64_t first, uint64_t len, unsigned prot,
	       struct nb_replay_result *res)
{
	bool forced;
	int ret = nb_iommu_map_after_fq(r->m, d->xd, first, first + PA_OFFSET, len, prot, &forced);

	res->fq_forced += forced;
	if (ret == -EEXIST) {
		res->maps_replaced++;
		if (nb_iommu_unmap(r->m, d->xd, first, len) < 0)
			return -EINVAL; /* nb_errmsg() says why (a superpage cut) */
		nb_iommu_fq_flush(r->m);
		ret = nb_iommu_map(r->m, d->xd, first, first + PA_OFFSET, len, prot);
	}
	return ret ? op_failed("map", first, len, ret) : 0;
}

/* Unmap as the trace says: a range that cuts a larger mapping (a 4K unmap
 * inside a 2M leaf) is an error, never a silent no-op; one that finds
 * nothing (or less than it names) mapped is counted (the trace began after
 * the map). */
static int unmap(struct rp *r, struct rp_dom *d, uint64_t first, uint64_t len,
		 struct nb_replay_result *res)
{
	int64_t got;

	if (!r->o.apply_inv) {
		got = nb_iommu_unmap(r->m, d->xd, first, len);
	} else { /* tables only: the recorded commands do the invalidation */
		struct nb_gather g;

		nb_gather_init(&g);
		got = nb_domain_unmap(d->pt, first, len, &g);
		nb_gather_release(d->pt, &g);
	}
	if (got < 0)
		return op_failed("unmap", first, len, (int)got);
	res->unmaps_unmapped += (uint64_t)got < len;
	return 0;
}

/* flush_on_map: the driver's flush after a map call (iotlb_sync_map), over
 * the whole range of the call's maps. */
static void sync_map(struct rp *r)
{
	const struct nb_trace_event *cur = r->cur;

	if (!r->sync_d)
		return;
	r->cur = &r->sync_ev;
	nb_iommu_flush(r->m, r->sync_d->xd,
		       &(struct nb_flush_req){ .addr = r->sync_lo, .size = r->sync_hi - r->sync_lo });
	r->cur = cur;
	r->sync_d = NULL;
}

static void note_map(struct rp *r, struct rp_dom *d, uint64_t first, uint64_t len, bool more)
{
	if (!r->o.flush_on_map || r->o.apply_inv)
		return;
	if (r->sync_d && r->sync_d != d)
		sync_map(r);
	if (!r->sync_d) {
		r->sync_d = d;
		r->sync_lo = first;
		r->sync_hi = first + len;
	}
	r->sync_lo = first < r->sync_lo ? first : r->sync_lo;
	r->sync_hi = first + len > r->sync_hi ? first + len : r->sync_hi;
	r->sync_ev = *r->cur;
	if (!more)
		sync_map(r);
}

static struct nb_xdev *device(struct rp *r, uint32_t sid, uint32_t dom)
{
	struct rp_dom *d;

	if (r->last_dev < r->ndev && r->dev[r->last_dev].sid == sid && r->dev[r->last_dev].d->id == dom)
		return r->dev[r->last_dev].dev;
	for (int i = 0; i < r->ndev; i++)
		if (r->dev[i].sid == sid && r->dev[i].d->id == dom)
			return r->dev[r->last_dev = i].dev;
	d = domain(r, dom);
	if (!d)
		return NULL;
	for (int i = 0; i < r->ndev; i++) /* the device moved to another domain */
		if (r->dev[i].sid == sid) {
			nb_xdev_detach(r->m, r->dev[i].dev);
			r->dev[i] = r->dev[--r->ndev];
			break;
		}
	if (r->ndev == MAX_DEVS) {
		r->err = nb_fail(ENOSPC, "replay: more than %d devices", MAX_DEVS);
		return NULL;
	}
	r->dev[r->ndev].sid = sid;
	r->dev[r->ndev].d = d;
	if ((r->err = nb_xdev_attach(r->m, sid, 0, false, d->xd, &r->dev[r->ndev].dev)))
		return NULL;
	return r->dev[r->ndev++].dev;
}

static int event(struct rp *r, const struct nb_trace_event *ev, struct nb_replay_result *res)
{
	bool apply_inv = r->o.apply_inv;

	if (ev->kind == NB_TR_MAP2 || ev->kind == NB_TR_UNMAP2 || ev->kind == NB_TR_DIRTY2)
		return nb_fail(EINVAL, "%s: a stage-2 event (trace version 2); this replay is single-stage",
			       nb_trace_kind_name(ev->kind));
	if (!r->started && !(ev->kind == NB_TR_MAP && ev->live)) {
		/* the trace's own events start: count from here */
		r->started = true;
		if (res->live_maps)
			nb_iommu_stats_reset(r->m);
	}
	struct rp_dom *d = domain(r, ev->domain);
	/* the pages the event touches (the reader refused ranges past 2^64) */
	uint64_t first = nb_align_down(ev->iova, 12);
	uint64_t len = nb_align_down(ev->iova + (ev->size ? ev->size - 1 : 0), 12) - first + 4096;
	struct nb_dma_result dr;
	struct nb_xdev *dev;
	int ret;

	if (!d)
		return r->err;
	/* The device a map or unmap is for is attached from then on (the driver
	 * flushes whether or not it has done DMA yet). */
	if ((ev->kind == NB_TR_MAP || ev->kind == NB_TR_UNMAP) && !device(r, ev->sid, ev->domain))
		return r->err;
	if (ev->kind == NB_TR_UNMAP || ev->kind == NB_TR_INV)
		sync_map(r); /* a call's maps are consecutive (DMAs may come between) */
	switch (ev->kind) {
	case NB_TR_MAP:
		if (ev->live && !r->started) { /* the initial state */
			res->live_maps++;
			return map(r, d, first, len, ev->prot, res);
		}
		res->maps++;
		if ((ret = map(r, d, first, len, ev->prot, res)))
			return ret; /* its errno (fail-nth sweep: out of memory read as bad input) */
		note_map(r, d, first, len, ev->more);
		return 0;
	case NB_TR_UNMAP:
		res->unmaps++;
		return unmap(r, d, first, len, res);
	case NB_TR_DMA:
		dev = device(r, ev->sid, ev->domain);
		if (!dev)
			return r->err;
		res->dmas++;
		nb_iommu_dma(r->m, dev, ev->iova, ev->prot, &dr);
		if (dr.fault == NB_FAULT_NOT_PRESENT) { /* a map the trace does not show */
			uint32_t refs = dr.refs;

			res->implied_maps++;
			/* out of memory ends the replay: its results would stand on a
			 * mapping the trace never had (fail-nth sweep) */
			if (map(r, d, nb_align_down(ev->iova, 12), 4096, NB_PROT_RW, res) == -ENOMEM)
				return -ENOMEM;
			nb_iommu_dma(r->m, dev, ev->iova, ev->prot, &dr);
			dr.refs += refs;
		}
		res->faults += dr.fault != NB_FAULT_NONE;
		res->refs += dr.refs;
		res->dma_iotlb_hits += dr.iotlb_hit;
		if (r->o.on_dma)
			r->o.on_dma(r->o.user, ev, &dr);
		if (ev->hit >= 0) {
			res->src_hits_known++;
			res->src_hit_agree += (int)dr.iotlb_hit == ev->hit;
		}
		return 0;
	case NB_TR_INV:
		res->invs++;
		if (apply_inv && ev->has_raw) {
			/* the driver's own bytes into the ring, published at its wait
			 * (qi_submit_sync writes the tail once per submission) */
			if (nb_iommu_submit_raw(r->m, &ev->raw, false))
				return -1; /* nb_errmsg() says which field */
			res->raw_executed++;
		}
		return 0;
	default:
		return 0;
	}
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int nb_replay(const char *path, const struct nb_hw_params *p, bool apply_inv,
	      struct nb_replay_result *res)
{
	return nb_replay_ex(path, p, &(struct nb_replay_opts){ .apply_inv = apply_inv }, res);
}

int nb_replay_ex(const char *path, const struct nb_hw_params *p, const struct nb_replay_opts *o,
		 struct nb_replay_result *res)
{
	double w0 = seconds(), w1;
	struct nb_trace_mem *t;
	int ret = nb_trace_mem_create(&t, path);

	if (ret) {
		memset(res, 0, sizeof(*res));
		return ret;
	}
	w1 = seconds();
	ret = nb_replay_mem(t, p, o, res);
	nb_trace_mem_destroy(t);
	res->load_s = w1 - w0;
	res->wall_s = seconds() - w0;
	return ret;
}

int nb_replay_mem(const struct nb_trace_mem *t, const struct nb_hw_params *p,
		  const struct nb_replay_opts *o, struct nb_replay_result *res)
{
	struct rp *r = calloc(1, sizeof(*r));
	const char *path = t->path;
	struct nb_trace_event ev;
	uint64_t t0 = 0, t1 = 0;
	double w0 = seconds(), m0;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	if (!r)
		return nb_fail(ENOMEM, "%s: replay: out of memory", path);
	/* A driver flushes on map because the unit caches not-present entries
	 * (VT-d caching mode, AMD NpCache): that changes its attach and range
	 * flushes too. */
	r->pcopy = *p;
	if (o->flush_on_map)
		r->pcopy.policy.caching_mode = true;
	p = r->p = &r->pcopy;
	r->o = *o;
	r->base = o->model;
	if (!r->base && (ret = nb_tag_model_by_name(p->model, &r->base)))
		goto out;
	if (o->qemu_keys && r->base->vendor != NB_VENDOR_VTD) {
		ret = nb_fail(EINVAL, "replay: qemu_keys is QEMU's VT-d IOTLB: model '%s' is not VT-d",
			      r->base->name);
		goto out;
	}
	r->wrap = *r->base;
	if (o->qemu_keys)
		r->wrap.dev_tags = qemu_dev_tags;
	if (o->on_cmd)
		r->wrap.effect = hooked_effect;
	tl_rp = r;
	if ((ret = nb_arena_create(&r->arena, 4ull << 30)) ||
	    (ret = nb_palloc_init(&r->pal, r->arena, 1ull << 30)) ||
	    (ret = nb_iommu_create_with(&r->m, p, r->arena, &r->wrap))) {
		/* say which replay failed (fail-nth sweep: "iotlb: out of memory") */
		if (!strstr(nb_errmsg(), path)) {
			char msg[400];

			snprintf(msg, sizeof(msg), "%s", nb_errmsg());
			ret = nb_fail(-ret, "%s: replay: %s", path, msg);
		}
		goto out;
	}
	if (o->on_desc)
		nb_iommu_set_observer(r->m, observed, r);
	m0 = seconds();
	for (uint64_t i = 0; i < t->n; i++) {
		nb_trace_mem_event(t, i, &ev);
		if (!res->events++)
			t0 = ev.time_ns;
		t1 = ev.time_ns;
		r->cur = &ev;
		if (!p->policy.strict)
			nb_iommu_fq_tick(r->m, ev.time_ns / 1000);
		if ((ret = event(r, &ev, res))) {
			char msg[400];

			snprintf(msg, sizeof(msg), "%s", nb_errmsg());
			r->cur = NULL;
			/* the cause's errno: out of memory is not bad input (fail-nth sweep) */
			ret = nb_fail(ret < 0 ? -ret : EINVAL, "%s:%u: replay: %s", path, ev.line, msg);
			goto out;
		}
	}
	sync_map(r);
	res->model_s = seconds() - m0;
	r->cur = NULL;
	/* counts from a unit that dropped everything for want of memory are
	 * not the model's (fail-nth sweep: a replay reported them) */
	if (!ret && nb_iommu_stats(r->m)->flush_fallbacks)
		ret = nb_fail(ENOMEM, "%s: replay: out of memory for %llu invalidations (the unit dropped every "
				      "cached entry instead): the counts do not stand",
			      path, (unsigned long long)nb_iommu_stats(r->m)->flush_fallbacks);
	res->st = *nb_iommu_stats(r->m);
	res->iotlb_hits = nb_iommu_cache(r->m, NB_CACHE_IOTLB)->st.hits;
	res->iotlb_lookups = nb_cache_lookups(&nb_iommu_cache(r->m, NB_CACHE_IOTLB)->st);
	for (int k = 0; k < NB_CACHE_KIND_COUNT; k++)
		if (k != NB_CACHE_DEVTLB) /* per device, none attached with ATS here */
			res->cache[k] = nb_iommu_cache(r->m, (enum nb_cache_kind)k)->st;
	res->trace_s = (double)(t1 - t0) / 1e9;
out:
	if (r->m)
		nb_iommu_fq_flush(r->m); /* the queued gathers refer to the domains freed below */
	for (int i = 0; i < r->ndev; i++)
		nb_xdev_detach(r->m, r->dev[i].dev);
	for (int i = 0; i < r->ndom; i++) {
		nb_xdomain_free(r->m, r->dom[i].xd);
		nb_domain_free(r->dom[i].pt);
	}
	if (r->m)
		nb_iommu_destroy(r->m);
	tl_rp = NULL;
	if (r->pal.arena)
		nb_palloc_fini(&r->pal);
	nb_arena_destroy(r->arena);
	free(r);
	res->wall_s = seconds() - w0;
	return ret;
}
