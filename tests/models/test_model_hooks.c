// SPDX-License-Identifier: MIT
/*
 * A tag model that lacks a hook the unit calls is refused by name when the
 * unit is created (nb_iommu_create_with), not found out by a crash: a demo
 * model without .s2_tags segfaulted the nested replay at its first attach.
 * The required hooks are the ones include/nestbench/iommu.h documents as
 * such: every one but .effect (NULL: the vendor's command semantics).
 */
#include <errno.h>
#include <string.h>

#include "scenario.h"
#include "nestbench/arena.h"

extern const struct nb_tag_model nb_model_vtd;

static struct nb_arena *arena;

static int create(const struct nb_tag_model *t, const struct nb_hw_params *p)
{
	struct nb_iommu *m = NULL;
	int ret = nb_iommu_create_with(&m, p, arena, t);

	if (ret == 0)
		nb_iommu_destroy(m);
	return ret;
}

int main(void)
{
	struct nb_hw_params p;
	struct nb_tag_model t;
	/* each hook removed in turn, and the name the refusal must give */
	static const struct {
		const char *name;
		size_t off;
	} hooks[] = {
		{ ".domain_init", offsetof(struct nb_tag_model, domain_init) },
		{ ".attach", offsetof(struct nb_tag_model, attach) },
		{ ".detach", offsetof(struct nb_tag_model, detach) },
		{ ".dev_tags", offsetof(struct nb_tag_model, dev_tags) },
		{ ".s2_tags", offsetof(struct nb_tag_model, s2_tags) },
		{ ".flush", offsetof(struct nb_tag_model, flush) },
	};

	CHECK(nb_arena_create(&arena, 64ull << 20) == 0, "arena: %s", nb_errmsg());
	scenario_params(&p, "vtd", NB_VENDOR_VTD);
	CHECK_EQ(create(&nb_model_vtd, &p), 0, "the complete vtd model is taken: %s", nb_errmsg());
	for (size_t i = 0; i < NB_ARRAY_SIZE(hooks); i++) {
		t = nb_model_vtd;
		t.name = "vtd_incomplete";
		memset((char *)&t + hooks[i].off, 0, sizeof(void (*)(void)));
		CHECK_EQ(create(&t, &p), -EINVAL, "without %s: refused", hooks[i].name);
		CHECK(strstr(nb_errmsg(), hooks[i].name) && strstr(nb_errmsg(), "vtd_incomplete"),
		      "without %s: the message names the model and the hook: %s", hooks[i].name, nb_errmsg());
	}
	t = nb_model_vtd;
	t.effect = NULL;
	CHECK_EQ(create(&t, &p), 0, ".effect is optional: %s", nb_errmsg());
	t = nb_model_vtd;
	t.summary = NULL;
	CHECK_EQ(create(&t, &p), -EINVAL, "without .summary: refused");
	CHECK_EQ(create(NULL, &p), -EINVAL, "no model at all: refused");
	nb_arena_destroy(arena);
	return nbt_done("model_hooks");
}
