// SPDX-License-Identifier: MIT
/* Which page-table formats each vendor's IOMMU walks, for set-ups that need
 * "the vendor's" stage 1 and stage 2 (testbed, emu backend, replay). */
#include "nestbench/iommu.h"

void nb_vendor_formats(enum nb_vendor v, struct nb_pt_cfg *s1, struct nb_pt_cfg *s2)
{
	switch (v) {
	case NB_VENDOR_SMMUV3:
		*s1 = (struct nb_pt_cfg){ .fmt = NB_FMT_ARM_S1, .granule_lg2 = 12, .ia_bits = 48 };
		/* io-pgtable-arm as mainline builds it (arm_lpae_concat_mandatory) */
		*s2 = (struct nb_pt_cfg){ .fmt = NB_FMT_ARM_S2, .granule_lg2 = 12, .ia_bits = 48,
					  .s2_concat = NB_S2_CONCAT_LINUX_MANDATORY };
		break;
	case NB_VENDOR_AMD: /* AMD v2 (x86-64) guest table over the v1 host table */
		*s1 = (struct nb_pt_cfg){ .fmt = NB_FMT_X86_64, .ia_bits = 48 };
		*s2 = (struct nb_pt_cfg){ .fmt = NB_FMT_AMDV1, .ia_bits = 48 };
		break;
	default: /* VT-d first stage over second stage */
		*s1 = (struct nb_pt_cfg){ .fmt = NB_FMT_X86_64, .ia_bits = 48 };
		*s2 = (struct nb_pt_cfg){ .fmt = NB_FMT_VTDSS, .ia_bits = 48 };
		break;
	}
}
