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
	uint64_t hits, misses, fills, evictions, invalidated, collateral;
};

/* Lookups are hits + misses: one counter fewer on the lookup path. */
static inline uint64_t nb_cache_lookups(const struct nb_cache_stats *st)
{
	return st->hits + st->misses;
}

struct nb_cache {
	enum nb_cache_kind kind;
	struct nb_cache_params p;
	uint32_t sets, ways, set_mask;
	struct nb_cache_entry *e; /* sets * ways */
	uint64_t *key;		  /* sets * ways: each entry's k_addr, 0 when invalid.
				   * A lookup scans one set's keys (one cache line at
				   * 8 ways) and opens an entry only on an address match. */
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

/* Set index: the page number's low bits, with the tags folded in so that
 * equal addresses of different domains do not all land in one set. */
static inline uint32_t nb_cache_set_of(const struct nb_cache *c, uint64_t k_addr, uint64_t k_tags,
				       uint32_t sid, uint8_t level)
{
	uint64_t h = (k_addr >> (k_addr & 0x3f)) ^ (k_tags * 0x9e3779b97f4a7c15ull >> 40) ^
		     ((uint64_t)sid << 3) ^ level;

	return (uint32_t)h & c->set_mask;
}

void nb_cache_plru_touch(struct nb_cache *c, uint32_t set, uint32_t way);

/* Refresh an entry's age on a hit or fill. */
static inline void nb_cache_touch(struct nb_cache *c, uint32_t set, uint32_t way, struct nb_cache_entry *e)
{
	if (c->p.repl == NB_REPL_PLRU)
		nb_cache_plru_touch(c, set, way);
	else
		e->stamp = ++c->clock;
}

static inline struct nb_cache_entry *nb_cache_scan_(struct nb_cache *c, uint32_t set, uint32_t ways,
						   uint64_t k_addr, uint64_t k_tags, uint32_t sid,
						   uint8_t level)
{
	const uint64_t *key = c->key + (size_t)set * ways;

	for (uint32_t w = 0; w < ways; w++) {
		if (key[w] == k_addr) { /* a free way holds 0: only a bogus key matches it */
			struct nb_cache_entry *e = &c->e[(size_t)set * ways + w];

			if (e->k_tags == k_tags && e->valid && e->sid == sid && e->level == level) {
				c->st.hits++;
				nb_cache_touch(c, set, w, e);
				return e;
			}
		}
	}
	c->st.misses++;
	return NULL;
}

/* Look up (key); returns the entry (refreshing its age) or NULL. Inline:
 * it is the simulator's hottest path (every translation, every walk level). */
static inline struct nb_cache_entry *nb_cache_lookup(struct nb_cache *c, uint64_t k_addr, uint64_t k_tags,
						     uint32_t sid, uint8_t level)
{
	uint32_t set;

	if (NB_UNLIKELY(!c->sets)) {
		c->st.misses++;
		return NULL;
	}
	set = nb_cache_set_of(c, k_addr, k_tags, sid, level);
	/* The common associativity gets a loop the compiler unrolls. */
	if (c->ways == 8)
		return nb_cache_scan_(c, set, 8, k_addr, k_tags, sid, level);
	return nb_cache_scan_(c, set, c->ways, k_addr, k_tags, sid, level);
}
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
