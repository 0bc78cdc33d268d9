/* SPDX-License-Identifier: MIT */
/*
 * DMA traces: a documented, versioned text format (docs/trace-format.md),
 * gzip accepted, so users can bring traces of their own and the suite can
 * replay real drivers' traffic (captured from QEMU's trace events).
 *
 *   nestbench-trace 1
 *   # TIME_NS KIND SID IOVA SIZE DOMAIN [key=value ...]
 *   1024 map   0x0010 0xfffff000 4096 5 prot=rw
 *   1100 dma   0x0010 0xfffff000 4    5 access=r
 *   1200 unmap 0x0010 0xfffff000 4096 5
 *   1300 inv   0x0010 0xfffff000 4096 5 op=IOTLB_PSI w0=0x... w1=0x...
 *
 * KIND: map, unmap (from the guest's own ftrace or a map/unmap hint),
 * dma (a translation request), inv (an invalidation command the driver
 * sent, raw descriptor words when known). Numbers are decimal or 0x hex.
 * Version 2 ("nestbench-trace 2") adds the stage-2 kinds map2, unmap2 and
 * dirty2 (a VMM changing the stage 2 under the traced domains); the reader
 * takes both versions.
 */
#ifndef NESTBENCH_TRACE_H
#define NESTBENCH_TRACE_H

#include "inval.h"
#include "nb.h"

/* MAP2, UNMAP2, DIRTY2 (trace version 2): the stage 2 under the traced
 * domains changes, as a VMM changes it (docs/trace-format.md): IOVA is the
 * IPA/GPA, DOMAIN the stage-2 domain; DIRTY2 is one dirty-bitmap read that
 * cleared dirty bits (and flushed the IOTLB over flush_iova/flush_size). */
enum nb_trace_kind {
	NB_TR_MAP, NB_TR_UNMAP, NB_TR_DMA, NB_TR_INV,
	NB_TR_MAP2, NB_TR_UNMAP2, NB_TR_DIRTY2,
	NB_TR_KIND_COUNT
};

struct nb_trace_event {
	uint64_t time_ns;
	enum nb_trace_kind kind;
	uint32_t sid;
	uint64_t iova, size;
	uint32_t domain;
	unsigned prot;	       /* map: granted; dma: requested access */
	bool has_raw;	       /* inv: raw descriptor words */
	struct nb_inv_raw raw;
	char op[32];	       /* inv: command name (nb_inv_op_name), "" if unknown */
	int hit;	       /* dma: the source's own cache said hit (1), miss (0), unknown (-1) */
	bool more;	       /* map: more maps of the same driver call follow (iommu_map_sg):
				* the driver's flush after map comes after the last one */
	bool live;	       /* map: already mapped when the trace starts (its initial state,
				* not an event of it: no invalidation, not counted) */
	bool has_out;	       /* dma: the source's translation (out=); map2: the output address */
	uint64_t out;
	uint64_t dirty;	       /* dirty2: pages the read reported dirty (and cleared) */
	uint64_t flush_iova, flush_size; /* dirty2: the IOTLB flush the clear needed (0 size: none) */
	unsigned version;      /* the trace's format version (1 or 2) */
	unsigned line;
};

struct nb_trace;

/* Open a trace (plain or .gz). Errors name the file and what is wrong. */
int nb_trace_open(struct nb_trace **out, const char *path);
/* 1: *ev filled; 0: end of trace; negative: a bad line, nb_errmsg() says
 * "FILE:LINE: what" and reading stops. */
int nb_trace_next(struct nb_trace *t, struct nb_trace_event *ev);
void nb_trace_close(struct nb_trace *t);

const char *nb_trace_kind_name(enum nb_trace_kind k);

#endif

/* ---- replay ---- */
#include "cache.h"
#include "hwparams.h"
#include "iommu_data.h"

struct nb_tag_model;

struct nb_replay_result {
	uint64_t events, maps, unmaps, dmas, invs, implied_maps, faults;
	uint64_t live_maps;			/* the initial state (live=1 maps, not in maps) */
	uint64_t iotlb_hits, iotlb_lookups, refs;
	uint64_t dma_iotlb_hits;		/* DMAs the IOTLB answered (lookups count every page size) */
	uint64_t fq_forced;			/* lazy: flush-queue flushes forced by a map of a queued IOVA */
	uint64_t maps_replaced;			/* maps over a live mapping (the trace lacks its unmap):
						 * the old mapping is unmapped first */
	uint64_t unmaps_unmapped;		/* unmaps that found less than their range mapped (the
						 * map came before the trace began) */
	uint64_t raw_executed;			/* apply_inv: the driver's own descriptors executed */
	uint64_t src_hits_known, src_hit_agree; /* against the source's own hit flag */
	struct nb_iommu_stats st;		/* the model's commands, collateral ... */
	struct nb_cache_stats cache[NB_CACHE_KIND_COUNT]; /* each structure's counters */
	double wall_s, trace_s;			/* replay time; the trace's own span */
	double model_s;				/* host time of the event loop alone (no parse,
						 * no set-up or teardown) */
	double load_s;				/* nb_replay_ex: host time loading the trace (its
						 * binary cache, or parsing the text) */
};

/*
 * Replay a trace through a model (its parameters p): one paging domain per
 * trace domain (the model's stage-2 format: a DMA-API domain), one device
 * per source id; map/unmap events rebuild the mapping state, dma events
 * are translated through the model's caches, unmaps invalidate as the
 * model and policy say. A DMA to an IOVA the trace never mapped (traces
 * where maps are invisible) maps a 4 KiB page first ("implied map"). A map
 * over a live mapping replaces it (maps_replaced), an unmap of what is not
 * mapped is counted (unmaps_unmapped); a map the model refuses (outside its
 * address space) and an unmap that cuts a larger mapping (a 4K unmap
 * inside a 2M leaf) stop the replay with "FILE:LINE: replay: ...". With
 * apply_inv, the driver's own recorded descriptors (inv events with raw
 * words) are executed instead of the model's unmap flushes: their bytes go
 * into the simulated queue as Linux wrote them, published at each wait, and
 * the executor decodes and applies them to whatever caches p describes -
 * "what would Linux's real invalidation stream cost on this cache design".
 * A recorded descriptor that does not decode for p's vendor stops the
 * replay with FILE:LINE and the field.
 */
int nb_replay(const char *path, const struct nb_hw_params *p, bool apply_inv,
	      struct nb_replay_result *r);

/*
 * Replay with options (nb_replay is this with only apply_inv). Lazy models
 * run their flush queue's timeout on the trace's clock; a map of an IOVA
 * still in the model's flush queue (the source flushed sooner) flushes the
 * queue first (fq_forced). The initial state (live=1 maps, before any event)
 * is installed without invalidation, and the model's counters (r->st) start
 * after it.
 */
struct nb_replay_opts {
	bool apply_inv;	   /* the driver's recorded descriptors drive the caches, not the model's */
	/* VT-d models: the trace's domain ids become the DIDs (id slot 0 of each
	 * domain), so that recorded commands name the model's entries. */
	bool source_tags;
	/* VT-d models: IOTLB (and walk-cache) entries are keyed per source id
	 * too, as QEMU's VT-d IOTLB keys its hash (gfn, level, sid, pasid) and
	 * keeps the DID in the entry for DSI/PSI: a stage-2 attachment's
	 * sub-tag is its source id instead of NB_SUB_S2. */
	bool qemu_keys;
	/* The driver invalidates after every map (VT-d caching mode, AMD
	 * NpCache): the model flushes the mapped range (not leaf-only, as
	 * Linux's iotlb_sync_map: IH=0). Ignored with apply_inv. */
	bool flush_on_map;
	const struct nb_tag_model *model; /* NULL: the registered model p->model */
	/* Every dma event with the model's final result (after an implied map). */
	void (*on_dma)(void *user, const struct nb_trace_event *ev, const struct nb_dma_result *r);
	/* Every command the model executes (syncs are not executed: not seen),
	 * with the trace event that caused it. */
	void (*on_cmd)(void *user, const struct nb_trace_event *ev, const struct nb_inv_cmd *c);
	/* Every descriptor the queue executes, syncs included, as bytes and
	 * decoded, with the trace event that caused it (NULL: the replay's own
	 * set-up or teardown). */
	void (*on_desc)(void *user, const struct nb_trace_event *ev, const struct nb_inv_raw *raw,
			const struct nb_inv_cmd *c);
	void *user;
};
int nb_replay_ex(const char *path, const struct nb_hw_params *p, const struct nb_replay_opts *o,
		 struct nb_replay_result *r);

/*
 * The value of a "# key: value" comment line before the first event of a
 * trace (the converter writes vtd-cap, caching-mode, flush-on-map, config,
 * workload ...). 1 and the value in out; 0 if the header has no such key;
 * negative on a read error (nb_errmsg() says which file).
 */
int nb_trace_meta(const char *path, const char *key, char *out, size_t len);

/* ---- nested replay (src/trace/nested_*.c; docs/nested.md) ---- */

/*
 * K guests' real stage-1 streams over one shared stage 2 driven by a real
 * VMM's stage-2 stream, through one model (docs/nested.md says every rule
 * below and why):
 *
 *   - guest k replays stage-1 stream s1[k % n_s1] (a first-stage capture:
 *     header "first-stage: 1", every map and DMA with out=); each of its
 *     trace domains is a nested domain of its own over the one parent, with
 *     the tags the model gives it; its devices get source ids
 *     (k << 8) | sid; its maps and unmaps change its own stage-1 tables
 *     (no host command: the guest owns them);
 *   - its PASID-based IOTLB descriptors (P_IOTLB, raw words) up to its next
 *     wait descriptor are one guest request per domain, converted into the
 *     model's own (nb_iommu_guest_invalidate_array); its other descriptors
 *     (context and PASID caches) are counted, not forwarded;
 *   - the stage-2 stream's events before its VM's first DMA are the stage 2
 *     the guests start on (the VMM's set-up), its map2/unmap2 from that DMA
 *     to the last one are the changes, each flushed as the model does; what
 *     comes after its last DMA (the VM's teardown) is left out; its own dma
 *     and inv events are its capture's, not the guests': skipped;
 *   - dirty rounds (dirty2 of `dirty`) flush their range, relocated onto the
 *     guests' data (leaf-only: only dirty bits changed);
 *   - alignment: the guests' memory is the largest IPA range the stage 2
 *     maps linearly all through the replay (the VM's RAM); their stage-1
 *     tables come first in it, then each guest's block: the IPA runs its
 *     stream maps or DMAs to, in ascending order, laid end to end, each at
 *     an address congruent to its own modulo the largest power of two not
 *     above its length (2 MiB at most), so page offsets and leaf sizes stay;
 *   - clock: every stream is spread over the same replay span (stage 1:
 *     its first to last event; stage 2: its DMA window; dirty: its rounds).
 */
struct nb_nested_cost {
	uint64_t events;		/* guest requests, or stage-2 changes of a kind */
	uint64_t cmds, syncs, doorbells; /* what the model sent for them (cmds includes syncs) */
	uint64_t cmd_cycles;		/* modelled: the configs' command costs */
	uint64_t invalidated, collateral; /* cached entries dropped; still-valid ones among them */
};

enum nb_nested_s2_kind { NB_NS2_MAP, NB_NS2_UNMAP, NB_NS2_DIRTY, NB_NS2_KIND_COUNT };

struct nb_nested_replay_result {
	uint32_t guests, captures, nested_domains, devices;
	uint64_t events;
	/* the guests' DMA, through the model's caches */
	uint64_t dmas, dma_iotlb_hits, refs, s1_faults, s2_faults, implied_maps;
	uint64_t s1_maps, s1_unmaps, live_maps, maps_replaced, unmaps_unmapped, reattached;
	/* the guests' invalidations (one event: one request) */
	struct nb_nested_cost guest;
	uint64_t guest_entries;		/* P_IOTLB descriptors in those requests */
	uint64_t guest_descs_other;	/* the guests' other descriptors (waits not counted) */
	/* the stage-2 changes, by kind */
	struct nb_nested_cost s2[NB_NS2_KIND_COUNT];
	uint64_t s2_setup_events, s2_skipped, s2_after_window, dirty_pages;
	/* the alignment (IPAs) */
	uint64_t ram_ipa, ram_bytes, table_ipa, table_bytes, data_ipa, data_bytes;
	/* the oracle: at quiescent completions (every guest has invalidated what it unmapped) */
	uint64_t oracle_checks, stale;
	char stale_msg[320];		/* the first stale entry */
	struct nb_iommu_stats st;	/* the whole replay (xlate_ns, mem_llc, mem_dram ...) */
	double wall_s, oracle_s;	/* host time: the replay (oracle included), the oracle */
};

struct nb_nested_replay_opts {
	const char *const *s1;		/* stage-1 streams */
	uint32_t n_s1;
	uint32_t guests;		/* K, 1..255 */
	const char *s2;			/* a VMM's stage-2 stream (trace version 2) */
	const char *dirty;		/* NULL, or a stream of dirty2 rounds */
	bool static_s2;			/* replay no stage-2 change (the VM as set up) */
	const struct nb_tag_model *model; /* NULL: the registered model p->model */
	uint32_t oracle_every;		/* 0: off; N: 1 in N quiescent completions */
	/* every guest DMA: its event, the IPA its out= was placed at (0: none),
	 * the model's result */
	void (*on_dma)(void *user, uint32_t guest, const struct nb_trace_event *ev, uint64_t ipa,
		       const struct nb_dma_result *r);
	void *user;
};

/* 0, or a negative errno with nb_errmsg() naming the file, line and rule. */
int nb_nested_replay(const struct nb_hw_params *p, const struct nb_nested_replay_opts *o,
		     struct nb_nested_replay_result *r);
