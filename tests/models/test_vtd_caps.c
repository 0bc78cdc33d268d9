// SPDX-License-Identifier: MIT
/*
 * VT-d capability registers into model parameters, checked against a
 * decode by hand of the registers QEMU's emulated VT-d reports through
 * IOMMU_GET_HW_INFO (default options, measured in the project's guest):
 *   CAP  0x00d2008c222f0606: MAMV (53:48) = 0xd2 & 0x3f = 18; PSI (39) = 1;
 *        SLLPS (37:34) = 0b0011: 2M and 1G; CM (7) = 0.
 *   ECAP 0x0000000000f00f4a: DT (2) = 0: no device TLB; NEST (26) = 0;
 *        SMTS (43) = 0.
 */
#include <string.h>

#include "nb_test.h"
#include "nestbench/hwparams.h"

int main(void)
{
	struct nb_hw_params p;
	char s[256];

	memset(&p, 0, sizeof(p));
	p.devtlb.entries = 64;
	p.policy.range_max_pages = 512;
	nb_hwparams_apply_vtd_caps(&p, 0x00d2008c222f0606ull, 0xf00f4aull, s, sizeof(s));
	CHECK_EQ(p.policy.max_am, 18, "MAMV");
	CHECK_EQ(p.policy.range_max_pages, 512, "PSI supported: threshold kept");
	CHECK_EQ(p.iotlb.page_sizes, (1ull << 12) | (1ull << 21) | (1ull << 30), "SLLPS 2M+1G");
	CHECK_EQ(p.devtlb.entries, 0, "no device TLB (ECAP.DT = 0)");
	CHECK(strstr(s, "nesting no") && strstr(s, "caching mode off"), "summary: %s", s);
	CHECK_EQ(p.policy.scalable_mode, false, "SMTS 0: legacy mode, 128-bit queue entries");
	/* caching mode on, no PSI, no large pages, DT and NEST set */
	nb_hwparams_apply_vtd_caps(&p, (1ull << 7), (1ull << 2) | (1ull << 26), s, sizeof(s));
	CHECK_EQ(p.policy.range_max_pages, 0, "no PSI: every flush domain-selective");
	CHECK_EQ(p.iotlb.page_sizes, 1ull << 12, "4K only");
	CHECK(strstr(s, "caching mode on") && strstr(s, "nesting yes"), "summary: %s", s);
	/* SMTS (43): scalable mode, 256-bit entries (Linux qi_shift) */
	nb_hwparams_apply_vtd_caps(&p, 0, 1ull << 43, s, sizeof(s));
	CHECK_EQ(p.policy.scalable_mode, true, "SMTS 1: scalable mode");
	return nbt_done("test_vtd_caps");
}
