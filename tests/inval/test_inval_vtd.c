// SPDX-License-Identifier: MIT
/*
 * VT-d invalidation descriptors, computed by hand from VT-d spec 6.5.2 (and
 * checked against Linux's QI_* macros): qw0 bits 3:0 type, then per type:
 *   1 CC      G 5:4, DID 31:16, SID 47:32, FM 49:48
 *   2 IOTLB   G 5:4, DW 6, DR 7, DID 31:16 | qw1: AM 5:0, IH 6, ADDR 63:12
 *   3 DEVTLB  PFSID[3:0] 15:12, MIP 20:16, SID 47:32, PFSID[15:4] 63:52 | qw1: S 0, ADDR 63:12
 *   5 WAIT    IF 4, SW 5, FN 6, PD 7, data 63:32 | qw1: status address 63:2
 *   6 P_IOTLB G 5:4, DID 31:16, PASID 51:32 | qw1: AM 5:0, IH 6, ADDR 63:12
 *   7 PC      G 5:4, DID 31:16, PASID 51:32
 *   8 P_DEVTLB MIP 8:4, PFSID[3:0] 15:12, SID 31:16, PASID 51:32, PFSID[15:4] 63:52
 *             | qw1: G 0, S 11, ADDR 63:12 (Linux QI_DEV_EIOTLB_*, qi_desc_dev_iotlb_pasid)
 * In scalable mode a slot is 256 bits; qw2/qw3 stay zero (qi_desc_*: qw2 = qw3 = 0).
 */
#include "inval_test.h"

static const struct vec vtd[] = {
	/* ---- context-cache invalidate, type 1 ---- */
	/* type 1 | G=01 (global) << 4 = 0x10 */
	{ "CC global", { .op = NB_VTD_CC_INV, .gran = 1 }, 0x11, 0 },
	/* G=10 (domain) = 0x20; DID 0xffff << 16 = 0xffff0000 */
	{ "CC domain, max DID", { .op = NB_VTD_CC_INV, .gran = 2, .tag = 0xffff }, 0xffff0021, 0 },
	/* G=11 0x30; DID 0x1234 << 16; SID 0xabcd << 32; FM 3 << 48 */
	{ "CC device, FM 3",
	  { .op = NB_VTD_CC_INV, .gran = 3, .tag = 0x1234, .sid = 0xabcd, .fm = 3 },
	  0x0003abcd12340031ull, 0 },
	/* G=11; DID 1 = 0x10000; SID 0xffff << 32 */
	{ "CC device, max SID", { .op = NB_VTD_CC_INV, .gran = 3, .tag = 1, .sid = 0xffff },
	  0x0000ffff00010031ull, 0 },

	/* ---- IOTLB invalidate, type 2 (only two global encodings exist) ---- */
	/* type 2 | G=01 << 4 */
	{ "IOTLB global", { .op = NB_VTD_IOTLB_GLOBAL }, 0x12, 0 },
	/* + DR (bit 7, 0x80) + DW (bit 6, 0x40) */
	{ "IOTLB global, drain", { .op = NB_VTD_IOTLB_GLOBAL, .drain = true }, 0xd2, 0 },
	/* type 2 | G=10 (0x20) */
	{ "IOTLB DSI, DID 0", { .op = NB_VTD_IOTLB_DSI }, 0x22, 0 },
	/* DID 0xffff << 16 */
	{ "IOTLB DSI, max DID", { .op = NB_VTD_IOTLB_DSI, .tag = 0xffff }, 0xffff0022ull, 0 },
	/* 0x22 | DR DW 0xc0 = 0xe2; DID 0x42 << 16 = 0x420000 */
	{ "IOTLB DSI, drain", { .op = NB_VTD_IOTLB_DSI, .tag = 0x42, .drain = true }, 0x004200e2,
	  0 },
	/* type 2 | G=11 (0x30); DID 1 << 16; qw1 = ADDR 0x1000, AM 0 */
	{ "IOTLB PSI, one page, AM 0",
	  { .op = NB_VTD_IOTLB_PSI, .tag = 1, .addr = 0x1000 }, 0x10032, 0x1000 },
	/* DID 0xffff; qw1 = ADDR 0x200000 | IH (bit 6) 0x40 | AM 9 (2 MiB) */
	{ "IOTLB PSI, 2 MiB, IH, max DID",
	  { .op = NB_VTD_IOTLB_PSI, .tag = 0xffff, .addr = 0x200000, .am = 9, .leaf = true },
	  0xffff0032ull, 0x200049 },
	/* max AM 63 (addr must be 0); 0x32 | DR DW = 0xf2; DID 7 << 16 */
	{ "IOTLB PSI, AM 63, drain",
	  { .op = NB_VTD_IOTLB_PSI, .tag = 7, .am = 63, .drain = true }, 0x000700f2, 0x3f },
	/* top page: ADDR 63:12 all ones | IH 0x40; DID 0x8000 << 16 */
	{ "IOTLB PSI, top page",
	  { .op = NB_VTD_IOTLB_PSI, .tag = 0x8000, .addr = 0xfffffffffffff000ull, .leaf = true },
	  0x80000032ull, 0xfffffffffffff040ull },

	/* ---- device-TLB invalidate, type 3 ---- */
	/* PFSID 0x0100: [3:0]=0, [15:4]=0x010 << 52 = 0x0100000000000000;
	 * SID 0x100 << 32; qw1 S=0, ADDR 0x5000 */
	{ "DEVTLB one page",
	  { .op = NB_VTD_DEVTLB, .sid = 0x100, .pfsid = 0x100, .addr = 0x5000 },
	  0x0100010000000003ull, 0x5000 },
	/* PFSID 0xffff: 0xf << 12 = 0xf000, 0xfff << 52; MIP 31 << 16 = 0x1f0000;
	 * SID 0xffff << 32. 8 KiB at 0x2000: S=1, bit 12 clear = the size bit */
	{ "DEVTLB 8 KiB, max SID/PFSID/MIP",
	  { .op = NB_VTD_DEVTLB, .sid = 0xffff, .pfsid = 0xffff, .qdep = 31, .addr = 0x2000,
	    .am = 1 },
	  0xfff0ffff001ff003ull, 0x2001 },
	/* PFSID 0x1234: 4 << 12 = 0x4000, 0x123 << 52; MIP 5 << 16; SID 0xfa << 32.
	 * 2 MiB at 0x200000: bits 19:12 set, bit 20 clear -> 0x2ff000 | S */
	{ "DEVTLB 2 MiB",
	  { .op = NB_VTD_DEVTLB, .sid = 0xfa, .pfsid = 0x1234, .qdep = 5, .addr = 0x200000,
	    .am = 9 },
	  0x123000fa00054003ull, 0x2ff001 },
	/* everything (AM 52, Linux's MAX_AGAW_PFN_WIDTH): bits 62:12 set, 63
	 * clear, S; PFSID 1 -> 0x1000; SID 1 << 32 */
	{ "DEVTLB everything",
	  { .op = NB_VTD_DEVTLB, .sid = 1, .pfsid = 1, .am = 52 }, 0x0000000100001003ull,
	  0x7ffffffffffff001ull },

	/* ---- PASID-based IOTLB, type 6 ---- */
	/* G=10 (PASID-selective) 0x20 | 6; DID 1 << 16; PASID 0 */
	{ "PIOTLB PASID, DID 1", { .op = NB_VTD_PIOTLB_PASID, .tag = 1 }, 0x10026, 0 },
	/* DID 0xffff << 16; PASID 0xfffff << 32 */
	{ "PIOTLB PASID, max DID and PASID",
	  { .op = NB_VTD_PIOTLB_PASID, .tag = 0xffff, .sub = 0xfffff }, 0x000fffffffff0026ull, 0 },
	/* DID 0x10 << 16 = 0x100000; PASID 0x2a << 32 */
	{ "PIOTLB PASID", { .op = NB_VTD_PIOTLB_PASID, .tag = 0x10, .sub = 0x2a },
	  0x0000002a00100026ull, 0 },
	/* G=11 0x30 | 6; DID 2 << 16; PASID 1 << 32; qw1 ADDR 0x7000 AM 0 */
	{ "PIOTLB PSI, one page",
	  { .op = NB_VTD_PIOTLB_PSI, .tag = 2, .sub = 1, .addr = 0x7000 }, 0x0000000100020036ull,
	  0x7000 },
	/* max DID, PASID; qw1 ADDR 1 GiB | IH 0x40 | AM 18 (0x12) */
	{ "PIOTLB PSI, 1 GiB, IH",
	  { .op = NB_VTD_PIOTLB_PSI, .tag = 0xffff, .sub = 0xfffff, .addr = 0x40000000, .am = 18,
	    .leaf = true },
	  0x000fffffffff0036ull, 0x40000052 },
	/* DID 0; PASID 0x80000 << 32; qw1 ADDR 0x10000 | AM 4 (64 KiB) */
	{ "PIOTLB PSI, 64 KiB",
	  { .op = NB_VTD_PIOTLB_PSI, .sub = 0x80000, .addr = 0x10000, .am = 4 },
	  0x0008000000000036ull, 0x10004 },

	/* ---- PASID-cache invalidate, type 7 ---- */
	/* G=00 (all PASIDs of the DID); DID 5 << 16 */
	{ "PC all PASIDs of DID", { .op = NB_VTD_PC_INV, .tag = 5 }, 0x50007, 0 },
	/* G=01 0x10; DID 0xffff << 16; PASID 0xfffff << 32 */
	{ "PC PASID-selective, max",
	  { .op = NB_VTD_PC_INV, .gran = 1, .tag = 0xffff, .sub = 0xfffff },
	  0x000fffffffff0017ull, 0 },
	/* G=11 global 0x30 */
	{ "PC global", { .op = NB_VTD_PC_INV, .gran = 3 }, 0x37, 0 },

	/* ---- invalidation wait, type 5 ---- */
	/* Linux qi_submit_sync: SW (bit 5) 0x20, data QI_DONE=2 << 32; qw1 address */
	{ "WAIT status write",
	  { .op = NB_VTD_WAIT, .wait_addr = 0x12345678, .wait_data = 2 }, 0x0000000200000025ull,
	  0x12345678 },
	/* IF (bit 4) only */
	{ "WAIT interrupt", { .op = NB_VTD_WAIT, .irq = true }, 0x15, 0 },
	/* drain is PD only (Linux qi_submit_sync, QI_OPT_WAIT_DRAIN ->
	 * QI_IWD_PRQ_DRAIN, bit 7): SW 0x20 | PD 0x80 | type 5 = 0xa5;
	 * data 0xffffffff << 32; top address */
	{ "WAIT drain, max data and address",
	  { .op = NB_VTD_WAIT, .drain = true, .wait_data = 0xffffffff,
	    .wait_addr = 0xfffffffffffffffcull },
	  0xffffffff000000a5ull, 0xfffffffffffffffcull },
	/* Linux's own wait (qi_submit_sync): QI_IWD_STATUS_DATA(QI_DONE = 2) |
	 * SW | type 5 = 0x200000025, qw1 = the status word's address; the
	 * captured traces carry exactly this qw0 */
	{ "WAIT as qi_submit_sync", { .op = NB_VTD_WAIT, .wait_data = 2, .wait_addr = 0x2459804 },
	  0x200000025ull, 0x2459804 },

	/* ---- PASID-based device-TLB invalidate, type 8 ---- */
	/* type 8 | SID 0x100 << 16 = 0x1000000 | PASID 5 << 32 | PFSID 0x100:
	 * [3:0] = 0, [15:4] = 0x10 << 52 = 0x0100000000000000; qw1 S=0, 0x5000 */
	{ "P_DEVTLB one page",
	  { .op = NB_VTD_PASID_DEVTLB, .sid = 0x100, .pfsid = 0x100, .sub = 5, .addr = 0x5000 },
	  0x0100000501000008ull, 0x5000 },
	/* devtlb_invalidation_with_pasid's whole flush (size_order 64 - 12 = 52):
	 * SID 0x18 << 16 = 0x180000, PFSID 0x18: [3:0] 8 << 12 = 0x8000,
	 * [15:4] 1 << 52; PASID 1 << 32. qw1: ones 62:12, bit 63 clear, S (bit
	 * 11): 0x7ffffffffffff800 */
	{ "P_DEVTLB whole, as teardown",
	  { .op = NB_VTD_PASID_DEVTLB, .sid = 0x18, .pfsid = 0x18, .sub = 1, .am = 52 },
	  0x0010000100188008ull, 0x7ffffffffffff800ull },
	/* MIP 31 << 4 = 0x1f0 | 8; SID 0xffff << 16; PASID 0xfffff << 32;
	 * 2 MiB at 0x200000 (AM 9): ones at 19:12 = 0xff000, bit 20 clear,
	 * S 0x800, G 1: 0x2ff801 */
	{ "P_DEVTLB 2 MiB, global, max fields",
	  { .op = NB_VTD_PASID_DEVTLB, .qdep = 31, .sid = 0xffff, .sub = 0xfffff,
	    .addr = 0x200000, .am = 9, .global = true },
	  0x000fffffffff01f8ull, 0x2ff801 },
};

static void refusals(void)
{
	/* DID is 16 bits */
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_IOTLB_DSI, .tag = 65536 }), ERANGE, "DID");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_CC_INV, .gran = 1, .tag = 65536 }), ERANGE,
		    "DID");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_CC_INV, .gran = 3, .sid = 0x10000 }),
		    ERANGE, "SID");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_CC_INV, .gran = 3, .fm = 4 }), ERANGE, "FM");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_CC_INV, .gran = 4 }), ERANGE, "G");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_CC_INV }), EINVAL, "G=0");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_PC_INV, .gran = 2 }), EINVAL, "G=2");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_PASID_DEVTLB, .sub = 1u << 20 }), ERANGE,
		    "PASID");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_PASID_DEVTLB, .qdep = 32 }), ERANGE, "MIP");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_PASID_DEVTLB, .addr = 0x1000, .am = 1 }),
		    EINVAL, "aligned");
	/* PASID is 20 bits */
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_PIOTLB_PASID, .sub = 0x100000 }), ERANGE,
		    "PASID");
	/* an unaligned PSI address: 0x3000 is not a multiple of 2^(12+2) */
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_IOTLB_PSI, .addr = 0x3000, .am = 2 }),
		    EINVAL, "aligned");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_PIOTLB_PSI, .addr = 0x1234 }), EINVAL,
		    "aligned");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_IOTLB_PSI, .am = 64 }), ERANGE, "AM");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_DEVTLB, .am = 53 }), ERANGE, "AM");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_DEVTLB, .pfsid = 0x10000 }), ERANGE,
		    "PFSID");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_DEVTLB, .qdep = 32 }), ERANGE, "MIP");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_WAIT, .wait_addr = 0x1002 }), EINVAL,
		    "status address");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_WAIT, .wait_data = 1ull << 32 }), ERANGE,
		    "status data");
	/* fields an op does not carry are refused, not dropped */
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_IOTLB_GLOBAL, .tag = 1 }), EINVAL, "tag");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_IOTLB_DSI, .addr = 0x1000 }), EINVAL,
		    "addr");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_VTD_PIOTLB_PSI, .global = true }), EINVAL,
		    "global");
	CHECK_FAILS(enc((struct nb_inv_cmd){ .op = NB_INV_OP_COUNT }), EINVAL, "no such op");

	/* decoding */
	CHECK_FAILS(dec(NB_VENDOR_VTD, 0x92, 0), EINVAL, "DR and DW"); /* DR without DW */
	CHECK_FAILS(dec(NB_VENDOR_VTD, 0x122, 0), EINVAL, "reserved"); /* DSI + bit 8 */
	CHECK_FAILS(dec(NB_VENDOR_VTD, 0xa22, 0), EINVAL, "reserved"); /* type[6:4] bit 11 */
	CHECK_FAILS(dec(NB_VENDOR_VTD, 0x10012, 0), EINVAL, "reserved"); /* global with a DID */
	CHECK_FAILS(dec(NB_VENDOR_VTD, 0x22, 0x1000), EINVAL, "reserved"); /* DSI with qw1 */
	CHECK_FAILS(dec(NB_VENDOR_VTD, 0x02, 0), EINVAL, "G=0");
	CHECK_FAILS(dec(NB_VENDOR_VTD, 0x16, 0), EINVAL, "G=1"); /* P_IOTLB all-PASID: gone */
	CHECK_FAILS(dec(NB_VENDOR_VTD, 0x04, 0), EINVAL, "type 4"); /* IEC: not modelled */
	CHECK_FAILS(dec(NB_VENDOR_VTD, 0x45, 0), EINVAL, "FN (fence)");
	CHECK_FAILS(dec(NB_VENDOR_VTD, 0x8 | 1ull << 9, 0), EINVAL, "reserved"); /* P_DEVTLB bit 9 */
	CHECK_FAILS(dec(NB_VENDOR_VTD, 0x8, 0x2), EINVAL, "reserved"); /* P_DEVTLB qw1 bit 1 */
	{ /* a 256-bit slot: qw2/qw3 are reserved in every type */
		struct nb_inv_raw r = { { 0x22, 0, 0, 1 } };
		struct nb_inv_cmd c;

		nb_errclear();
		CHECK(nb_inv_decode(NB_VENDOR_VTD, &r, &c) == -EINVAL && strstr(nb_errmsg(), "qw2/qw3"),
		      "qw3 set: %s", nb_errmsg());
		r = (struct nb_inv_raw){ { 0x1ull << 60, 0, 1, 0 } };
		CHECK(nb_inv_decode(NB_VENDOR_AMD, &r, &c) == -EINVAL && strstr(nb_errmsg(), "128-bit"),
		      "AMD w2 set: %s", nb_errmsg());
	}
	CHECK_FAILS(dec(NB_VENDOR_VTD, 0x25, 0), EINVAL, "SW=1"); /* SW with address 0 */
	CHECK_FAILS(dec(NB_VENDOR_VTD, 0x32, 0x3001), EINVAL, "aligned"); /* AM 1 at 0x3000 */
	CHECK_FAILS(dec(NB_VENDOR_VTD, 0x3, 0xfffffffffffff001ull), EINVAL, "no clear bit");

	/* a VT-d descriptor through the other decoders: PSI raw words */
	CHECK_FAILS(dec(NB_VENDOR_AMD, 0x10032, 0x1000), EINVAL, "opcode");
	CHECK_FAILS(dec(NB_VENDOR_SMMUV3, 0x10032, 0x1000), EINVAL, "opcode");
	CHECK_FAILS(dec(NB_VENDOR_COUNT, 0x10032, 0x1000), EINVAL, "vendor");
}

int main(void)
{
	check_vecs(vtd, NB_ARRAY_SIZE(vtd));
	refusals();
	return nbt_done("inval/vtd");
}
