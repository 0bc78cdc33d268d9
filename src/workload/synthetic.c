// SPDX-License-Identifier: MIT
/* Synthetic DMA workloads (see workload.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nestbench/workload.h"

#define PAGE 4096ull

static const char *const names[NB_WL_COUNT] = {
	[NB_WL_SEQ] = "seq", [NB_WL_RANDOM] = "random", [NB_WL_ZIPF] = "zipf",
	[NB_WL_NIC] = "nic", [NB_WL_STORAGE] = "storage",
};

struct nb_wl {
	struct nb_wl_cfg cfg;
	uint64_t rng;
	uint64_t pages;	      /* seq/random/zipf: pages in the buffer */
	double *zipf_cdf;
	uint64_t step;	      /* position in the current phase */
	bool mapped;	      /* seq/random/zipf: buffer mapped yet */
	/* nic/storage: the ring of in-flight buffers */
	struct { uint64_t iova, size; } *ring;
	uint32_t head, count; /* ring occupancy */
	uint32_t dma_left;    /* DMAs left for the newest buffer */
	bool ring_mapped;     /* the descriptor ring page, mapped for good */
	bool desc_done;       /* this I/O's descriptor was fetched */
	uint64_t ring_iova;
	uint64_t next_iova;   /* top-down allocator */
	uint64_t iova_top;
};

const char *nb_wl_name(enum nb_wl_kind k)
{
	return (unsigned)k < NB_WL_COUNT ? names[k] : "?";
}

int nb_wl_by_name(const char *name, enum nb_wl_kind *out)
{
	for (int i = 0; i < NB_WL_COUNT; i++)
		if (strcmp(name, names[i]) == 0) {
			*out = (enum nb_wl_kind)i;
			return 0;
		}
	return nb_fail(EINVAL, "unknown workload '%s' (seq, random, zipf, nic, storage)", name);
}

static uint64_t rnd(struct nb_wl *w)
{
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 0x2545f4914f6cdd1dull;
}

static int zipf_init(struct nb_wl *w)
{
	double s = w->cfg.zipf_s > 0 ? w->cfg.zipf_s : 0.99, sum = 0;

	w->zipf_cdf = malloc(w->pages * sizeof(double));
	if (!w->zipf_cdf)
		return nb_fail(ENOMEM, "workload: out of memory for a %llu-page Zipf table",
			       (unsigned long long)w->pages);
	for (uint64_t i = 0; i < w->pages; i++) {
		sum += 1.0 / pow((double)(i + 1), s);
		w->zipf_cdf[i] = sum;
	}
	for (uint64_t i = 0; i < w->pages; i++)
		w->zipf_cdf[i] /= sum;
	return 0;
}

static uint64_t zipf_pick(struct nb_wl *w)
{
	double u = (double)(rnd(w) >> 11) / (double)(1ull << 53);
	uint64_t lo = 0, hi = w->pages - 1;

	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;

		if (w->zipf_cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* scatter popularity ranks over the buffer so hot pages are not adjacent */
	return (lo * 0x9e3779b97f4a7c15ull) % w->pages;
}

int nb_wl_create(struct nb_wl **out, const struct nb_wl_cfg *cfg)
{
	struct nb_wl *w = calloc(1, sizeof(*w));
	int ret = 0;

	if (!w)
		return nb_fail(ENOMEM, "workload: out of memory");
	w->cfg = *cfg;
	w->rng = cfg->seed | 1;
	if ((unsigned)cfg->kind >= NB_WL_COUNT) {
		ret = nb_fail(EINVAL, "workload kind %d unknown", (int)cfg->kind);
		goto err;
	}
	if (cfg->kind <= NB_WL_ZIPF) {
		w->pages = cfg->footprint / PAGE;
		if (!w->pages) {
			ret = nb_fail(EINVAL, "workload %s: footprint %llu is under one page",
				      names[cfg->kind], (unsigned long long)cfg->footprint);
			goto err;
		}
		if (cfg->kind == NB_WL_ZIPF && (ret = zipf_init(w)))
			goto err;
	} else {
		if (!cfg->io_pages || !cfg->inflight) {
			ret = nb_fail(EINVAL, "workload %s needs io_pages and inflight > 0", names[cfg->kind]);
			goto err;
		}
		w->ring = calloc(cfg->inflight, sizeof(*w->ring));
		if (!w->ring) {
			ret = nb_fail(ENOMEM, "workload: out of memory");
			goto err;
		}
		/* the ring page sits at iova_base, the buffers above it */
		w->ring_iova = cfg->iova_base;
		w->cfg.iova_base += PAGE;
		w->iova_top = w->cfg.iova_base + (1ull << 32);
		w->next_iova = w->iova_top;
	}
	*out = w;
	return 0;
err:
	nb_wl_destroy(w);
	return ret;
}

void nb_wl_destroy(struct nb_wl *w)
{
	if (!w)
		return;
	free(w->zipf_cdf);
	free(w->ring);
	free(w);
}

/* Top-down IOVA allocation that wraps, like the kernel's rotating
 * allocator with no recycling (lazy mode never reuses an IOVA early). */
static uint64_t alloc_iova(struct nb_wl *w, uint64_t size)
{
	if (w->next_iova - w->cfg.iova_base < size)
		w->next_iova = w->iova_top;
	w->next_iova -= size;
	return w->next_iova;
}

static void buffer_next(struct nb_wl *w, struct nb_wl_op *op)
{
	uint64_t page;

	if (!w->mapped) { /* map the whole buffer once, 2 MiB-aligned PA */
		w->mapped = true;
		*op = (struct nb_wl_op){ NB_WL_MAP, w->cfg.iova_base, w->pages * PAGE, 1ull << 33,
					 NB_PROT_RW };
		return;
	}
	switch (w->cfg.kind) {
	case NB_WL_SEQ:
		page = w->step++ % w->pages;
		break;
	case NB_WL_RANDOM:
		page = rnd(w) % w->pages;
		break;
	default:
		page = zipf_pick(w);
		break;
	}
	*op = (struct nb_wl_op){ NB_WL_DMA, w->cfg.iova_base + page * PAGE, PAGE, 0,
				 (rnd(w) & 3) ? NB_PROT_R : NB_PROT_W };
}

/* The device's descriptor ring (NIC rx/tx ring, NVMe submission queue):
 * one page mapped once at iova_base, read before every I/O's buffer. */
static bool ring_next(struct nb_wl *w, struct nb_wl_op *op)
{
	if (!w->ring_mapped) {
		w->ring_mapped = true;
		*op = (struct nb_wl_op){ NB_WL_MAP, w->ring_iova, PAGE, 1ull << 33, NB_PROT_RW };
		return true;
	}
	if (w->dma_left && !w->desc_done) {
		w->desc_done = true;
		*op = (struct nb_wl_op){ NB_WL_DMA, w->ring_iova, 64, 0, NB_PROT_R };
		return true;
	}
	return false;
}

static void io_next(struct nb_wl *w, struct nb_wl_op *op)
{
	uint64_t size = (uint64_t)w->cfg.io_pages * PAGE;

	if (ring_next(w, op))
		return;
	if (w->dma_left) { /* DMA the newest buffer, page by page */
		uint32_t newest = (w->head + w->count - 1) % w->cfg.inflight;

		*op = (struct nb_wl_op){ NB_WL_DMA,
					 w->ring[newest].iova + (w->cfg.io_pages - w->dma_left) * PAGE,
					 PAGE, 0, w->cfg.kind == NB_WL_NIC ? NB_PROT_R : NB_PROT_W };
		w->dma_left--;
		if (!w->dma_left)
			w->desc_done = false;
		return;
	}
	if (w->count == w->cfg.inflight) { /* ring full: complete the oldest */
		*op = (struct nb_wl_op){ NB_WL_UNMAP, w->ring[w->head].iova, w->ring[w->head].size, 0, 0 };
		w->head = (w->head + 1) % w->cfg.inflight;
		w->count--;
		return;
	}
	{
		uint32_t slot = (w->head + w->count) % w->cfg.inflight;
		/* storage: scattered PAs are one map per page in real drivers;
		 * one contiguous-IOVA map of the list models iommu_map_sg */
		uint64_t pa = (rnd(w) % (1ull << 24)) * PAGE;

		w->ring[slot].iova = alloc_iova(w, size);
		w->ring[slot].size = size;
		w->count++;
		w->dma_left = w->cfg.io_pages;
		*op = (struct nb_wl_op){ NB_WL_MAP, w->ring[slot].iova, size, pa + (1ull << 34), NB_PROT_RW };
	}
}

void nb_wl_next(struct nb_wl *w, struct nb_wl_op *op)
{
	if (w->cfg.kind <= NB_WL_ZIPF)
		buffer_next(w, op);
	else
		io_next(w, op);
}

void nb_wl_retry_map(struct nb_wl *w, struct nb_wl_op *op)
{
	uint32_t newest = (w->head + w->count - 1) % w->cfg.inflight;

	if (w->cfg.kind <= NB_WL_ZIPF)
		return;
	op->iova = alloc_iova(w, op->size);
	w->ring[newest].iova = op->iova;
}
