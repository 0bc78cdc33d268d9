// SPDX-License-Identifier: MIT
/* The op table: every op named, owned by its vendor, sync and ranged flags. */
#include "inval_test.h"

static const struct {
	enum nb_inv_op op;
	const char *name;
	enum nb_vendor vendor;
	bool sync, ranged;
} table[] = {
	{ NB_VTD_CC_INV, "CC_INV", NB_VENDOR_VTD, false, false },
	{ NB_VTD_IOTLB_GLOBAL, "IOTLB_GLOBAL", NB_VENDOR_VTD, false, false },
	{ NB_VTD_IOTLB_DSI, "IOTLB_DSI", NB_VENDOR_VTD, false, false },
	{ NB_VTD_IOTLB_PSI, "IOTLB_PSI", NB_VENDOR_VTD, false, true },
	{ NB_VTD_DEVTLB, "DEVTLB", NB_VENDOR_VTD, false, true },
	{ NB_VTD_PIOTLB_PASID, "PIOTLB_PASID", NB_VENDOR_VTD, false, false },
	{ NB_VTD_PIOTLB_PSI, "PIOTLB_PSI", NB_VENDOR_VTD, false, true },
	{ NB_VTD_PC_INV, "PC_INV", NB_VENDOR_VTD, false, false },
	{ NB_VTD_WAIT, "WAIT", NB_VENDOR_VTD, true, false },
	{ NB_VTD_PASID_DEVTLB, "PASID_DEVTLB", NB_VENDOR_VTD, false, true },
	{ NB_AMD_COMPLETION_WAIT, "COMPLETION_WAIT", NB_VENDOR_AMD, true, false },
	{ NB_AMD_INV_DEVTAB_ENTRY, "INVALIDATE_DEVTAB_ENTRY", NB_VENDOR_AMD, false, false },
	{ NB_AMD_INV_IOMMU_PAGES, "INVALIDATE_IOMMU_PAGES", NB_VENDOR_AMD, false, true },
	{ NB_AMD_INV_IOTLB_PAGES, "INVALIDATE_IOTLB_PAGES", NB_VENDOR_AMD, false, true },
	{ NB_AMD_INV_IOMMU_ALL, "INVALIDATE_IOMMU_ALL", NB_VENDOR_AMD, false, false },
	{ NB_SMMU_CFGI_STE, "CFGI_STE", NB_VENDOR_SMMUV3, false, false },
	{ NB_SMMU_CFGI_CD, "CFGI_CD", NB_VENDOR_SMMUV3, false, false },
	{ NB_SMMU_TLBI_NH_ALL, "TLBI_NH_ALL", NB_VENDOR_SMMUV3, false, false },
	{ NB_SMMU_TLBI_NH_ASID, "TLBI_NH_ASID", NB_VENDOR_SMMUV3, false, false },
	{ NB_SMMU_TLBI_NH_VA, "TLBI_NH_VA", NB_VENDOR_SMMUV3, false, true },
	{ NB_SMMU_TLBI_S12_VMALL, "TLBI_S12_VMALL", NB_VENDOR_SMMUV3, false, false },
	{ NB_SMMU_TLBI_S2_IPA, "TLBI_S2_IPA", NB_VENDOR_SMMUV3, false, true },
	{ NB_SMMU_TLBI_NSNH_ALL, "TLBI_NSNH_ALL", NB_VENDOR_SMMUV3, false, false },
	{ NB_SMMU_ATC_INV, "ATC_INV", NB_VENDOR_SMMUV3, false, true },
	{ NB_SMMU_CMD_SYNC, "CMD_SYNC", NB_VENDOR_SMMUV3, true, false },
};

int main(void)
{
	CHECK_EQ(NB_ARRAY_SIZE(table), NB_INV_OP_COUNT, "every op listed here");
	for (size_t i = 0; i < NB_ARRAY_SIZE(table); i++) {
		enum nb_inv_op op = table[i].op;

		CHECK(strcmp(nb_inv_op_name(op), table[i].name) == 0, "op %d named '%s', want '%s'",
		      (int)op, nb_inv_op_name(op), table[i].name);
		CHECK_EQ(nb_inv_op_vendor(op), table[i].vendor, "%s vendor", table[i].name);
		CHECK_EQ(nb_inv_op_is_sync(op), table[i].sync, "%s sync", table[i].name);
		CHECK_EQ(nb_inv_op_ranged(op), table[i].ranged, "%s ranged", table[i].name);
		/* names are unique */
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(table[i].name, nb_inv_op_name(table[j].op)) != 0,
			      "%s named twice", table[i].name);
	}
	CHECK(strcmp(nb_inv_op_name(NB_INV_OP_COUNT), "?") == 0, "past the end");
	CHECK_EQ(nb_inv_op_vendor(NB_INV_OP_COUNT), NB_VENDOR_COUNT, "past the end");
	CHECK(!nb_inv_op_is_sync(NB_INV_OP_COUNT) && !nb_inv_op_ranged(NB_INV_OP_COUNT),
	      "past the end");
	CHECK(strcmp(nb_inv_op_name((enum nb_inv_op)-1), "?") == 0, "negative op");
	return nbt_done("inval/table");
}
