// SPDX-License-Identifier: MIT
/*
 * Intel VT-d second-stage page table, 3/4/5 levels (AGAW 39/48/57 bits).
 * Spec: Intel VT-d 4.x, 9.8 "Second-Stage Paging Entries" (SL-PML5E ..
 * SL-PTE): R bit 0, W bit 1, X bit 2 (with ECAP.SLEE), PS bit 7, D bit 9
 * of a leaf (set by hardware on a write when the scalable-mode PASID entry
 * has SSADE; Linux's DMA_SL_PTE_DIRTY_BIT, intel/iommu.h).
 * Levels: SL-PTE=0 ... SL-PML5E=4. Leaves: 4K, 2M, 1G.
 * Execute permission of non-leaf entries is not modelled (Linux leaves SLEE
 * off, so X of table entries never restricts).
 */
#include "fmt.h"

#define SS_R	NB_BIT(0)
#define SS_W	NB_BIT(1)
#define SS_X	NB_BIT(2)
#define SS_PS	NB_BIT(7)
#define SS_D	NB_BIT(9)

const struct nb_fmt nb_fmt_vtdss = {
	.name = "vtdss",
	.spec = "Intel VT-d 9.8 second-stage paging entries",
	.granules_lg2_mask = NB_BIT(12),
	.min_ia_bits = 21, .max_ia_bits = 57, .max_oa_bits = 52, .oa_field_last = 51,
	.min_levels = 3, .max_levels = 5,
	.level_names = { "SL-PTE", "SL-PDE", "SL-PDPE", "SL-PML4E", "SL-PML5E" },
	.leaf_levels = { 0x7 },
	.valid_mask = SS_R | SS_W,
	.table_mask = SS_PS, .table_match = 0,
	.leaf0_mask = 0, .leaf0_match = 0,
	.leafN_mask = SS_PS, .leafN_match = SS_PS,
	.table_bits = SS_R | SS_W,
	.leafN_bits = SS_PS,
	.leaf_perm = {
		[NB_PERM_R] = { SS_R, true, 0 },
		[NB_PERM_W] = { SS_W, true, 0 },
		[NB_PERM_X] = { SS_X, true, 0 },
	},
	.table_perm = {
		[NB_PERM_R] = { SS_R, true, 0 },
		[NB_PERM_W] = { SS_W, true, 0 },
		[NB_PERM_X] = { 0, true, 0 },
	},
	.dirty = SS_D,
};
