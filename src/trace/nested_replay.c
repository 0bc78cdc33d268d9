// SPDX-License-Identifier: MIT
/*
 * The nested replay (nestbench/trace.h, docs/nested.md): K guests' stage-1
 * streams over one stage 2 that a VMM's stream changes, through one model.
 * After the set-up (nested_setup.c), the streams merged on the replay
 * clock: the stage 2's changes and dirty rounds here, the guests' events in
 * nested_guest.c; each event's cost is what the model's commands for it
 * added to the IOMMU's counters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nested_internal.h"

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
	nested_cost_add(&res->s2[kind], &before, nb_iommu_stats(r->m));
	nested_completed(r);
	return 0;
}

/* ---- the run ---- */

enum { SRC_S2, SRC_DIRTY, SRC_GUEST };

/* The streams merged on the replay clock: at equal times the stage 2
 * first, then the dirty rounds, then the guests in order. */
static int replay_streams(struct nrp *r, size_t *s2pos, size_t *dpos)
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
				return nested_failed_at(ret, r->o->s2, ev->line, "");
		} else if (src == SRC_DIRTY) {
			const struct nb_trace_event *ev = &r->s2.dirty[(*dpos)++];

			if ((ret = s2_event(r, ev, true)))
				return nested_failed_at(ret, r->o->dirty, ev->line, "");
		} else {
			struct guest *g = &r->g[gk];
			const struct nb_trace_event *ev = &g->cap->ev[g->pos++];

			if ((ret = nested_guest_event(r, g, ev))) {
				char who[32];

				snprintf(who, sizeof(who), "guest %u: ", gk);
				return nested_failed_at(ret, g->cap->path, ev->line, who);
			}
		}
	}
}

int nb_nested_replay(const struct nb_hw_params *p, const struct nb_nested_replay_opts *o,
		     struct nb_nested_replay_result *res)
{
	struct nrp *r = calloc(1, sizeof(*r));
	double w0 = nested_seconds();
	size_t s2pos = 0, dpos = 0;
	int ret;

	memset(res, 0, sizeof(*res));
	if (!r)
		return nb_fail(ENOMEM, "nested replay: out of memory");
	*r = (struct nrp){ .p = p, .o = o, .res = res };
	res->guests = o->guests;
	if (!(ret = nested_init(r)) && nb_iommu_stats(r->m)->flush_fallbacks)
		ret = nb_fail(ENOMEM, "nested replay: out of memory for the set-up's invalidations");
	if (!ret) {
		nb_iommu_stats_reset(r->m); /* counting starts with the streams */
		ret = replay_streams(r, &s2pos, &dpos);
	}
	for (uint32_t k = 0; !ret && k < r->K; k++) /* a request the stream ended before its wait */
		ret = nested_guest_submit(r, &r->g[k]);
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
	nested_fini(r);
	free(r);
	res->wall_s = nested_seconds() - w0;
	return ret;
}
