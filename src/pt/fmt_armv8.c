// SPDX-License-Identifier: MIT
/*
 * ARM VMSAv8-64 long-descriptor translation tables, stage 1 and stage 2,
 * 4K/16K/64K granules, 48-bit OA (no FEAT_LPA/LPA2).
 * Spec: Arm ARM DDI 0487, D8.3 "Translation table descriptor formats"
 * (table: bits[1:0]=0b11; block: 0b01; page at level 3: 0b11), D8.4 memory
 * attributes, D8.2.x stage-2 concatenated translation tables (up to 16).
 * Levels: L3=0, L2=1, L1=2, L0=3. Blocks: 4K: L1 (1G) and L2 (2M);
 * 16K: L2 (32M); 64K: L2 (512M).
 * The two stages share the descriptor shape and differ in attributes and
 * permissions only, so they are two data sets over one set of constants.
 */
#include "fmt.h"

#define ARM_VALID	NB_BIT(0)
#define ARM_TABLE	NB_BIT(1) /* table (level > 0) or page (level 0) */
#define ARM_ATTRIDX_1	(1ull << 2)	/* S1 MAIR index 1: cacheable */
#define ARM_S2_MEMATTR_OIWB (0xfull << 2) /* S2 MemAttr: Normal WB */
#define ARM_AP1		NB_BIT(6) /* S1 AP[1]: unprivileged access */
#define ARM_AP2_RDONLY	NB_BIT(7) /* S1 AP[2] */
#define ARM_S2AP_R	NB_BIT(6)
#define ARM_S2AP_W	NB_BIT(7)
#define ARM_SH_IS	(3ull << 8)
#define ARM_AF		NB_BIT(10)
#define ARM_NG		NB_BIT(11)
#define ARM_XN		(NB_BIT(54) | NB_BIT(53)) /* S1 UXN|PXN, S2 XN[1:0] */
#define ARM_PXNTABLE	NB_BIT(59)
#define ARM_UXNTABLE	NB_BIT(60)
#define ARM_APTABLE_RO	NB_BIT(62)

#define ARM_COMMON						\
	.granules_lg2_mask = NB_BIT(12) | NB_BIT(14) | NB_BIT(16), \
	.min_ia_bits = 25, .max_ia_bits = 48, .max_oa_bits = 48,	\
	.oa_field_last = 49, .min_levels = 1, .max_levels = 4,	\
	.level_names = { "L3", "L2", "L1", "L0" },		\
	.leaf_levels = { 0x7, 0x3, 0x3 },			\
	.valid_mask = ARM_VALID,				\
	.table_mask = ARM_TABLE, .table_match = ARM_TABLE,	\
	.leaf0_mask = ARM_TABLE, .leaf0_match = ARM_TABLE,	\
	.leafN_mask = ARM_TABLE, .leafN_match = 0,		\
	.table_bits = ARM_VALID | ARM_TABLE,			\
	.leaf0_bits = ARM_VALID | ARM_TABLE,			\
	.leafN_bits = ARM_VALID

const struct nb_fmt nb_fmt_arm_s1 = {
	ARM_COMMON,
	.name = "arm_s1",
	.spec = "Arm ARM DDI 0487 D8.3 stage-1 descriptors",
	.leaf_bits = ARM_ATTRIDX_1 | ARM_AP1 | ARM_SH_IS | ARM_AF | ARM_NG,
	.leaf_perm = {
		[NB_PERM_R] = { 0, true, 0 },
		[NB_PERM_W] = { ARM_AP2_RDONLY, false, 0 },
		[NB_PERM_X] = { ARM_XN, false, 0 },
	},
	.table_perm = {
		[NB_PERM_R] = { 0, true, 0 },
		[NB_PERM_W] = { ARM_APTABLE_RO, false, 0 },
		[NB_PERM_X] = { ARM_UXNTABLE | ARM_PXNTABLE, false, 0 },
	},
};

const struct nb_fmt nb_fmt_arm_s2 = {
	ARM_COMMON,
	.name = "arm_s2",
	.spec = "Arm ARM DDI 0487 D8.3 stage-2 descriptors, concatenated roots",
	.concat_root = true,
	.leaf_bits = ARM_S2_MEMATTR_OIWB | ARM_SH_IS | ARM_AF,
	.leaf_perm = {
		[NB_PERM_R] = { ARM_S2AP_R, true, 0 },
		[NB_PERM_W] = { ARM_S2AP_W, true, 0 },
		[NB_PERM_X] = { ARM_XN, false, 0 },
	},
	.table_perm = {
		[NB_PERM_R] = { 0, true, 0 },
		[NB_PERM_W] = { 0, true, 0 },
		[NB_PERM_X] = { 0, true, 0 },
	},
};
