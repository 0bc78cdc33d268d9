/* SPDX-License-Identifier: MIT */
/*
 * Translation caches: one set-associative structure, used for the IOTLB,
 * the per-stage page-walk caches, the nested (IPA -> PA) TLB, the context
 * cache and device TLBs. What an entry means is the user's business; the
 * cache keys it by (tags, address key) and keeps hit/miss/eviction counts.
 *
 * Tags, as each vendor model assigns them (models/):
 *   tag   VT-d DID, AMD DomainID, SMMU VMID
 *   sub   PASID (VT-d, AMD) or ASID (SMMU); NB_SUB_S2 marks stage-2-only
 *         entries (they belong to no PASID/ASID)
 *   tag2  the stage-2 owner's tag, for entries that depend on a stage 2
 *         (combined nested entries): what a VMID-style command matches
 *   sid   requester (device) id: device TLB and context entries
 * The address key is the input address of the entry's page (or, for walk
 * caches, of the region the cached table entry covers) together with the
 * level or page size, so one structure can hold several sizes.
 *
 * Concurrency: a cache belongs to one simulated IOMMU and is used from one
 * thread at a time (the simulator's; walkers that race with map/unmap use
 * the tables, not the caches).
 */
#ifndef NESTBENCH_CACHE_H
#define NESTBENCH_CACHE_H

#include "hwparams.h"
#include "nb.h"

#define NB_SUB_S2 0xffffffffu
#define NB_NO_TAG 0xffffffffu

/* What kind of structure an entry lives in (for invalidation effects). */
enum nb_cache_kind {
	NB_CACHE_IOTLB,
	NB_CACHE_PWC_S1,
	NB_CACHE_PWC_S2,
	NB_CACHE_NESTED_TLB,
	NB_CACHE_CTX,
	NB_CACHE_DEVTLB,
	NB_CACHE_KIND_COUNT
};

const char *nb_cache_kind_name(enum nb_cache_kind k);

struct nb_cache_key {
	uint64_t addr;	 /* input address, aligned to the entry's span */
	uint8_t span_lg2; /* page size (IOTLB) or span of the cached table entry */
	uint8_t level;	 /* walk caches: level of the cached entry; else 0 */
	uint32_t tag, sub, sid;
};

struct nb_cache_entry {
	/* identity */
	uint64_t k_addr;  /* addr | span_lg2 (addr is span-aligned, span >= 4K) */
	uint64_t k_tags;  /* tag << 32 | sub */
	uint32_t sid;
	uint32_t tag2;
	uint8_t level;
	bool valid;
	uint16_t ctx;	  /* simulator: which translation context filled it */
	/* payload */
	uint64_t out;	  /* output address (page / next table), aligned */
	uint8_t prot;
	uint8_t out_lg2;  /* page size of the translation the entry stands for */
	bool direct;	  /* a stage-2 walk-cache entry of a stage-2-only attachment:
			   * its input address is the device's DMA address too */
	uint32_t stamp;	  /* LRU age */
};

struct nb_cache_stats {
	uint64_t lookups, hits, misses, fills, evictions, invalidated, collateral;
};

struct nb_cache {
	enum nb_cache_kind kind;
	struct nb_cache_params p;
	uint32_t sets, ways, set_mask;
	struct nb_cache_entry *e; /* sets * ways */
	uint8_t *plru;		  /* PLRU tree bits: sets * ways bytes */
	uint32_t clock;
	uint64_t rng;
	uint32_t used;		  /* valid entries (QEMU mode: drop all when full) */
	struct nb_cache_stats st;
};

/* Build a cache from its parameters (entries 0: an absent structure,
 * every lookup misses, fills are dropped). */
int nb_cache_init(struct nb_cache *c, enum nb_cache_kind kind, const struct nb_cache_params *p);
void nb_cache_fini(struct nb_cache *c);
void nb_cache_flush_all(struct nb_cache *c);

static inline uint64_t nb_cache_k_addr(uint64_t addr, unsigned span_lg2)
{
	return (addr & ~((1ull << span_lg2) - 1)) | span_lg2;
}

static inline uint64_t nb_cache_k_tags(uint32_t tag, uint32_t sub)
{
	return (uint64_t)tag << 32 | sub;
}

/* Look up (key); returns the entry (refreshing its age) or NULL. */
struct nb_cache_entry *nb_cache_lookup(struct nb_cache *c, uint64_t k_addr, uint64_t k_tags,
				       uint32_t sid, uint8_t level);
/* Insert; returns the new entry (to fill the payload), evicting if needed. */
struct nb_cache_entry *nb_cache_fill(struct nb_cache *c, uint64_t k_addr, uint64_t k_tags,
				     uint32_t sid, uint8_t level);

/* Visit every valid entry; the visitor returns true to invalidate it. */
typedef bool (*nb_cache_visit_fn)(void *user, struct nb_cache *c, struct nb_cache_entry *e);
uint64_t nb_cache_invalidate_if(struct nb_cache *c, nb_cache_visit_fn fn, void *user);

/* Decode an entry's key fields. */
static inline uint64_t nb_cache_entry_addr(const struct nb_cache_entry *e)
{
	return e->k_addr & ~0x3full;
}
static inline unsigned nb_cache_entry_span(const struct nb_cache_entry *e)
{
	return (unsigned)(e->k_addr & 0x3f);
}
static inline uint32_t nb_cache_entry_tag(const struct nb_cache_entry *e)
{
	return (uint32_t)(e->k_tags >> 32);
}
static inline uint32_t nb_cache_entry_sub(const struct nb_cache_entry *e)
{
	return (uint32_t)e->k_tags;
}

#endif
