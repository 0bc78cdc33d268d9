// SPDX-License-Identifier: MIT
/*
 * The vendors' command sets, one a vendor (cmdset_<vendor>.c): what each
 * decoded command hits in the unit's caches. The executor (exec.c) applies
 * them to every model's commands unless the model's hardware says
 * otherwise (its `effect`).
 */
#include "cmdset.h"

static void (*const vendor_effects[NB_VENDOR_COUNT])(const struct nb_inv_cmd *,
						      struct nb_inv_effect *) = {
	[NB_VENDOR_VTD] = nb_vtd_effect,
	[NB_VENDOR_AMD] = nb_amd_effect,
	[NB_VENDOR_SMMUV3] = nb_smmuv3_effect,
};

void nb_vendor_effect(const struct nb_inv_cmd *c, struct nb_inv_effect *e)
{
	vendor_effects[nb_inv_op_vendor(c->op)](c, e);
}
