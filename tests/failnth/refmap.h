/* SPDX-License-Identifier: MIT */
/*
 * The reference map of the fail-nth scenarios: what a domain should map,
 * kept apart from the library (ranges, split on unmap), to check the page
 * tables against after every call, failed or not.
 */
#ifndef NB_FAILNTH_REFMAP_H
#define NB_FAILNTH_REFMAP_H

#include <stdbool.h>
#include <stdint.h>

#define REFMAP_MAX 32

struct refmap {
	int n;
	struct ref_range {
		uint64_t iova, pa, size;
		unsigned prot;
	} r[REFMAP_MAX];
};

static inline void ref_add(struct refmap *m, uint64_t iova, uint64_t pa, uint64_t size, unsigned prot)
{
	if (m->n < REFMAP_MAX)
		m->r[m->n++] = (struct ref_range){ iova, pa, size, prot };
}

/* Forget [iova, iova + size): ranges are cut around it. */
static inline void ref_del(struct refmap *m, uint64_t iova, uint64_t size)
{
	uint64_t end = iova + size;

	for (int i = 0; i < m->n; i++) {
		struct ref_range r = m->r[i];
		uint64_t rend = r.iova + r.size;

		if (rend <= iova || r.iova >= end)
			continue;
		m->r[i--] = m->r[--m->n];
		if (r.iova < iova)
			ref_add(m, r.iova, r.pa, iova - r.iova, r.prot);
		if (rend > end)
			ref_add(m, end, r.pa + (end - r.iova), rend - end, r.prot);
	}
}

static inline bool ref_lookup(const struct refmap *m, uint64_t iova, uint64_t *pa, unsigned *prot)
{
	for (int i = 0; i < m->n; i++)
		if (iova >= m->r[i].iova && iova - m->r[i].iova < m->r[i].size) {
			*pa = m->r[i].pa + (iova - m->r[i].iova);
			*prot = m->r[i].prot;
			return true;
		}
	return false;
}

/* Bytes the reference maps inside [iova, iova + size). */
static inline uint64_t ref_overlap(const struct refmap *m, uint64_t iova, uint64_t size)
{
	uint64_t b = 0, end = iova + size;

	for (int i = 0; i < m->n; i++) {
		uint64_t lo = m->r[i].iova > iova ? m->r[i].iova : iova;
		uint64_t hi = m->r[i].iova + m->r[i].size < end ? m->r[i].iova + m->r[i].size : end;

		b += hi > lo ? hi - lo : 0;
	}
	return b;
}

static inline uint64_t ref_bytes(const struct refmap *m)
{
	uint64_t b = 0;

	for (int i = 0; i < m->n; i++)
		b += m->r[i].size;
	return b;
}

#endif
