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
	/* its identity for the compare and its LRU age: struct nb_cache_way */
};

struct nb_cache_stats {
	uint64_t hits, misses, fills, evictions, invalidated, collateral;
};

/* Lookups are hits + misses: one counter fewer on the lookup path. */
static inline uint64_t nb_cache_lookups(const struct nb_cache_stats *st)
{
	return st->hits + st->misses;
}

/* Sets with more ways than this (fully associative structures) keep a
 * hash index of their keys and an LRU list instead of scanning every way. */
#define NB_CACHE_SCAN_WAYS 16

/* How a hit refreshes an entry's age (chosen once, at init). */
enum nb_cache_touch_kind { NB_TOUCH_STAMP, NB_TOUCH_PLRU, NB_TOUCH_LIST };

struct nb_cache;
struct nb_cache_entry;
/* The parts of a lookup that are not inline here (setassoc.c's tree-PLRU and
 * recency-list updates, the hash index of fully associative sets): chosen at
 * init and called through the cache, so that this header, which every
 * translation includes, stands below the file that implements them. */
typedef void (*nb_cache_touch_fn)(struct nb_cache *c, uint32_t set, uint32_t way);
typedef struct nb_cache_entry *(*nb_cache_find_fn)(struct nb_cache *c, uint32_t set, uint64_t key,
						   uint64_t k_tags, uint32_t sid);

/* A way's identity and age, packed apart from its entry so that a lookup
 * compares address, level, tags and source id without opening an entry,
 * and a hit in a set's first line (ways 0 and 1, the set's clock there
 * too) reads and writes that line only: 32 bytes, so that a way never
 * straddles two lines and an 8-way set is 4 lines (the payload apart). */
struct nb_cache_way {
	uint64_t key;	/* k_addr | level << 6 (k_addr's bits 6..11 are 0), 0 when free */
	uint64_t ktags;	/* k_tags */
	uint32_t sid;
	uint32_t stamp;	/* NB_TOUCH_STAMP: its set's clock at the way's last use */
	uint32_t now;	/* in a set's first way: the set's own clock (a hit's age
			 * update depends on its set's last one only, not on every
			 * lookup before it), in the line the compare reads first */
	uint32_t unused; /* the way is 32 bytes */
};
_Static_assert(sizeof(struct nb_cache_way) == 32, "a way is half a cache line");

struct nb_cache {
	enum nb_cache_kind kind;
	uint8_t touch;		  /* enum nb_cache_touch_kind */
	bool scan8;		  /* 8 ways, LRU stamps: the lookup's first test */
	nb_cache_touch_fn touch_slow; /* NB_TOUCH_PLRU, NB_TOUCH_LIST */
	nb_cache_find_fn find_indexed; /* ways > NB_CACHE_SCAN_WAYS */
	struct nb_cache_params p;
	uint32_t sets, ways, set_mask;
	struct nb_cache_entry *e; /* sets * ways */
	struct nb_cache_way *way; /* sets * ways, 64-byte aligned */
	uint64_t *valid_bits;	  /* bit i: way i (of sets * ways) holds an entry:
				   * invalidations visit these, not every way */
	uint8_t *plru;		  /* PLRU tree bits: sets * ways bytes */
	/* ways > NB_CACHE_SCAN_WAYS: a chained hash index over every way
	 * (head[bucket], next[way]; -1 ends), a bitmap of free ways per set
	 * and, for LRU, a recency list per set (lru_head most recent) */
	int32_t *head, *next, *lru_prev, *lru_next, *lru_head;
	uint64_t *free_bits;
	uint32_t hmask;
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

static inline uint64_t nb_cache_key_(uint64_t k_addr, uint8_t level)
{
	return k_addr | (uint64_t)level << 6;
}

/* Refresh a way's age on a hit or fill (wv: its set's ways). */
static inline void nb_cache_touch(struct nb_cache *c, uint32_t set, uint32_t way, struct nb_cache_way *wv)
{
	if (NB_LIKELY(c->touch == NB_TOUCH_STAMP))
		wv[way].stamp = ++wv[0].now;
	else
		c->touch_slow(c, set, way);
}

/* Does way x hold this identity: the key (address, level) first, then tags
 * and source id in one test (they seldom differ where the key matched). */
static inline bool nb_cache_way_holds_(const struct nb_cache_way *x, uint64_t key, uint64_t k_tags, uint32_t sid)
{
	return x->key == key && NB_LIKELY(((x->ktags ^ k_tags) | (x->sid ^ sid)) == 0);
}

/* One set's ways, in order; the entry is opened only on a hit. stamp: the
 * caller knows the touch is an LRU stamp (a constant: the test of the
 * touch's kind goes). */
static inline struct nb_cache_entry *nb_cache_scan_(struct nb_cache *c, uint32_t set, uint32_t ways, bool stamp,
						   uint64_t key, uint64_t k_tags, uint32_t sid)
{
	const size_t base = (size_t)set * ways;
	struct nb_cache_way *wv = c->way + base;

	for (uint32_t w = 0; w < ways; w++) {
		if (nb_cache_way_holds_(&wv[w], key, k_tags, sid)) {
			c->st.hits++;
			if (stamp)
				wv[w].stamp = ++wv[0].now;
			else
				nb_cache_touch(c, set, w, wv);
			return &c->e[base + w];
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
	uint64_t key = nb_cache_key_(k_addr, level);
	uint32_t set;

	/* The common associativity with LRU first, in one test: a loop the
	 * compiler unrolls, no test of the touch's kind. */
	if (NB_LIKELY(c->scan8))
		return nb_cache_scan_(c, nb_cache_set_of(c, k_addr, k_tags, sid, level), 8, true, key, k_tags, sid);
	if (NB_UNLIKELY(!c->sets)) {
		c->st.misses++;
		return NULL;
	}
	set = nb_cache_set_of(c, k_addr, k_tags, sid, level);
	if (c->ways == 8)
		return nb_cache_scan_(c, set, 8, false, key, k_tags, sid);
	if (c->ways > NB_CACHE_SCAN_WAYS)
		return c->find_indexed(c, set, key, k_tags, sid);
	return nb_cache_scan_(c, set, c->ways, false, key, k_tags, sid);
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
