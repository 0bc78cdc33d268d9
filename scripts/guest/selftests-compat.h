/* SPDX-License-Identifier: MIT */
/*
 * Forced in front of the kernel's iommufd selftests (gcc -include) by
 * scripts/guest/build-selftests. Debian's linux-source-6.12 (6.12.118) ships
 * tools/testing/selftests/iommu from a stable backport that names uAPI the
 * 6.12 kernel itself does not have (docs/guest.md, "The kernel's iommufd
 * selftests"). Each name below gets its mainline value, so the programs
 * compile against the 6.12 headers unchanged; what the 6.12 kernel does with
 * them at run time is the kernel's answer, not ours.
 */
#ifndef NB_SELFTESTS_COMPAT_H
#define NB_SELFTESTS_COMPAT_H

#include <linux/iommufd.h>
#include "iommufd_test.h" /* -I the copy's drivers/iommu/iommufd */

/* IOMMU_GET_HW_INFO with a requested type (mainline 6.17, include/uapi/
 * linux/iommufd.h): flag bit 0, type 0 = "the driver's default". The input
 * type shares its field with out_data_type (a union in mainline), so naming
 * that field gives the same struct layout. A 6.12 kernel refuses any flag
 * with EOPNOTSUPP (drivers/iommu/iommufd/device.c, iommufd_get_hw_info). */
#ifndef IOMMU_HW_INFO_TYPE_DEFAULT
#define IOMMU_HW_INFO_TYPE_DEFAULT 0
#define IOMMU_HW_INFO_FLAG_INPUT_TYPE (1 << 0)
#define in_data_type out_data_type
#endif

/* The mock device with PASID support (mainline 6.15, drivers/iommu/iommufd/
 * iommufd_test.h). The 6.12 mock has no PASID support; build-selftests
 * turns the variant that asks for it off. */
#ifndef MOCK_PASID_WIDTH
#define MOCK_FLAGS_DEVICE_PASID (1 << 2)
#define MOCK_PASID_WIDTH 20
#endif

#endif
