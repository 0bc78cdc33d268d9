// SPDX-License-Identifier: MIT
/*
 * The tag-model registry: adding a strategy is one tag_*.c file and one
 * line in model_list.h. The vendor command sets are registered beside them.
 */
#include <errno.h>
#include <string.h>

#include "cmdset.h"

#define NB_MODEL(name) extern const struct nb_tag_model nb_model_##name;
#include "model_list.h"
#undef NB_MODEL

static const struct nb_tag_model *const models[] = {
#define NB_MODEL(name) &nb_model_##name,
#include "model_list.h"
#undef NB_MODEL
};

static void (*const vendor_effects[NB_VENDOR_COUNT])(const struct nb_inv_cmd *,
						      struct nb_inv_effect *) = {
	[NB_VENDOR_VTD] = nb_vtd_effect,
	[NB_VENDOR_AMD] = nb_amd_effect,
	[NB_VENDOR_SMMUV3] = nb_smmuv3_effect,
};

const struct nb_tag_model *nb_tag_model_at(int i)
{
	return i >= 0 && i < (int)NB_ARRAY_SIZE(models) ? models[i] : NULL;
}

int nb_tag_model_by_name(const char *name, const struct nb_tag_model **out)
{
	char known[NB_NAME_LIST];

	for (size_t i = 0; i < NB_ARRAY_SIZE(models); i++) {
		if (strcmp(models[i]->name, name) == 0) {
			*out = models[i];
			return 0;
		}
	}
	return nb_fail(EINVAL, "unknown tag model '%s' (known: %s)", name,
		       nb_tag_model_list(known, sizeof(known)));
}

const char *nb_tag_model_list(char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < NB_ARRAY_SIZE(models); i++)
		nb_name_list_add(buf, len, models[i]->name);
	return buf;
}

const char *nb_gen_kind_name(enum nb_gen_kind k)
{
	static const char *const names[] = {
		[NB_GEN_LINUX] = "linux",
		[NB_GEN_UNMERGED] = "unmerged series",
		[NB_GEN_CONJECTURE] = "seed conjecture",
		[NB_GEN_HYPOTHETICAL] = "hypothetical",
	};

	return (unsigned)k < NB_ARRAY_SIZE(names) ? names[k] : "?";
}

void nb_vendor_effect(const struct nb_inv_cmd *c, struct nb_inv_effect *e)
{
	vendor_effects[nb_inv_op_vendor(c->op)](c, e);
}
