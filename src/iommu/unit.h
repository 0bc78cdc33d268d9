/* SPDX-License-Identifier: MIT */
/* Internal to src/iommu: the simulated IOMMU unit's objects (see nestbench/iommu.h). */
#ifndef NB_SRC_IOMMU_UNIT_H
#define NB_SRC_IOMMU_UNIT_H

#include "nestbench/iommu.h"
#include "nestbench/timing.h"

#define NB_MAX_CTX 4096
#define NB_ID_SPACES 4

/* What an entry was filled from, so the oracle (and collateral accounting)
 * can re-walk the page tables the way the entry's translation was made. */
enum nb_xctx_kind { NB_XCTX_SINGLE, NB_XCTX_NESTED };

struct nb_xctx {
	enum nb_xctx_kind kind;
	const struct nb_pt_geom *g;   /* single: the stage's geometry */
	uint64_t root_pa;	      /* single: root */
	const struct nb_nest_ctx *n;  /* nested */
	struct nb_xdomain *d;	      /* owner (lazy-mode allowance) */
	bool live;
};

struct nb_xdomain {
	enum nb_xdomain_kind kind;
	struct nb_domain *pt;	   /* paging: its tables; nested: stage-1 tables */
	struct nb_nested *nest;	   /* nested only */
	struct nb_xdomain *parent; /* nested only */
	struct nb_xdev **devs;
	int ndevs;
	size_t cap_devs;
	struct nb_xdomain **children; /* nested domains on this parent */
	int nchildren;
	size_t cap_children;
	uint32_t ids[4];	   /* model-private (DID, VMID, ASID ...) */
	uint16_t ctx;		   /* stage-1 / single context */
	uint16_t ctx_s2;	   /* nested: the parent's stage-2-only context */
};

struct nb_xdev {
	uint32_t sid, pasid;
	bool ats;
	uint64_t seq;		   /* attach order on this IOMMU (Linux's tag-list order) */
	struct nb_xdomain *dom;
	struct nb_cache devtlb;
	uint32_t ids[4];
	struct nb_tags tags, s2tags; /* from the model at attach */
};

/* Lazy mode: IOVA ranges unmapped but not yet invalidated. */
struct nb_fq_entry {
	struct nb_xdomain *d;
	uint64_t iova, size;
	struct nb_gather gather;
};


/* Keys of entries dropped as collateral, to count refill misses. */
#define NB_REFILL_SLOTS 65536

/*
 * The command queue as the hardware sees it: a ring of raw descriptors
 * (16 or 32 bytes each; nb_inv_raw holds up to 32). The driver side writes
 * slots at prod and publishes them with a doorbell (the tail register); the
 * executor then reads every published slot, decodes its bytes and applies
 * the command. One thread drives a simulated IOMMU, so "the hardware" runs
 * at the doorbell. A submission larger than the ring publishes as it goes,
 * as a driver waiting for free slots would.
 */
#define NB_RING_SLOTS 256
#define NB_RING_PA 0x7fe00000ull /* simulated bus address of the ring (status writes) */

struct nb_queue {
	struct nb_inv_raw slot[NB_RING_SLOTS];
	uint64_t prod, head;	  /* written by the driver; next to execute */
	uint32_t pending;	  /* commands since the last sync */
	uint32_t in_sub;	  /* commands of the current submission, unpublished */
	uint64_t seq;		  /* completion sequence (AMD cmd_sem) */
};

/*
 * Commands of one doorbell whose effects differ only in their ranges, each
 * starting where the one before it ended (the per-page stride: SMMUv3
 * without range invalidation sends one TLBI per 4 KiB leaf, as Linux's
 * __arm_smmu_tlb_inv_range does), are applied as one visit of the caches
 * over the union of their ranges, before the doorbell returns. Exact: an
 * entry overlaps the union iff it overlaps one of the ranges, each entry is
 * counted once either way, and the refill keys of collateral IOTLB entries
 * are noted in the order the commands one by one would have noted them
 * (command, then way: refill_key keeps the last per slot).
 */
#define NB_EXEC_MERGE NB_RING_SLOTS

struct nb_exec_pending {
	struct nb_inv_effect e;		 /* the union's effect (range first..last) */
	uint32_t n;			 /* commands in it; 0: none pending */
	uint64_t first[NB_EXEC_MERGE];	 /* each command's first address, ascending */
};

/* A collateral IOTLB entry of a merged visit: which command would have
 * dropped it, and its way (its key stays in the way until the next fill). */
struct nb_exec_note {
	uint32_t cmd, way;
};

struct nb_iommu {
	struct nb_hw_params p;
	const struct nb_tag_model *model;
	struct nb_arena *arena;
	struct nb_cache c[NB_CACHE_KIND_COUNT]; /* CTX and DEVTLB: ctx here, devtlb per device */
	struct nb_xctx ctx[NB_MAX_CTX];
	int nctx;
	uint32_t next_id[NB_ID_SPACES];
	struct nb_xdev **devs;
	int ndevs;
	size_t cap_devs;
	/* the driver's batch (the model fills it) and the hardware queue */
	struct nb_inv_batch batch;
	struct nb_queue q;
	uint64_t attach_seq;
	nb_desc_observer observe; /* nb_iommu_set_observer */
	void *observe_user;
	void *scratch;		  /* nb_iommu_scratch */
	size_t scratch_len;
	uint32_t tags_seen[64];
	int ntags_seen;
	/* lazy mode */
	struct nb_fq_entry *fq;
	uint32_t nfq;
	size_t cap_fq;
	uint64_t fq_last_us;
	/* collateral keys for refill accounting */
	uint64_t refill_key[NB_REFILL_SLOTS];
	/* exec.c: the commands merged so far, and room for the notes of one
	 * merged visit (one per IOTLB way; NULL without an IOTLB: no merging) */
	struct nb_exec_pending pend;
	struct nb_exec_note *notes;
	bool oracle_on;
	struct nb_llc llc; /* the timing model's LLC share (timing.h) */
	struct nb_iommu_stats st;
};

/* Does the flush queue hold [iova, iova + size) of d (parked, not yet
 * invalidated)? The policy's (flush.c) and the oracle's question. */
static inline bool nb_fq_overlaps(const struct nb_iommu *m, const struct nb_xdomain *d, uint64_t iova,
				  uint64_t size)
{
	for (uint32_t i = 0; i < m->nfq; i++)
		if (m->fq[i].d == d && iova < m->fq[i].iova + m->fq[i].size && m->fq[i].iova < iova + size)
			return true;
	return false;
}

/* Visit the unit's caches of kind k (nb_cache_invalidate_inline: the
 * caller's visitor inlined): its own, or for the device TLB every ATS
 * device's (with match_sid, only requester sid's). The executor's and the
 * oracle's one way through every cache. */
static inline __attribute__((always_inline)) void nb_unit_visit(struct nb_iommu *m, enum nb_cache_kind k,
								bool match_sid, uint32_t sid,
								nb_cache_visit_fn fn, void *arg)
{
	if (k != NB_CACHE_DEVTLB) {
		nb_cache_invalidate_inline(&m->c[k], fn, arg);
		return;
	}
	for (int i = 0; i < m->ndevs; i++)
		if (m->devs[i]->ats && (!match_sid || m->devs[i]->sid == sid))
			nb_cache_invalidate_inline(&m->devs[i]->devtlb, fn, arg);
}

/* translate.c */
uint16_t nb_iommu_ctx_new(struct nb_iommu *m, const struct nb_xctx *c);
/* queue.c: submit the model's batch (b: the IOMMU's own, or one a caller
 * built): encode, publish, execute; end_of_flush: the driver's operation is
 * complete, the oracle may judge. 0 or the batch's allocation error. */
int nb_iommu_submit(struct nb_iommu *m, struct nb_inv_batch *b, bool end_of_flush);
/* Reset the IOMMU's batch and hand it to the model. */
static inline struct nb_inv_batch *nb_iommu_batch(struct nb_iommu *m)
{
	nb_inv_batch_reset(&m->batch);
	return &m->batch;
}
/* exec.c: apply one decoded command's effect to every structure (merged
 * with the commands before it where it can be: struct nb_exec_pending);
 * nb_iommu_exec_settle applies what is pending (the doorbell's end). */
void nb_iommu_exec(struct nb_iommu *m, const struct nb_inv_cmd *c);
void nb_iommu_exec_settle(struct nb_iommu *m);
bool nb_iommu_entry_still_valid(const struct nb_iommu *m, enum nb_cache_kind k,
				const struct nb_cache_entry *e);
void nb_iommu_refill_note(struct nb_iommu *m, enum nb_cache_kind k, const struct nb_cache_entry *e);
bool nb_iommu_refill_check(struct nb_iommu *m, uint64_t k_addr, uint64_t k_tags);

#endif
