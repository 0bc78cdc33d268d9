// SPDX-License-Identifier: MIT
/*
 * AMD-Vi v1 host page table ("I/O page tables for host translation").
 * Spec: AMD I/O Virtualization Technology (IOMMU) Specification 48882,
 * 2.2.3 "I/O Page Tables for Host Translations": PR bit 0, NextLevel bits
 * 11:9 (the AMD level of the next table; 0 in a leaf PTE), address 51:12,
 * IR bit 61, IW bit 62, D bit 6 of a leaf (set by the IOMMU on a write when
 * the DTE's HAD bits enable dirty updates; Linux's IOMMU_PTE_HD_BIT,
 * amd_iommu_types.h). AMD levels are 1-based: our level = AMD level - 1.
 * Leaves carry FC (bit 60, force coherent) as Linux writes every v1 PTE
 * (amd/io_pgtable.c iommu_v1_map_pages: PR | FC).
 * Leaves: NextLevel = 0 at our levels 0..2 (4K/2M/1G). NextLevel = 7
 * (non-default page sizes) and level skipping are refused as reserved.
 */
#include "fmt.h"

#define AMD_PR		NB_BIT(0)
#define AMD_D		NB_BIT(6)
#define AMD_NEXT	NB_GENMASK(11, 9)
#define AMD_NEXT_1	NB_BIT(9)
#define AMD_FC		NB_BIT(60)
#define AMD_IR		NB_BIT(61)
#define AMD_IW		NB_BIT(62)

const struct nb_fmt nb_fmt_amdv1 = {
	.name = "amdv1",
	.spec = "AMD IOMMU spec 48882 2.2.3 host page tables",
	.granules_lg2_mask = NB_BIT(12),
	.min_ia_bits = 21, .max_ia_bits = 64, .max_oa_bits = 52, .oa_field_last = 51,
	.min_levels = 3, .max_levels = 6,
	.level_names = { "L1", "L2", "L3", "L4", "L5", "L6" },
	.leaf_levels = { 0x7 },
	.valid_mask = AMD_PR,
	/* a table entry at our level l points to AMD level l: NextLevel = l */
	.table_mask = AMD_NEXT, .table_match = 0, .table_match_step = AMD_NEXT_1,
	.leaf0_mask = AMD_NEXT, .leaf0_match = 0,
	.leafN_mask = AMD_NEXT, .leafN_match = 0,
	.table_bits = AMD_PR | AMD_IR | AMD_IW, .table_bits_step = AMD_NEXT_1,
	.leaf_bits = AMD_PR | AMD_FC,
	.leaf_perm = {
		[NB_PERM_R] = { AMD_IR, true, 0 },
		[NB_PERM_W] = { AMD_IW, true, 0 },
		[NB_PERM_X] = { 0, true, 0 },
	},
	.table_perm = {
		[NB_PERM_R] = { AMD_IR, true, 0 },
		[NB_PERM_W] = { AMD_IW, true, 0 },
		[NB_PERM_X] = { 0, true, 0 },
	},
	.dirty = AMD_D,
};
