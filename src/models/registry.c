// SPDX-License-Identifier: MIT
/*
 * The tag-model registry: adding a strategy is one tag_*.c file and one
 * line in model_list.h. (The vendor command sets, which every model's
 * commands run through, are the unit's: src/iommu/cmdset.c.)
 */
#include <errno.h>
#include <string.h>

#include "nestbench/iommu.h"

#define NB_MODEL(name) extern const struct nb_tag_model nb_model_##name;
#include "model_list.h"
#undef NB_MODEL

static const struct nb_tag_model *const models[] = {
#define NB_MODEL(name) &nb_model_##name,
#include "model_list.h"
#undef NB_MODEL
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

/* The unit of a configuration's model, found here by its name (iommu.c
 * takes the model itself: the registry stands above the unit). */
int nb_iommu_create(struct nb_iommu **out, const struct nb_hw_params *p, struct nb_arena *arena)
{
	const struct nb_tag_model *model;
	int ret = nb_tag_model_by_name(p->model, &model);

	return ret ? ret : nb_iommu_create_with(out, p, arena, model);
}
