// SPDX-License-Identifier: MIT
/*
 * AMD-Vi commands, computed by hand from AMD IOMMU spec 48882 section 2.4
 * (and checked against Linux's build_* functions). w0 = dwords 0-1, opcode
 * in w0 63:60 (0x1000... COMPLETION_WAIT, 0x2000... DEVTAB, 0x3000...
 * IOMMU_PAGES, 0x4000... IOTLB_PAGES, 0x8000... IOMMU_ALL); w1 = dwords 2-3.
 */
#include "inval_test.h"

#define ALL 0x7ffffffffffff000ull /* Linux CMD_INV_IOMMU_ALL_PAGES_ADDRESS, bits 11:0 clear */

static const struct vec amd[] = {
	/* ---- COMPLETION_WAIT (01h): S 0, I 1, F 2, store address 51:3; w1 data ---- */
	/* Linux build_completion_wait: S | address 0x12345678 (8-byte aligned); data 1 */
	{ "COMPLETION_WAIT store",
	  { .op = NB_AMD_COMPLETION_WAIT, .wait_addr = 0x12345678, .wait_data = 1 },
	  0x1000000012345679ull, 1 },
	/* I only */
	{ "COMPLETION_WAIT interrupt", { .op = NB_AMD_COMPLETION_WAIT, .irq = true },
	  0x1000000000000002ull, 0 },
	/* S | F (drain) 0x4 | address bits 51:3 all ones; 64-bit data all ones */
	{ "COMPLETION_WAIT max address and data, F",
	  { .op = NB_AMD_COMPLETION_WAIT, .drain = true, .wait_addr = 0x000ffffffffffff8ull,
	    .wait_data = UINT64_MAX },
	  0x100ffffffffffffdull, UINT64_MAX },

	/* ---- INVALIDATE_DEVTAB_ENTRY (02h): DeviceID 15:0 ---- */
	{ "DEVTAB 0", { .op = NB_AMD_INV_DEVTAB_ENTRY }, 0x2000000000000000ull, 0 },
	{ "DEVTAB max DeviceID", { .op = NB_AMD_INV_DEVTAB_ENTRY, .sid = 0xffff },
	  0x200000000000ffffull, 0 },
	/* 03:01.0 = 0x0308 */
	{ "DEVTAB 03:01.0", { .op = NB_AMD_INV_DEVTAB_ENTRY, .sid = 0x0308 },
	  0x2000000000000308ull, 0 },

	/* ---- INVALIDATE_IOMMU_PAGES (03h): PASID 19:0, DomainID 47:32;
	 *      w1: S 0, PDE 1, GN 2, address 63:12 ---- */
	/* Linux v1 domain, one page: DomainID 1 << 32; PDE (0x2) since not leaf-only */
	{ "IOMMU_PAGES one page",
	  { .op = NB_AMD_INV_IOMMU_PAGES, .tag = 1, .addr = 0x5000 }, 0x3000000100000000ull,
	  0x5002 },
	/* Linux flush-all: DomainID 0xffff << 32; ALL | S 1 | PDE 2 */
	{ "IOMMU_PAGES everything, max DomainID",
	  { .op = NB_AMD_INV_IOMMU_PAGES, .tag = 0xffff, .addr = ALL, .size_s = true },
	  0x3000ffff00000000ull, 0x7ffffffffffff003ull },
	/* GN with max PASID 0xfffff; DomainID 0x22; 8 KiB at 0x2000 (bit 12
	 * clear: the size bit) | S 1 | GN 4, leaf-only so no PDE */
	{ "IOMMU_PAGES 8 KiB, GN, max PASID",
	  { .op = NB_AMD_INV_IOMMU_PAGES, .tag = 0x22, .sub = 0xfffff, .global = true,
	    .addr = 0x2000, .size_s = true, .leaf = true },
	  0x30000022000fffffull, 0x2005 },
	/* 2 MiB at 0x200000: bits 19:12 set, 20 clear -> 0x2ff000 | S | PDE */
	{ "IOMMU_PAGES 2 MiB",
	  { .op = NB_AMD_INV_IOMMU_PAGES, .tag = 0x8000, .addr = 0x2ff000, .size_s = true },
	  0x3000800000000000ull, 0x2ff003 },

	/* ---- INVALIDATE_IOTLB_PAGES (04h): DeviceID 15:0, PASID[15:8] 23:16,
	 *      MaxPend 31:24, QueueID 47:32, PASID[7:0] 55:48, PASID[19:16] 59:56;
	 *      w1: S 0, GN 2, address 63:12 ---- */
	/* DeviceID 0x100, MaxPend 0x20 << 24, QueueID = DeviceID << 32 (Linux) */
	{ "IOTLB_PAGES one page",
	  { .op = NB_AMD_INV_IOTLB_PAGES, .sid = 0x100, .qdep = 0x20, .addr = 0x3000 },
	  0x4000010020000100ull, 0x3000 },
	/* everything ones: DeviceID/QueueID 0xffff, MaxPend 0xff, PASID 0xfffff
	 * split 0xff<<16, 0xff<<48, 0xf<<56; w1 ALL | S | GN */
	{ "IOTLB_PAGES everything, max fields",
	  { .op = NB_AMD_INV_IOTLB_PAGES, .sid = 0xffff, .qdep = 0xff, .sub = 0xfffff,
	    .global = true, .addr = ALL, .size_s = true },
	  0x4fffffffffffffffull, 0x7ffffffffffff005ull },
	/* PASID 0x12345: [7:0] 0x45 << 48, [15:8] 0x23 << 16, [19:16] 1 << 56;
	 * DeviceID = QueueID 0xa0. 16 KiB at 0x4000 as Linux builds it: bit 12
	 * set, 13 clear -> 0x5000 | S | GN */
	{ "IOTLB_PAGES 16 KiB, 20-bit PASID",
	  { .op = NB_AMD_INV_IOTLB_PAGES, .sid = 0xa0, .sub = 0x12345, .global = true,
	    .addr = 0x5000, .size_s = true },
	  0x414500a0002300a0ull, 0x5005 },

	/* ---- INVALIDATE_IOMMU_ALL (08h): nothing but the opcode ---- */
	{ "IOMMU_ALL", { .op = NB_AMD_INV_IOMMU_ALL }, 0x8000000000000000ull, 0 },
};

static void refusals(void)
{
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_AMD_INV_IOMMU_PAGES, .tag = 0x10000 }),
		    ERANGE, "DomainID");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_AMD_INV_IOMMU_PAGES, .sub = 0x100000 }),
		    ERANGE, "PASID");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_AMD_INV_IOTLB_PAGES, .sub = 0x100000 }),
		    ERANGE, "PASID");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_AMD_INV_IOTLB_PAGES, .sid = 0x10000 }),
		    ERANGE, "DeviceID");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_AMD_INV_DEVTAB_ENTRY, .sid = 0x10000 }),
		    ERANGE, "DeviceID");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_AMD_INV_IOMMU_PAGES, .addr = 0x1001 }),
		    EINVAL, "11:0");
	/* S=1 needs a clear bit in 63:12 to carry the size */
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_AMD_INV_IOMMU_PAGES,
					     .addr = 0xfffffffffffff000ull, .size_s = true }),
		    EINVAL, "no clear bit");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_AMD_COMPLETION_WAIT, .wait_addr = 0x1004 }),
		    EINVAL, "store address");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_AMD_COMPLETION_WAIT,
					     .wait_addr = 1ull << 52 }),
		    ERANGE, "store address");
	/* INVALIDATE_IOTLB_PAGES has no PDE: leaf is not one of its fields */
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_AMD_INV_IOTLB_PAGES, .leaf = true }), EINVAL,
		    "leaf");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_AMD_INV_IOMMU_ALL, .tag = 1 }), EINVAL, "tag");

	/* decoding */
	CHECK_FAILS(dec(NB_VENDOR_AMD, 0x4000020000000100ull, 0), EINVAL, "QueueID");
	CHECK_FAILS(dec(NB_VENDOR_AMD, 0x5000000000000100ull, 0), EINVAL, "opcode"); /* INV_IRT */
	CHECK_FAILS(dec(NB_VENDOR_AMD, 0x1000000000001000ull, 0), EINVAL, "S=0"); /* addr, no S */
	CHECK_FAILS(dec(NB_VENDOR_AMD, 0x2000000000010000ull, 0), EINVAL, "reserved");
	CHECK_FAILS(dec(NB_VENDOR_AMD, 0x3000000000000000ull, 0x8), EINVAL, "reserved");
	CHECK_FAILS(dec(NB_VENDOR_AMD, 0x3000000000000000ull, 0xfffffffffffff001ull), EINVAL,
		    "no clear bit");
	/* AMD words through the VT-d decoder: type 0 */
	CHECK_FAILS(dec(NB_VENDOR_VTD, 0x3000000100000000ull, 0x5002), EINVAL, "type 0");
}

int main(void)
{
	check_vecs(amd, NB_ARRAY_SIZE(amd));
	refusals();
	return nbt_done("inval/amd");
}
