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

/* An entry: what a lookup compares after the address key (tags, source id)
 * and what a hit returns and refreshes, in one 64-byte line, so that a hit
 * reads its set's key line and this line, as an address-only table reads
 * its keys and value, and writes only here. */
struct nb_cache_entry {
	/* identity: the lookup compares these two after the address key in
	 * the set's key line (c->key, a copy of k_addr and level below) */
	_Alignas(64) uint64_t k_tags; /* tag << 32 | sub */
	uint32_t sid;
	uint32_t tag2;
	/* payload */
	uint64_t out;	  /* output address (page / next table), aligned */
	/* NB_TOUCH_STAMP: the cache's clock at the entry's last use (64 bits:
	 * one clock for every set never wraps, so the order is exact) */
	uint64_t stamp;
	/* the address key's parts, for whoever decodes an entry (visitors) */
	uint64_t k_addr;  /* addr | span_lg2 (addr is span-aligned, span >= 4K) */
	uint8_t level;
	bool valid;
	uint16_t ctx;	  /* simulator: which translation context filled it */
	uint8_t prot;
	uint8_t out_lg2;  /* page size of the translation the entry stands for */
	bool direct;	  /* a stage-2 walk-cache entry of a stage-2-only attachment:
			   * its input address is the device's DMA address too */
};
_Static_assert(sizeof(struct nb_cache_entry) == 64, "an entry is one cache line");

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

struct nb_cache {
	enum nb_cache_kind kind;
	uint8_t touch;		  /* enum nb_cache_touch_kind */
	bool scan8;		  /* 8 ways, LRU stamps: the lookup's first test */
	nb_cache_touch_fn touch_slow; /* NB_TOUCH_PLRU, NB_TOUCH_LIST */
	nb_cache_find_fn find_indexed; /* ways > NB_CACHE_SCAN_WAYS */
	struct nb_cache_params p;
	uint32_t sets, ways, set_mask;
	/* A way's address key, k_addr | level << 6 (k_addr's bits 6..11 are
	 * 0), 0 when free: sets * ways, a set's 8 keys in one line, which is
	 * all a lookup scans; the rest of the identity is in the entry. */
	uint64_t *key;
	struct nb_cache_entry *e; /* sets * ways, 64-byte aligned */
	uint64_t clock;		  /* NB_TOUCH_STAMP: touches so far (entries' stamps) */
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
	/* Bit n: some valid entry's span_lg2 is n (span_n[n] of them). A
	 * lookup at a span no entry has cannot hit: the probing loops count it
	 * as the miss it is without reading the sets (nb_cache_probe). */
	uint64_t spans;
	uint32_t span_n[64];
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

/* Refresh an entry's age on a hit or fill (way: its index in set). */
static inline void nb_cache_touch(struct nb_cache *c, uint32_t set, uint32_t way, struct nb_cache_entry *e)
{
	if (NB_LIKELY(c->touch == NB_TOUCH_STAMP))
		e->stamp = ++c->clock;
	else
		c->touch_slow(c, set, way);
}

/* Does way i hold this identity: the address key first (the set's key line),
 * then tags and source id in one test of its entry (they seldom differ
 * where the key matched, and a hit reads that line anyway). */
static inline bool nb_cache_holds_(const struct nb_cache *c, size_t i, uint64_t key, uint64_t k_tags, uint32_t sid)
{
	return c->key[i] == key && NB_LIKELY(((c->e[i].k_tags ^ k_tags) | (c->e[i].sid ^ sid)) == 0);
}

/* One set's ways, in order; an entry is opened only where the key matched.
 * stamp: the caller knows the touch is an LRU stamp (a constant: the test
 * of the touch's kind goes). */
static inline struct nb_cache_entry *nb_cache_scan_(struct nb_cache *c, uint32_t set, uint32_t ways, bool stamp,
						   uint64_t key, uint64_t k_tags, uint32_t sid)
{
	const size_t base = (size_t)set * ways;

	for (uint32_t w = 0; w < ways; w++) {
		if (nb_cache_holds_(c, base + w, key, k_tags, sid)) {
			struct nb_cache_entry *e = &c->e[base + w];

			c->st.hits++;
			if (stamp)
				e->stamp = ++c->clock;
			else
				nb_cache_touch(c, set, w, e);
			return e;
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
/* nb_cache_lookup of (addr's span_lg2 block, level) where the caller probes
 * several spans in turn (page sizes, walk levels): a span no valid entry
 * has is a miss, counted, with no set read; the rest is nb_cache_lookup.
 * Not inside nb_cache_lookup: a single lookup would pay the test too. */
static inline struct nb_cache_entry *nb_cache_probe(struct nb_cache *c, uint64_t addr, unsigned span_lg2,
						    uint64_t k_tags, uint32_t sid, uint8_t level)
{
	if (!(c->spans >> span_lg2 & 1)) {
		c->st.misses++;
		return NULL;
	}
	return nb_cache_lookup(c, nb_cache_k_addr(addr, span_lg2), k_tags, sid, level);
}

/* Insert; returns the new entry (to fill the payload), evicting if needed. */
struct nb_cache_entry *nb_cache_fill(struct nb_cache *c, uint64_t k_addr, uint64_t k_tags,
				     uint32_t sid, uint8_t level);

/* Visit every valid entry; the visitor returns true to invalidate it. */
typedef bool (*nb_cache_visit_fn)(void *user, struct nb_cache *c, struct nb_cache_entry *e);
uint64_t nb_cache_invalidate_if(struct nb_cache *c, nb_cache_visit_fn fn, void *user);

/* Invalidate the entry at index i (of sets * ways), as a visit that took it. */
void nb_cache_drop(struct nb_cache *c, size_t i);

/* nb_cache_invalidate_if's loop, inline: given a visitor the compiler sees,
 * it inlines the visitor's test (the executor's: most entries a command's
 * visit sees are not taken, and need no call). Only the ways that hold an
 * entry, from the valid bitmap; a word's bits are copied before its visits,
 * so dropping an entry does not disturb the walk. */
static inline __attribute__((always_inline)) uint64_t
nb_cache_invalidate_inline(struct nb_cache *c, nb_cache_visit_fn fn, void *user)
{
	uint64_t n = 0, words = ((uint64_t)c->sets * c->ways + 63) / 64;

	if (!c->used) /* nothing to visit */
		return 0;
	for (uint64_t w = 0; w < words; w++)
		for (uint64_t bits = c->valid_bits[w]; bits; bits &= bits - 1) {
			uint64_t i = w * 64 + (uint64_t)__builtin_ctzll(bits);

			if (fn(user, c, &c->e[i])) {
				nb_cache_drop(c, i);
				n++;
			}
		}
	c->st.invalidated += n;
	return n;
}

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
