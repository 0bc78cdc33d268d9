// SPDX-License-Identifier: MIT
/*
 * The set-associative cache (src/cache) against a reference written here
 * from the textbook definitions, on random operations: lookups, fills,
 * invalidations by predicate and flushes, over keys that differ in address,
 * page size, level, tags and source id only. Each lookup's hit or miss,
 * the entry it returns and the set of valid keys after every step must
 * agree, and so must the spans valid entries have (nb_cache.spans, which
 * nb_cache_probe reads to skip a span no entry has) and the number of
 * misses, probes of such spans included. Geometries: 8-way (the scanned path) and fully associative at 64
 * and 512 ways (the hash-indexed path), for
 *   LRU   evict the least recently used (touched by a hit or a fill);
 *   PLRU  the tree pseudo-LRU of every set (nodes point away from the way
 *         used; the victim follows them), free ways first, lowest first;
 *   QEMU  no eviction: a fill into a full structure drops everything
 *         first (vtd_update_iotlb's g_hash_table_remove_all).
 */
#include <stdlib.h>
#include <string.h>

#include "nb_test.h"
#include "nestbench/cache.h"

#define MAXW 512

struct ref_key {
	uint64_t k_addr, k_tags;
	uint32_t sid;
	uint8_t level;
};

struct ref_set {
	struct ref_key k[MAXW];
	bool valid[MAXW];
	uint64_t age[MAXW]; /* LRU: time of last touch */
	uint8_t tree[MAXW]; /* PLRU node bits */
};

struct ref {
	enum nb_repl repl;
	uint32_t ways, sets, used, entries;
	uint64_t now;
	struct ref_set *s;
};

static bool same(const struct ref_key *a, const struct ref_key *b)
{
	return a->k_addr == b->k_addr && a->k_tags == b->k_tags && a->sid == b->sid && a->level == b->level;
}

static void ref_touch(struct ref *r, struct ref_set *s, uint32_t w)
{
	uint32_t node = 1, span = r->ways;

	s->age[w] = ++r->now;
	while (span > 1) {
		span >>= 1;
		s->tree[node] = !(w & span);
		node = node * 2 + ((w & span) != 0);
	}
}

static int ref_find(struct ref_set *s, uint32_t ways, const struct ref_key *k)
{
	for (uint32_t w = 0; w < ways; w++)
		if (s->valid[w] && same(&s->k[w], k))
			return (int)w;
	return -1;
}

static uint32_t ref_victim(struct ref *r, struct ref_set *s)
{
	uint32_t best = 0, node = 1, span = r->ways, way = 0;

	for (uint32_t w = 0; w < r->ways; w++)
		if (!s->valid[w])
			return w;
	if (r->repl == NB_REPL_LRU) {
		for (uint32_t w = 1; w < r->ways; w++)
			if (s->age[w] < s->age[best])
				best = w;
		return best;
	}
	while (span > 1) { /* PLRU */
		span >>= 1;
		if (s->tree[node])
			way |= span;
		node = node * 2 + s->tree[node];
	}
	return way;
}

static void ref_flush(struct ref *r)
{
	for (uint32_t i = 0; i < r->sets; i++)
		memset(r->s[i].valid, 0, sizeof(r->s[i].valid));
	r->used = 0;
}

static struct ref_set *ref_set(struct ref *r, const struct nb_cache *c, const struct ref_key *k)
{
	return &r->s[nb_cache_set_of(c, k->k_addr, k->k_tags, k->sid, k->level)];
}

static void random_key(uint64_t *seed, struct ref_key *k)
{
	uint64_t x;

	*seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
	x = *seed >> 11;
	k->k_addr = nb_cache_k_addr((x % 24) << 12, 12 + (unsigned)((x >> 8) % 4 == 0) * 9);
	k->k_tags = nb_cache_k_tags((uint32_t)(x >> 12) % 3, (uint32_t)(x >> 16) % 4 == 0);
	k->sid = (uint32_t)(x >> 20) % 2;
	k->level = (uint8_t)((x >> 24) % 2);
}

/* The spans of the valid keys, bit n for span n. */
static uint64_t ref_spans(const struct ref *r)
{
	uint64_t m = 0;

	for (uint32_t i = 0; i < r->sets; i++)
		for (uint32_t w = 0; w < r->ways; w++)
			if (r->s[i].valid[w])
				m |= 1ull << (r->s[i].k[w].k_addr & 0x3f);
	return m;
}

static bool ref_has_span(const struct ref *r, unsigned span)
{
	return ref_spans(r) >> span & 1;
}

static bool odd_page(void *user, struct nb_cache *c, struct nb_cache_entry *e)
{
	return ((e->k_addr >> 12) & 1) && nb_cache_entry_tag(e) == *(uint32_t *)user;
}

static void run(enum nb_repl repl, uint32_t entries, uint32_t ways, uint64_t seed)
{
	struct nb_cache_params p = { .entries = entries, .ways = ways, .repl = repl, .page_sizes = 1ull << 12 };
	struct ref r = { .repl = repl, .ways = repl == NB_REPL_QEMU ? entries : ways, .entries = entries };
	struct nb_cache c;
	uint64_t hits = 0, misses = 0, skipped = 0;

	r.sets = entries / r.ways;
	r.s = calloc(r.sets, sizeof(*r.s));
	CHECK(nb_cache_init(&c, NB_CACHE_IOTLB, &p) == 0, "init: %s", nb_errmsg());
	for (int step = 0; step < 20000; step++) {
		struct ref_key k;
		struct ref_set *s;
		uint64_t op;
		int w;

		random_key(&seed, &k);
		s = ref_set(&r, &c, &k);
		op = seed >> 58;
		if (op < 40) { /* lookup, or a probe of the key's span, or of a span no key has */
			unsigned span = (unsigned)(k.k_addr & 0x3f);
			bool no_span = op % 8 == 0;
			struct nb_cache_entry *e =
				no_span ? nb_cache_probe(&c, k.k_addr & ~0x3full, 30, k.k_tags, k.sid, k.level)
				: op % 2 ? nb_cache_probe(&c, k.k_addr & ~0x3full, span, k.k_tags, k.sid, k.level)
					 : nb_cache_lookup(&c, k.k_addr, k.k_tags, k.sid, k.level);

			w = no_span ? -1 : ref_find(s, r.ways, &k);
			misses += w < 0;
			skipped += no_span || (op % 2 && w < 0 && !ref_has_span(&r, span));
			CHECK_EQ(e != NULL, w >= 0, "step %d: lookup hit/miss (repl %d, %u ways)", step, repl, ways);
			if (e && w >= 0) {
				CHECK_EQ(e->out, s->k[w].k_addr ^ 0x5000 ^ s->k[w].sid, "step %d: payload", step);
				ref_touch(&r, s, (uint32_t)w);
				hits++;
			}
		} else if (op < 60) { /* fill */
			struct nb_cache_entry *e;

			if (repl == NB_REPL_QEMU && r.used >= r.entries)
				ref_flush(&r);
			w = ref_find(s, r.ways, &k);
			if (w < 0) {
				w = (int)ref_victim(&r, s);
				r.used += !s->valid[w];
			}
			s->k[w] = k;
			s->valid[w] = true;
			ref_touch(&r, s, (uint32_t)w);
			e = nb_cache_fill(&c, k.k_addr, k.k_tags, k.sid, k.level);
			CHECK(e != NULL, "fill");
			if (e)
				e->out = k.k_addr ^ 0x5000 ^ k.sid;
		} else if (op < 63) { /* invalidate odd pages of one tag */
			uint32_t tag = (uint32_t)(seed >> 40) % 3;
			uint64_t want = 0;

			for (uint32_t i = 0; i < r.sets; i++)
				for (uint32_t x = 0; x < r.ways; x++)
					if (r.s[i].valid[x] && ((r.s[i].k[x].k_addr >> 12) & 1) &&
					    (uint32_t)(r.s[i].k[x].k_tags >> 32) == tag) {
						r.s[i].valid[x] = false;
						r.used--;
						want++;
					}
			CHECK_EQ(nb_cache_invalidate_if(&c, odd_page, &tag), want, "step %d: invalidated", step);
		} else if (seed % 16 == 0) {
			ref_flush(&r);
			nb_cache_flush_all(&c);
		}
		CHECK_EQ(c.used, r.used, "step %d: valid entries", step);
		CHECK_EQ(c.spans, ref_spans(&r), "step %d: spans of the valid entries", step);
	}
	CHECK_EQ(c.st.hits, hits, "hits (repl %d, %u ways)", repl, ways);
	CHECK_EQ(c.st.misses, misses, "misses, skipped probes included (repl %d, %u ways)", repl, ways);
	CHECK(skipped > 100, "probes of spans no entry has: %llu", (unsigned long long)skipped);
	CHECK(hits > 1000, "the key space gives hits: %llu", (unsigned long long)hits);
	nb_cache_fini(&c);
	free(r.s);
}

int main(void)
{
	static const enum nb_repl repls[] = { NB_REPL_LRU, NB_REPL_PLRU };

	for (size_t i = 0; i < NB_ARRAY_SIZE(repls); i++) {
		run(repls[i], 64, 8, 1 + i);	/* scanned sets */
		run(repls[i], 64, 64, 11 + i);	/* one indexed set */
		run(repls[i], 512, 512, 21 + i);
		run(repls[i], 1024, 256, 31 + i); /* several indexed sets */
	}
	run(NB_REPL_QEMU, 64, 64, 41);
	run(NB_REPL_QEMU, 512, 512, 42);
	return nbt_done("test_cache");
}
