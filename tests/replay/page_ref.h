/* SPDX-License-Identifier: MIT */
/*
 * A reference of what each page maps to, for the nested data checks: an
 * open-addressing table from a key (an address page, optionally with its
 * domain in the top bits) to the page it maps to plus one (0: not mapped).
 * Big enough for the committed captures (2^20 slots); static storage.
 */
#ifndef NB_TESTS_PAGE_REF_H
#define NB_TESTS_PAGE_REF_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_REF_BITS 20

struct page_ref {
	uint64_t key[1u << PAGE_REF_BITS], val[1u << PAGE_REF_BITS];
};

/* The slot of key; with add, a new zeroed one if absent; else NULL if absent. */
static inline uint64_t *page_ref_slot(struct page_ref *r, uint64_t key, bool add)
{
	uint64_t h = (key * 0x9E3779B97F4A7C15ull) >> (64 - PAGE_REF_BITS);

	for (;; h = (h + 1) & ((1u << PAGE_REF_BITS) - 1)) {
		if (r->key[h] == key + 1)
			return &r->val[h];
		if (!r->key[h]) {
			if (!add)
				return NULL;
			r->key[h] = key + 1;
			return &r->val[h];
		}
	}
}

#endif
