// SPDX-License-Identifier: MIT
/* The byte span each range command covers, worked out by hand. */
#include "inval_test.h"

struct span_vec {
	const char *what;
	struct nb_inv_cmd c;
	uint64_t first, last;
};

static const struct span_vec spans[] = {
	/* ---- AMD: S=0 one page; S=1 the lowest clear bit of 63:12 is the size bit b,
	 *      the range is 2^(b+1) bytes aligned ---- */
	{ "AMD one page", { .op = NB_AMD_INV_IOMMU_PAGES, .addr = 0x5000 }, 0x5000, 0x5fff },
	/* Linux for 8 KiB at 0x2000: end 0x3fff, msb_diff 12, address |= 0xfff
	 * -> 0x2000 | S. Bit 12 clear: b = 12, 8 KiB aligned: 0x2000 */
	{ "AMD 8 KiB at 0x2000", { .op = NB_AMD_INV_IOMMU_PAGES, .addr = 0x2000, .size_s = true },
	  0x2000, 0x3fff },
	/* Linux for 2 MiB at 0x200000: msb_diff 20, |= 0xfffff -> 0x2ff000.
	 * Bits 19:12 set, 20 clear: b = 20, 2 MiB aligned: 0x200000 */
	{ "AMD 2 MiB at 0x200000",
	  { .op = NB_AMD_INV_IOTLB_PAGES, .addr = 0x2ff000, .size_s = true }, 0x200000, 0x3fffff },
	/* bit 12 set, 13 clear: 16 KiB aligned down from 0x5000 = 0x4000 */
	{ "AMD 16 KiB", { .op = NB_AMD_INV_IOMMU_PAGES, .addr = 0x5000, .size_s = true }, 0x4000,
	  0x7fff },
	/* 0x7ffffffffffff000: bits 62:12 set, 63 clear: 2^64 bytes */
	{ "AMD everything",
	  { .op = NB_AMD_INV_IOMMU_PAGES, .addr = 0x7ffffffffffff000ull, .size_s = true }, 0,
	  UINT64_MAX },
	/* address 0 with S: bit 12 clear, 8 KiB at 0 */
	{ "AMD S=1 at 0", { .op = NB_AMD_INV_IOMMU_PAGES, .size_s = true }, 0, 0x1fff },
	/* bits 50:12 set, 51 clear: 2^52 bytes at 0 */
	{ "AMD 2^52", { .op = NB_AMD_INV_IOMMU_PAGES, .addr = 0x0007fffffffff000ull, .size_s = true },
	  0, 0x000fffffffffffffull },

	/* ---- VT-d: 2^am pages at addr (aligned) ---- */
	{ "VT-d PSI AM 0", { .op = NB_VTD_IOTLB_PSI, .addr = 0x1000 }, 0x1000, 0x1fff },
	{ "VT-d PSI AM 2", { .op = NB_VTD_IOTLB_PSI, .am = 2 }, 0, 0x3fff },
	{ "VT-d PSI AM 9", { .op = NB_VTD_IOTLB_PSI, .addr = 0x200000, .am = 9 }, 0x200000,
	  0x3fffff },
	{ "VT-d P_IOTLB AM 18", { .op = NB_VTD_PIOTLB_PSI, .addr = 0x40000000, .am = 18 },
	  0x40000000, 0x7fffffff },
	{ "VT-d PSI AM 52", { .op = NB_VTD_IOTLB_PSI, .am = 52 }, 0, UINT64_MAX },
	{ "VT-d PSI AM 63", { .op = NB_VTD_IOTLB_PSI, .am = 63 }, 0, UINT64_MAX },
	{ "VT-d DEVTLB 8 KiB", { .op = NB_VTD_DEVTLB, .addr = 0x2000, .am = 1 }, 0x2000, 0x3fff },
	{ "VT-d DEVTLB one page", { .op = NB_VTD_DEVTLB, .addr = 0xfffffffffffff000ull },
	  0xfffffffffffff000ull, UINT64_MAX },

	/* ---- SMMU: TG 0 the 4 KiB unit at addr; else (NUM+1) << (SCALE + TG) ---- */
	{ "SMMU no range", { .op = NB_SMMU_TLBI_NH_VA, .addr = 0x1000 }, 0x1000, 0x1fff },
	/* 3 x 4K */
	{ "SMMU NUM 2 SCALE 0", { .op = NB_SMMU_TLBI_NH_VA, .addr = 0x10000, .tg = 12, .num = 2 },
	  0x10000, 0x12fff },
	/* 1 << (5 + 12) = 0x20000 from 0x13000 */
	{ "SMMU NUM 0 SCALE 5", { .op = NB_SMMU_TLBI_S2_IPA, .addr = 0x13000, .tg = 12, .scale = 5 },
	  0x13000, 0x32fff },
	/* 2 MiB block as 512 x 4K */
	{ "SMMU SCALE 9", { .op = NB_SMMU_TLBI_S2_IPA, .addr = 0x40000000, .tg = 12, .scale = 9 },
	  0x40000000, 0x401fffff },
	/* 32 << (31 + 16) = 2^52 */
	{ "SMMU 64K max range",
	  { .op = NB_SMMU_TLBI_NH_VA, .tg = 16, .num = 31, .scale = 31 }, 0, 0x000fffffffffffffull },
	/* the same from 0xffff000000000000 runs past 2^64: no wrap, ends at the top */
	{ "SMMU range past the top",
	  { .op = NB_SMMU_TLBI_NH_VA, .addr = 0xffff000000000000ull, .tg = 16, .num = 31,
	    .scale = 31 },
	  0xffff000000000000ull, UINT64_MAX },
	/* 2 x 16K */
	{ "SMMU 16K NUM 1", { .op = NB_SMMU_TLBI_NH_VA, .addr = 0x8000, .tg = 14, .num = 1 }, 0x8000,
	  0xffff },
	{ "SMMU ATC one page", { .op = NB_SMMU_ATC_INV, .addr = 0x5000 }, 0x5000, 0x5fff },
	{ "SMMU ATC everything", { .op = NB_SMMU_ATC_INV, .am = 52 }, 0, UINT64_MAX },
};

static const enum nb_inv_op unranged[] = {
	NB_VTD_CC_INV,	      NB_VTD_IOTLB_GLOBAL,    NB_VTD_IOTLB_DSI,	   NB_VTD_PIOTLB_PASID,
	NB_VTD_PC_INV,	      NB_VTD_WAIT,	      NB_AMD_COMPLETION_WAIT, NB_AMD_INV_DEVTAB_ENTRY,
	NB_AMD_INV_IOMMU_ALL, NB_SMMU_CFGI_STE,	      NB_SMMU_CFGI_CD,	   NB_SMMU_TLBI_NH_ALL,
	NB_SMMU_TLBI_NH_ASID, NB_SMMU_TLBI_S12_VMALL, NB_SMMU_TLBI_NSNH_ALL, NB_SMMU_CMD_SYNC,
};

int main(void)
{
	for (size_t i = 0; i < NB_ARRAY_SIZE(spans); i++) {
		uint64_t first = 1, last = 0;

		CHECK(nb_inv_span(&spans[i].c, &first, &last), "%s: no span", spans[i].what);
		CHECK_EQ(first, spans[i].first, "%s: first", spans[i].what);
		CHECK_EQ(last, spans[i].last, "%s: last", spans[i].what);
	}
	for (size_t i = 0; i < NB_ARRAY_SIZE(unranged); i++) {
		struct nb_inv_cmd c = { .op = unranged[i] };
		uint64_t first, last;

		CHECK(!nb_inv_span(&c, &first, &last), "%s has a span", nb_inv_op_name(c.op));
		CHECK(!nb_inv_op_ranged(c.op), "%s is ranged", nb_inv_op_name(c.op));
	}
	return nbt_done("inval/span");
}
