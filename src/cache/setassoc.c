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

int nb_cache_init(struct nb_cache *c, enum nb_cache_kind kind, const struct nb_cache_params *p)
{
	uint32_t ways, sets;

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
	c->e = calloc((size_t)sets * ways, sizeof(*c->e));
	c->plru = calloc((size_t)sets * ways, 1);
	c->key = aligned_alloc(64, ((size_t)sets * ways * sizeof(*c->key) + 63) & ~(size_t)63);
	if (c->key)
		memset(c->key, 0, (size_t)sets * ways * sizeof(*c->key));
	if (!c->e || !c->plru || !c->key) {
		nb_cache_fini(c);
		return nb_fail(ENOMEM, "%s: out of memory for %u entries", kind_names[kind], p->entries);
	}
	c->sets = sets;
	c->ways = ways;
	c->set_mask = sets - 1;
	return 0;
}

void nb_cache_fini(struct nb_cache *c)
{
	free(c->e);
	free(c->plru);
	free(c->key);
	c->e = NULL;
	c->plru = NULL;
	c->key = NULL;
	c->sets = 0;
}

void nb_cache_flush_all(struct nb_cache *c)
{
	if (c->e) {
		memset(c->e, 0, (size_t)c->sets * c->ways * sizeof(*c->e));
		memset(c->key, 0, (size_t)c->sets * c->ways * sizeof(*c->key));
	}
	c->used = 0;
}

/* Tree-PLRU: ways-1 node bits per set; a hit points every node on the
 * path away from the way used; the victim follows the pointers. */
void nb_cache_plru_touch(struct nb_cache *c, uint32_t set, uint32_t way)
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

static uint32_t victim(struct nb_cache *c, uint32_t set, struct nb_cache_entry *row)
{
	uint32_t best = 0;

	for (uint32_t w = 0; w < c->ways; w++)
		if (!row[w].valid)
			return w;
	switch (c->p.repl) {
	case NB_REPL_PLRU:
		return plru_victim(c, set);
	case NB_REPL_RANDOM:
		c->rng ^= c->rng << 13;
		c->rng ^= c->rng >> 7;
		c->rng ^= c->rng << 17;
		return (uint32_t)(c->rng % c->ways);
	default: /* LRU; QEMU mode never gets here with a free way */
		for (uint32_t w = 1; w < c->ways; w++)
			if ((int32_t)(row[w].stamp - row[best].stamp) < 0)
				best = w;
		return best;
	}
}

struct nb_cache_entry *nb_cache_fill(struct nb_cache *c, uint64_t k_addr, uint64_t k_tags,
				     uint32_t sid, uint8_t level)
{
	struct nb_cache_entry *row, *e;
	uint32_t set, w;

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
	for (w = 0; w < c->ways; w++)
		if (row[w].valid && row[w].k_addr == k_addr && row[w].k_tags == k_tags &&
		    row[w].sid == sid && row[w].level == level)
			break;
	if (w == c->ways) {
		w = victim(c, set, row);
		if (row[w].valid)
			c->st.evictions++;
		else
			c->used++;
	}
	e = &row[w];
	memset(e, 0, sizeof(*e));
	e->k_addr = k_addr;
	e->k_tags = k_tags;
	e->sid = sid;
	e->level = level;
	e->valid = true;
	e->tag2 = NB_NO_TAG;
	c->key[(size_t)set * c->ways + w] = k_addr;
	nb_cache_touch(c, set, w, e);
	c->st.fills++;
	return e;
}

uint64_t nb_cache_invalidate_if(struct nb_cache *c, nb_cache_visit_fn fn, void *user)
{
	uint64_t n = 0, total = (uint64_t)c->sets * c->ways;

	for (uint64_t i = 0; i < total; i++) {
		struct nb_cache_entry *e = &c->e[i];

		if (e->valid && fn(user, c, e)) {
			e->valid = false;
			c->key[i] = 0;
			c->used--;
			n++;
		}
	}
	c->st.invalidated += n;
	return n;
}
