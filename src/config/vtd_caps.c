// SPDX-License-Identifier: MIT
/*
 * VT-d capability registers (VT-d spec 11.4.2 CAP_REG, 11.4.3 ECAP_REG), as
 * IOMMU_GET_HW_INFO returns them, fed into a model's parameters: what the
 * real unit says replaces what the config assumed.
 */
#include <stdio.h>

#include "nestbench/hwparams.h"

#define CAP_MAMV(c) (((c) >> 48) & 0x3f)
#define CAP_PSI(c) (((c) >> 39) & 1)
#define CAP_SLLPS(c) (((c) >> 34) & 0xf)
#define CAP_CM(c) (((c) >> 7) & 1)
#define CAP_DWD(c) (((c) >> 54) & 1)
#define CAP_DRD(c) (((c) >> 55) & 1)
#define ECAP_DT(e) (((e) >> 2) & 1)
#define ECAP_NEST(e) (((e) >> 26) & 1)
#define ECAP_SMTS(e) (((e) >> 43) & 1)

int nb_hwparams_apply_vtd_caps(struct nb_hw_params *p, uint64_t cap, uint64_t ecap, char *summary,
			       size_t len)
{
	p->policy.max_am = (uint8_t)CAP_MAMV(cap);
	p->policy.drain = CAP_DRD(cap) && CAP_DWD(cap);
	p->policy.caching_mode = CAP_CM(cap);
	/* Linux's qi_shift(): 256-bit queue entries whenever ECAP.SMTS; the
	 * PASID-table paths need sm_supported() too, which is SMTS with the
	 * scalable-mode default on (taken as on here). */
	p->policy.scalable_mode = ECAP_SMTS(ecap);
	/* without page-selective invalidation every flush is domain-selective */
	if (!CAP_PSI(cap))
		p->policy.range_max_pages = 0;
	p->iotlb.page_sizes = NB_BIT(12) | (CAP_SLLPS(cap) & 1 ? NB_BIT(21) : 0) |
			      (CAP_SLLPS(cap) & 2 ? NB_BIT(30) : 0);
	if (!ECAP_DT(ecap))
		p->devtlb.entries = 0;
	if (summary)
		snprintf(summary, len,
			 "MAMV %llu, PSI %s, second-level pages 4K%s%s, caching mode %s, device TLB %s, nesting %s, scalable mode %s",
			 (unsigned long long)CAP_MAMV(cap), CAP_PSI(cap) ? "yes" : "no",
			 CAP_SLLPS(cap) & 1 ? "/2M" : "", CAP_SLLPS(cap) & 2 ? "/1G" : "",
			 CAP_CM(cap) ? "on" : "off", ECAP_DT(ecap) ? "yes" : "no",
			 ECAP_NEST(ecap) ? "yes" : "no", ECAP_SMTS(ecap) ? "yes" : "no");
	return 0;
}
