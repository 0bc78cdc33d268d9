/* SPDX-License-Identifier: MIT */
/*
 * Internal: the nested replay's streams (nested_streams.c: loading, the
 * stage 2's state and RAM, the alignment rule) and its run (nested_replay.c).
 * Words: a capture is one stage-1 stream file, loaded once; a guest is one
 * replay of a capture (K guests, captures reused in turn); a run is a range
 * of IPAs a capture maps or DMAs to, laid out in a guest's block.
 */
#ifndef NB_SRC_TRACE_NESTED_INTERNAL_H
#define NB_SRC_TRACE_NESTED_INTERNAL_H

#include "nestbench/iommu.h"
#include "nestbench/trace.h"

/* The replay clock: every stream is spread over [0, NESTED_SPAN) (ns of a
 * clock that only orders events, not a measured one). */
#define NESTED_SPAN 1000000000ull

/* Domains (and devices) of one guest's stream, at most. */
#define NESTED_MAX_DOMS 16

/* An IPA range and where it goes: a stage-2 mapping (to host), or a run
 * (to its offset in a guest's block). [first, end). */
struct nested_range {
	uint64_t first, end, to;
};

struct nested_ranges {
	struct nested_range *r;
	size_t n, cap;
};

/* Ranges with set/clear semantics (later set wins): the stage 2's mapping. */
int nested_ranges_set(struct nested_ranges *m, uint64_t first, uint64_t end, uint64_t to);
int nested_ranges_clear(struct nested_ranges *m, uint64_t first, uint64_t end);
void nested_ranges_fini(struct nested_ranges *m);

/* One stage-1 stream, in memory. */
struct nested_capture {
	const char *path;
	struct nb_trace_event *ev;
	size_t n, first;	   /* events; index of the first that is not a live map */
	uint64_t t0, t1;	   /* first and last event time (live maps excluded) */
	struct nested_range *runs; /* sorted: capture IPA [first, end) -> offset `to` in the block */
	size_t nruns;
	uint64_t block_bytes;	   /* one guest's block: its runs laid out, 2 MiB aligned */
	/* its trace domains (of maps, unmaps, DMAs) and devices (each source
	 * id with the first domain it uses), in order of appearance */
	uint32_t did[NESTED_MAX_DOMS], ndomains;
	struct { uint32_t sid, did; } dev[NESTED_MAX_DOMS];
	uint32_t ndevs;
};

/* The stage-2 side: the set-up, the changes, the RAM the guests live in. */
struct nested_s2 {
	struct nb_trace_event *change; /* the changes in the window, in order */
	size_t nsetup, nchange;	  /* nsetup: the set-up's events (their net state: at_start) */
	uint64_t w0, w1;	   /* the window: first and last DMA of its VM */
	uint64_t skipped, after;   /* its own dma/inv events; events past the window */
	struct nested_ranges at_start; /* the stage 2 the guests start on: IPA -> host */
	uint64_t ram_ipa, ram_bytes, ram_host; /* largest linear range no change touches */
	/* dirty rounds (optional): relocated by dirty_base -> the data region */
	struct nb_trace_event *dirty;
	size_t ndirty;
	uint64_t d0, d1, dirty_base;
};

int nested_capture_init(struct nested_capture *c, const char *path);
void nested_capture_fini(struct nested_capture *c);
/* The IPA a capture's address lands on in the block at `base` (0: none). */
uint64_t nested_place(const struct nested_capture *c, uint64_t base, uint64_t addr);
/* The replay time of a capture event. */
uint64_t nested_capture_time(const struct nested_capture *c, uint64_t t);

int nested_s2_init(struct nested_s2 *s, const char *path, const char *dirty, bool static_s2);
void nested_s2_fini(struct nested_s2 *s);
/* The replay time of a stage-2 change / a dirty round. */
uint64_t nested_s2_time(const struct nested_s2 *s, uint64_t t);
uint64_t nested_dirty_time(const struct nested_s2 *s, uint64_t t);
/* The host address the stage 2 maps ipa to when the guests start (0: none). */
uint64_t nested_s2_host(const struct nested_s2 *s, uint64_t ipa);

/* ---- the run's objects (nested_setup.c, nested_guest.c, nested_replay.c) ---- */

/* One nested domain: a guest's trace domain. */
struct gdom {
	uint32_t did;
	struct nb_nested *nn;
	struct nb_xdomain *xd;
	struct nested_ranges pending; /* IOVAs it unmapped and has not invalidated yet */
	struct nb_gather gather;      /* the stage-1 tables those unmaps freed */
	struct nb_flush_req *req;     /* its request being built (P_IOTLBs since the last wait) */
	uint32_t nreq;
	size_t capreq;
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

/* One replay. */
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

/* nested_setup.c: the streams loaded, the memory laid out, the stage 2 as
 * set up, every guest's domains, devices and live maps; and back. */
int nested_init(struct nrp *r);
void nested_fini(struct nrp *r);
/* nested_guest.c: a guest's events; the cost of what they sent; the
 * oracle after an invalidation completed; the error's place; the clock. */
struct gdom *nested_gdom(struct guest *g, uint32_t did);
int nested_guest_event(struct nrp *r, struct guest *g, const struct nb_trace_event *ev);
/* The guest's wait: its domains' requests, sent. */
int nested_guest_submit(struct nrp *r, struct guest *g);
void nested_cost_add(struct nb_nested_cost *c, const struct nb_iommu_stats *a,
		     const struct nb_iommu_stats *b);
void nested_completed(struct nrp *r);
int nested_failed_at(int ret, const char *path, unsigned line, const char *who);
/* Seconds of CLOCK_MONOTONIC (host time: wall_s, the oracle's). */
double nested_seconds(void);

/* The pages an event's [iova, iova + size) touches (size 0: one byte). */
static inline void nested_pages(const struct nb_trace_event *ev, uint64_t *first, uint64_t *len)
{
	*first = nb_align_down(ev->iova, 12);
	*len = nb_align_down(ev->iova + (ev->size ? ev->size - 1 : 0), 12) - *first + 4096;
}

#endif
