// SPDX-License-Identifier: MIT
/*
 * x86-64 paging, 4-level (48-bit) and 5-level (57-bit): the VT-d first-stage
 * and AMD-Vi v2 (guest) page table.
 * Spec: Intel SDM Vol. 3A 4.5 "4-Level Paging and 5-Level Paging" (tables
 * 4-15 .. 4-20); VT-d spec 3.6 / 9.7 (first-stage paging entries).
 * Levels: PT=0, PD=1, PDPT=2, PML4=3, PML5=4. Leaves: 4K, 2M (PD.PS), 1G (PDPT.PS).
 */
#include "fmt.h"

#define X86_P	NB_BIT(0)
#define X86_RW	NB_BIT(1)
#define X86_US	NB_BIT(2)
#define X86_A	NB_BIT(5)
#define X86_D	NB_BIT(6)
#define X86_PS	NB_BIT(7)
#define X86_PAT_LARGE NB_BIT(12) /* PAT bit of a 2M/1G leaf, not address */
#define X86_XD	NB_BIT(63)

const struct nb_fmt nb_fmt_x86_64 = {
	.name = "x86_64",
	.spec = "Intel SDM 3A 4.5; VT-d 3.6 first-stage; AMD IOMMU v2 guest table",
	.granules_lg2_mask = NB_BIT(12),
	.min_ia_bits = 48, .max_ia_bits = 57, .max_oa_bits = 52, .oa_field_last = 51,
	.min_levels = 4, .max_levels = 5,
	.ia_sign_extend = true,
	.level_names = { "PT", "PD", "PDPT", "PML4", "PML5" },
	.leaf_levels = { 0x7 },
	.valid_mask = X86_P,
	.table_mask = X86_PS, .table_match = 0,
	.leaf0_mask = 0, .leaf0_match = 0, /* bit 7 of a PTE is PAT */
	.leafN_mask = X86_PS, .leafN_match = X86_PS,
	.leaf_oa_exempt = X86_PAT_LARGE,
	.table_bits = X86_P | X86_RW | X86_US | X86_A,
	.leaf_bits = X86_P | X86_US | X86_A,
	.leafN_bits = X86_PS,
	.leaf_perm = {
		[NB_PERM_R] = { 0, true, 0 },
		[NB_PERM_W] = { X86_RW, true, X86_D },
		[NB_PERM_X] = { X86_XD, false, 0 },
	},
	.table_perm = {
		[NB_PERM_R] = { 0, true, 0 },
		[NB_PERM_W] = { X86_RW, true, 0 },
		[NB_PERM_X] = { X86_XD, false, 0 },
	},
};
