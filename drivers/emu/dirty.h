/* SPDX-License-Identifier: MIT */
/*
 * Dirty tracking of the emulated IOMMU: the dirty bit of a leaf descriptor
 * (struct nb_fmt.dirty: VT-d second stage bit 9, AMD-Vi v1 bit 6), set as
 * the hardware sets it on a DMA write and read-and-cleared as Linux's
 * iommu_dirty_ops.read_and_clear_dirty does (intel/iommu.c,
 * amd/io_pgtable.c): one bit per leaf, so a dirty 2 MiB leaf reports every
 * page of it. Simplification: the hardware here sets the bit on every write;
 * real IOTLBs cache the dirty state and set it on the first write after a
 * flush, which is why Linux flushes the IOTLB after clearing (the caller does
 * too, through the tag model, for the span this reports).
 */
#ifndef NB_DRIVERS_EMU_DIRTY_H
#define NB_DRIVERS_EMU_DIRTY_H

#include "nestbench/domain.h"

/* The write's side: set the dirty bit of the leaf mapping ia (atomically,
 * as the hardware's update). -ENOENT when ia is not mapped. */
int emu_dirty_mark(struct nb_domain *d, uint64_t ia);

/* What a read found: the span of leaves whose dirty bit was cleared (for
 * the IOTLB flush; first > last: none) and how many leaves were dirty. */
struct emu_dirty_read {
	uint64_t first, last;
	uint64_t dirty_leaves;
};

/* Read (and clear, unless no_clear) the dirty bits of the leaves mapping
 * [iova, iova + len). When bitmap is not NULL, set bit i for each dirty
 * leaf that overlaps [iova + i * page_size, + page_size); never clears a
 * bit. Holes are skipped (the caller checks the range is mapped). */
void emu_dirty_read(struct nb_domain *d, uint64_t iova, uint64_t len, uint64_t page_size,
		    uint64_t *bitmap, bool no_clear, struct emu_dirty_read *out);

#endif
