/* SPDX-License-Identifier: MIT */
/*
 * Synthetic DMA workloads (DESIGN part 9): a stream of map / DMA / unmap
 * operations, the way a driver using the DMA API produces them.
 *   seq      a buffer mapped once, DMA'd page after page (streaming)
 *   random   the same buffer, pages in uniform random order
 *   zipf     the same buffer, page popularity Zipf(s) (hot pages)
 *   nic      a NIC ring: per packet map a buffer, DMA it, unmap it
 *   storage  scatter-gather I/O: map N pages at contiguous IOVAs (scattered
 *            PAs), DMA each, unmap the list
 * IOVAs come from a simple top-down allocator per workload; physical
 * addresses from a pseudo-random page picker. Deterministic per seed.
 */
#ifndef NESTBENCH_WORKLOAD_H
#define NESTBENCH_WORKLOAD_H

#include "nb.h"

enum nb_wl_kind { NB_WL_SEQ, NB_WL_RANDOM, NB_WL_ZIPF, NB_WL_NIC, NB_WL_STORAGE, NB_WL_COUNT };

struct nb_wl_cfg {
	enum nb_wl_kind kind;
	uint64_t footprint;	/* seq/random/zipf: bytes mapped */
	uint32_t io_pages;	/* nic/storage: pages per packet / per I/O */
	uint32_t inflight;	/* nic/storage: buffers mapped at once (ring size) */
	double zipf_s;		/* zipf exponent (default 0.99) */
	uint64_t iova_base;	/* lowest IOVA to use */
	uint64_t seed;
};

enum nb_wl_op_kind { NB_WL_MAP, NB_WL_DMA, NB_WL_UNMAP };

struct nb_wl_op {
	enum nb_wl_op_kind op;
	uint64_t iova, size, pa;
	unsigned access;
};

struct nb_wl;

int nb_wl_create(struct nb_wl **out, const struct nb_wl_cfg *cfg);
void nb_wl_destroy(struct nb_wl *w);
/* The next operation (the stream never ends). */
void nb_wl_next(struct nb_wl *w, struct nb_wl_op *op);
/* The backend refused a map (-EBUSY: the IOVA is still in a flush queue):
 * take another IOVA for the pending map (the kernel's allocator would). */
void nb_wl_retry_map(struct nb_wl *w, struct nb_wl_op *op);

const char *nb_wl_name(enum nb_wl_kind k);
int nb_wl_by_name(const char *name, enum nb_wl_kind *out);

#endif
