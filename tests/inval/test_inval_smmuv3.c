// SPDX-License-Identifier: MIT
/*
 * SMMUv3 commands, computed by hand from IHI 0070 chapter 4 (and checked
 * against Linux's CMDQ_* field macros). Opcode w0 7:0. TG: 1 4K, 2 16K,
 * 3 64K. CMD_SYNC always carries MSH=ISH (3 << 22) and MSIAttr=OIWB
 * (0xf << 24), as Linux writes them: 0x0fc00000.
 */
#include "inval_test.h"

static const struct vec smmu[] = {
	/* ---- CFGI_STE (03h): SID 63:32; w1 LEAF 0 ---- */
	/* Linux arm_smmu_sync_ste_for_sid: leaf */
	{ "CFGI_STE SID 0 leaf", { .op = NB_SMMU_CFGI_STE, .leaf = true }, 0x3, 1 },
	{ "CFGI_STE max SID", { .op = NB_SMMU_CFGI_STE, .sid = 0xffffffff },
	  0xffffffff00000003ull, 0 },
	{ "CFGI_STE SID 0x1234", { .op = NB_SMMU_CFGI_STE, .sid = 0x1234, .leaf = true },
	  0x0000123400000003ull, 1 },

	/* ---- CFGI_CD (05h): SSID 31:12, SID 63:32; w1 LEAF 0 ---- */
	{ "CFGI_CD SSID 0", { .op = NB_SMMU_CFGI_CD, .sid = 1, .leaf = true },
	  0x0000000100000005ull, 1 },
	/* SSID 0xfffff << 12 = 0xfffff000 */
	{ "CFGI_CD max SID and SSID",
	  { .op = NB_SMMU_CFGI_CD, .sid = 0xffffffff, .sub = 0xfffff, .leaf = true },
	  0xfffffffffffff005ull, 1 },
	/* SSID 3 << 12 = 0x3000 */
	{ "CFGI_CD SSID 3, not leaf", { .op = NB_SMMU_CFGI_CD, .sid = 0x20, .sub = 3 },
	  0x0000002000003005ull, 0 },

	/* ---- TLBI_NH_ALL (10h): VMID 47:32 ---- */
	{ "NH_ALL VMID 0", { .op = NB_SMMU_TLBI_NH_ALL }, 0x10, 0 },
	{ "NH_ALL max VMID", { .op = NB_SMMU_TLBI_NH_ALL, .tag = 0xffff }, 0x0000ffff00000010ull,
	  0 },
	{ "NH_ALL VMID 5", { .op = NB_SMMU_TLBI_NH_ALL, .tag = 5 }, 0x0000000500000010ull, 0 },

	/* ---- TLBI_NH_ASID (11h): VMID 47:32, ASID 63:48 ---- */
	{ "NH_ASID ASID 1", { .op = NB_SMMU_TLBI_NH_ASID, .sub = 1 }, 0x0001000000000011ull, 0 },
	{ "NH_ASID max", { .op = NB_SMMU_TLBI_NH_ASID, .tag = 0xffff, .sub = 0xffff },
	  0xffffffff00000011ull, 0 },
	{ "NH_ASID", { .op = NB_SMMU_TLBI_NH_ASID, .tag = 0x12, .sub = 0x3456 },
	  0x3456001200000011ull, 0 },

	/* ---- TLBI_NH_VA (12h): NUM 16:12, SCALE 24:20, VMID 47:32, ASID 63:48;
	 *      w1: LEAF 0, TTL 9:8, TG 11:10, ADDR 63:12 ---- */
	/* no range (TG 0): ASID 1 << 48; w1 = 0x1000 | LEAF */
	{ "NH_VA no range", { .op = NB_SMMU_TLBI_NH_VA, .sub = 1, .addr = 0x1000, .leaf = true },
	  0x0001000000000012ull, 0x1001 },
	/* 3 pages of 4K: NUM 2 << 12 = 0x2000, SCALE 0; max VMID, ASID;
	 * w1 = 0x10000 | TG 1 << 10 (0x400) | TTL 3 << 8 (0x300) | LEAF */
	{ "NH_VA range 3 x 4K, TTL 3",
	  { .op = NB_SMMU_TLBI_NH_VA, .tag = 0xffff, .sub = 0xffff, .addr = 0x10000, .tg = 12,
	    .num = 2, .ttl = 3, .leaf = true },
	  0xffffffff00002012ull, 0x10701 },
	/* max NUM 31 << 12 = 0x1f000, max SCALE 31 << 20 = 0x1f00000, ASID 2 << 48;
	 * 64K: TG 3 << 10 = 0xc00, no TTL, not leaf */
	{ "NH_VA max NUM and SCALE, 64K",
	  { .op = NB_SMMU_TLBI_NH_VA, .sub = 2, .addr = 0x0000ffff00000000ull, .tg = 16,
	    .num = 31, .scale = 31 },
	  0x0002000001f1f012ull, 0x0000ffff00000c00ull },
	/* 16K: TG 2 << 10 = 0x800, TTL 2 << 8 = 0x200, LEAF; SCALE 1 << 20;
	 * VMID 1 << 32; top 16K-aligned address */
	{ "NH_VA 16K, top of the space",
	  { .op = NB_SMMU_TLBI_NH_VA, .tag = 1, .addr = 0xffffffffffffc000ull, .tg = 14,
	    .scale = 1, .ttl = 2, .leaf = true },
	  0x0000000100100012ull, 0xffffffffffffca01ull },

	/* ---- TLBI_S12_VMALL (28h): VMID 47:32 ---- */
	{ "S12_VMALL VMID 1", { .op = NB_SMMU_TLBI_S12_VMALL, .tag = 1 }, 0x0000000100000028ull, 0 },
	{ "S12_VMALL max VMID", { .op = NB_SMMU_TLBI_S12_VMALL, .tag = 0xffff },
	  0x0000ffff00000028ull, 0 },
	{ "S12_VMALL VMID 0", { .op = NB_SMMU_TLBI_S12_VMALL }, 0x28, 0 },

	/* ---- TLBI_S2_IPA (2Ah): NUM 16:12, SCALE 24:20, VMID 47:32;
	 *      w1: LEAF 0, TTL 9:8, TG 11:10, IPA 51:12 ---- */
	{ "S2_IPA no range", { .op = NB_SMMU_TLBI_S2_IPA, .tag = 1, .addr = 0x80000000, .leaf = true },
	  0x000000010000002aull, 0x80000001 },
	/* NUM 31 0x1f000, SCALE 5 0x500000, VMID 0xffff; top 52-bit IPA |
	 * TG 1 0x400 | TTL 3 0x300 | LEAF */
	{ "S2_IPA max IPA, VMID, NUM",
	  { .op = NB_SMMU_TLBI_S2_IPA, .tag = 0xffff, .addr = 0x000ffffffffff000ull, .tg = 12,
	    .num = 31, .scale = 5, .ttl = 3, .leaf = true },
	  0x0000ffff0051f02aull, 0x000ffffffffff701ull },
	/* one 2 MiB block: 512 pages = NUM 0, SCALE 9 (0x900000); TTL 2 (0x200),
	 * TG 1 (0x400), LEAF; VMID 7 << 32 */
	{ "S2_IPA 2 MiB block",
	  { .op = NB_SMMU_TLBI_S2_IPA, .tag = 7, .addr = 0x40000000, .tg = 12, .scale = 9,
	    .ttl = 2, .leaf = true },
	  0x000000070090002aull, 0x40000601 },

	/* ---- TLBI_NSNH_ALL (30h): the opcode only (one encoding exists) ---- */
	{ "NSNH_ALL", { .op = NB_SMMU_TLBI_NSNH_ALL }, 0x30, 0 },

	/* ---- ATC_INV (40h): GLOBAL 9, SSV 11, SSID 31:12, SID 63:32;
	 *      w1: SIZE 5:0, ADDR 63:12 ---- */
	/* Linux's whole-ATC flush: SIZE 52 (0x34), address 0 */
	{ "ATC_INV everything", { .op = NB_SMMU_ATC_INV, .sid = 0x100, .am = 52 },
	  0x0000010000000040ull, 0x34 },
	/* SID 0xffffffff, SSID 0xfffff << 12, SSV 0x800, G 0x200; 2 MiB: SIZE 9 */
	{ "ATC_INV max SID/SSID, global, 2 MiB",
	  { .op = NB_SMMU_ATC_INV, .sid = 0xffffffff, .sub = 0xfffff, .global = true,
	    .addr = 0x200000, .am = 9 },
	  0xfffffffffffffa40ull, 0x200009 },
	/* SID 3 << 32, SSID 1 << 12 = 0x1000, SSV 0x800; one page at 0x5000 */
	{ "ATC_INV SSID 1, one page",
	  { .op = NB_SMMU_ATC_INV, .sid = 3, .sub = 1, .addr = 0x5000 }, 0x0000000300001840ull,
	  0x5000 },

	/* ---- CMD_SYNC (46h): CS 13:12, MSH 23:22, MSIAttr 27:24, MSIData 63:32;
	 *      w1 MSIAddr 51:2 ---- */
	/* Linux without MSI: CS=SEV (2 << 12 = 0x2000) */
	{ "SYNC SEV", { .op = NB_SMMU_CMD_SYNC }, 0x0fc02046, 0 },
	/* Linux MSI polling: CS=IRQ (0x1000), MSIAddr = the queue slot, data 0 */
	{ "SYNC MSI", { .op = NB_SMMU_CMD_SYNC, .irq = true, .wait_addr = 0xffff0040 },
	  0x0fc01046, 0xffff0040 },
	/* max MSIData and MSIAddr (bits 51:2) */
	{ "SYNC max MSI",
	  { .op = NB_SMMU_CMD_SYNC, .irq = true, .wait_data = 0xffffffff,
	    .wait_addr = 0x000ffffffffffffcull },
	  0xffffffff0fc01046ull, 0x000ffffffffffffcull },
};

static void refusals(void)
{
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_TLBI_NH_ALL, .tag = 0x10000 }), ERANGE,
		    "VMID");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_TLBI_NH_ASID, .sub = 0x10000 }), ERANGE,
		    "ASID");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_CFGI_CD, .sub = 0x100000 }), ERANGE,
		    "SSID");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_TLBI_NH_VA, .tg = 13, .num = 1 }), ERANGE,
		    "TG");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_TLBI_NH_VA, .num = 1 }), EINVAL,
		    "need a TG");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_TLBI_S2_IPA, .ttl = 3 }), EINVAL,
		    "need a TG");
	/* NUM=0 SCALE=0 TTL=0 with a TG is CERROR_ILL */
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_TLBI_NH_VA, .tg = 12 }), EINVAL,
		    "reserved");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_TLBI_NH_VA, .tg = 12, .num = 32 }),
		    ERANGE, "NUM");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_TLBI_NH_VA, .tg = 12, .scale = 32 }),
		    ERANGE, "SCALE");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_TLBI_NH_VA, .tg = 12, .ttl = 4 }), ERANGE,
		    "TTL");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_TLBI_S2_IPA, .addr = 1ull << 52 }),
		    ERANGE, "IPA");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_TLBI_NH_VA, .addr = 0x1800 }), EINVAL,
		    "aligned");
	/* a 16K range needs a 16K-aligned address */
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_TLBI_NH_VA, .addr = 0x1000, .tg = 14,
					     .ttl = 3 }),
		    EINVAL, "aligned");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_ATC_INV, .am = 64 }), ERANGE, "SIZE");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_ATC_INV, .addr = 0x1000, .am = 1 }),
		    EINVAL, "aligned");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_CMD_SYNC, .wait_addr = 0x1000 }), EINVAL,
		    "SIG_IRQ");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_CMD_SYNC, .irq = true,
					     .wait_data = 1ull << 32 }),
		    ERANGE, "MSIData");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_CMD_SYNC, .irq = true,
					     .wait_addr = 1ull << 52 }),
		    ERANGE, "MSIAddr");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_TLBI_NH_ALL, .sub = 1 }), EINVAL, "sub");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_SMMU_TLBI_S2_IPA, .sub = 1 }), EINVAL, "sub");

	/* decoding */
	CHECK_FAILS(dec(NB_VENDOR_SMMUV3, 0x0fc00046, 0), EINVAL, "CS=0");
	CHECK_FAILS(dec(NB_VENDOR_SMMUV3, 0x00002046, 0), EINVAL, "MSH");
	CHECK_FAILS(dec(NB_VENDOR_SMMUV3, 0x0fc02046, 0x1000), EINVAL, "SIG_SEV");
	CHECK_FAILS(dec(NB_VENDOR_SMMUV3, 0x840, 0), EINVAL, "SSV=1"); /* SSV, SSID 0 */
	CHECK_FAILS(dec(NB_VENDOR_SMMUV3, 0x01, 0), EINVAL, "opcode"); /* PREFETCH_CFG */
	CHECK_FAILS(dec(NB_VENDOR_SMMUV3, 0x2a, 1ull << 52), EINVAL, "reserved");
	CHECK_FAILS(dec(NB_VENDOR_SMMUV3, 0x12, 0x400), EINVAL, "reserved"); /* TG, 0/0/0 */
	CHECK_FAILS(dec(NB_VENDOR_SMMUV3, 0x2012, 0), EINVAL, "without a TG");
	CHECK_FAILS(dec(NB_VENDOR_SMMUV3, 0x2000012, 0), EINVAL, "reserved"); /* SCALE bit 25 */
}

int main(void)
{
	check_vecs(smmu, NB_ARRAY_SIZE(smmu));
	refusals();
	return nbt_done("inval/smmuv3");
}
