// SPDX-License-Identifier: MIT
/* The scenario builder (see nestbench/scenario.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nestbench/scenario.h"

int nb_scenario_init(struct nb_scenario *s, uint64_t arena_bytes, uint64_t host_bytes)
{
	int ret;

	memset(s, 0, sizeof(*s));
	if ((ret = nb_arena_create(&s->arena, arena_bytes)))
		return ret;
	if ((ret = nb_palloc_init(&s->host, s->arena, host_bytes))) {
		nb_arena_destroy(s->arena); /* fail-nth sweep: it leaked when the carve failed */
		s->arena = NULL;
		return ret;
	}
	s->host_ts = (struct nb_tspace){ .alloc = &s->host };
	return 0;
}

void nb_scenario_fini(struct nb_scenario *s)
{
	for (int u = 0; u < s->units_kept; u++)
		nb_iommu_destroy(s->unit[u]);
	free(s->unit);
	if (s->ram.size)
		nb_palloc_fini(&s->ram.alloc);
	if (s->host.arena)
		nb_palloc_fini(&s->host);
	nb_arena_destroy(s->arena);
	memset(s, 0, sizeof(*s));
}

int nb_scenario_units(struct nb_scenario *s, const struct nb_hw_params *p,
		      const struct nb_tag_model *model, int units)
{
	int ret;

	if (!model && (ret = nb_tag_model_by_name(p->model, &model)))
		return ret;
	if (s->units_kept < units) {
		struct nb_iommu **n = realloc(s->unit, (size_t)units * sizeof(*n));

		if (!n)
			return nb_fail(ENOMEM, "scenario: out of memory for %d IOMMU units", units);
		s->unit = n;
	}
	s->units = 0;
	for (int u = 0; u < units; u++) {
		if (u < s->units_kept) {
			ret = nb_iommu_reset(s->unit[u], p, s->arena, model);
			if (ret) /* it is gone: the ones after it take its place */
				s->unit[u] = s->unit[--s->units_kept];
		} else {
			ret = nb_iommu_create_with(&s->unit[u], p, s->arena, model);
			s->units_kept += !ret;
		}
		if (ret)
			return ret;
		s->units = u + 1;
	}
	return 0;
}

void nb_scenario_units_release(struct nb_scenario *s)
{
	for (int u = 0; u < s->units_kept; u++)
		nb_iommu_release(s->unit[u]); /* for nb_iommu_reset */
	s->units = 0;
}

int nb_scenario_stage2(struct nb_scenario *s, enum nb_vendor v, struct nb_domain **out)
{
	struct nb_pt_cfg s1, s2;

	nb_vendor_formats(v, &s1, &s2);
	return nb_domain_alloc(out, &s2, s->arena, &s->host_ts);
}

int nb_scenario_ram_map(struct nb_scenario *s, struct nb_domain *s2, uint64_t ipa, uint64_t bytes)
{
	int ret;

	if (s->ram_kept && s->ram_ipa == ipa && s->ram_bytes == bytes) {
		s->ram_kept = false;
		ret = nb_guest_ram_reset(&s->ram, s2);
		if (ret) { /* keep nothing half made */
			nb_palloc_fini(&s->ram.alloc);
			memset(&s->ram, 0, sizeof(s->ram));
		}
		return ret;
	}
	if (s->ram.size) /* its range goes back to the arena first: the new one takes it */
		nb_palloc_fini(&s->ram.alloc);
	memset(&s->ram, 0, sizeof(s->ram));
	s->ram_kept = false;
	s->ram_ipa = ipa;
	s->ram_bytes = bytes;
	return nb_guest_ram_init(&s->ram, s->arena, s2, ipa, bytes);
}

void nb_scenario_ram_forget(struct nb_scenario *s)
{
	s->ram_kept = s->ram.size != 0;
}

void nb_scenario_ram_unmap(struct nb_scenario *s, struct nb_domain *s2)
{
	if (!s->ram.size)
		return;
	if (s->ram_kept)
		nb_palloc_fini(&s->ram.alloc);
	else
		nb_guest_ram_fini(&s->ram, s2);
	memset(&s->ram, 0, sizeof(s->ram));
	s->ram_kept = false;
}
