/* SPDX-License-Identifier: MIT */
/* Internal: the vendor command sets (cmdset_*.c, cmdset.c) and the helpers they share. */
#ifndef NB_SRC_IOMMU_CMDSET_H
#define NB_SRC_IOMMU_CMDSET_H

#include "nestbench/iommu.h"

#define NB_CACHES(...) nb_cache_bits((const enum nb_cache_kind[]){ __VA_ARGS__ }, \
	sizeof((const enum nb_cache_kind[]){ __VA_ARGS__ }) / sizeof(enum nb_cache_kind))

static inline uint32_t nb_cache_bits(const enum nb_cache_kind *k, size_t n)
{
	uint32_t b = 0;

	for (size_t i = 0; i < n; i++)
		b |= 1u << k[i];
	return b;
}

#define NB_ALL_CACHES ((1u << NB_CACHE_KIND_COUNT) - 1)
#define NB_TRANSLATION_CACHES (NB_ALL_CACHES & ~(1u << NB_CACHE_CTX) & ~(1u << NB_CACHE_DEVTLB))

/* Set e's range from the command's own encoding. */
static inline void nb_effect_range(struct nb_inv_effect *e, const struct nb_inv_cmd *c,
				   enum nb_space space)
{
	e->ranged = nb_inv_span(c, &e->first, &e->last);
	e->space = space;
}

void nb_vtd_effect(const struct nb_inv_cmd *c, struct nb_inv_effect *e);
void nb_amd_effect(const struct nb_inv_cmd *c, struct nb_inv_effect *e);
void nb_smmuv3_effect(const struct nb_inv_cmd *c, struct nb_inv_effect *e);

#endif
