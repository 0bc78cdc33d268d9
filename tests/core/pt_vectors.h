/* SPDX-License-Identifier: MIT */
/*
 * Hand-computed reference vectors for the nestbench page-table formats.
 *
 * Every value below was worked out by hand from the architecture manuals
 * and the nestbench encoding/decoding POLICY restated here, NOT by running
 * nestbench code. Each vector carries a "why" string naming the bits.
 *
 * POLICY (encoder):
 *   x86_64 table: P|R/W|U/S|A (0x27) | addr 51:12. Leaf: P|U/S|A (0x25),
 *     + R/W|D (0x42) iff W, + PS (0x80) iff level > 0, + XD (bit 63) iff
 *     no X. Leaves at levels 0..2.
 *   vtdss table: R|W (0x3) | addr. Leaf: R(0) iff R, W(1) iff W, X(2)
 *     iff X, PS(7) iff level > 0; EMT/IPAT/SNP 0. Leaves at levels 0..2.
 *   amdv1 table: PR | NextLevel(11:9) = our level | addr | IR(61)|IW(62);
 *   leaf: PR | FC(60) | addr | IR|IW (Linux amd/io_pgtable.c).
 *     Leaf: PR | NextLevel 0 | addr | IR iff R | IW iff W. Levels 0..2.
 *   arm_s1 table: 0b11 | addr 47:granule. Leaf: 0b11 (level 0) / 0b01
 *     (block) | AttrIndx=1 (0x4) | AP[1] (0x40) | AP[2] (0x80) iff no W |
 *     SH=0b11 (0x300) | AF (0x400) | nG (0x800) | UXN(54)|PXN(53) iff no X.
 *     Blocks: 4K levels 1,2; 16K and 64K level 1 only.
 *   arm_s2 table: 0b11 | addr. Leaf: type | MemAttr=0xF (0x3C) | S2AP[0]
 *     (0x40) iff R | S2AP[1] (0x80) iff W | SH (0x300) | AF (0x400) |
 *     bits 54:53 = 0b11 iff no X.
 * POLICY (decoder/walker): valid = x86 P / vtdss R|W / amdv1 PR / ARM bit0.
 *   Level > 0: x86/vtdss PS=1 leaf (if allowed, else reserved); amdv1
 *   NextLevel == level table, 0 leaf (if allowed), else reserved; ARM
 *   bit1=1 table, else block (if allowed). Level 0: any valid x86/vtdss
 *   entry is a leaf; amdv1 NextLevel must be 0; ARM needs 0b11. Leaf OA
 *   bits below the page size must be 0 (x86 PAT bit 12 of a large leaf
 *   exempt); ARM descriptor bits 49:48 set -> address-size fault (tables
 *   and leaves). OA width: 52 (x86/vtdss/amdv1), 48 (ARM).
 *   Leaf perms: x86 R, W iff R/W, X iff !XD; vtdss R/W/X bits; amdv1 R iff
 *   IR, W iff IW, X always; arm_s1 R, W iff !AP[2], X iff bits 54:53 = 0;
 *   arm_s2 R iff S2AP[0], W iff S2AP[1], X iff bits 54:53 = 0. Table
 *   entries restrict: x86 R/W and XD; vtdss R and W bits; amdv1 IR and IW;
 *   arm_s1 APTable[1] (62) denies W, UXNTable (60) or PXNTable (59) deny X;
 *   arm_s2 nothing.
 *
 * Sources used to confirm bit positions (facts only):
 *   x86-64:  Intel SDM Vol. 3A, 4.5 (4-/5-level paging): P=0 R/W=1 U/S=2
 *            A=5 D=6 PS=7 (PAT=7 in a PTE, PAT=12 in a 2M/1G leaf; PS
 *            reserved in PML4E/PML5E) XD=63, address 51:12 (M=52).
 *   VT-d SS: VT-d spec 9.8 (second-stage paging entries): R=0 W=1 X=2
 *            EMT=5:3 IPAT=6 PS=7 (PDE/PDPTE only; reserved in PML4E/PML5E,
 *            ignored in the PTE) A=8 D=9 SNP=11, address 51:12; large-page
 *            address bits below the page size are reserved.
 *   AMD-Vi:  AMD IOMMU spec 2.2.3 (I/O page tables for host translations):
 *            PR=0 NextLevel=11:9 address 51:12 U=59 FC=60 IR=61 IW=62.
 *   ARM:     ARM ARM (DDI 0487), "VMSAv8-64 translation table format
 *            descriptors": bits 1:0 type, AttrIndx 4:2 / MemAttr 5:2, AP 7:6 /
 *            S2AP 7:6, SH 9:8, AF 10, nG 11, GP 50, DBM 51, Contiguous 52,
 *            PXN 53, UXN/XN 54, PXNTable 59, UXNTable 60, APTable 62:61.
 *            Stage-2 "concatenated translation tables" at the initial
 *            lookup (at most 16), VTCR_EL2.T0SZ/SL0.
 *
 * Conventions of these vectors:
 *   - level: nestbench level (0 = leaf-most; root = levels - 1).
 *   - decode: for PT_DEC_INVALID and PT_DEC_RESERVED, addr and prot are 0
 *     and carry no meaning. For PT_DEC_TABLE, prot = the permissions the
 *     table entry leaves allowed below it; for PT_DEC_LEAF, the
 *     permissions the leaf alone grants.
 *   - walk query: oa is the full output address of ia (page OA | offset of
 *     ia inside the page). fault_level is -1 when fault == PT_FAULT_NONE.
 *     For fault != NONE, oa/page_lg2/prot are 0. mem_refs counts every
 *     descriptor read, including the one that found the fault.
 *   - nested query: fault_stage is 0 (none), 1 or 2; fault_level is the
 *     level inside that stage. A stage-1 permission fault is reported
 *     after the stage-1 walk, BEFORE the final IPA is translated by stage 2
 *     (ARM ARM AArch64.FullTranslate order: S1 walk+permission check, then
 *     S2 of the output), so its mem_refs excludes the final stage-2 walk.
 *   - Simulated memory is flat; every address not written reads as 0.
 */
#ifndef NESTBENCH_TESTS_PT_VECTORS_H
#define NESTBENCH_TESTS_PT_VECTORS_H

#include "nestbench/nb.h"
#include "nestbench/pt.h"

#define PTV_UNUSED __attribute__((unused))

struct pt_geom_key {
	enum nb_fmt_id fmt;
	uint8_t granule_lg2, ia_bits, levels; /* levels 0 = auto */
};

struct pt_enc_vector {
	struct pt_geom_key g;
	int level;
	bool leaf;
	uint64_t addr;
	unsigned prot;
	uint64_t expect;
	const char *why;
};

enum pt_dec_kind { PT_DEC_INVALID, PT_DEC_TABLE, PT_DEC_LEAF, PT_DEC_RESERVED };

struct pt_dec_vector {
	struct pt_geom_key g;
	int level;
	uint64_t desc;
	enum pt_dec_kind kind;
	uint64_t addr; /* next table or leaf OA (leaf: page-aligned OA) */
	unsigned prot; /* leaf perms; table: perms the entry leaves allowed */
	const char *why;
};

/* ARM stage-2 geometry (VTCR_EL2 T0SZ/SL0 rules, ARM ARM concatenation). */
struct pt_s2geom_vector {
	uint8_t granule_lg2, ia_bits;
	uint8_t levels;
	uint8_t root_concat; /* number of concatenated root tables, 1..16 */
	uint8_t root_index_bits;
	uint8_t arm_start_level; /* ARM's own numbering: 0,1,2,... */
	const char *why;
};

/* Extra (not in the brief's list): auto geometry of every format. */
struct pt_geom_vector {
	struct pt_geom_key g;	/* levels = 0: automatic */
	uint8_t levels;		/* expected level count */
	uint8_t root_index_bits; /* index bits of the root table */
	uint8_t root_concat;	/* concatenated root tables (1 unless ARM S2) */
	uint64_t pgsize_bitmap; /* page sizes the geometry can map */
	const char *why;
};

struct pt_write {
	uint64_t pa;
	uint64_t desc;
}; /* 64-bit store at physical address pa */

enum pt_fault {
	PT_FAULT_NONE,
	PT_FAULT_NOT_PRESENT,
	PT_FAULT_RESERVED,
	PT_FAULT_ADDR_SIZE,
	PT_FAULT_PERM
};

struct pt_walk_query {
	uint64_t ia;
	unsigned access; /* prot requested */
	enum pt_fault fault;
	int fault_level;
	uint64_t oa;
	uint8_t page_lg2;
	unsigned prot;
	unsigned mem_refs;
	const char *why;
};

struct pt_walk_scenario {
	const char *name;
	struct pt_geom_key g;
	uint64_t root_pa;
	const struct pt_write *writes;
	size_t n_writes;
	const struct pt_walk_query *q;
	size_t n_q;
};

struct pt_nested_query {
	uint64_t ia;
	unsigned access;
	enum pt_fault fault;
	int fault_level;
	uint64_t oa; /* final PA */
	uint8_t page_lg2; /* min(stage-1 leaf, stage-2 leaf) */
	unsigned prot;	  /* AND of both stages */
	unsigned mem_refs; /* every read, stage-2 reads included */
	const char *why;
	int fault_stage; /* 0 none, 1, 2 */
	bool fault_on_s1_table_fetch; /* stage-2 fault translating a stage-1 table IPA */
};

struct pt_nested_scenario {
	const char *name;
	struct pt_geom_key s1, s2;
	uint64_t s1_root_ipa;
	uint64_t s2_root_pa;
	const struct pt_write *writes; /* stage-2 tables and stage-1 tables at their PAs */
	size_t n_writes;
	const struct pt_nested_query *q;
	size_t n_q;
};

/* Geometry keys used below. */
#define PTV_X86_4 { NB_FMT_X86_64, 12, 48, 4 }
#define PTV_X86_5 { NB_FMT_X86_64, 12, 57, 5 }
#define PTV_VTD3 { NB_FMT_VTDSS, 12, 39, 3 }
#define PTV_VTD4 { NB_FMT_VTDSS, 12, 48, 4 }
#define PTV_VTD5 { NB_FMT_VTDSS, 12, 57, 5 }
#define PTV_AMD3 { NB_FMT_AMDV1, 12, 39, 3 }
#define PTV_AMD4 { NB_FMT_AMDV1, 12, 48, 4 }
#define PTV_AMD5 { NB_FMT_AMDV1, 12, 57, 5 }
#define PTV_S1_4K { NB_FMT_ARM_S1, 12, 48, 4 }
#define PTV_S1_16K { NB_FMT_ARM_S1, 14, 48, 4 }
#define PTV_S1_64K { NB_FMT_ARM_S1, 16, 48, 3 }
#define PTV_S2_4K40 { NB_FMT_ARM_S2, 12, 40, 3 }
#define PTV_S2_4K48 { NB_FMT_ARM_S2, 12, 48, 4 }
#define PTV_S2_16K40 { NB_FMT_ARM_S2, 14, 40, 2 }
#define PTV_S2_64K42 { NB_FMT_ARM_S2, 16, 42, 2 }
#define PTV_S2_64K48 { NB_FMT_ARM_S2, 16, 48, 3 }

#define PTV_R NB_PROT_R
#define PTV_W NB_PROT_W
#define PTV_X NB_PROT_X
#define PTV_RW (NB_PROT_R | NB_PROT_W)
#define PTV_RX (NB_PROT_R | NB_PROT_X)
#define PTV_WX (NB_PROT_W | NB_PROT_X)
#define PTV_RWX (NB_PROT_R | NB_PROT_W | NB_PROT_X)

/* ======================================================================
 * Encode vectors
 * ====================================================================== */
static const struct pt_enc_vector pt_enc_vectors[] PTV_UNUSED = {
	/* ---------------- x86_64 ---------------- */
	{ PTV_X86_4, 3, false, 0x101000ull, 0, 0x0000000000101027ull,
	  "x86 PML4E->table: P(0)|R/W(1)|U/S(2)|A(5)=0x27 | addr[51:12]=0x101000" },
	{ PTV_X86_4, 2, false, 0x000FFFFFFFFFF000ull, 0, 0x000FFFFFFFFFF027ull,
	  "x86 PDPTE->table at the highest 52-bit address: bits 51:12 all set | 0x27" },
	{ PTV_X86_4, 1, false, 0x7FFFF000ull, 0, 0x000000007FFFF027ull,
	  "x86 PDE->table 0x7FFFF000 | 0x27" },
	{ PTV_X86_5, 4, false, 0x200000ull, 0, 0x0000000000200027ull,
	  "x86 PML5E->table (5-level) 0x200000 | 0x27" },
	{ PTV_X86_4, 0, true, 0x12345000ull, PTV_R, 0x8000000012345025ull,
	  "x86 PTE R: P|U/S|A=0x25, R/W and D clear (no W), XD(63) set (no X)" },
	{ PTV_X86_4, 0, true, 0x12345000ull, PTV_RW, 0x8000000012345067ull,
	  "x86 PTE RW: P|R/W|U/S|A|D=0x67, XD(63) set (no X)" },
	{ PTV_X86_4, 0, true, 0x12345000ull, PTV_RWX, 0x0000000012345067ull,
	  "x86 PTE RWX: P|R/W|U/S|A|D=0x67, XD clear" },
	{ PTV_X86_4, 0, true, 0x12345000ull, PTV_RX, 0x0000000012345025ull,
	  "x86 PTE RX: P|U/S|A=0x25, XD clear" },
	{ PTV_X86_4, 0, true, 0x000F00000000A000ull, PTV_W, 0x800F00000000A067ull,
	  "x86 PTE W-only: x86 cannot drop R, so P|R/W|U/S|A|D=0x67 + XD; addr bit 51:48=0xF" },
	{ PTV_X86_4, 0, true, 0xB000ull, PTV_X, 0x000000000000B025ull,
	  "x86 PTE X-only: P|U/S|A=0x25, no R/W, XD clear" },
	{ PTV_X86_4, 1, true, 0x40000000ull, PTV_RW, 0x80000000400000E7ull,
	  "x86 2M PDE RW: P|R/W|U/S|A|D|PS(7)=0xE7, XD set, addr[51:21]=0x40000000" },
	{ PTV_X86_4, 1, true, 0x40200000ull, PTV_RX, 0x00000000402000A5ull,
	  "x86 2M PDE RX: P|U/S|A|PS=0xA5, XD clear" },
	{ PTV_X86_4, 2, true, 0x140000000ull, PTV_RWX, 0x00000001400000E7ull,
	  "x86 1G PDPTE RWX: 0xE7, addr[51:30]=0x1_4000_0000" },
	{ PTV_X86_4, 2, true, 0x000FFFFFC0000000ull, PTV_R, 0x800FFFFFC00000A5ull,
	  "x86 1G PDPTE R at the top 1G of 52-bit space: 0xA5 | XD" },

	/* ---------------- vtdss ---------------- */
	{ PTV_VTD4, 3, false, 0x301000ull, 0, 0x0000000000301003ull,
	  "VT-d SS-PML4E->table: R(0)|W(1) | addr 0x301000" },
	{ PTV_VTD3, 2, false, 0x000FFFFFFFFFF000ull, 0, 0x000FFFFFFFFFF003ull,
	  "VT-d SS-PDPTE (3-level root)->table at top of 52-bit space: R|W" },
	{ PTV_VTD5, 4, false, 0x400000ull, 0, 0x0000000000400003ull,
	  "VT-d SS-PML5E->table: R|W | 0x400000" },
	{ PTV_VTD3, 1, false, 0x1000ull, 0, 0x0000000000001003ull,
	  "VT-d SS-PDE->table: R|W | 0x1000" },
	{ PTV_VTD4, 0, true, 0xABCDE000ull, PTV_R, 0x00000000ABCDE001ull,
	  "VT-d SS-PTE R: bit0 only; EMT/IPAT/SNP 0; no PS at level 0" },
	{ PTV_VTD4, 0, true, 0xABCDE000ull, PTV_RW, 0x00000000ABCDE003ull,
	  "VT-d SS-PTE RW: bits 1:0" },
	{ PTV_VTD4, 0, true, 0xABCDE000ull, PTV_RWX, 0x00000000ABCDE007ull,
	  "VT-d SS-PTE RWX: R|W|X(2)" },
	{ PTV_VTD4, 0, true, 0xABCDE000ull, PTV_W, 0x00000000ABCDE002ull,
	  "VT-d SS-PTE W-only: bit1 (valid: R or W set)" },
	{ PTV_VTD4, 0, true, 0xABCDE000ull, PTV_RX, 0x00000000ABCDE005ull,
	  "VT-d SS-PTE RX: R|X" },
	{ PTV_VTD4, 1, true, 0x600000ull, PTV_RW, 0x0000000000600083ull,
	  "VT-d 2M SS-PDE RW: R|W|PS(7)=0x83" },
	{ PTV_VTD4, 1, true, 0x600000ull, PTV_RX, 0x0000000000600085ull,
	  "VT-d 2M SS-PDE RX: R|X|PS=0x85" },
	{ PTV_VTD4, 2, true, 0x80000000ull, PTV_R, 0x0000000080000081ull,
	  "VT-d 1G SS-PDPTE R: R|PS=0x81" },
	{ PTV_VTD4, 2, true, 0x000FFFFFC0000000ull, PTV_RWX, 0x000FFFFFC0000087ull,
	  "VT-d 1G SS-PDPTE RWX at top of 52-bit space: R|W|X|PS=0x87" },

	/* ---------------- amdv1 ---------------- */
	/* leaves: + FC (bit 60, 0x1000000000000000), as Linux's
	 * iommu_v1_map_pages writes PR | FC in every PTE */
	{ PTV_AMD4, 3, false, 0x501000ull, 0, 0x6000000000501601ull,
	  "AMD L4 PDE->L3 table: PR | NextLevel=3 (bits 11:9 = 0x600) | IR(61)|IW(62)" },
	{ PTV_AMD4, 2, false, 0x502000ull, 0, 0x6000000000502401ull,
	  "AMD L3 PDE->L2 table: PR | NextLevel=2 (0x400) | IR|IW" },
	{ PTV_AMD4, 1, false, 0x503000ull, 0, 0x6000000000503201ull,
	  "AMD L2 PDE->L1 table: PR | NextLevel=1 (0x200) | IR|IW" },
	{ PTV_AMD3, 2, false, 0x000FFFFFFFFFF000ull, 0, 0x600FFFFFFFFFF401ull,
	  "AMD 3-level root PDE->table: NextLevel=2 (0x400), addr 51:12 all set, IR|IW" },
	{ PTV_AMD5, 4, false, 0x600000ull, 0, 0x6000000000600801ull,
	  "AMD 5-level root (AMD L5) PDE->table: NextLevel=4 (0x800) | IR|IW" },
	{ PTV_AMD4, 0, true, 0x76543000ull, PTV_RW, 0x7000000076543001ull,
	  "AMD PTE RW: PR | NextLevel=0 | IR|IW" },
	{ PTV_AMD4, 0, true, 0x76543000ull, PTV_R, 0x3000000076543001ull,
	  "AMD PTE R: PR | IR(61)" },
	{ PTV_AMD4, 0, true, 0x76543000ull, PTV_W, 0x5000000076543001ull,
	  "AMD PTE W: PR | IW(62)" },
	{ PTV_AMD4, 0, true, 0x76543000ull, PTV_RWX, 0x7000000076543001ull,
	  "AMD PTE RWX: no X bit in AMD v1, same as RW" },
	{ PTV_AMD4, 0, true, 0x76543000ull, PTV_X, 0x1000000076543001ull,
	  "AMD PTE X-only: PR only (X has no bit)" },
	{ PTV_AMD4, 1, true, 0x40000000ull, PTV_RW, 0x7000000040000001ull,
	  "AMD 2M PTE (NextLevel=0 in an AMD L2 table): PR|IR|IW" },
	{ PTV_AMD4, 2, true, 0x180000000ull, PTV_R, 0x3000000180000001ull,
	  "AMD 1G PTE (NextLevel=0 in an AMD L3 table): PR|IR" },
	{ PTV_AMD4, 2, true, 0x000FFFFFC0000000ull, PTV_RWX, 0x700FFFFFC0000001ull,
	  "AMD 1G PTE top of 52-bit space RWX: PR|IR|IW" },
	{ PTV_AMD3, 2, true, 0x40000000ull, PTV_RW, 0x7000000040000001ull,
	  "AMD 1G PTE in the root of a 3-level table (our level 2 allows leaves)" },

	/* ---------------- arm_s1 ---------------- */
	{ PTV_S1_4K, 3, false, 0x601000ull, 0, 0x0000000000601003ull,
	  "ARM S1 4K L0 table descriptor: bits 1:0 = 0b11 | addr 47:12" },
	{ PTV_S1_4K, 1, false, 0xFFFFFFFFF000ull, 0, 0x0000FFFFFFFFF003ull,
	  "ARM S1 4K L2 table descriptor at top of 48-bit OA: 0b11" },
	{ PTV_S1_16K, 3, false, 0x804000ull, 0, 0x0000000000804003ull,
	  "ARM S1 16K L0 table descriptor: 0b11 | addr 47:14" },
	{ PTV_S1_64K, 2, false, 0xA10000ull, 0, 0x0000000000A10003ull,
	  "ARM S1 64K L1 table descriptor: 0b11 | addr 47:16" },
	{ PTV_S1_4K, 0, true, 0x80000000ull, PTV_RW, 0x0060000080000F47ull,
	  "ARM S1 4K page RW: 0b11|AttrIndx=1(0x4)|AP[1](0x40)|SH=11(0x300)|AF(0x400)|nG(0x800)=0xF47, "
	  "AP[2]=0, UXN(54)|PXN(53) set (no X)" },
	{ PTV_S1_4K, 0, true, 0x80000000ull, PTV_R, 0x0060000080000FC7ull,
	  "ARM S1 4K page R: 0xF47 | AP[2](0x80) read-only, UXN|PXN" },
	{ PTV_S1_4K, 0, true, 0x80000000ull, PTV_RWX, 0x0000000080000F47ull,
	  "ARM S1 4K page RWX: 0xF47, XN bits clear" },
	{ PTV_S1_4K, 0, true, 0x80000000ull, PTV_RX, 0x0000000080000FC7ull,
	  "ARM S1 4K page RX: 0xFC7, XN bits clear" },
	{ PTV_S1_4K, 0, true, 0xFFFFFFFFF000ull, PTV_W, 0x0060FFFFFFFFFF47ull,
	  "ARM S1 page W-only: R is implicit in S1, so AP[2]=0 (0xF47) | UXN|PXN; top 48-bit OA" },
	{ PTV_S1_4K, 0, true, 0x5000ull, PTV_X, 0x0000000000005FC7ull,
	  "ARM S1 page X-only: read-only AP[2] (0xFC7), XN clear" },
	{ PTV_S1_4K, 1, true, 0x40200000ull, PTV_RWX, 0x0000000040200F45ull,
	  "ARM S1 4K L2 2M block RWX: bits 1:0=0b01 -> 0xF45" },
	{ PTV_S1_4K, 2, true, 0xC0000000ull, PTV_R, 0x00600000C0000FC5ull,
	  "ARM S1 4K L1 1G block R: 0xFC5 | UXN|PXN" },
	{ PTV_S1_16K, 0, true, 0x12344000ull, PTV_RW, 0x0060000012344F47ull,
	  "ARM S1 16K page RW: 0xF47 | UXN|PXN | OA 47:14" },
	{ PTV_S1_16K, 1, true, 0x400000000ull, PTV_RX, 0x0000000400000FC5ull,
	  "ARM S1 16K L2 32M block RX: 0xFC5" },
	{ PTV_S1_64K, 0, true, 0x3FFFF0000ull, PTV_RWX, 0x00000003FFFF0F47ull,
	  "ARM S1 64K page RWX: 0xF47 | OA 47:16" },
	{ PTV_S1_64K, 1, true, 0x60000000ull, PTV_RW, 0x0060000060000F45ull,
	  "ARM S1 64K L2 512M block RW: 0xF45 | UXN|PXN" },

	/* ---------------- arm_s2 ---------------- */
	{ PTV_S2_4K40, 2, false, 0xC02000ull, 0, 0x0000000000C02003ull,
	  "ARM S2 L1 (root, 2 concatenated) table descriptor: 0b11 | addr" },
	{ PTV_S2_4K40, 1, false, 0xFFFFFFFFF000ull, 0, 0x0000FFFFFFFFF003ull,
	  "ARM S2 L2 table descriptor, top of 48-bit OA: 0b11" },
	{ PTV_S2_4K40, 0, true, 0x1234000ull, PTV_RW, 0x00600000012347FFull,
	  "ARM S2 page RW: 0b11|MemAttr=0xF(0x3C)|S2AP[0](0x40)|S2AP[1](0x80)|SH(0x300)|AF(0x400)=0x7FF, "
	  "XN 54:53=0b11" },
	{ PTV_S2_4K40, 0, true, 0x1234000ull, PTV_RWX, 0x00000000012347FFull,
	  "ARM S2 page RWX: 0x7FF, XN clear" },
	{ PTV_S2_4K40, 0, true, 0x1234000ull, PTV_R, 0x006000000123477Full,
	  "ARM S2 page R: 0b11|0x3C|S2AP[0]|0x300|0x400 = 0x77F | XN" },
	{ PTV_S2_4K40, 0, true, 0x1234000ull, PTV_W, 0x00600000012347BFull,
	  "ARM S2 page W-only: 0b11|0x3C|S2AP[1](0x80)|0x700 = 0x7BF | XN" },
	{ PTV_S2_4K40, 0, true, 0x1234000ull, PTV_RX, 0x000000000123477Full,
	  "ARM S2 page RX: 0x77F, XN clear" },
	{ PTV_S2_4K40, 0, true, 0x1234000ull, PTV_X, 0x000000000123473Full,
	  "ARM S2 page X-only: S2AP=00 -> 0x73F, XN clear" },
	{ PTV_S2_4K40, 1, true, 0x200000ull, PTV_RW, 0x00600000002007FDull,
	  "ARM S2 L2 2M block RW: bits 1:0=0b01 -> 0x7FD | XN" },
	{ PTV_S2_4K40, 2, true, 0x40000000ull, PTV_RWX, 0x00000000400007FDull,
	  "ARM S2 L1 1G block RWX in the concatenated root: 0x7FD" },
	{ PTV_S2_16K40, 1, true, 0x200000000ull, PTV_RW, 0x00600002000007FDull,
	  "ARM S2 16K L2 32M block RW (root of 2 levels): 0x7FD | XN" },
	{ PTV_S2_16K40, 1, false, 0x1040000ull, 0, 0x0000000001040003ull,
	  "ARM S2 16K root table descriptor: 0b11 | addr 47:14" },
	{ PTV_S2_64K42, 1, true, 0x20000000ull, PTV_RX, 0x000000002000077Dull,
	  "ARM S2 64K L2 512M block RX: 0b01|0x3C|S2AP[0]|0x700 = 0x77D" },
	{ PTV_S2_64K42, 0, true, 0xFFFFFFFF0000ull, PTV_RW, 0x0060FFFFFFFF07FFull,
	  "ARM S2 64K page RW at the top 64K of 48-bit OA: 0x7FF | XN" },
	{ PTV_S2_4K48, 3, false, 0x700000ull, 0, 0x0000000000700003ull,
	  "ARM S2 4K 4-level root (L0) table descriptor" },
};

/* ======================================================================
 * Decode vectors
 * ====================================================================== */
static const struct pt_dec_vector pt_dec_vectors[] PTV_UNUSED = {
	/* ---------------- x86_64 ---------------- */
	{ PTV_X86_4, 3, 0x0ull, PT_DEC_INVALID, 0, 0, "x86 zero entry: P=0" },
	{ PTV_X86_4, 3, 0x0000000000101026ull, PT_DEC_INVALID, 0, 0,
	  "x86 P(0)=0 with other bits set: not present" },
	{ PTV_X86_4, 3, 0x0000000000101027ull, PT_DEC_TABLE, 0x101000ull, PTV_RWX,
	  "x86 PML4E P|R/W|U/S|A: table 0x101000, restricts nothing" },
	{ PTV_X86_4, 3, 0x00000000001010A7ull, PT_DEC_RESERVED, 0, 0,
	  "x86 PML4E with PS(7)=1: reserved (no 512G pages; SDM 4.5: bit 7 of a PML4E is reserved)" },
	{ PTV_X86_5, 4, 0x00000000002000A7ull, PT_DEC_RESERVED, 0, 0,
	  "x86 PML5E with PS(7)=1: reserved" },
	{ PTV_X86_5, 4, 0x0000000000200027ull, PT_DEC_TABLE, 0x200000ull, PTV_RWX,
	  "x86 PML5E table" },
	{ PTV_X86_4, 2, 0x8000000000102025ull, PT_DEC_TABLE, 0x102000ull, PTV_R,
	  "x86 PDPTE table with R/W=0 (denies W below) and XD=1 (denies X below)" },
	{ PTV_X86_4, 1, 0x8000000000103027ull, PT_DEC_TABLE, 0x103000ull, PTV_RW,
	  "x86 PDE table with XD=1: denies X below" },
	{ PTV_X86_4, 2, 0x00000001400000E7ull, PT_DEC_LEAF, 0x140000000ull, PTV_RWX,
	  "x86 1G leaf: PS=1 at PDPTE, R/W=1, XD=0" },
	{ PTV_X86_4, 2, 0x00000001400010E7ull, PT_DEC_LEAF, 0x140000000ull, PTV_RWX,
	  "x86 1G leaf with PAT (bit 12) set: PAT is not address, OA 0x1_4000_0000" },
	{ PTV_X86_4, 2, 0x00000001400020E7ull, PT_DEC_RESERVED, 0, 0,
	  "x86 1G leaf with bit 13 set: bits 29:13 reserved in a 1G PDPTE" },
	{ PTV_X86_4, 1, 0x80000000400000E7ull, PT_DEC_LEAF, 0x40000000ull, PTV_RW,
	  "x86 2M leaf RW, XD=1" },
	{ PTV_X86_4, 1, 0x00000000400010A5ull, PT_DEC_LEAF, 0x40000000ull, PTV_RX,
	  "x86 2M leaf with PAT (bit 12): R/W=0, XD=0 -> RX, OA 0x40000000" },
	{ PTV_X86_4, 1, 0x00000000401000A5ull, PT_DEC_RESERVED, 0, 0,
	  "x86 2M leaf with bit 20 set: bits 20:13 reserved in a 2M PDE" },
	{ PTV_X86_4, 0, 0x80000000123450E7ull, PT_DEC_LEAF, 0x12345000ull, PTV_RW,
	  "x86 PTE with bit 7 set: bit 7 is PAT at level 0, still a 4K leaf; XD -> RW" },
	{ PTV_X86_4, 0, 0x0000000012345001ull, PT_DEC_LEAF, 0x12345000ull, PTV_RX,
	  "x86 PTE P only: R always, R/W=0, XD=0 -> RX" },
	{ PTV_X86_4, 0, 0x7FF0000012345067ull, PT_DEC_LEAF, 0x12345000ull, PTV_RWX,
	  "x86 PTE with bits 62:52 set (ignored / protection key): not address; XD(63)=0" },
	{ PTV_X86_4, 0, 0x000FFFFFFFFFF063ull, PT_DEC_LEAF, 0x000FFFFFFFFFF000ull, PTV_RWX,
	  "x86 PTE, U/S=0, OA = highest 52-bit page" },

	/* ---------------- vtdss ---------------- */
	{ PTV_VTD4, 3, 0x0ull, PT_DEC_INVALID, 0, 0, "VT-d SS zero entry" },
	{ PTV_VTD4, 0, 0x0000000000006004ull, PT_DEC_INVALID, 0, 0,
	  "VT-d SS-PTE X only (R=W=0): not present (no present bit; R|W decides)" },
	{ PTV_VTD4, 0, 0x00000000ABCDE0F8ull, PT_DEC_INVALID, 0, 0,
	  "VT-d SS-PTE with EMT/IPAT/bit7 set but R=W=0: not present" },
	{ PTV_VTD4, 3, 0x0000000000301003ull, PT_DEC_TABLE, 0x301000ull, PTV_RWX,
	  "VT-d SS-PML4E R|W: table, restricts nothing (X not hierarchical in policy)" },
	{ PTV_VTD4, 3, 0x0000000000301001ull, PT_DEC_TABLE, 0x301000ull, PTV_RX,
	  "VT-d SS-PML4E R only: denies W below" },
	{ PTV_VTD4, 2, 0x0000000000302002ull, PT_DEC_TABLE, 0x302000ull, PTV_WX,
	  "VT-d SS-PDPTE W only: valid, denies R below" },
	{ PTV_VTD4, 3, 0x0000000080000083ull, PT_DEC_RESERVED, 0, 0,
	  "VT-d SS-PML4E with PS(7): reserved (no 512G pages)" },
	{ PTV_VTD5, 4, 0x0000000080000083ull, PT_DEC_RESERVED, 0, 0,
	  "VT-d SS-PML5E with PS(7): reserved" },
	{ PTV_VTD4, 2, 0x0000000080000081ull, PT_DEC_LEAF, 0x80000000ull, PTV_R,
	  "VT-d 1G SS-PDPTE R|PS" },
	{ PTV_VTD4, 2, 0x00000000C0200083ull, PT_DEC_RESERVED, 0, 0,
	  "VT-d 1G leaf with bit 21 set: bits 29:12 reserved in a 1G leaf" },
	{ PTV_VTD4, 1, 0x0000000000600087ull, PT_DEC_LEAF, 0x600000ull, PTV_RWX,
	  "VT-d 2M SS-PDE R|W|X|PS" },
	{ PTV_VTD4, 1, 0x0000000000601083ull, PT_DEC_RESERVED, 0, 0,
	  "VT-d 2M leaf with bit 12 set: bits 20:12 reserved (VT-d has no PAT bit)" },
	{ PTV_VTD4, 0, 0x0000000000005081ull, PT_DEC_LEAF, 0x5000ull, PTV_R,
	  "VT-d SS-PTE with bit 7 set: ignored in a PTE, 4K leaf R" },
	{ PTV_VTD4, 0, 0x00000000ABCDE07Aull, PT_DEC_LEAF, 0xABCDE000ull, PTV_W,
	  "VT-d SS-PTE W with EMT=0b111 (5:3) and IPAT(6): attributes ignored by decode" },
	{ PTV_VTD4, 0, 0x000FFFFFFFFFF006ull, PT_DEC_LEAF, 0x000FFFFFFFFFF000ull, PTV_WX,
	  "VT-d SS-PTE W|X at the highest 52-bit page" },
	{ PTV_VTD4, 0, 0x0000000012345303ull, PT_DEC_LEAF, 0x12345000ull, PTV_RW,
	  "VT-d SS-PTE R|W with A(8) and D(9) set: not address" },
	{ PTV_VTD4, 1, 0xBFF0000000600003ull, PT_DEC_TABLE, 0x600000ull, PTV_RWX,
	  "VT-d SS-PDE table with ignored bits 63 and 61:52 set: address is 51:12 only" },

	/* ---------------- amdv1 ---------------- */
	{ PTV_AMD4, 3, 0x0ull, PT_DEC_INVALID, 0, 0, "AMD zero entry" },
	{ PTV_AMD4, 3, 0x6000000000501600ull, PT_DEC_INVALID, 0, 0,
	  "AMD PR(0)=0 with NextLevel/IR/IW set: not present" },
	{ PTV_AMD4, 3, 0x6000000000501601ull, PT_DEC_TABLE, 0x501000ull, PTV_RWX,
	  "AMD root (our 3) NextLevel=3 == our level: table, IR|IW" },
	{ PTV_AMD4, 3, 0x6000000000501401ull, PT_DEC_RESERVED, 0, 0,
	  "AMD root NextLevel=2 at our level 3: level skip, not modelled" },
	{ PTV_AMD4, 3, 0x6000000000000001ull, PT_DEC_RESERVED, 0, 0,
	  "AMD NextLevel=0 (leaf) at our level 3: no 512G leaves in policy" },
	{ PTV_AMD4, 2, 0x2000000180000001ull, PT_DEC_LEAF, 0x180000000ull, PTV_RX,
	  "AMD 1G leaf IR only: R, X always, no W" },
	{ PTV_AMD4, 2, 0x6000000040000E01ull, PT_DEC_RESERVED, 0, 0,
	  "AMD NextLevel=7 (size-encoded page): not modelled" },
	{ PTV_AMD4, 2, 0x2000000000502401ull, PT_DEC_TABLE, 0x502000ull, PTV_RX,
	  "AMD table NextLevel=2 at our level 2, IR only: denies W below" },
	{ PTV_AMD4, 1, 0x0000000000503201ull, PT_DEC_TABLE, 0x503000ull, PTV_X,
	  "AMD table NextLevel=1 with IR=IW=0: denies R and W below, X always" },
	{ PTV_AMD4, 1, 0x6000000040000001ull, PT_DEC_LEAF, 0x40000000ull, PTV_RWX,
	  "AMD 2M leaf IR|IW" },
	{ PTV_AMD4, 1, 0x6000000040201001ull, PT_DEC_RESERVED, 0, 0,
	  "AMD 2M leaf with address bit 12 set: OA bits below 2M must be 0 (POLICY)" },
	{ PTV_AMD4, 0, 0x6000000076543001ull, PT_DEC_LEAF, 0x76543000ull, PTV_RWX,
	  "AMD 4K PTE IR|IW" },
	{ PTV_AMD4, 0, 0x4000000076543001ull, PT_DEC_LEAF, 0x76543000ull, PTV_WX,
	  "AMD 4K PTE IW only" },
	{ PTV_AMD4, 0, 0x6000000000002201ull, PT_DEC_RESERVED, 0, 0,
	  "AMD NextLevel=1 at our level 0: must be 0" },
	{ PTV_AMD4, 0, 0x6000000000002E01ull, PT_DEC_RESERVED, 0, 0,
	  "AMD NextLevel=7 at our level 0: not modelled" },
	{ PTV_AMD4, 0, 0x7800000012345061ull, PT_DEC_LEAF, 0x12345000ull, PTV_RWX,
	  "AMD PTE with U(59), FC(60), A(5), D(6) set: not address" },
	{ PTV_AMD3, 2, 0x6000000000581601ull, PT_DEC_RESERVED, 0, 0,
	  "AMD 3-level root with NextLevel=3 (> our level 2): neither table nor leaf" },
	{ PTV_AMD3, 2, 0x6000000040000001ull, PT_DEC_LEAF, 0x40000000ull, PTV_RWX,
	  "AMD 3-level root NextLevel=0: 1G leaf allowed at our level 2" },

	/* ---------------- arm_s1 ---------------- */
	{ PTV_S1_4K, 3, 0x0ull, PT_DEC_INVALID, 0, 0, "ARM zero entry" },
	{ PTV_S1_4K, 3, 0xFFFFFFFFFFFFFFFEull, PT_DEC_INVALID, 0, 0,
	  "ARM bit0=0 with all other bits set: invalid" },
	{ PTV_S1_4K, 3, 0x0000000000601003ull, PT_DEC_TABLE, 0x601000ull, PTV_RWX,
	  "ARM S1 L0 table, no APTable/XNTable" },
	{ PTV_S1_4K, 3, 0x0000008000000F45ull, PT_DEC_RESERVED, 0, 0,
	  "ARM S1 4K L0 with 0b01 (512G block): not allowed with 48-bit OA (needs FEAT_LPA2)" },
	{ PTV_S1_4K, 2, 0x5000000000604003ull, PT_DEC_TABLE, 0x604000ull, PTV_R,
	  "ARM S1 L1 table with APTable[1](62) (no W below) and UXNTable(60) (no X below)" },
	{ PTV_S1_4K, 1, 0x0800000000606003ull, PT_DEC_TABLE, 0x606000ull, PTV_RW,
	  "ARM S1 L2 table with PXNTable(59): no X below" },
	{ PTV_S1_4K, 2, 0x00600000C0000FC5ull, PT_DEC_LEAF, 0xC0000000ull, PTV_R,
	  "ARM S1 L1 1G block, AP[2]=1, UXN|PXN: R" },
	{ PTV_S1_4K, 1, 0x0000000040200F45ull, PT_DEC_LEAF, 0x40200000ull, PTV_RWX,
	  "ARM S1 L2 2M block, AP[2]=0, XN clear: RWX" },
	{ PTV_S1_4K, 1, 0x0000000040201F45ull, PT_DEC_RESERVED, 0, 0,
	  "ARM S1 2M block with bit 12 set: OA bits 20:12 must be 0" },
	{ PTV_S1_4K, 0, 0x0000000080000F45ull, PT_DEC_RESERVED, 0, 0,
	  "ARM S1 L3 with bits 1:0 = 0b01: reserved at level 3" },
	{ PTV_S1_4K, 0, 0x0040000080000F47ull, PT_DEC_LEAF, 0x80000000ull, PTV_RW,
	  "ARM S1 page with only UXN(54): X needs both 54 and 53 clear -> RW" },
	{ PTV_S1_4K, 0, 0x0020000080000FC7ull, PT_DEC_LEAF, 0x80000000ull, PTV_R,
	  "ARM S1 page with only PXN(53), AP[2]=1: R (policy: any XN bit denies X)" },
	{ PTV_S1_4K, 0, 0x079C000080000F47ull, PT_DEC_LEAF, 0x80000000ull, PTV_RWX,
	  "ARM S1 page with SW bits 58:55, Contiguous(52), DBM(51), GP(50): not address, RWX" },
	{ PTV_S1_16K, 2, 0x0000001000000F45ull, PT_DEC_RESERVED, 0, 0,
	  "ARM S1 16K L1 block (64G): needs FEAT_LPA2, reserved here" },
	{ PTV_S1_16K, 1, 0x0000000400000FC5ull, PT_DEC_LEAF, 0x400000000ull, PTV_RX,
	  "ARM S1 16K L2 32M block, read-only, XN clear" },
	{ PTV_S1_16K, 1, 0x0000000008004F45ull, PT_DEC_RESERVED, 0, 0,
	  "ARM S1 16K 32M block with bit 14 set: OA bits 24:14 must be 0" },
	{ PTV_S1_16K, 0, 0x0000000000010F45ull, PT_DEC_RESERVED, 0, 0,
	  "ARM S1 16K L3 with 0b01: reserved" },
	{ PTV_S1_64K, 2, 0x0000040000000F45ull, PT_DEC_RESERVED, 0, 0,
	  "ARM S1 64K L1 block (4T): needs FEAT_LPA, reserved here" },
	{ PTV_S1_64K, 1, 0x0060000060000F45ull, PT_DEC_LEAF, 0x60000000ull, PTV_RW,
	  "ARM S1 64K L2 512M block RW, XN" },
	{ PTV_S1_64K, 0, 0x00000003FFFF0F47ull, PT_DEC_LEAF, 0x3FFFF0000ull, PTV_RWX,
	  "ARM S1 64K page RWX" },

	/* ---------------- arm_s2 ---------------- */
	{ PTV_S2_4K40, 2, 0x0ull, PT_DEC_INVALID, 0, 0, "ARM S2 zero entry" },
	{ PTV_S2_4K40, 0, 0x006000000000673Eull, PT_DEC_INVALID, 0, 0,
	  "ARM S2 bit0=0: invalid" },
	{ PTV_S2_4K40, 2, 0x0000000000C02003ull, PT_DEC_TABLE, 0xC02000ull, PTV_RWX,
	  "ARM S2 root table descriptor: S2 tables restrict nothing" },
	{ PTV_S2_4K40, 0, 0x006000000000673Full, PT_DEC_LEAF, 0x6000ull, 0,
	  "ARM S2 page S2AP=00, XN: valid but grants nothing" },
	{ PTV_S2_4K40, 0, 0x00000000012347FFull, PT_DEC_LEAF, 0x1234000ull, PTV_RWX,
	  "ARM S2 page S2AP=11, XN=00: RWX" },
	{ PTV_S2_4K40, 0, 0x004000000123477Full, PT_DEC_LEAF, 0x1234000ull, PTV_R,
	  "ARM S2 page S2AP[0] only, XN[1](54) only: R" },
	{ PTV_S2_4K40, 0, 0x00600000012347BFull, PT_DEC_LEAF, 0x1234000ull, PTV_W,
	  "ARM S2 page S2AP[1] only, XN: W-only" },
	{ PTV_S2_4K40, 0, 0x00000000012347FDull, PT_DEC_RESERVED, 0, 0,
	  "ARM S2 L3 with 0b01: reserved" },
	{ PTV_S2_4K40, 1, 0x00000000005007FDull, PT_DEC_RESERVED, 0, 0,
	  "ARM S2 2M block with bit 20 set: OA bits 20:12 must be 0" },
	{ PTV_S2_4K40, 1, 0x00600000002007FDull, PT_DEC_LEAF, 0x200000ull, PTV_RW,
	  "ARM S2 2M block RW, XN" },
	{ PTV_S2_4K40, 2, 0x00000000400007FDull, PT_DEC_LEAF, 0x40000000ull, PTV_RWX,
	  "ARM S2 1G block in the concatenated L1 root" },
	{ PTV_S2_4K48, 3, 0x00000080000007FDull, PT_DEC_RESERVED, 0, 0,
	  "ARM S2 4K L0 block: reserved with 48-bit OA" },
	{ PTV_S2_4K48, 3, 0x0000000000700003ull, PT_DEC_TABLE, 0x700000ull, PTV_RWX,
	  "ARM S2 4K L0 table" },
	{ PTV_S2_16K40, 1, 0x00600002000007FDull, PT_DEC_LEAF, 0x200000000ull, PTV_RW,
	  "ARM S2 16K 32M block in the 16-table concatenated L2 root" },
	{ PTV_S2_16K40, 1, 0x00000000050007FDull, PT_DEC_RESERVED, 0, 0,
	  "ARM S2 16K 32M block with bit 24 set: OA bits 24:14 must be 0" },
	{ PTV_S2_64K42, 1, 0x000000002000077Dull, PT_DEC_LEAF, 0x20000000ull, PTV_RX,
	  "ARM S2 64K 512M block R, XN clear" },
	{ PTV_S2_64K48, 2, 0x00000400000007FDull, PT_DEC_RESERVED, 0, 0,
	  "ARM S2 64K L1 block (4T): needs FEAT_LPA" },
	{ PTV_S2_64K48, 2, 0x0000000000E10003ull, PT_DEC_TABLE, 0xE10000ull, PTV_RWX,
	  "ARM S2 64K L1 table" },
};

/* ======================================================================
 * ARM stage-2 geometry. Auto policy: the fewest levels whose root needs at
 * most 16 concatenated tables. Per level a table resolves granule_lg2 - 3
 * bits (4K: 9, 16K: 11, 64K: 13); the root resolves the remaining
 * ia_bits - granule_lg2 - (levels-1)*(granule_lg2-3) bits, of which those
 * beyond one table's index are concatenation (ARM ARM "Concatenated
 * translation tables for the initial stage 2 lookup"). Linux KVM's
 * stage2_pgtable_levels(ipa) = ARM64_HW_PGTABLE_LEVELS(ipa - 4)
 * = (ipa - 8) / (granule_lg2 - 3) gives the same level count for every
 * row; Linux io-pgtable-arm differs where noted (it only concatenates to
 * avoid an L0 start).
 * ====================================================================== */
static const struct pt_s2geom_vector pt_s2geom_vectors[] PTV_UNUSED = {
	{ 12, 40, 3, 2, 10, 1,
	  "4K IPA40 (T0SZ=24): 28 bits; 2 levels would need 2^10 tables; 3 levels: L1 root "
	  "resolves 39:30 = 10 bits = 2 concatenated tables (SL0=01). Linux agrees." },
	{ 12, 42, 3, 8, 12, 1,
	  "4K IPA42 (T0SZ=22): 30 bits; 3 levels: L1 root 41:30 = 12 bits = 8 tables. Linux agrees." },
	{ 12, 48, 4, 1, 9, 0,
	  "4K IPA48 (T0SZ=16): 36 bits; 3 levels would need 2^9 tables; 4 levels from L0, 9 bits" },
	{ 12, 44, 4, 1, 5, 0,
	  "4K IPA44 (T0SZ=20): 3 levels would need 32 tables (>16), so 4 levels, L0 root 43:39 = 5 bits" },
	{ 12, 34, 2, 16, 13, 2,
	  "4K IPA34 (T0SZ=30): 22 bits; 2 levels: L2 root 33:21 = 13 bits = 16 tables (SL0=00). "
	  "Linux io-pgtable-arm would use 3 levels (it only concatenates to avoid an L0 start)" },
	{ 14, 40, 2, 16, 15, 2,
	  "16K IPA40 (T0SZ=24): 26 bits; 2 levels: L2 root 39:25 = 15 bits = 16 tables (SL0=01). "
	  "Linux io-pgtable-arm would use 3 levels from L1 with a 16-entry root" },
	{ 14, 47, 3, 1, 11, 1,
	  "16K IPA47 (T0SZ=17): 33 bits = 3 x 11; L1 root 46:36, one table" },
	{ 14, 48, 3, 2, 12, 1,
	  "16K IPA48 (T0SZ=16): 34 bits; 3 levels: L1 root 47:36 = 12 bits = 2 tables "
	  "(instead of a 4th level with a 2-entry L0)" },
	{ 16, 42, 2, 1, 13, 2,
	  "64K IPA42 (T0SZ=22): 26 bits = 2 x 13; L2 root 41:29, one table" },
	{ 16, 44, 2, 4, 15, 2,
	  "64K IPA44 (T0SZ=20): 28 bits; L2 root 43:29 = 15 bits = 4 tables. "
	  "Linux io-pgtable-arm would use 3 levels" },
	{ 16, 48, 3, 1, 6, 1,
	  "64K IPA48 (T0SZ=16): 32 bits; 2 levels would need 64 tables; 3 levels, L1 root 47:42 = 6 bits" },
};

/* ======================================================================
 * Geometry of every format (extra). pgsize bitmaps: 4K|2M|1G = 0x40201000,
 * 16K|32M = 0x02004000, 64K|512M = 0x20010000.
 * ====================================================================== */
static const struct pt_geom_vector pt_geom_vectors[] PTV_UNUSED = {
	{ { NB_FMT_X86_64, 12, 48, 0 }, 4, 9, 1, 0x40201000ull,
	  "x86 4-level: 12 + 4 x 9 = 48; leaves 4K/2M/1G" },
	{ { NB_FMT_X86_64, 12, 57, 0 }, 5, 9, 1, 0x40201000ull,
	  "x86 5-level (LA57): 12 + 5 x 9 = 57" },
	{ { NB_FMT_VTDSS, 12, 39, 0 }, 3, 9, 1, 0x40201000ull,
	  "VT-d SS AGAW 39: 3 levels (SS-PDPTE root)" },
	{ { NB_FMT_VTDSS, 12, 48, 0 }, 4, 9, 1, 0x40201000ull, "VT-d SS AGAW 48: 4 levels" },
	{ { NB_FMT_VTDSS, 12, 57, 0 }, 5, 9, 1, 0x40201000ull, "VT-d SS AGAW 57: 5 levels" },
	{ { NB_FMT_AMDV1, 12, 39, 0 }, 3, 9, 1, 0x40201000ull, "AMD v1 mode 3: 3 levels" },
	{ { NB_FMT_AMDV1, 12, 48, 0 }, 4, 9, 1, 0x40201000ull, "AMD v1 mode 4: 4 levels" },
	{ { NB_FMT_ARM_S1, 12, 48, 0 }, 4, 9, 1, 0x40201000ull,
	  "ARM S1 4K IA48: L0..L3, L0 resolves 47:39" },
	{ { NB_FMT_ARM_S1, 14, 48, 0 }, 4, 1, 1, 0x02004000ull,
	  "ARM S1 16K IA48: 14 + 3 x 11 = 47, so a 4th level (L0) with 1 index bit (2 entries); "
	  "blocks only at L2 (32M)" },
	{ { NB_FMT_ARM_S1, 16, 48, 0 }, 3, 6, 1, 0x20010000ull,
	  "ARM S1 64K IA48: 16 + 2 x 13 = 42, L1 root resolves 47:42 = 6 bits; blocks only at L2 (512M)" },
	{ { NB_FMT_ARM_S1, 12, 39, 0 }, 3, 9, 1, 0x40201000ull,
	  "ARM S1 4K IA39: 3 levels from L1 (root may hold 1G blocks)" },
	{ { NB_FMT_ARM_S1, 14, 47, 0 }, 3, 11, 1, 0x02004000ull, "ARM S1 16K IA47: 3 levels x 11" },
	{ { NB_FMT_ARM_S1, 16, 42, 0 }, 2, 13, 1, 0x20010000ull, "ARM S1 64K IA42: 2 levels x 13" },
	{ { NB_FMT_ARM_S2, 14, 40, 0 }, 2, 15, 16, 0x02004000ull,
	  "ARM S2 16K IA40 auto: 2 levels, 16 concatenated L2 tables" },
	{ { NB_FMT_ARM_S2, 12, 40, 0 }, 3, 10, 2, 0x40201000ull,
	  "ARM S2 4K IA40 auto: 3 levels, 2 concatenated L1 tables" },
};

/* ======================================================================
 * Walk scenarios (single stage)
 * ====================================================================== */

/* --- x86_64 4-level. PML4 0x100000, PDPT 0x101000, PD 0x102000,
 *     PT 0x103000, second PD 0x104000. Entry pa = table + 8 * index. --- */
static const struct pt_write ptv_x86_4_w[] PTV_UNUSED = {
	{ 0x100008ull, 0x0000000000101027ull }, /* PML4[1] -> PDPT */
	{ 0x100010ull, 0x00000000001010A7ull }, /* PML4[2] PS=1: reserved */
	{ 0x100FF8ull, 0x0000000000101027ull }, /* PML4[511] -> same PDPT */
	{ 0x101010ull, 0x0000000000102027ull }, /* PDPT[2] -> PD */
	{ 0x101018ull, 0x80000001400000A5ull }, /* PDPT[3] 1G R, XD, OA 0x1_4000_0000 */
	{ 0x101020ull, 0x8000000000104025ull }, /* PDPT[4] -> PD2, R/W=0, XD=1 */
	{ 0x102018ull, 0x0000000000103027ull }, /* PD[3] -> PT */
	{ 0x102020ull, 0x00000000400000E7ull }, /* PD[4] 2M RWX OA 0x40000000 */
	{ 0x102028ull, 0x00000000400020E7ull }, /* PD[5] 2M with bit 13: reserved */
	{ 0x102030ull, 0x00000000600010E7ull }, /* PD[6] 2M RWX with PAT(12), OA 0x60000000 */
	{ 0x103020ull, 0x8000000012345067ull }, /* PT[4] 4K RW XD OA 0x12345000 */
	{ 0x103028ull, 0x000000000ABCD025ull }, /* PT[5] 4K RX OA 0x0ABCD000 */
	{ 0x104000ull, 0x00000000800000E7ull }, /* PD2[0] 2M RWX OA 0x80000000 */
};
static const struct pt_walk_query ptv_x86_4_q[] PTV_UNUSED = {
	{ 0x0000008080604ABCull, PTV_RW, PT_FAULT_NONE, -1, 0x12345ABCull, 12, PTV_RW, 4,
	  "idx 1/2/3/4 (ia = 1<<39 | 2<<30 | 3<<21 | 4<<12 | 0xABC): 4K RW leaf" },
	{ 0x0000008080604ABCull, PTV_X, PT_FAULT_PERM, 0, 0, 0, 0, 4,
	  "same page, X requested, XD=1 in the PTE" },
	{ 0x0000008080605010ull, PTV_RX, PT_FAULT_NONE, -1, 0x0ABCD010ull, 12, PTV_RX, 4,
	  "PT[5]: R/W=0, XD=0 -> RX" },
	{ 0x0000008080812345ull, PTV_W, PT_FAULT_NONE, -1, 0x40012345ull, 21, PTV_RWX, 3,
	  "PD[4] 2M leaf (ia = ... | 4<<21 | 0x12345)" },
	{ 0x00000080D2345678ull, PTV_R, PT_FAULT_NONE, -1, 0x152345678ull, 30, PTV_R, 2,
	  "PDPT[3] 1G leaf: 0x1_4000_0000 + 0x1234_5678" },
	{ 0x00000080D2345678ull, PTV_W, PT_FAULT_PERM, 2, 0, 0, 0, 2,
	  "1G leaf is read-only" },
	{ 0x0000008080A00000ull, PTV_R, PT_FAULT_RESERVED, 1, 0, 0, 0, 3,
	  "PD[5]: 2M leaf with bit 13 set" },
	{ 0x0000008080DABCDEull, PTV_R, PT_FAULT_NONE, -1, 0x601ABCDEull, 21, PTV_RWX, 3,
	  "PD[6] (ia 0x80_80DA_BCDE): 2M leaf with PAT bit 12, OA 0x60000000" },
	{ 0x0000010000000000ull, PTV_R, PT_FAULT_RESERVED, 3, 0, 0, 0, 1,
	  "PML4[2] has PS=1" },
	{ 0x0000018000000000ull, PTV_R, PT_FAULT_NOT_PRESENT, 3, 0, 0, 0, 1,
	  "PML4[3] is zero: one read" },
	{ 0x0000008080606000ull, PTV_R, PT_FAULT_NOT_PRESENT, 0, 0, 0, 0, 4,
	  "PT[6] is zero" },
	{ 0x0000008100000777ull, PTV_R, PT_FAULT_NONE, -1, 0x80000777ull, 21, PTV_R, 3,
	  "PDPT[4] table has R/W=0 and XD: RWX 2M leaf below yields R only" },
	{ 0x0000008100000777ull, PTV_W, PT_FAULT_PERM, 1, 0, 0, 0, 3,
	  "W denied by the PDPTE's R/W=0; reported at the leaf level (1)" },
	{ 0xFFFFFF8080604ABCull, PTV_RW, PT_FAULT_NONE, -1, 0x12345ABCull, 12, PTV_RW, 4,
	  "canonical upper-half ia: PML4 index = bits 47:39 = 511, then same path as query 1" },
};

/* --- x86_64 5-level. PML5 0x200000, PML4 0x201000, PDPT 0x202000,
 *     PD 0x203000, PT 0x204000. --- */
static const struct pt_write ptv_x86_5_w[] PTV_UNUSED = {
	{ 0x200008ull, 0x0000000000201027ull }, /* PML5[1] -> PML4 */
	{ 0x200010ull, 0x00000000002010A7ull }, /* PML5[2] PS=1: reserved */
	{ 0x201000ull, 0x0000000000202027ull }, /* PML4[0] -> PDPT */
	{ 0x202000ull, 0x0000000000203027ull }, /* PDPT[0] -> PD */
	{ 0x202008ull, 0x0000000FC00000A5ull }, /* PDPT[1] 1G RX OA 0xF_C000_0000 */
	{ 0x203000ull, 0x800000003FE000E7ull }, /* PD[0] 2M RW XD OA 0x3FE00000 */
	{ 0x203008ull, 0x0000000000204027ull }, /* PD[1] -> PT */
	{ 0x204FF8ull, 0x000FFFFFFFFFF067ull }, /* PT[511] 4K RWX, highest 52-bit page */
};
static const struct pt_walk_query ptv_x86_5_q[] PTV_UNUSED = {
	{ 0x0001000000012345ull, PTV_RW, PT_FAULT_NONE, -1, 0x3FE12345ull, 21, PTV_RW, 4,
	  "ia = 1<<48 | 0x12345: PML5[1] PML4[0] PDPT[0] PD[0] 2M" },
	{ 0x0001000000012345ull, PTV_X, PT_FAULT_PERM, 1, 0, 0, 0, 4, "2M leaf has XD" },
	{ 0x000100007FFFFFFFull, PTV_RX, PT_FAULT_NONE, -1, 0xFFFFFFFFFull, 30, PTV_RX, 3,
	  "PDPT[1] 1G: 0xF_C000_0000 + 0x3FFF_FFFF" },
	{ 0x00010000003FFFFFull, PTV_RWX, PT_FAULT_NONE, -1, 0x000FFFFFFFFFFFFFull, 12, PTV_RWX, 5,
	  "PD[1] -> PT[511], offset 0xFFF: OA = top byte of the 52-bit space" },
	{ 0x0002000000000000ull, PTV_R, PT_FAULT_RESERVED, 4, 0, 0, 0, 1, "PML5[2] PS=1" },
	{ 0xFF00000000000000ull, PTV_R, PT_FAULT_NOT_PRESENT, 4, 0, 0, 0, 1,
	  "canonical 57-bit upper half: PML5 index = bits 56:48 = 256, empty" },
	{ 0x0001008000000000ull, PTV_R, PT_FAULT_NOT_PRESENT, 3, 0, 0, 0, 2, "PML4[1] empty" },
};

/* --- vtdss 3-level (AGAW 39). Root (SS-PDPT) 0x300000, PD 0x301000,
 *     PD2 0x302000, PT 0x303000. --- */
static const struct pt_write ptv_vtd3_w[] PTV_UNUSED = {
	{ 0x300000ull, 0x0000000000301003ull }, /* root[0] -> PD */
	{ 0x300008ull, 0x0000000080000081ull }, /* root[1] 1G R OA 0x80000000 */
	{ 0x300010ull, 0x0000000000302001ull }, /* root[2] -> PD2, R only */
	{ 0x300018ull, 0x00000000C0200083ull }, /* root[3] 1G with bit 21: reserved */
	{ 0x301000ull, 0x0000000000303003ull }, /* PD[0] -> PT */
	{ 0x301008ull, 0x0000000000601083ull }, /* PD[1] 2M with bit 12: reserved */
	{ 0x302000ull, 0x0000000000400083ull }, /* PD2[0] 2M RW OA 0x400000 */
	{ 0x303000ull, 0x00000000ABCDE007ull }, /* PT[0] RWX */
	{ 0x303008ull, 0x0000000001000002ull }, /* PT[1] W only */
	{ 0x303010ull, 0x0000000000005081ull }, /* PT[2] R, bit 7 ignored */
	{ 0x303018ull, 0x0000000000006004ull }, /* PT[3] X only: not present */
};
static const struct pt_walk_query ptv_vtd3_q[] PTV_UNUSED = {
	{ 0x123ull, PTV_RWX, PT_FAULT_NONE, -1, 0xABCDE123ull, 12, PTV_RWX, 3, "PT[0] RWX" },
	{ 0x1000ull, PTV_R, PT_FAULT_PERM, 0, 0, 0, 0, 3, "PT[1] is W-only" },
	{ 0x1234ull, PTV_W, PT_FAULT_NONE, -1, 0x1000234ull, 12, PTV_W, 3, "PT[1] write" },
	{ 0x2010ull, PTV_R, PT_FAULT_NONE, -1, 0x5010ull, 12, PTV_R, 3,
	  "PT[2]: bit 7 of an SS-PTE is ignored" },
	{ 0x3000ull, PTV_R, PT_FAULT_NOT_PRESENT, 0, 0, 0, 0, 3, "PT[3]: R=W=0 -> not present" },
	{ 0x4000ull, PTV_R, PT_FAULT_NOT_PRESENT, 0, 0, 0, 0, 3, "PT[4] zero" },
	{ 0x200055ull, PTV_R, PT_FAULT_RESERVED, 1, 0, 0, 0, 2, "PD[1] 2M with bit 12" },
	{ 0x43456789ull, PTV_R, PT_FAULT_NONE, -1, 0x83456789ull, 30, PTV_R, 1, "root[1] 1G leaf" },
	{ 0x801FFFFFull, PTV_W, PT_FAULT_PERM, 1, 0, 0, 0, 2,
	  "root[2] table lacks W; 2M leaf RW below; fault at leaf level 1" },
	{ 0x80000010ull, PTV_R, PT_FAULT_NONE, -1, 0x400010ull, 21, PTV_R, 2,
	  "root[2] table R only AND leaf R|W (no X bit) = R" },
	{ 0xC0000000ull, PTV_R, PT_FAULT_RESERVED, 2, 0, 0, 0, 1, "root[3] 1G with bit 21" },
	{ 0x100000000ull, PTV_R, PT_FAULT_NOT_PRESENT, 2, 0, 0, 0, 1, "ia 0x1_0000_0000: root[4] zero" },
};

/* --- vtdss 5-level (AGAW 57). Root (SS-PML5) 0x400000, SS-PML4 0x401000,
 *     SS-PDPT 0x402000. --- */
static const struct pt_write ptv_vtd5_w[] PTV_UNUSED = {
	{ 0x400000ull, 0x0000000000401003ull }, /* PML5[0] -> PML4 */
	{ 0x400008ull, 0x0000000080000083ull }, /* PML5[1] PS: reserved */
	{ 0x401000ull, 0x0000000080000083ull }, /* PML4[0] PS: reserved */
	{ 0x401008ull, 0x0000000000402003ull }, /* PML4[1] -> PDPT */
	{ 0x402FF8ull, 0x00000003C0000083ull }, /* PDPT[511] 1G RW OA 0x3_C000_0000 */
};
static const struct pt_walk_query ptv_vtd5_q[] PTV_UNUSED = {
	{ 0x0ull, PTV_R, PT_FAULT_RESERVED, 3, 0, 0, 0, 2, "SS-PML4E with PS" },
	{ 0x000000FFC0000123ull, PTV_RW, PT_FAULT_NONE, -1, 0x3C0000123ull, 30, PTV_RW, 3,
	  "ia bits 47:39 = 1, 38:30 = 511: 1G leaf" },
	{ 0x000000FFC0000123ull, PTV_X, PT_FAULT_PERM, 2, 0, 0, 0, 3, "1G leaf has X(2)=0" },
	{ 0x0001000000000000ull, PTV_R, PT_FAULT_RESERVED, 4, 0, 0, 0, 1, "SS-PML5E with PS" },
	{ 0x01FF000000000000ull, PTV_R, PT_FAULT_NOT_PRESENT, 4, 0, 0, 0, 1,
	  "PML5 index 511 (bits 56:48) empty" },
};

/* --- amdv1 4-level. Root (AMD L4) 0x500000, L2 0x501000 (our 2),
 *     L1 0x502000, L0 0x503000, L2b 0x504000. --- */
static const struct pt_write ptv_amd4_w[] PTV_UNUSED = {
	{ 0x500000ull, 0x6000000000501601ull }, /* root[0] -> 0x501000, NL=3 */
	{ 0x500008ull, 0x6000000000000001ull }, /* root[1] NL=0 at our 3: reserved */
	{ 0x500010ull, 0x2000000000504601ull }, /* root[2] -> L2b, NL=3, IR only */
	{ 0x501000ull, 0x6000000000502401ull }, /* [0] -> 0x502000, NL=2 */
	{ 0x501008ull, 0x2000000180000001ull }, /* [1] 1G R OA 0x1_8000_0000 */
	{ 0x501010ull, 0x6000000000503201ull }, /* [2] NL=1 at our 2: skip, reserved */
	{ 0x501018ull, 0x6000000040000E01ull }, /* [3] NL=7: reserved */
	{ 0x502000ull, 0x6000000000503201ull }, /* [0] -> 0x503000, NL=1 */
	{ 0x502008ull, 0x6000000040000001ull }, /* [1] 2M RW OA 0x40000000 */
	{ 0x502010ull, 0x6000000040201001ull }, /* [2] 2M with bit 12: reserved */
	{ 0x503000ull, 0x6000000076543001ull }, /* [0] 4K RW */
	{ 0x503008ull, 0x2000000000001001ull }, /* [1] 4K R OA 0x1000 */
	{ 0x503010ull, 0x6000000000002201ull }, /* [2] NL=1 at level 0: reserved */
	{ 0x504000ull, 0x6000000200000001ull }, /* L2b[0] 1G RW OA 0x2_0000_0000 */
};
static const struct pt_walk_query ptv_amd4_q[] PTV_UNUSED = {
	{ 0xABCull, PTV_RW, PT_FAULT_NONE, -1, 0x76543ABCull, 12, PTV_RWX, 4,
	  "4K IR|IW, X always granted" },
	{ 0x1008ull, PTV_W, PT_FAULT_PERM, 0, 0, 0, 0, 4, "4K IR only" },
	{ 0x1008ull, PTV_RX, PT_FAULT_NONE, -1, 0x1008ull, 12, PTV_RX, 4, "4K IR only: RX" },
	{ 0x2000ull, PTV_R, PT_FAULT_RESERVED, 0, 0, 0, 0, 4, "NextLevel=1 in a level-0 entry" },
	{ 0x3000ull, PTV_R, PT_FAULT_NOT_PRESENT, 0, 0, 0, 0, 4, "L0[3] zero" },
	{ 0x212345ull, PTV_RW, PT_FAULT_NONE, -1, 0x40012345ull, 21, PTV_RWX, 3, "2M leaf" },
	{ 0x400000ull, PTV_R, PT_FAULT_RESERVED, 1, 0, 0, 0, 3, "2M leaf with bit 12" },
	{ 0x7FFFFFFFull, PTV_R, PT_FAULT_NONE, -1, 0x1BFFFFFFFull, 30, PTV_RX, 2,
	  "1G leaf IR: 0x1_8000_0000 + 0x3FFF_FFFF" },
	{ 0x80000000ull, PTV_R, PT_FAULT_RESERVED, 2, 0, 0, 0, 2, "level skip (NL=1 at our 2)" },
	{ 0xC0000000ull, PTV_R, PT_FAULT_RESERVED, 2, 0, 0, 0, 2, "NextLevel=7" },
	{ 0x8000000000ull, PTV_R, PT_FAULT_RESERVED, 3, 0, 0, 0, 1, "leaf in the root" },
	{ 0x10000000010ull, PTV_W, PT_FAULT_PERM, 2, 0, 0, 0, 2,
	  "root[2] table has IR only: W denied below, leaf IR|IW" },
	{ 0x10000000010ull, PTV_R, PT_FAULT_NONE, -1, 0x200000010ull, 30, PTV_RX, 2,
	  "root[2] IR only AND leaf IR|IW = R, X always" },
	{ 0x18000000000ull, PTV_R, PT_FAULT_NOT_PRESENT, 3, 0, 0, 0, 1, "root[3] zero" },
};

/* --- amdv1 3-level. Root (AMD L3) 0x580000, L1 0x581000, L0 0x582000. --- */
static const struct pt_write ptv_amd3_w[] PTV_UNUSED = {
	{ 0x580000ull, 0x6000000000581401ull }, /* root[0] -> 0x581000, NL=2 */
	{ 0x580008ull, 0x6000000040000001ull }, /* root[1] 1G RW */
	{ 0x580010ull, 0x6000000000581601ull }, /* root[2] NL=3 at our 2: reserved */
	{ 0x581000ull, 0x6000000000582201ull }, /* L1[0] -> 0x582000, NL=1 */
	{ 0x582000ull, 0x2000000000ABC001ull }, /* L0[0] 4K R OA 0xABC000 */
};
static const struct pt_walk_query ptv_amd3_q[] PTV_UNUSED = {
	{ 0x10ull, PTV_R, PT_FAULT_NONE, -1, 0xABC010ull, 12, PTV_RX, 3, "4K R leaf" },
	{ 0x10ull, PTV_W, PT_FAULT_PERM, 0, 0, 0, 0, 3, "4K leaf lacks IW" },
	{ 0x40000123ull, PTV_RW, PT_FAULT_NONE, -1, 0x40000123ull, 30, PTV_RWX, 1,
	  "1G leaf in the 3-level root" },
	{ 0x80000000ull, PTV_R, PT_FAULT_RESERVED, 2, 0, 0, 0, 1, "NextLevel=3 at our level 2" },
	{ 0x200000ull, PTV_R, PT_FAULT_NOT_PRESENT, 1, 0, 0, 0, 2, "L1[1] zero" },
};

/* --- arm_s1 4K, 48-bit, 4 levels. L0 0x600000, L1 0x601000, L2 0x602000,
 *     L3 0x603000, L1b 0x604000, L2b 0x606000. --- */
static const struct pt_write ptv_s1_4k_w[] PTV_UNUSED = {
	{ 0x600000ull, 0x0000000000601003ull }, /* L0[0] -> L1 */
	{ 0x600008ull, 0x0000008000000F45ull }, /* L0[1] block: reserved */
	{ 0x600010ull, 0x5000000000604003ull }, /* L0[2] -> L1b, APTable[1], UXNTable */
	{ 0x600018ull, 0x0001000000605003ull }, /* L0[3] table addr bit 48 */
	{ 0x601000ull, 0x0000000000602003ull }, /* L1[0] -> L2 */
	{ 0x601008ull, 0x00600000C0000FC5ull }, /* L1[1] 1G R XN OA 0xC0000000 */
	{ 0x601010ull, 0x0800000000606003ull }, /* L1[2] -> L2b, PXNTable */
	{ 0x602000ull, 0x0000000000603003ull }, /* L2[0] -> L3 */
	{ 0x602008ull, 0x0000000040200F45ull }, /* L2[1] 2M RWX OA 0x40200000 */
	{ 0x602010ull, 0x0000000040401F45ull }, /* L2[2] 2M with bit 12: reserved */
	{ 0x603000ull, 0x0060000080000F47ull }, /* L3[0] RW XN */
	{ 0x603008ull, 0x0000000080001FC7ull }, /* L3[1] R X */
	{ 0x603010ull, 0x0000000080002F45ull }, /* L3[2] 0b01: reserved */
	{ 0x603018ull, 0x0001000080003F47ull }, /* L3[3] OA bit 48 */
	{ 0x603020ull, 0x0060FFFFFFFFFF47ull }, /* L3[4] RW XN, top 48-bit OA */
	{ 0x604000ull, 0x0000000100000F45ull }, /* L1b[0] 1G RWX OA 0x1_0000_0000 */
	{ 0x606000ull, 0x0000000000600F45ull }, /* L2b[0] 2M RWX OA 0x600000 */
};
static const struct pt_walk_query ptv_s1_4k_q[] PTV_UNUSED = {
	{ 0x123ull, PTV_RW, PT_FAULT_NONE, -1, 0x80000123ull, 12, PTV_RW, 4, "L3[0] RW" },
	{ 0x123ull, PTV_X, PT_FAULT_PERM, 0, 0, 0, 0, 4, "L3[0] UXN|PXN" },
	{ 0x1FFFull, PTV_RX, PT_FAULT_NONE, -1, 0x80001FFFull, 12, PTV_RX, 4, "L3[1] AP[2]=1" },
	{ 0x1000ull, PTV_W, PT_FAULT_PERM, 0, 0, 0, 0, 4, "L3[1] read-only" },
	{ 0x2000ull, PTV_R, PT_FAULT_RESERVED, 0, 0, 0, 0, 4, "L3 with 0b01" },
	{ 0x3000ull, PTV_R, PT_FAULT_ADDR_SIZE, 0, 0, 0, 0, 4,
	  "page OA bit 48 set with 48-bit OA" },
	{ 0x4123ull, PTV_R, PT_FAULT_NONE, -1, 0xFFFFFFFFF123ull, 12, PTV_RW, 4,
	  "page at the top of the 48-bit OA space" },
	{ 0x5000ull, PTV_R, PT_FAULT_NOT_PRESENT, 0, 0, 0, 0, 4, "L3[5] zero" },
	{ 0x212345ull, PTV_RWX, PT_FAULT_NONE, -1, 0x40212345ull, 21, PTV_RWX, 3, "L2[1] 2M block" },
	{ 0x400000ull, PTV_R, PT_FAULT_RESERVED, 1, 0, 0, 0, 3, "2M block with bit 12" },
	{ 0x52345678ull, PTV_R, PT_FAULT_NONE, -1, 0xD2345678ull, 30, PTV_R, 2,
	  "L1[1] 1G block: 0xC000_0000 + 0x1234_5678" },
	{ 0x8000000000ull, PTV_R, PT_FAULT_RESERVED, 3, 0, 0, 0, 1, "L0 block with 4K granule" },
	{ 0x10000000042ull, PTV_R, PT_FAULT_NONE, -1, 0x100000042ull, 30, PTV_R, 2,
	  "L0[2] APTable[1]+UXNTable over an RWX 1G block: R only" },
	{ 0x10000000042ull, PTV_W, PT_FAULT_PERM, 2, 0, 0, 0, 2, "APTable[1] denies W" },
	{ 0x18000000000ull, PTV_R, PT_FAULT_ADDR_SIZE, 3, 0, 0, 0, 1,
	  "L0[3] next-table address has bit 48 set" },
	{ 0x80000010ull, PTV_X, PT_FAULT_PERM, 1, 0, 0, 0, 3, "L1[2] PXNTable denies X" },
	{ 0x80000010ull, PTV_RW, PT_FAULT_NONE, -1, 0x600010ull, 21, PTV_RW, 3,
	  "L1[2] PXNTable over an RWX 2M block: RW" },
};

/* --- arm_s1 16K, 48-bit, 4 levels (L0 has 2 entries). L0 0x800000,
 *     L1 0x804000, L2 0x808000, L3 0x80C000. Index bits: L0 47, L1 46:36,
 *     L2 35:25, L3 24:14. --- */
static const struct pt_write ptv_s1_16k_w[] PTV_UNUSED = {
	{ 0x800000ull, 0x0000000000804003ull }, /* L0[0] -> L1 */
	{ 0x804008ull, 0x0000000000808003ull }, /* L1[1] -> L2 */
	{ 0x804010ull, 0x0000001000000F45ull }, /* L1[2] 64G block: reserved */
	{ 0x808010ull, 0x000000000080C003ull }, /* L2[2] -> L3 */
	{ 0x808018ull, 0x0000000400000FC5ull }, /* L2[3] 32M RX OA 0x4_0000_0000 */
	{ 0x808020ull, 0x0000000008004F45ull }, /* L2[4] 32M with bit 14: reserved */
	{ 0x80C018ull, 0x0060000012344F47ull }, /* L3[3] 16K RW XN OA 0x12344000 */
	{ 0x80C020ull, 0x0000000000010F45ull }, /* L3[4] 0b01: reserved */
	{ 0x80C028ull, 0x0002000000014F47ull }, /* L3[5] OA bit 49 */
};
static const struct pt_walk_query ptv_s1_16k_q[] PTV_UNUSED = {
	{ 0x000000100400FABCull, PTV_RW, PT_FAULT_NONE, -1, 0x12347ABCull, 14, PTV_RW, 4,
	  "ia 0x10_0400_FABC: L0[0] L1[1] L2[2] L3[3], offset 0x3ABC" },
	{ 0x0000001007ABCDEFull, PTV_RX, PT_FAULT_NONE, -1, 0x401ABCDEFull, 25, PTV_RX, 3,
	  "L2[3] 32M block: 0x4_0000_0000 + 0x1AB_CDEF" },
	{ 0x0000001007ABCDEFull, PTV_W, PT_FAULT_PERM, 1, 0, 0, 0, 3, "32M block read-only" },
	{ 0x2000000000ull, PTV_R, PT_FAULT_RESERVED, 2, 0, 0, 0, 2, "L1 block with 16K" },
	{ 0x1008000000ull, PTV_R, PT_FAULT_RESERVED, 1, 0, 0, 0, 3, "32M block with bit 14" },
	{ 0x1004010000ull, PTV_R, PT_FAULT_RESERVED, 0, 0, 0, 0, 4, "L3 with 0b01" },
	{ 0x1004014000ull, PTV_R, PT_FAULT_ADDR_SIZE, 0, 0, 0, 0, 4, "page OA bit 49 set" },
	{ 0x800000000000ull, PTV_R, PT_FAULT_NOT_PRESENT, 3, 0, 0, 0, 1, "L0[1] (ia bit 47) zero" },
	{ 0x0ull, PTV_R, PT_FAULT_NOT_PRESENT, 2, 0, 0, 0, 2, "L1[0] zero" },
};

/* --- arm_s1 64K, 48-bit, 3 levels (L1 root, 64 entries). L1 0xA00000,
 *     L2 0xA10000, L3 0xA20000. Index bits: L1 47:42, L2 41:29, L3 28:16. --- */
static const struct pt_write ptv_s1_64k_w[] PTV_UNUSED = {
	{ 0xA00008ull, 0x0000000000A10003ull }, /* L1[1] -> L2 */
	{ 0xA00010ull, 0x0000040000000F45ull }, /* L1[2] 4T block: reserved */
	{ 0xA10028ull, 0x0000000000A20003ull }, /* L2[5] -> L3 */
	{ 0xA10030ull, 0x0060000060000F45ull }, /* L2[6] 512M RW XN OA 0x60000000 */
	{ 0xA10038ull, 0x0000000090000F45ull }, /* L2[7] 512M with bit 28: reserved */
	{ 0xA20008ull, 0x0060000000010FC7ull }, /* L3[1] R XN OA 0x10000 */
	{ 0xA2FFF8ull, 0x00000003FFFF0F47ull }, /* L3[8191] RWX OA 0x3_FFFF_0000 */
};
static const struct pt_walk_query ptv_s1_64k_q[] PTV_UNUSED = {
	{ 0x400BFFFFEDCull, PTV_RWX, PT_FAULT_NONE, -1, 0x3FFFFFEDCull, 16, PTV_RWX, 3,
	  "ia = 1<<42 | 5<<29 | 0x1FFF<<16 | 0xFEDC" },
	{ 0x400D2345678ull, PTV_RW, PT_FAULT_NONE, -1, 0x72345678ull, 29, PTV_RW, 2,
	  "L2[6] 512M block: 0x6000_0000 + 0x1234_5678" },
	{ 0x400D2345678ull, PTV_X, PT_FAULT_PERM, 1, 0, 0, 0, 2, "512M block UXN|PXN" },
	{ 0x80000000000ull, PTV_R, PT_FAULT_RESERVED, 2, 0, 0, 0, 1, "L1 block with 64K" },
	{ 0x400E0000000ull, PTV_R, PT_FAULT_RESERVED, 1, 0, 0, 0, 2, "512M block with bit 28" },
	{ 0x400A0000000ull, PTV_R, PT_FAULT_NOT_PRESENT, 0, 0, 0, 0, 3, "L3[0] zero" },
	{ 0x400A0010008ull, PTV_W, PT_FAULT_PERM, 0, 0, 0, 0, 3, "L3[1] read-only" },
	{ 0x400A0010008ull, PTV_R, PT_FAULT_NONE, -1, 0x10008ull, 16, PTV_R, 3, "L3[1]" },
	{ 0x0ull, PTV_R, PT_FAULT_NOT_PRESENT, 2, 0, 0, 0, 1, "L1[0] zero" },
};

/* --- arm_s2 4K, IPA 40, 3 levels, root = 2 concatenated L1 tables (8K)
 *     at 0xC00000 (index IPA[39:30]); L2 0xC02000, L3 0xC03000. --- */
static const struct pt_write ptv_s2_4k40_w[] PTV_UNUSED = {
	{ 0xC00000ull, 0x0000000000C02003ull }, /* root[0] -> L2 */
	{ 0xC01000ull, 0x00000000400007FDull }, /* root[0x200] (2nd table) 1G RWX */
	{ 0xC02000ull, 0x0000000000C03003ull }, /* L2[0] -> L3 */
	{ 0xC02008ull, 0x00600000002007FDull }, /* L2[1] 2M RW XN OA 0x200000 */
	{ 0xC02010ull, 0x00000000005007FDull }, /* L2[2] 2M with bit 20: reserved */
	{ 0xC02020ull, 0x0001000000C05003ull }, /* L2[4] table addr bit 48 */
	{ 0xC03000ull, 0x00600000012347FFull }, /* L3[0] RW XN OA 0x1234000 */
	{ 0xC03008ull, 0x000000000000577Full }, /* L3[1] R X OA 0x5000 */
	{ 0xC03010ull, 0x006000000000673Full }, /* L3[2] S2AP=00 XN OA 0x6000 */
	{ 0xC03018ull, 0x00600000000077BFull }, /* L3[3] W-only XN OA 0x7000 */
	{ 0xC03020ull, 0x00000000000087FDull }, /* L3[4] 0b01: reserved */
	{ 0xC03028ull, 0x00020000000097FFull }, /* L3[5] OA bit 49 */
};
static const struct pt_walk_query ptv_s2_4k40_q[] PTV_UNUSED = {
	{ 0xABCull, PTV_RW, PT_FAULT_NONE, -1, 0x1234ABCull, 12, PTV_RW, 3, "L3[0] RW" },
	{ 0x1010ull, PTV_RX, PT_FAULT_NONE, -1, 0x5010ull, 12, PTV_RX, 3, "L3[1] S2AP=01 XN=00" },
	{ 0x1010ull, PTV_W, PT_FAULT_PERM, 0, 0, 0, 0, 3, "L3[1] no S2AP[1]" },
	{ 0x2000ull, PTV_R, PT_FAULT_PERM, 0, 0, 0, 0, 3, "valid page, S2AP=00" },
	{ 0x3008ull, PTV_W, PT_FAULT_NONE, -1, 0x7008ull, 12, PTV_W, 3, "W-only page" },
	{ 0x4000ull, PTV_R, PT_FAULT_RESERVED, 0, 0, 0, 0, 3, "L3 with 0b01" },
	{ 0x5000ull, PTV_R, PT_FAULT_ADDR_SIZE, 0, 0, 0, 0, 3, "page OA bit 49" },
	{ 0x6000ull, PTV_R, PT_FAULT_NOT_PRESENT, 0, 0, 0, 0, 3, "L3[6] zero" },
	{ 0x3FFFFFull, PTV_RW, PT_FAULT_NONE, -1, 0x3FFFFFull, 21, PTV_RW, 2, "L2[1] 2M block" },
	{ 0x400000ull, PTV_R, PT_FAULT_RESERVED, 1, 0, 0, 0, 2, "2M block with bit 20" },
	{ 0x600000ull, PTV_R, PT_FAULT_NOT_PRESENT, 1, 0, 0, 0, 2, "L2[3] zero" },
	{ 0x800000ull, PTV_R, PT_FAULT_ADDR_SIZE, 1, 0, 0, 0, 2, "L2[4] table addr bit 48" },
	{ 0x8000001234ull, PTV_RWX, PT_FAULT_NONE, -1, 0x40001234ull, 30, PTV_RWX, 1,
	  "IPA bit 39 set: root index 0x200, entry in the 2nd concatenated table" },
	{ 0xFFC0000000ull, PTV_R, PT_FAULT_NOT_PRESENT, 2, 0, 0, 0, 1, "root index 0x3FF zero" },
};

/* --- arm_s2 16K, IPA 40, 2 levels, root = 16 concatenated L2 tables
 *     (256K) at 0x1000000 (index IPA[39:25], 15 bits); L3 0x1040000,
 *     L3b 0x1044000 (index IPA[24:14]). --- */
static const struct pt_write ptv_s2_16k40_w[] PTV_UNUSED = {
	{ 0x1000000ull, 0x0000000001040003ull }, /* root[0] -> L3 */
	{ 0x1000010ull, 0x00000000050007FDull }, /* root[2] 32M with bit 24: reserved */
	{ 0x1020000ull, 0x0000000001044003ull }, /* root[0x4000] -> L3b */
	{ 0x103FFF8ull, 0x00600002000007FDull }, /* root[0x7FFF] 32M RW XN OA 0x2_0000_0000 */
	{ 0x1040000ull, 0x00000000000047FFull }, /* L3[0] RWX OA 0x4000 */
	{ 0x1040008ull, 0x00000000000087FDull }, /* L3[1] 0b01: reserved */
	{ 0x1047FF8ull, 0x000000000FFFC77Full }, /* L3b[0x7FF] R X OA 0xFFFC000 */
};
static const struct pt_walk_query ptv_s2_16k40_q[] PTV_UNUSED = {
	{ 0x10ull, PTV_RWX, PT_FAULT_NONE, -1, 0x4010ull, 14, PTV_RWX, 2, "L3[0]" },
	{ 0x4000ull, PTV_R, PT_FAULT_RESERVED, 0, 0, 0, 0, 2, "L3[1] 0b01" },
	{ 0x8000ull, PTV_R, PT_FAULT_NOT_PRESENT, 0, 0, 0, 0, 2, "L3[2] zero" },
	{ 0x2000000ull, PTV_R, PT_FAULT_NOT_PRESENT, 1, 0, 0, 0, 1, "root[1] zero" },
	{ 0x4000000ull, PTV_R, PT_FAULT_RESERVED, 1, 0, 0, 0, 1, "root[2] block with bit 24" },
	{ 0xFFFFFFFFFFull, PTV_W, PT_FAULT_NONE, -1, 0x201FFFFFFull, 25, PTV_RW, 1,
	  "last IPA: root index 0x7FFF (16th table, last entry) 32M block" },
	{ 0x8001FFFFFFull, PTV_R, PT_FAULT_NONE, -1, 0xFFFFFFFull, 14, PTV_RX, 2,
	  "root index 0x4000 (IPA bit 39) -> L3b[0x7FF], offset 0x3FFF" },
	{ 0x8001FFFFFFull, PTV_W, PT_FAULT_PERM, 0, 0, 0, 0, 2, "L3b[0x7FF] read-only" },
};

/* --- arm_s2 64K, IPA 42, 2 levels, single L2 root 0xE00000 (index
 *     IPA[41:29]), L3 0xE10000 (index IPA[28:16]). --- */
static const struct pt_write ptv_s2_64k42_w[] PTV_UNUSED = {
	{ 0xE00000ull, 0x0000000000E10003ull }, /* root[0] -> L3 */
	{ 0xE00008ull, 0x006000006000077Dull }, /* root[1] 512M R XN OA 0x60000000 */
	{ 0xE1FFF8ull, 0x0060FFFFFFFF07FFull }, /* L3[0x1FFF] RW XN top 64K page */
};
static const struct pt_walk_query ptv_s2_64k42_q[] PTV_UNUSED = {
	{ 0x1FFFFFFFull, PTV_RW, PT_FAULT_NONE, -1, 0xFFFFFFFFFFFFull, 16, PTV_RW, 2,
	  "L3[0x1FFF] offset 0xFFFF: top byte of the 48-bit OA" },
	{ 0x20000123ull, PTV_R, PT_FAULT_NONE, -1, 0x60000123ull, 29, PTV_R, 1, "512M block" },
	{ 0x20000123ull, PTV_W, PT_FAULT_PERM, 1, 0, 0, 0, 1, "512M block read-only" },
	{ 0x40000000ull, PTV_R, PT_FAULT_NOT_PRESENT, 1, 0, 0, 0, 1, "root[2] zero" },
};

#define PTV_SCEN(nm, key, root, w, q) \
	{ nm, key, root, w, NB_ARRAY_SIZE(w), q, NB_ARRAY_SIZE(q) }

static const struct pt_walk_scenario pt_walk_scenarios[] PTV_UNUSED = {
	PTV_SCEN("x86_64_4lvl", PTV_X86_4, 0x100000ull, ptv_x86_4_w, ptv_x86_4_q),
	PTV_SCEN("x86_64_5lvl", PTV_X86_5, 0x200000ull, ptv_x86_5_w, ptv_x86_5_q),
	PTV_SCEN("vtdss_3lvl", PTV_VTD3, 0x300000ull, ptv_vtd3_w, ptv_vtd3_q),
	PTV_SCEN("vtdss_5lvl", PTV_VTD5, 0x400000ull, ptv_vtd5_w, ptv_vtd5_q),
	PTV_SCEN("amdv1_4lvl", PTV_AMD4, 0x500000ull, ptv_amd4_w, ptv_amd4_q),
	PTV_SCEN("amdv1_3lvl", PTV_AMD3, 0x580000ull, ptv_amd3_w, ptv_amd3_q),
	PTV_SCEN("arm_s1_4k", PTV_S1_4K, 0x600000ull, ptv_s1_4k_w, ptv_s1_4k_q),
	PTV_SCEN("arm_s1_16k", PTV_S1_16K, 0x800000ull, ptv_s1_16k_w, ptv_s1_16k_q),
	PTV_SCEN("arm_s1_64k", PTV_S1_64K, 0xA00000ull, ptv_s1_64k_w, ptv_s1_64k_q),
	PTV_SCEN("arm_s2_4k_ipa40", PTV_S2_4K40, 0xC00000ull, ptv_s2_4k40_w, ptv_s2_4k40_q),
	PTV_SCEN("arm_s2_16k_ipa40", PTV_S2_16K40, 0x1000000ull, ptv_s2_16k40_w, ptv_s2_16k40_q),
	PTV_SCEN("arm_s2_64k_ipa42", PTV_S2_64K42, 0xE00000ull, ptv_s2_64k42_w, ptv_s2_64k42_q),
};

/* ======================================================================
 * Nested scenarios
 * ====================================================================== */

/*
 * x86_64 4-level stage 1 over vtdss 4-level stage 2.
 * Stage 2 (PA): root 0x1100000, L2 0x1101000, L1 0x1102000, L0 0x1103000,
 * L0b 0x1104000. It maps IPA 0x10000..0x13FFF (the stage-1 tables) 4K to
 * PA 0x1200000..0x1203FFF, IPA 0x20000 -> PA 0x2345000 RWX, IPA 0x21000 ->
 * PA 0x2346000 R, IPA 0x200000 (2M) -> PA 0x1400000 RW, IPA 0x405000 ->
 * PA 0x3000000 RW. Stage 1 (at those PAs): root IPA 0x10000, L2 IPA
 * 0x11000, L1 IPA 0x12000, L0 IPA 0x13000; IOVA indices 1/2/3/x.
 * Cost: each stage-1 table read = 4 stage-2 reads + 1; final IPA = 4 more
 * (3 when it hits the stage-2 2M leaf).
 */
static const struct pt_write ptv_nest_x86_vtd_w[] PTV_UNUSED = {
	/* stage 2 (vtdss) */
	{ 0x1100000ull, 0x0000000001101003ull }, /* root[0] -> L2 */
	{ 0x1101000ull, 0x0000000001102003ull }, /* L2[0] -> L1 */
	{ 0x1102000ull, 0x0000000001103003ull }, /* L1[0] -> L0 (IPA 0..2M) */
	{ 0x1102008ull, 0x0000000001400083ull }, /* L1[1] 2M RW: IPA 0x200000 -> PA 0x1400000 */
	{ 0x1102010ull, 0x0000000001104003ull }, /* L1[2] -> L0b (IPA 4M..6M) */
	{ 0x1103080ull, 0x0000000001200003ull }, /* L0[0x10] IPA 0x10000 -> PA 0x1200000 */
	{ 0x1103088ull, 0x0000000001201003ull }, /* L0[0x11] */
	{ 0x1103090ull, 0x0000000001202003ull }, /* L0[0x12] */
	{ 0x1103098ull, 0x0000000001203003ull }, /* L0[0x13] */
	{ 0x1103100ull, 0x0000000002345007ull }, /* L0[0x20] IPA 0x20000 -> 0x2345000 RWX */
	{ 0x1103108ull, 0x0000000002346001ull }, /* L0[0x21] IPA 0x21000 -> 0x2346000 R */
	{ 0x1104028ull, 0x0000000003000003ull }, /* L0b[5] IPA 0x405000 -> 0x3000000 RW */
	/* stage 1 (x86_64), at the PAs of their IPAs */
	{ 0x1200008ull, 0x0000000000011027ull }, /* root[1] -> IPA 0x11000 */
	{ 0x1201010ull, 0x0000000000012027ull }, /* L2[2] -> IPA 0x12000 */
	{ 0x1202018ull, 0x0000000000013027ull }, /* L1[3] -> IPA 0x13000 */
	{ 0x1202020ull, 0x00000000002000E7ull }, /* L1[4] 2M RWX -> IPA 0x200000 */
	{ 0x1202028ull, 0x00000000004000E7ull }, /* L1[5] 2M RWX -> IPA 0x400000 */
	{ 0x1203020ull, 0x0000000000020067ull }, /* L0[4] RWX -> IPA 0x20000 */
	{ 0x1203028ull, 0x8000000000021067ull }, /* L0[5] RW XD -> IPA 0x21000 */
	{ 0x1203030ull, 0x0000000000022067ull }, /* L0[6] RWX -> IPA 0x22000 (S2 hole) */
	{ 0x1203040ull, 0x0000000000234067ull }, /* L0[8] RWX -> IPA 0x234000 (S2 2M) */
};
static const struct pt_nested_query ptv_nest_x86_vtd_q[] PTV_UNUSED = {
	{ 0x0000008080604ABCull, PTV_RW, PT_FAULT_NONE, -1, 0x2345ABCull, 12, PTV_RWX, 24,
	  "cold 4x4 walk, all 4K: 4 x (4+1) + 4 = 24", 0, false },
	{ 0x0000008080605123ull, PTV_R, PT_FAULT_NONE, -1, 0x2346123ull, 12, PTV_R, 24,
	  "S1 RW(XD) AND S2 R = R", 0, false },
	{ 0x0000008080605123ull, PTV_W, PT_FAULT_PERM, 0, 0, 0, 0, 24,
	  "S1 grants W, the final S2 leaf does not: stage-2 permission fault", 2, false },
	{ 0x0000008080605000ull, PTV_X, PT_FAULT_PERM, 0, 0, 0, 0, 20,
	  "S1 leaf XD: stage-1 permission fault before the final IPA is translated", 1, false },
	{ 0x0000008080606000ull, PTV_R, PT_FAULT_NOT_PRESENT, 0, 0, 0, 0, 24,
	  "final IPA 0x22000 not mapped by S2 (L0[0x22] zero): 20 + 4", 2, false },
	{ 0x0000008080607000ull, PTV_R, PT_FAULT_NOT_PRESENT, 0, 0, 0, 0, 20,
	  "S1 L0[7] zero", 1, false },
	{ 0x0000008080608FEDull, PTV_RW, PT_FAULT_NONE, -1, 0x1434FEDull, 12, PTV_RW, 23,
	  "S1 4K -> IPA 0x234FED inside the S2 2M leaf: 20 + 3 reads; page = min(4K, 2M); "
	  "S2 leaf has no X", 0, false },
	{ 0x00000080809ABCDEull, PTV_W, PT_FAULT_NONE, -1, 0x15ABCDEull, 21, PTV_RW, 18,
	  "S1 2M (L1[4]) over S2 2M: 3 x 5 + 3 = 18; page = 2M", 0, false },
	{ 0x0000008080A05678ull, PTV_R, PT_FAULT_NONE, -1, 0x3000678ull, 12, PTV_RW, 19,
	  "S1 2M (L1[5]) -> IPA 0x405678 over S2 4K: 15 + 4 = 19; page = min(2M, 4K)", 0, false },
};

/*
 * arm_s1 4K 4-level over arm_s2 4K IPA40 (3 levels, 2 concatenated roots).
 * Stage 2 (PA): root 0x1800000 (8K), L2 0x1802000, L3 0x1803000. It maps
 * IPA 0x40010000..0x40013FFF -> PA 0x1900000..0x1903FFF (the stage-1
 * tables), leaves IPA 0x40014000 unmapped, maps IPA 0x8000_0000..
 * 0xBFFF_FFFF with a 1G block to PA 0x4000_0000, and leaves IPA
 * 0xC000_0000.. unmapped. Each stage-1 table read = 3 stage-2 reads + 1.
 */
static const struct pt_write ptv_nest_arm_w[] PTV_UNUSED = {
	/* stage 2 */
	{ 0x1800008ull, 0x0000000001802003ull }, /* root[1] (IPA 1G..2G) -> L2 */
	{ 0x1800010ull, 0x00000000400007FDull }, /* root[2] 1G RWX IPA 0x80000000 -> PA 0x40000000 */
	{ 0x1802000ull, 0x0000000001803003ull }, /* L2[0] -> L3 */
	{ 0x1803080ull, 0x00600000019007FFull }, /* L3[0x10] IPA 0x40010000 -> PA 0x1900000 */
	{ 0x1803088ull, 0x00600000019017FFull }, /* L3[0x11] */
	{ 0x1803090ull, 0x00600000019027FFull }, /* L3[0x12] */
	{ 0x1803098ull, 0x00600000019037FFull }, /* L3[0x13] */
	/* stage 1 */
	{ 0x1900000ull, 0x0000000040011003ull }, /* L0[0] -> IPA 0x40011000 */
	{ 0x1901008ull, 0x0000000040012003ull }, /* L1[1] -> IPA 0x40012000 */
	{ 0x1901010ull, 0x0000000040014003ull }, /* L1[2] -> IPA 0x40014000 (S2 hole) */
	{ 0x1902010ull, 0x0000000040013003ull }, /* L2[2] -> IPA 0x40013000 */
	{ 0x1902018ull, 0x0000000080200FC5ull }, /* L2[3] 2M block RX -> IPA 0x80200000 */
	{ 0x1903018ull, 0x0060000080005F47ull }, /* L3[3] RW XN -> IPA 0x80005000 */
	{ 0x1903020ull, 0x00000000C0000F47ull }, /* L3[4] RWX -> IPA 0xC0000000 (S2 hole) */
};
static const struct pt_nested_query ptv_nest_arm_q[] PTV_UNUSED = {
	{ 0x40403ABCull, PTV_RW, PT_FAULT_NONE, -1, 0x40005ABCull, 12, PTV_RW, 17,
	  "4 x (3+1) + 1 (final IPA hits the S2 1G block in the root) = 17", 0, false },
	{ 0x40403ABCull, PTV_X, PT_FAULT_PERM, 0, 0, 0, 0, 16,
	  "S1 page UXN|PXN: stage-1 permission fault before the final IPA", 1, false },
	{ 0x40404010ull, PTV_R, PT_FAULT_NOT_PRESENT, 2, 0, 0, 0, 17,
	  "final IPA 0xC0000010: S2 root index 3 is zero (S2 root = our level 2)", 2, false },
	{ 0x80000000ull, PTV_R, PT_FAULT_NOT_PRESENT, 0, 0, 0, 0, 11,
	  "S1 L1[2] points at IPA 0x40014000; its S2 walk (root, L2, L3[0x14]=0) faults: "
	  "4 + 4 + 3 = 11", 2, true },
	{ 0x40612345ull, PTV_RX, PT_FAULT_NONE, -1, 0x40212345ull, 21, PTV_RX, 13,
	  "S1 2M block over S2 1G block: 3 x 4 + 1 = 13; page = 2M", 0, false },
	{ 0x40612345ull, PTV_W, PT_FAULT_PERM, 1, 0, 0, 0, 12,
	  "S1 2M block read-only: stage-1 fault", 1, false },
	{ 0x8000000000ull, PTV_R, PT_FAULT_NOT_PRESENT, 3, 0, 0, 0, 4,
	  "S1 L0[1] zero: 3 S2 reads for the root IPA + 1", 1, false },
};

static const struct pt_nested_scenario pt_nested_scenarios[] PTV_UNUSED = {
	{ "x86_64_4lvl_over_vtdss_4lvl", PTV_X86_4, PTV_VTD4, 0x10000ull, 0x1100000ull,
	  ptv_nest_x86_vtd_w, NB_ARRAY_SIZE(ptv_nest_x86_vtd_w), ptv_nest_x86_vtd_q,
	  NB_ARRAY_SIZE(ptv_nest_x86_vtd_q) },
	{ "arm_s1_4k_over_arm_s2_4k_ipa40", PTV_S1_4K, PTV_S2_4K40, 0x40010000ull, 0x1800000ull,
	  ptv_nest_arm_w, NB_ARRAY_SIZE(ptv_nest_arm_w), ptv_nest_arm_q,
	  NB_ARRAY_SIZE(ptv_nest_arm_q) },
};

#endif
