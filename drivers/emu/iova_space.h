/* SPDX-License-Identifier: MIT */
/*
 * One emulated IOAS's IOVA bookkeeping, kept as iommufd's io_pagetable keeps
 * it (drivers/iommu/iommufd/io_pagetable.c, Linux 6.12): the areas (what is
 * mapped, and the memory behind it), the reserved ranges (outside an
 * attached domain's aperture, a device's reserved regions; each with the
 * owner that put it there) and the allowed ranges (IOMMU_IOAS_ALLOW_IOVAS).
 * The page tables themselves belong to the caller (drivers/emu/emu.c).
 * Ranges are [start, last], last inclusive, as in the uAPI.
 */
#ifndef NB_DRIVERS_EMU_IOVA_SPACE_H
#define NB_DRIVERS_EMU_IOVA_SPACE_H

#include "nestbench/backend.h"

struct emu_area {
	uint64_t iova, len, pa;
	unsigned prot;
};

struct emu_resv {
	uint64_t start, last;
	uint32_t owner;
};

struct emu_space {
	struct emu_area *area; /* ascending, disjoint */
	uint32_t narea;
	size_t carea;
	struct emu_resv *resv; /* any order, may overlap */
	uint32_t nresv;
	size_t cresv;
	struct nb_iova_range *allow; /* ascending, disjoint (checked when set) */
	uint32_t nallow;
	uint64_t align; /* IOVA alignment every mapping needs (1: no domain yet) */
};

void emu_space_init(struct emu_space *s);
void emu_space_fini(struct emu_space *s);

/* May [iova, iova + len) be mapped? -EINVAL: len 0, not aligned to
 * s->align, or reserved; -EOVERFLOW: wraps; -EEXIST: mapped. */
int emu_space_check(const struct emu_space *s, uint64_t iova, uint64_t len);
/* Where a mapping of len bytes of memory at uptr goes when the IOAS picks
 * (iopt_alloc_iova): -ENOSPC when nothing fits, -EINVAL when the alignment
 * the buffer allows is below s->align. */
int emu_space_alloc(const struct emu_space *s, uint64_t uptr, uint64_t len, uint64_t *iova);
/* Record a mapping (emu_space_check passed). */
int emu_space_add(struct emu_space *s, uint64_t iova, uint64_t len, uint64_t pa, unsigned prot);
/* Record n mappings back to back from iova, one per piece (a scatter list:
 * emu_space_check passed for the whole run), in one insertion. */
int emu_space_add_run(struct emu_space *s, uint64_t iova, const struct nb_map_seg *seg, uint32_t n,
		      unsigned prot);
/* Areas [*first, *end) lying inside [iova, iova + len), as IOAS_UNMAP takes
 * them: -ENOENT when none, or one reaches outside the range. */
int emu_space_inside(const struct emu_space *s, uint64_t iova, uint64_t len, uint32_t *first,
		     uint32_t *end);
/* Areas [*first, *end) covering [iova, iova + len) without a hole, as
 * IOAS_COPY and dirty reads need them (they may reach outside): -ENOENT. */
int emu_space_cover(const struct emu_space *s, uint64_t iova, uint64_t len, uint32_t *first,
		    uint32_t *end);
void emu_space_del(struct emu_space *s, uint32_t first, uint32_t end);

/* Reserve [start, last] for owner: -EADDRINUSE when mapped or allowed. */
int emu_space_reserve(struct emu_space *s, uint64_t start, uint64_t last, uint32_t owner);
void emu_space_unreserve(struct emu_space *s, uint32_t owner);
/* The usable ranges: what no reservation covers, ascending (*n: in room,
 * out count; -EMSGSIZE when more than the room). */
int emu_space_ranges(const struct emu_space *s, struct nb_iova_range *r, uint32_t *n);
/* Replace the allowed ranges (any order): -EINVAL when one has start >=
 * last or two overlap, -EADDRINUSE when one is reserved. n = 0: none. */
int emu_space_allow(struct emu_space *s, const struct nb_iova_range *r, uint32_t n);

#endif
