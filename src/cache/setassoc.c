// SPDX-License-Identifier: MIT
/* The set-associative cache behind every translation cache (see cache.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nestbench/cache.h"

static const char *const kind_names[NB_CACHE_KIND_COUNT] = {
	[NB_CACHE_IOTLB] = "iotlb",	    [NB_CACHE_PWC_S1] = "pwc_s1",
	[NB_CACHE_PWC_S2] = "pwc_s2",	    [NB_CACHE_NESTED_TLB] = "nested_tlb",
	[NB_CACHE_CTX] = "ctx_cache",	    [NB_CACHE_DEVTLB] = "devtlb",
};

const char *nb_cache_kind_name(enum nb_cache_kind k)
{
	return (unsigned)k < NB_CACHE_KIND_COUNT ? kind_names[k] : "?";
}

/* A lookup's out-of-line parts, which init installs in the cache (cache.h). */
static void plru_touch(struct nb_cache *c, uint32_t set, uint32_t way);
static void lru_touch(struct nb_cache *c, uint32_t set, uint32_t way);
static struct nb_cache_entry *lookup_indexed(struct nb_cache *c, uint32_t set, uint64_t key,
					     uint64_t k_tags, uint32_t sid);

static size_t bytes_of(size_t n, size_t size)
{
	return (n * size + 63) & ~(size_t)63;
}

/* 64-byte aligned and zeroed (a set's keys start on a cache line). */
static void *zalloc(size_t n, size_t size)
{
	void *p = aligned_alloc(64, bytes_of(n, size));

	if (p)
		memset(p, 0, bytes_of(n, size));
	return p;
}

static bool indexed(const struct nb_cache *c)
{
	return c->head != NULL;
}

static uint32_t free_words(const struct nb_cache *c)
{
	return (c->ways + 63) / 64;
}

/* The index and free-way state of an empty cache. */
static void index_reset(struct nb_cache *c)
{
	uint32_t words = free_words(c);

	if (!indexed(c))
		return;
	memset(c->head, 0xff, (size_t)(c->hmask + 1) * sizeof(*c->head));
	for (uint32_t s = 0; s < c->sets; s++)
		for (uint32_t i = 0; i < words; i++) {
			uint32_t left = c->ways - i * 64;

			c->free_bits[(size_t)s * words + i] = left >= 64 ? ~0ull : (1ull << left) - 1;
		}
	if (c->lru_head)
		memset(c->lru_head, 0xff, (size_t)c->sets * sizeof(*c->lru_head));
}

static int index_init(struct nb_cache *c)
{
	size_t n = (size_t)c->sets * c->ways;
	uint32_t buckets = 1;

	while (buckets < 2 * n)
		buckets <<= 1;
	c->hmask = buckets - 1;
	c->head = malloc(buckets * sizeof(*c->head));
	c->next = malloc(n * sizeof(*c->next));
	c->free_bits = malloc((size_t)c->sets * free_words(c) * sizeof(*c->free_bits));
	if (c->p.repl == NB_REPL_LRU) {
		c->lru_prev = malloc(n * sizeof(*c->lru_prev));
		c->lru_next = malloc(n * sizeof(*c->lru_next));
		c->lru_head = malloc((size_t)c->sets * sizeof(*c->lru_head));
		if (!c->lru_prev || !c->lru_next || !c->lru_head)
			return -ENOMEM;
	}
	if (!c->head || !c->next || !c->free_bits)
		return -ENOMEM;
	index_reset(c);
	return 0;
}

int nb_cache_init(struct nb_cache *c, enum nb_cache_kind kind, const struct nb_cache_params *p)
{
	uint32_t ways, sets;
	size_t n;

	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->p = *p;
	c->rng = 0x2545f4914f6cdd1dull;
	if (!p->entries)
		return 0;
	ways = p->repl == NB_REPL_QEMU ? p->entries : p->ways;
	if (!ways || p->entries % ways)
		return nb_fail(EINVAL, "%s: %u ways do not divide %u entries", kind_names[kind], ways,
			       p->entries);
	sets = p->entries / ways;
	if (sets & (sets - 1))
		return nb_fail(EINVAL, "%s: %u sets (entries / ways) is not a power of two",
			       kind_names[kind], sets);
	if (p->repl == NB_REPL_PLRU && (ways & (ways - 1)))
		return nb_fail(EINVAL, "%s: tree-PLRU needs a power-of-two number of ways, not %u",
			       kind_names[kind], ways);
	n = (size_t)sets * ways;
	c->touch = p->repl == NB_REPL_PLRU ? NB_TOUCH_PLRU
		   : p->repl == NB_REPL_LRU && ways > NB_CACHE_SCAN_WAYS ? NB_TOUCH_LIST : NB_TOUCH_STAMP;
	c->scan8 = ways == 8 && c->touch == NB_TOUCH_STAMP;
	c->touch_slow = c->touch == NB_TOUCH_PLRU ? plru_touch : lru_touch;
	c->find_indexed = lookup_indexed;
	c->sets = sets;
	c->ways = ways;
	c->set_mask = sets - 1;
	c->e = zalloc(n, sizeof(*c->e));
	c->plru = calloc(n, 1);
	c->key = zalloc(n, sizeof(*c->key));
	c->valid_bits = zalloc((n + 63) / 64, sizeof(*c->valid_bits));
	if (!c->e || !c->plru || !c->key || !c->valid_bits ||
	    (ways > NB_CACHE_SCAN_WAYS && index_init(c))) {
		nb_cache_fini(c);
		return nb_fail(ENOMEM, "%s: out of memory for %u entries", kind_names[kind], p->entries);
	}
	return 0;
}

void nb_cache_fini(struct nb_cache *c)
{
	void **all[] = { (void **)&c->e, (void **)&c->plru, (void **)&c->key, (void **)&c->valid_bits,
			 (void **)&c->head, (void **)&c->next, (void **)&c->free_bits,
			 (void **)&c->lru_prev, (void **)&c->lru_next, (void **)&c->lru_head };

	for (size_t i = 0; i < NB_ARRAY_SIZE(all); i++) {
		free(*all[i]);
		*all[i] = NULL;
	}
	c->sets = 0;
}

void nb_cache_flush_all(struct nb_cache *c)
{
	if (c->e) {
		size_t n = (size_t)c->sets * c->ways;

		/* every way's identity and age; the clock runs on */
		memset(c->e, 0, n * sizeof(*c->e));
		memset(c->key, 0, n * sizeof(*c->key));
		memset(c->valid_bits, 0, bytes_of((n + 63) / 64, sizeof(*c->valid_bits)));
		index_reset(c);
	}
	c->used = 0;
	c->spans = 0;
	memset(c->span_n, 0, sizeof(c->span_n));
}

/* Tree-PLRU: ways-1 node bits per set; a hit points every node on the
 * path away from the way used; the victim follows the pointers. */
static void plru_touch(struct nb_cache *c, uint32_t set, uint32_t way)
{
	uint8_t *t = c->plru + (size_t)set * c->ways;
	uint32_t node = 1, span = c->ways;

	while (span > 1) {
		span >>= 1;
		bool right = (way & span) != 0;

		t[node] = !right; /* point away */
		node = node * 2 + right;
	}
}

static uint32_t plru_victim(const struct nb_cache *c, uint32_t set)
{
	const uint8_t *t = c->plru + (size_t)set * c->ways;
	uint32_t node = 1, way = 0, span = c->ways;

	while (span > 1) {
		span >>= 1;
		bool right = t[node];

		if (right)
			way |= span;
		node = node * 2 + right;
	}
	return way;
}

/* ---- the index of large sets ---- */

static uint32_t bucket_of(const struct nb_cache *c, uint64_t key, uint64_t k_tags, uint32_t sid)
{
	uint64_t h = (key ^ (k_tags * 0xc2b2ae3d27d4eb4full) ^ ((uint64_t)sid << 40)) * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 32) & c->hmask;
}

static void index_link(struct nb_cache *c, size_t i)
{
	uint32_t b = bucket_of(c, c->key[i], c->e[i].k_tags, c->e[i].sid);

	c->next[i] = c->head[b];
	c->head[b] = (int32_t)i;
}

static void index_unlink(struct nb_cache *c, size_t i)
{
	int32_t *p = &c->head[bucket_of(c, c->key[i], c->e[i].k_tags, c->e[i].sid)];

	while (*p != (int32_t)i)
		p = &c->next[*p];
	*p = c->next[i];
}

/* Recency list of a set: circular, lru_head the most recent way. */
static void lru_unlink(struct nb_cache *c, uint32_t set, size_t i)
{
	int32_t nx = c->lru_next[i], pv = c->lru_prev[i];

	if (nx == (int32_t)i) {
		c->lru_head[set] = -1;
		return;
	}
	c->lru_next[pv] = nx;
	c->lru_prev[nx] = pv;
	if (c->lru_head[set] == (int32_t)i)
		c->lru_head[set] = nx;
}

static void lru_push(struct nb_cache *c, uint32_t set, size_t i)
{
	int32_t h = c->lru_head[set];

	if (h < 0) {
		c->lru_next[i] = c->lru_prev[i] = (int32_t)i;
	} else {
		int32_t t = c->lru_prev[h];

		c->lru_next[i] = h;
		c->lru_prev[i] = t;
		c->lru_next[t] = (int32_t)i;
		c->lru_prev[h] = (int32_t)i;
	}
	c->lru_head[set] = (int32_t)i;
}

static void lru_touch(struct nb_cache *c, uint32_t set, uint32_t way)
{
	size_t i = (size_t)set * c->ways + way;

	if (c->lru_head[set] == (int32_t)i)
		return;
	lru_unlink(c, set, i);
	lru_push(c, set, i);
}

/* nb_cache_touch with direct calls: this file's own paths (the indexed
 * lookup, fill) keep the touches inlinable; only cache.h's inline scan
 * goes through touch_slow. */
static inline void touch(struct nb_cache *c, uint32_t set, uint32_t way)
{
	if (NB_LIKELY(c->touch == NB_TOUCH_STAMP))
		nb_cache_touch(c, set, way, &c->e[(size_t)set * c->ways + way]);
	else if (c->touch == NB_TOUCH_PLRU)
		plru_touch(c, set, way);
	else
		lru_touch(c, set, way);
}

static struct nb_cache_entry *lookup_indexed(struct nb_cache *c, uint32_t set, uint64_t key,
					     uint64_t k_tags, uint32_t sid)
{
	for (int32_t i = c->head[bucket_of(c, key, k_tags, sid)]; i >= 0; i = c->next[i])
		if (nb_cache_holds_(c, (size_t)i, key, k_tags, sid)) {
			c->st.hits++;
			touch(c, set, (uint32_t)i - set * c->ways);
			return &c->e[i];
		}
	c->st.misses++;
	return NULL;
}

/* The way of set holding key, or ways. */
static uint32_t find_way(const struct nb_cache *c, uint32_t set, uint64_t key, uint64_t k_tags, uint32_t sid)
{
	size_t base = (size_t)set * c->ways;

	if (indexed(c)) {
		for (int32_t i = c->head[bucket_of(c, key, k_tags, sid)]; i >= 0; i = c->next[i])
			if (nb_cache_holds_(c, (size_t)i, key, k_tags, sid))
				return (uint32_t)((size_t)i - base);
		return c->ways;
	}
	for (uint32_t w = 0; w < c->ways; w++)
		if (nb_cache_holds_(c, base + w, key, k_tags, sid))
			return w;
	return c->ways;
}

/* The lowest free way of a set, or ways. */
static uint32_t free_way(const struct nb_cache *c, uint32_t set)
{
	if (indexed(c)) {
		const uint64_t *b = c->free_bits + (size_t)set * free_words(c);

		for (uint32_t i = 0; i < free_words(c); i++)
			if (b[i])
				return i * 64 + (uint32_t)__builtin_ctzll(b[i]);
		return c->ways;
	}
	for (uint32_t w = 0; w < c->ways; w++)
		if (!c->key[(size_t)set * c->ways + w])
			return w;
	return c->ways;
}

static uint32_t victim(struct nb_cache *c, uint32_t set)
{
	const struct nb_cache_entry *row = c->e + (size_t)set * c->ways;
	uint32_t best = free_way(c, set);

	if (best < c->ways)
		return best;
	switch (c->p.repl) {
	case NB_REPL_PLRU:
		return plru_victim(c, set);
	case NB_REPL_RANDOM:
		c->rng ^= c->rng << 13;
		c->rng ^= c->rng >> 7;
		c->rng ^= c->rng << 17;
		return (uint32_t)(c->rng % c->ways);
	default: /* LRU; QEMU mode never gets here with a free way */
		if (c->lru_head) /* the least recent: the tail of the recency list */
			return (uint32_t)((size_t)c->lru_prev[c->lru_head[set]] - (size_t)set * c->ways);
		best = 0;
		for (uint32_t w = 1; w < c->ways; w++)
			if (row[w].stamp < row[best].stamp)
				best = w;
		return best;
	}
}

/* The spans valid entries have (nb_cache.spans): one more, one fewer. */
static void span_add(struct nb_cache *c, unsigned span)
{
	c->span_n[span]++;
	c->spans |= 1ull << span;
}

static void span_drop(struct nb_cache *c, unsigned span)
{
	if (!--c->span_n[span])
		c->spans &= ~(1ull << span);
}

/* Forget way i of set (its entry's valid flag is the caller's). */
static void drop_way(struct nb_cache *c, uint32_t set, size_t i)
{
	if (indexed(c)) {
		uint32_t w = (uint32_t)(i - (size_t)set * c->ways);

		index_unlink(c, i);
		c->free_bits[(size_t)set * free_words(c) + w / 64] |= 1ull << (w % 64);
		if (c->lru_head)
			lru_unlink(c, set, i);
	}
	c->key[i] = 0;
	c->valid_bits[i / 64] &= ~(1ull << (i % 64));
	span_drop(c, nb_cache_entry_span(&c->e[i]));
}

struct nb_cache_entry *nb_cache_fill(struct nb_cache *c, uint64_t k_addr, uint64_t k_tags,
				     uint32_t sid, uint8_t level)
{
	uint64_t key = nb_cache_key_(k_addr, level);
	struct nb_cache_entry *row, *e;
	uint32_t set, w;
	size_t i;

	if (!c->sets)
		return NULL;
	/* QEMU's VT-d IOTLB is a hash table reset whole when it reaches its
	 * maximum size (vtd_update_iotlb). */
	if (c->p.repl == NB_REPL_QEMU && c->used >= c->p.entries) {
		c->st.evictions += c->used;
		nb_cache_flush_all(c);
	}
	set = nb_cache_set_of(c, k_addr, k_tags, sid, level);
	row = c->e + (size_t)set * c->ways;
	/* An existing entry for the same key is replaced in place. */
	w = find_way(c, set, key, k_tags, sid);
	if (w == c->ways) {
		w = victim(c, set);
		if (row[w].valid)
			c->st.evictions++;
		else
			c->used++;
	}
	i = (size_t)set * c->ways + w;
	if (row[w].valid)
		drop_way(c, set, i);
	e = &row[w];
	memset(e, 0, sizeof(*e));
	e->k_addr = k_addr;
	e->k_tags = k_tags;
	e->sid = sid;
	e->level = level;
	e->valid = true;
	e->tag2 = NB_NO_TAG;
	c->key[i] = key;
	c->valid_bits[i / 64] |= 1ull << (i % 64);
	span_add(c, nb_cache_entry_span(e));
	if (indexed(c)) {
		index_link(c, i);
		c->free_bits[(size_t)set * free_words(c) + w / 64] &= ~(1ull << (w % 64));
		if (c->lru_head)
			lru_push(c, set, i);
	}
	if (!c->lru_head)
		touch(c, set, w);
	c->st.fills++;
	return e;
}

void nb_cache_drop(struct nb_cache *c, size_t i)
{
	c->e[i].valid = false;
	drop_way(c, (uint32_t)(i / c->ways), i);
	c->used--;
}

uint64_t nb_cache_invalidate_if(struct nb_cache *c, nb_cache_visit_fn fn, void *user)
{
	return nb_cache_invalidate_inline(c, fn, user);
}
