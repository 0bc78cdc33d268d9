// SPDX-License-Identifier: MIT
/* Trace replay through a model (see nestbench/trace.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nestbench/trace.h"

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
	struct nb_arena *arena;
	struct nb_palloc pal;
	struct nb_iommu *m;
	struct rp_dom dom[MAX_DOMS];
	int ndom;
	struct { uint32_t sid; struct nb_xdev *dev; struct rp_dom *d; } dev[MAX_DEVS];
	int ndev;
};

static struct rp_dom *domain(struct rp *r, uint32_t id)
{
	struct nb_pt_cfg s1, cfg;
	struct rp_dom *d;

	nb_vendor_formats(r->p->vendor, &s1, &cfg);
	for (int i = 0; i < r->ndom; i++)
		if (r->dom[i].id == id)
			return &r->dom[i];
	if (r->ndom == MAX_DOMS) {
		nb_fail(ENOSPC, "replay: more than %d domains", MAX_DOMS);
		return NULL;
	}
	d = &r->dom[r->ndom];
	d->id = id;
	if (nb_domain_alloc(&d->pt, &cfg, r->arena, &(struct nb_tspace){ .alloc = &r->pal }) ||
	    nb_xdomain_paging(r->m, d->pt, NB_XD_S2, &d->xd))
		return NULL;
	r->ndom++;
	return d;
}

static struct nb_xdev *device(struct rp *r, uint32_t sid, uint32_t dom)
{
	struct rp_dom *d;

	for (int i = 0; i < r->ndev; i++)
		if (r->dev[i].sid == sid && r->dev[i].d->id == dom)
			return r->dev[i].dev;
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
		nb_fail(ENOSPC, "replay: more than %d devices", MAX_DEVS);
		return NULL;
	}
	r->dev[r->ndev].sid = sid;
	r->dev[r->ndev].d = d;
	if (nb_xdev_attach(r->m, sid, 0, false, d->xd, &r->dev[r->ndev].dev))
		return NULL;
	return r->dev[r->ndev++].dev;
}

static int event(struct rp *r, const struct nb_trace_event *ev, bool apply_inv,
		 struct nb_replay_result *res)
{
	struct rp_dom *d = domain(r, ev->domain);
	uint64_t first = nb_align_down(ev->iova, 12);
	uint64_t len = nb_align_down(ev->iova + (ev->size ? ev->size : 1) + 4095, 12) - first;
	struct nb_dma_result dr;
	struct nb_xdev *dev;

	if (!d)
		return -1;
	switch (ev->kind) {
	case NB_TR_MAP:
		res->maps++;
		/* an overlap means the trace missed an unmap: drop the old one */
		if (nb_iommu_map(r->m, d->xd, first, first + PA_OFFSET, len, ev->prot) == -EEXIST) {
			nb_iommu_unmap(r->m, d->xd, first, len);
			nb_iommu_map(r->m, d->xd, first, first + PA_OFFSET, len, ev->prot);
		}
		return 0;
	case NB_TR_UNMAP:
		res->unmaps++;
		if (!apply_inv)
			nb_iommu_unmap(r->m, d->xd, first, len);
		else { /* tables only: the recorded commands do the invalidation */
			struct nb_gather g;

			nb_gather_init(&g);
			nb_domain_unmap(d->pt, first, len, &g);
			nb_gather_release(d->pt, &g);
		}
		return 0;
	case NB_TR_DMA:
		dev = device(r, ev->sid, ev->domain);
		if (!dev)
			return -1;
		res->dmas++;
		nb_iommu_dma(r->m, dev, ev->iova, ev->prot, &dr);
		if (dr.fault == NB_FAULT_NOT_PRESENT) { /* a map the trace does not show */
			res->implied_maps++;
			nb_iommu_map(r->m, d->xd, first, first + PA_OFFSET, 4096, NB_PROT_RW);
			nb_iommu_dma(r->m, dev, ev->iova, ev->prot, &dr);
		}
		res->faults += dr.fault != NB_FAULT_NONE;
		res->refs += dr.refs;
		if (ev->hit >= 0) {
			res->src_hits_known++;
			res->src_hit_agree += (int)dr.iotlb_hit == ev->hit;
		}
		return 0;
	case NB_TR_INV:
		res->invs++;
		if (apply_inv && ev->has_raw) {
			struct nb_inv_cmd c;

			if (nb_inv_decode(r->p->vendor, &ev->raw, &c) == 0) {
				nb_iommu_queue(r->m, &c);
				if (nb_inv_op_is_sync(c.op))
					nb_iommu_sync(r->m);
			}
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
	struct rp *r = calloc(1, sizeof(*r));
	struct nb_trace *t = NULL;
	struct nb_trace_event ev;
	uint64_t t0 = 0, t1 = 0;
	double w0 = seconds();
	int ret, got;

	memset(res, 0, sizeof(*res));
	if (!r)
		return nb_fail(ENOMEM, "replay: out of memory");
	r->p = p;
	if ((ret = nb_trace_open(&t, path)) || (ret = nb_arena_create(&r->arena, 4ull << 30)) ||
	    (ret = nb_palloc_init(&r->pal, r->arena, 1ull << 30)) || (ret = nb_iommu_create(&r->m, p, r->arena)))
		goto out;
	while ((got = nb_trace_next(t, &ev)) == 1) {
		if (!res->events++)
			t0 = ev.time_ns;
		t1 = ev.time_ns;
		if (event(r, &ev, apply_inv, res)) {
			char msg[400];

			snprintf(msg, sizeof(msg), "%s", nb_errmsg());
			ret = nb_fail(EINVAL, "%s:%u: replay: %s", path, ev.line, msg);
			goto out;
		}
	}
	ret = got < 0 ? got : 0;
	res->st = *nb_iommu_stats(r->m);
	res->iotlb_hits = nb_iommu_cache(r->m, NB_CACHE_IOTLB)->st.hits;
	res->iotlb_lookups = nb_iommu_cache(r->m, NB_CACHE_IOTLB)->st.lookups;
	res->wall_s = seconds() - w0;
	res->trace_s = (double)(t1 - t0) / 1e9;
out:
	for (int i = 0; i < r->ndev; i++)
		nb_xdev_detach(r->m, r->dev[i].dev);
	for (int i = 0; i < r->ndom; i++) {
		nb_xdomain_free(r->m, r->dom[i].xd);
		nb_domain_free(r->dom[i].pt);
	}
	nb_iommu_destroy(r->m);
	if (r->pal.arena)
		nb_palloc_fini(&r->pal);
	nb_arena_destroy(r->arena);
	nb_trace_close(t);
	free(r);
	return ret;
}
