/* SPDX-License-Identifier: MIT */
/* Internal: the simulated IOMMU's objects (see nestbench/iommu.h). */
#ifndef NB_SRC_IOMMU_INTERNAL_H
#define NB_SRC_IOMMU_INTERNAL_H

#include "nestbench/iommu.h"

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
	int ndevs, cap_devs;
	struct nb_xdomain **children; /* nested domains on this parent */
	int nchildren, cap_children;
	uint32_t ids[4];	   /* model-private (DID, VMID, ASID ...) */
	uint16_t ctx;		   /* stage-1 / single context */
	uint16_t ctx_s2;	   /* nested: the parent's stage-2-only context */
};

struct nb_xdev {
	uint32_t sid, pasid;
	bool ats;
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

struct nb_iommu {
	struct nb_hw_params p;
	const struct nb_tag_model *model;
	struct nb_arena *arena;
	struct nb_cache c[NB_CACHE_KIND_COUNT]; /* CTX and DEVTLB: ctx here, devtlb per device */
	struct nb_xctx ctx[NB_MAX_CTX];
	int nctx;
	uint32_t next_id[NB_ID_SPACES];
	struct nb_xdev **devs;
	int ndevs, cap_devs;
	/* queue state of the flush in progress */
	uint32_t pending_cmds;
	bool flush_open;
	uint32_t tags_seen[64];
	int ntags_seen;
	/* lazy mode */
	struct nb_fq_entry *fq;
	uint32_t nfq, cap_fq;
	uint64_t fq_last_us;
	/* collateral keys for refill accounting */
	uint64_t refill_key[NB_REFILL_SLOTS];
	bool oracle_on;
	struct nb_iommu_stats st;
};

/* translate.c */
uint16_t nb_iommu_ctx_new(struct nb_iommu *m, const struct nb_xctx *c);
/* exec.c: apply one command's effect to every structure */
void nb_iommu_exec(struct nb_iommu *m, const struct nb_inv_cmd *c);
bool nb_iommu_entry_still_valid(const struct nb_iommu *m, enum nb_cache_kind k,
				const struct nb_cache_entry *e);
void nb_iommu_refill_note(struct nb_iommu *m, enum nb_cache_kind k, const struct nb_cache_entry *e);
bool nb_iommu_refill_check(struct nb_iommu *m, uint64_t k_addr, uint64_t k_tags);

#endif
