// SPDX-License-Identifier: MIT
/*
 * IOVA bookkeeping of an emulated IOAS (iova_space.h): the rules of Linux
 * 6.12's drivers/iommu/iommufd/io_pagetable.c (iopt_check_iova,
 * iopt_alloc_iova, iopt_reserve_iova, iopt_set_allow_iova) and ioas.c
 * (IOAS_IOVA_RANGES: the holes of the reserved ranges). Sorted arrays: an
 * IOAS of a benchmark or a test holds a handful of areas to a few hundred.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nestbench/iommu.h"
#include "iova_space.h"

/* iopt_alloc_iova never hands out the first and the last page, and aligns
 * to at most a huge page (HPAGE_SIZE with CONFIG_TRANSPARENT_HUGEPAGE). */
#define EMU_PAGE_SIZE 4096ull
#define EMU_HPAGE_SIZE (2ull << 20)

void emu_space_init(struct emu_space *s)
{
	*s = (struct emu_space){ .align = 1 };
}

void emu_space_fini(struct emu_space *s)
{
	free(s->area);
	free(s->resv);
	free(s->allow);
	*s = (struct emu_space){ .align = 1 };
}

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return a0 <= b1 && b0 <= a1;
}

static bool reserved(const struct emu_space *s, uint64_t start, uint64_t last)
{
	for (uint32_t i = 0; i < s->nresv; i++)
		if (overlaps(start, last, s->resv[i].start, s->resv[i].last))
			return true;
	return false;
}

/* The areas are sorted by IOVA and never overlap, so their last bytes are
 * sorted too: binary searches (a map or unmap scanned every area). */

/* The first area whose last byte is at or above iova (narea: none). */
static uint32_t first_ending_from(const struct emu_space *s, uint64_t iova)
{
	uint32_t lo = 0, hi = s->narea;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s->area[mid].iova + s->area[mid].len - 1 < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first area starting at or above iova (narea: none). */
static uint32_t first_starting_from(const struct emu_space *s, uint64_t iova)
{
	uint32_t lo = 0, hi = s->narea;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s->area[mid].iova < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool mapped(const struct emu_space *s, uint64_t start, uint64_t last)
{
	uint32_t i = first_ending_from(s, start);

	return i < s->narea && s->area[i].iova <= last;
}

int emu_space_check(const struct emu_space *s, uint64_t iova, uint64_t len)
{
	uint64_t last;

	if (!len || (iova & (s->align - 1)) || (len & (s->align - 1)))
		return nb_fail(EINVAL, "emu: IOVA %#llx length %#llx: not a multiple of the IOAS alignment %#llx",
			       (unsigned long long)iova, (unsigned long long)len, (unsigned long long)s->align);
	if (__builtin_add_overflow(iova, len - 1, &last))
		return nb_fail(EOVERFLOW, "emu: IOVA %#llx + %#llx wraps", (unsigned long long)iova,
			       (unsigned long long)len);
	if (reserved(s, iova, last)) /* iopt_check_iova: EINVAL, not EADDRINUSE */
		return nb_fail(EINVAL, "emu: IOVA [%#llx, %#llx] is reserved", (unsigned long long)iova,
			       (unsigned long long)last);
	if (mapped(s, iova, last))
		return nb_fail(EEXIST, "emu: IOVA [%#llx, %#llx] overlaps a mapping", (unsigned long long)iova,
			       (unsigned long long)last);
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct nb_iova_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The reserved ranges, plus the areas when with_areas, sorted and merged:
 * what the allocator must avoid. Caller frees *out. */
static int busy_list(const struct emu_space *s, bool with_areas, struct nb_iova_range **out, uint32_t *n)
{
	uint32_t k = 0, m = 0;
	struct nb_iova_range *r = malloc(sizeof(*r) * ((size_t)s->nresv + s->narea + 1));

	if (!r)
		return nb_fail(ENOMEM, "emu: out of memory");
	for (uint32_t i = 0; i < s->nresv; i++)
		r[k++] = (struct nb_iova_range){ s->resv[i].start, s->resv[i].last };
	for (uint32_t i = 0; with_areas && i < s->narea; i++)
		r[k++] = (struct nb_iova_range){ s->area[i].iova, s->area[i].iova + s->area[i].len - 1 };
	qsort(r, k, sizeof(*r), cmp_range);
	for (uint32_t i = 0; i < k; i++) {
		if (m && (r[m - 1].last == UINT64_MAX || r[i].start <= r[m - 1].last + 1)) {
			if (r[i].last > r[m - 1].last)
				r[m - 1].last = r[i].last;
		} else {
			r[m++] = r[i];
		}
	}
	*out = r;
	*n = m;
	return 0;
}

/* __alloc_iova_check_range: the first start >= hs, aligned, with the page
 * offset, such that [start, start + len - 1] fits in [hs, hl]. */
static bool fit(uint64_t hs, uint64_t hl, uint64_t len, uint64_t align, uint64_t page_offset,
		uint64_t *start)
{
	uint64_t a;

	if (__builtin_add_overflow(hs, align - 1, &a))
		return false;
	a = (a & ~(align - 1)) | page_offset;
	if (a >= hl || hl - a < len - 1)
		return false;
	*start = a;
	return true;
}

/* The first fit in the window [lo, hi] outside the busy list (sorted,
 * merged), lowest address first. */
static bool fit_window(const struct nb_iova_range *busy, uint32_t nbusy, uint64_t lo, uint64_t hi,
		       uint64_t len, uint64_t align, uint64_t page_offset, uint64_t *iova)
{
	uint64_t hs = lo, hl;
	uint32_t i = 0;

	while (i < nbusy && busy[i].last < hs)
		i++;
	for (;; i++) {
		if (i < nbusy && busy[i].start <= hs) { /* hs is busy: skip past it */
			if (busy[i].last >= hi)
				return false;
			hs = busy[i].last + 1;
			continue;
		}
		hl = i < nbusy && busy[i].start - 1 < hi ? busy[i].start - 1 : hi;
		if (fit(hs, hl, len, align, page_offset, iova))
			return true;
		if (hl == hi || busy[i].last >= hi)
			return false;
		hs = busy[i].last + 1;
	}
}

int emu_space_alloc(const struct emu_space *s, uint64_t uptr, uint64_t len, uint64_t *iova)
{
	uint64_t align, page_offset = uptr % EMU_PAGE_SIZE;
	struct nb_iova_range *busy, all = { EMU_PAGE_SIZE, UINT64_MAX - EMU_PAGE_SIZE };
	const struct nb_iova_range *win = s->nallow ? s->allow : &all;
	uint32_t nbusy, nwin = s->nallow ? s->nallow : 1;
	int ret;

	if (!len || len >= UINT64_MAX / 2)
		return nb_fail(EOVERFLOW, "emu: IOAS_MAP: length %#llx", (unsigned long long)len);
	/* the alignment the buffer keeps (its lowest set bit), up to the
	 * length rounded up to a power of two, at most a huge page */
	align = len == 1 ? 1 : 1ull << (64 - __builtin_clzll(len - 1));
	if (uptr && (uptr & -uptr) < align)
		align = uptr & -uptr;
	if (align > EMU_HPAGE_SIZE)
		align = EMU_HPAGE_SIZE;
	if (align < s->align)
		return nb_fail(EINVAL, "emu: IOAS_MAP: a buffer at %#llx allows IOVA alignment %#llx, the IOAS "
				       "needs %#llx", (unsigned long long)uptr, (unsigned long long)align,
			       (unsigned long long)s->align);
	if ((ret = busy_list(s, true, &busy, &nbusy)))
		return ret;
	for (uint32_t w = 0; w < nwin; w++) {
		uint64_t lo = win[w].start < EMU_PAGE_SIZE ? EMU_PAGE_SIZE : win[w].start;
		uint64_t hi = win[w].last > UINT64_MAX - EMU_PAGE_SIZE ? UINT64_MAX - EMU_PAGE_SIZE : win[w].last;

		if (lo <= hi && fit_window(busy, nbusy, lo, hi, len, align, page_offset, iova)) {
			free(busy);
			return 0;
		}
	}
	free(busy);
	return nb_fail(ENOSPC, "emu: IOAS_MAP: no free IOVA range of %#llx bytes aligned to %#llx",
		       (unsigned long long)len, (unsigned long long)align);
}

/* Room for need elements in an IOAS's array (nb_grow), or why not. */
static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	return nb_grow(p, cap, need, elem, 8) ? nb_fail(ENOMEM, "emu: out of memory") : 0;
}

int emu_space_add(struct emu_space *s, uint64_t iova, uint64_t len, uint64_t pa, unsigned prot)
{
	uint32_t i = 0;
	int ret = grow((void **)&s->area, &s->carea, (size_t)s->narea + 1, sizeof(*s->area));

	if (ret)
		return ret;
	i = first_starting_from(s, iova);
	memmove(&s->area[i + 1], &s->area[i], sizeof(*s->area) * (s->narea - i));
	s->area[i] = (struct emu_area){ .iova = iova, .len = len, .pa = pa, .prot = prot };
	s->narea++;
	return 0;
}

int emu_space_add_run(struct emu_space *s, uint64_t iova, const struct nb_map_seg *seg, uint32_t n,
		      unsigned prot)
{
	uint32_t i = 0;
	int ret = n > UINT32_MAX - s->narea ? nb_fail(ENOMEM, "emu: more than 2^32 mappings in one IOAS")
					    : grow((void **)&s->area, &s->carea, (size_t)s->narea + n, sizeof(*s->area));

	if (ret)
		return ret;
	i = first_starting_from(s, iova);
	memmove(&s->area[i + n], &s->area[i], sizeof(*s->area) * (s->narea - i));
	for (uint32_t k = 0; k < n; iova += seg[k++].len)
		s->area[i + k] = (struct emu_area){ .iova = iova, .len = seg[k].len, .pa = seg[k].pa, .prot = prot };
	s->narea += n;
	return 0;
}

int emu_space_inside(const struct emu_space *s, uint64_t iova, uint64_t len, uint32_t *first,
		     uint32_t *end)
{
	/* iova 0, length UINT64_MAX: everything (IOAS_UNMAP's "unmap all") */
	uint64_t last = iova == 0 && len == UINT64_MAX ? UINT64_MAX : len ? iova + len - 1 : iova;
	uint32_t i = 0, j;

	if (!len || last < iova)
		return nb_fail(EINVAL, "emu: IOAS_UNMAP: [%#llx, +%#llx) is empty or wraps",
			       (unsigned long long)iova, (unsigned long long)len);
	i = first_ending_from(s, iova);
	for (j = i; j < s->narea && s->area[j].iova <= last; j++)
		if (s->area[j].iova < iova || s->area[j].iova + s->area[j].len - 1 > last)
			return nb_fail(ENOENT, "emu: IOAS_UNMAP: the mapping at [%#llx, +%#llx) reaches outside "
					       "[%#llx, +%#llx)", (unsigned long long)s->area[j].iova,
				       (unsigned long long)s->area[j].len, (unsigned long long)iova,
				       (unsigned long long)len);
	if (i == j)
		return nb_fail(ENOENT, "emu: IOAS_UNMAP: nothing mapped in [%#llx, +%#llx)",
			       (unsigned long long)iova, (unsigned long long)len);
	*first = i;
	*end = j;
	return 0;
}

int emu_space_cover(const struct emu_space *s, uint64_t iova, uint64_t len, uint32_t *first,
		    uint32_t *end)
{
	uint64_t at = iova, last = iova + len - 1;
	uint32_t i = 0, j;

	if (!len || last < iova)
		return nb_fail(EINVAL, "emu: [%#llx, +%#llx) is empty or wraps", (unsigned long long)iova,
			       (unsigned long long)len);
	i = first_ending_from(s, iova);
	for (j = i; j < s->narea && at <= last && s->area[j].iova <= at; j++)
		at = s->area[j].iova + s->area[j].len; /* 0 after the top of the space: stops below */
	if (j == i || (at <= last && at != 0))
		return nb_fail(ENOENT, "emu: [%#llx, +%#llx) is not mapped without a hole (from %#llx)",
			       (unsigned long long)iova, (unsigned long long)len, (unsigned long long)at);
	*first = i;
	*end = j;
	return 0;
}

void emu_space_del(struct emu_space *s, uint32_t first, uint32_t end)
{
	memmove(&s->area[first], &s->area[end], sizeof(*s->area) * (s->narea - end));
	s->narea -= end - first;
}

static bool allowed(const struct emu_space *s, uint64_t start, uint64_t last)
{
	for (uint32_t i = 0; i < s->nallow; i++)
		if (overlaps(start, last, s->allow[i].start, s->allow[i].last))
			return true;
	return false;
}

int emu_space_reserve(struct emu_space *s, uint64_t start, uint64_t last, uint32_t owner)
{
	int ret;

	if (mapped(s, start, last) || allowed(s, start, last))
		return nb_fail(EADDRINUSE, "emu: cannot reserve [%#llx, %#llx]: mapped or allowed",
			       (unsigned long long)start, (unsigned long long)last);
	if ((ret = grow((void **)&s->resv, &s->cresv, (size_t)s->nresv + 1, sizeof(*s->resv))))
		return ret;
	s->resv[s->nresv++] = (struct emu_resv){ .start = start, .last = last, .owner = owner };
	return 0;
}

void emu_space_unreserve(struct emu_space *s, uint32_t owner)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < s->nresv; i++)
		if (s->resv[i].owner != owner)
			s->resv[k++] = s->resv[i];
	s->nresv = k;
}

int emu_space_ranges(const struct emu_space *s, struct nb_iova_range *r, uint32_t *n)
{
	struct nb_iova_range *busy;
	uint32_t nbusy, k = 0, i;
	uint64_t at = 0;
	int ret = busy_list(s, false, &busy, &nbusy);

	if (ret)
		return ret;
	for (i = 0; i < nbusy; i++) {
		if (busy[i].start > at) {
			if (k < *n)
				r[k] = (struct nb_iova_range){ at, busy[i].start - 1 };
			k++;
		}
		if (busy[i].last == UINT64_MAX)
			break;
		at = busy[i].last + 1;
	}
	if (i == nbusy) { /* the space above the last reservation */
		if (k < *n)
			r[k] = (struct nb_iova_range){ at, UINT64_MAX };
		k++;
	}
	free(busy);
	ret = k > *n;
	*n = k;
	return ret ? nb_fail(EMSGSIZE, "emu: IOAS_IOVA_RANGES: %u ranges, room for fewer", k) : 0;
}

int emu_space_allow(struct emu_space *s, const struct nb_iova_range *r, uint32_t n)
{
	struct nb_iova_range *copy = n ? malloc(sizeof(*r) * n) : NULL;

	if (n && !copy)
		return nb_fail(ENOMEM, "emu: out of memory");
	if (n) {
		memcpy(copy, r, sizeof(*r) * n);
		qsort(copy, n, sizeof(*copy), cmp_range);
	}
	for (uint32_t i = 0; i < n; i++) {
		/* iommufd_ioas_load_iovas: start < last, no overlap */
		if (copy[i].start >= copy[i].last || (i && copy[i].start <= copy[i - 1].last)) {
			free(copy);
			return nb_fail(EINVAL, "emu: IOAS_ALLOW_IOVAS: range %u is empty or overlaps another", i);
		}
		if (reserved(s, copy[i].start, copy[i].last)) {
			free(copy);
			return nb_fail(EADDRINUSE, "emu: IOAS_ALLOW_IOVAS: [%#llx, %#llx] is reserved",
				       (unsigned long long)r[i].start, (unsigned long long)r[i].last);
		}
	}
	free(s->allow);
	s->allow = copy;
	s->nallow = n;
	return 0;
}
