// SPDX-License-Identifier: MIT
/* The byte span a range command covers, read back from its own encoding. */
#include "inval_priv.h"

/* AMD S=1: the lowest clear bit of address 63:12 is the size bit b, the
 * range is the naturally aligned 2^(b+1) bytes holding the address. */
static void amd_span(uint64_t addr, bool s, uint64_t *first, uint64_t *last)
{
	uint64_t ones = addr | 0xfff;

	if (!s) {
		nb_inv_block(addr, 12, first, last);
		return;
	}
	if (ones == UINT64_MAX) { /* no size bit: the encoder refuses it */
		nb_inv_block(0, 64, first, last);
		return;
	}
	nb_inv_block(addr, (unsigned)__builtin_ctzll(~ones) + 1, first, last);
}

/* SMMU TLBI: TG=0 hits the entries holding the address (one 4 KiB unit of
 * the address field); else (NUM+1) * 2^SCALE granules from the address,
 * not wrapping past the top (IHI 0070 4.4.1.1). */
static void smmu_span(const struct nb_inv_cmd *c, uint64_t *first, uint64_t *last)
{
	unsigned shift = c->scale + c->tg;
	uint64_t n = (uint64_t)c->num + 1;

	if (!c->tg) {
		nb_inv_block(c->addr, 12, first, last);
		return;
	}
	*first = nb_align_down(c->addr, c->tg);
	if (shift >= 64 || n > (UINT64_MAX >> shift) || (n << shift) - 1 > UINT64_MAX - *first)
		*last = UINT64_MAX;
	else
		*last = *first + ((n << shift) - 1);
}

bool nb_inv_span(const struct nb_inv_cmd *c, uint64_t *first, uint64_t *last)
{
	switch (c->op) {
	case NB_VTD_IOTLB_PSI:
	case NB_VTD_PIOTLB_PSI:
	case NB_VTD_DEVTLB:
	case NB_VTD_PASID_DEVTLB:
	case NB_SMMU_ATC_INV:
		nb_inv_block(c->addr, 12u + c->am, first, last);
		return true;
	case NB_AMD_INV_IOMMU_PAGES:
	case NB_AMD_INV_IOTLB_PAGES:
		amd_span(c->addr, c->size_s, first, last);
		return true;
	case NB_SMMU_TLBI_NH_VA:
	case NB_SMMU_TLBI_S2_IPA:
		smmu_span(c, first, last);
		return true;
	default:
		return false;
	}
}
