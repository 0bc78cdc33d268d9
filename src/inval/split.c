// SPDX-License-Identifier: MIT
/*
 * Range splitting as the Linux drivers do it (see nb_inv_split in
 * inval.h). Addresses here are inclusive: [first, last], so a range that
 * ends at the top of the 64-bit space needs no 2^64.
 */
#include <errno.h>

#include "inval_priv.h"
#include "util/mutant.h"

static unsigned ilog2_u64(uint64_t v)
{
	return 63u - (unsigned)__builtin_clzll(v);
}

static uint64_t roundup_pow2(uint64_t v)
{
	return v <= 1 ? 1 : 1ull << (ilog2_u64(v - 1) + 1);
}

/* The template with its range fields cleared. */
static struct nb_inv_cmd base_of(const struct nb_inv_cmd *tmpl)
{
	struct nb_inv_cmd c = *tmpl;

	c.addr = 0;
	c.am = 0;
	c.size_s = false;
	c.tg = c.num = c.scale = c.ttl = 0;
	return c;
}

static int put_one(const struct nb_inv_cmd *c, struct nb_inv_cmd *out, int max)
{
	if (max < 1)
		return nb_fail(ENOSPC, "%s: needs 1 command, room for %d", nb_inv_op_name(c->op),
			       max);
	out[0] = *c;
	return 1;
}

/*
 * VT-d (Linux calculate_psi_aligned_address): round the page count up to
 * a power of two; if the first page is not aligned to it, grow the mask to
 * the lowest bit above it where first and last page agree, so the aligned
 * block holds both. Returns the mask; *start is the block's first byte.
 */
static unsigned vtd_mask(uint64_t first, uint64_t last, uint64_t *start)
{
	uint64_t pfn = first >> 12, end_pfn = last >> 12;
	uint64_t pages = end_pfn - pfn + 1;
	uint64_t bitmask = roundup_pow2(pages) - 1;
	unsigned mask = ilog2_u64(bitmask + 1);

	if (pfn & bitmask) {
		/* pfn and end_pfn can differ above bitmask only by a carry, so
		 * from the lowest shared bit up they are equal. */
		uint64_t shared = ~(pfn ^ end_pfn) & ~bitmask;

		mask = shared ? (unsigned)__builtin_ctzll(shared) : 52;
	}
	*start = mask >= 52 ? 0 : nb_align_down(first, 12 + mask);
	return mask;
}

static int split_vtd(struct nb_inv_cmd c, uint64_t first, uint64_t last,
		     const struct nb_split_caps *caps, struct nb_inv_cmd *out, int max)
{
	unsigned mask = vtd_mask(first, last, &c.addr);

	/* Linux checks MAMV only for second-stage PSI; P_IOTLB and device-TLB
	 * descriptors take any mask. */
	if (c.op == NB_VTD_IOTLB_PSI && mask > caps->max_am)
		return nb_fail(ERANGE,
			       "IOTLB_PSI: [%#llx, %#llx] needs AM %u > MAMV %u: use IOTLB_DSI",
			       (unsigned long long)first, (unsigned long long)last, mask,
			       caps->max_am);
	c.am = (uint8_t)mask;
	return put_one(&c, out, max);
}

/* AMD (Linux build_inv_address): one page with S=0, else set every bit
 * below the highest bit where first and last differ (that bit is clear in
 * first), S=1; past bit 51 the whole space. */
static int split_amd(struct nb_inv_cmd c, uint64_t first, uint64_t last, struct nb_inv_cmd *out,
		     int max)
{
	if (first >> 12 == last >> 12) {
		c.addr = nb_align_down(first, 12);
	} else {
		unsigned msb_diff = ilog2_u64(first ^ last);

		if (msb_diff > 51)
			c.addr = 0x7ffffffffffff000ull;
		else
			c.addr = (first | ((1ull << msb_diff) - 1)) & ~0xfffull;
		c.size_s = true;
	}
	return put_one(&c, out, max);
}

/* SMMU ATC_INV (Linux arm_smmu_atc_inv_to_cmd): the smallest aligned
 * power-of-two block of 4 KiB pages holding first and last. */
static int split_atc(struct nb_inv_cmd c, uint64_t first, uint64_t last, struct nb_inv_cmd *out,
		     int max)
{
	uint64_t ps = first >> 12, pe = last >> 12;
	unsigned span = ps == pe ? 0 : ilog2_u64(ps ^ pe) + 1;

	c.am = (uint8_t)span;
	c.addr = span >= 52 ? 0 : nb_align_down(ps, span) << 12;
	return put_one(&c, out, max);
}

/*
 * SMMU with range invalidation (Linux __arm_smmu_tlb_inv_range): each
 * command takes the lowest set bit of the remaining page count as SCALE and
 * the five bits from there as NUM+1. Without a TTL hint a count whose low
 * five bits are 1 would start with NUM=0, SCALE=0, TTL=0, which is
 * reserved, so it is rounded up by one page (Linux does this for !leaf,
 * whose TTL is always 0; leaf commands there always carry a TTL).
 */
static int split_smmu_ril(struct nb_inv_cmd c, uint8_t ttl, uint64_t first, uint64_t last,
			  unsigned tg, struct nb_inv_cmd *out, int max)
{
	uint64_t iova = nb_align_down(first, tg);
	uint64_t pages = ((nb_align_down(last, tg) - iova) >> tg) + 1;
	int n = 0;

	if (tg != 12 && tg != 14 && tg != 16)
		return nb_fail(EINVAL, "%s: range invalidation needs a TG of 12, 14 or 16, not %u",
			       nb_inv_op_name(c.op), tg);
	c.tg = (uint8_t)tg;
	c.ttl = c.leaf ? ttl : 0;
	if (!c.ttl && (pages & 31) == 1)
		pages++;
	while (pages) {
		unsigned scale = (unsigned)__builtin_ctzll(pages);
		uint64_t num = (pages >> scale) & 31;

		if (scale > 31)
			return nb_fail(ERANGE, "%s: [%#llx, %#llx] needs SCALE %u > 31: flush the whole ASID/VMID",
				       nb_inv_op_name(c.op), (unsigned long long)first,
				       (unsigned long long)last, scale);
		c.scale = (uint8_t)scale;
		c.num = (uint8_t)(num - 1);
		c.addr = iova;
		if (n < max)
			out[n] = c;
		n++;
		iova += num << (scale + tg);
		pages -= num << scale;
	}
	if (n > max)
		return nb_fail(ENOSPC, "%s: [%#llx, %#llx] needs %d commands, room for %d",
			       nb_inv_op_name(c.op), (unsigned long long)first,
			       (unsigned long long)last, n, max);
	return n;
}

/* SMMU without range invalidation: one command per 2^g bytes. */
static int split_smmu_pages(struct nb_inv_cmd c, uint64_t first, uint64_t last, unsigned g,
			    struct nb_inv_cmd *out, int max)
{
	uint64_t start = nb_align_down(first, g);
	uint64_t n = ((nb_align_down(last, g) - start) >> g) + 1;

	if (n > (uint64_t)(max < 0 ? 0 : max))
		return nb_fail(ENOSPC, "%s: [%#llx, %#llx] needs %llu commands, room for %d",
			       nb_inv_op_name(c.op), (unsigned long long)first,
			       (unsigned long long)last, (unsigned long long)n, max);
	for (uint64_t i = 0; i < n; i++) {
		c.addr = start + (i << g);
		out[i] = c;
	}
	return (int)n;
}

int nb_inv_split(const struct nb_inv_cmd *tmpl, uint64_t addr, uint64_t size,
		 const struct nb_split_caps *caps, struct nb_inv_cmd *out, int max)
{
	const struct nb_inv_op_desc *d = nb_inv_op_desc(tmpl->op);
	struct nb_inv_cmd c;
	uint64_t last;

	if (!d || !d->ranged)
		return nb_fail(EINVAL, "split: %s carries no address range", nb_inv_op_name(tmpl->op));
	if (!caps)
		return nb_fail(EINVAL, "split: no capabilities given");
	if (size == 0)
		return 0;
	if (size - 1 > UINT64_MAX - addr)
		return nb_fail(EINVAL, "split: [%#llx, +%#llx) wraps past 2^64",
			       (unsigned long long)addr, (unsigned long long)size);
	last = addr + (size - 1);
	if (nb_mutant(NB_MUT_RANGE_END) && size > 4096) last -= 4096;
	c = base_of(tmpl);

	switch (tmpl->op) {
	case NB_VTD_IOTLB_PSI:
	case NB_VTD_PIOTLB_PSI:
	case NB_VTD_DEVTLB:
	case NB_VTD_PASID_DEVTLB:
		return split_vtd(c, addr, last, caps, out, max);
	case NB_AMD_INV_IOMMU_PAGES:
	case NB_AMD_INV_IOTLB_PAGES:
		return split_amd(c, addr, last, out, max);
	case NB_SMMU_ATC_INV:
		return split_atc(c, addr, last, out, max);
	case NB_SMMU_TLBI_NH_VA:
	case NB_SMMU_TLBI_S2_IPA:
		if (caps->ril)
			return split_smmu_ril(c, tmpl->ttl, addr, last, caps->granule_lg2, out, max);
		if (caps->granule_lg2 < 12 || caps->granule_lg2 > 63)
			return nb_fail(EINVAL, "%s: granule of 2^%u bytes", d->name,
				       caps->granule_lg2);
		return split_smmu_pages(c, addr, last, caps->granule_lg2, out, max);
	default:
		return nb_fail(EINVAL, "split: %s has no splitter", d->name);
	}
}

uint8_t nb_smmu_ttl(unsigned tg_lg2, unsigned leaf_lg2)
{
	unsigned bits = tg_lg2 - 3, level;

	if (tg_lg2 != 12 && tg_lg2 != 14 && tg_lg2 != 16)
		return 0;
	if (leaf_lg2 < tg_lg2 || (leaf_lg2 - tg_lg2) % bits)
		return 0;
	level = 4 - (leaf_lg2 - 3) / bits;
	return level >= 1 && level <= 3 ? (uint8_t)level : 0;
}
