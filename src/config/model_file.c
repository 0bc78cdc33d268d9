// SPDX-License-Identifier: MIT
/*
 * A model's description as every benchmark and `nestbench run` see it: the
 * model's file over its vendor's neutral defaults, then the command line's
 * --set overrides. One function, so that `nestbench run` can check the
 * overrides against each model before any family runs, exactly as the
 * benchmarks will apply them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nestbench/hwparams.h"
#include "nestbench/iommu.h"

/* The overrides as one assignment "a; b; c", which nb_hwparams_set applies
 * together and checks once: a combination valid only as a whole (entries
 * and ways) passes in any order, as on the command line. */
static int join_sets(const char *const *sets, int nsets, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < nsets; i++) {
		int n = snprintf(buf + off, len - off, "%s%s", i ? "; " : "", sets[i]);

		if (n < 0 || (size_t)n >= len - off)
			return nb_fail(E2BIG, "--set: the overrides together are longer than %zu characters",
				       len - 1);
		off += (size_t)n;
	}
	return 0;
}

int nb_hwparams_model(const char *dir, const char *model, const char *const *sets, int nsets,
		      struct nb_hw_params *p)
{
	const struct nb_tag_model *tm;
	char path[512], all[1024], msg[600];
	int ret;

	if ((ret = nb_tag_model_by_name(model, &tm)))
		return ret;
	nb_hwparams_defaults(p, tm->vendor);
	/* The file must name its model: an empty file would otherwise run the
	 * neutral defaults, and one naming another model of the same vendor
	 * would run that model under this model's name, both silently. */
	p->model[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.cfg", dir, model) >= sizeof(path))
		return nb_fail(ENAMETOOLONG, "%s/%s.cfg: path too long", dir, model);
	if ((ret = nb_hwparams_load(p, path)))
		return ret;
	if (strcmp(p->model, model) != 0)
		return nb_fail(EINVAL, "%s: model: '%s', but this file describes model '%s'", path,
			       p->model[0] ? p->model : "(not set)", model);
	if (!nsets)
		return 0;
	if ((ret = join_sets(sets, nsets, all, sizeof(all))))
		return ret;
	if ((ret = nb_hwparams_set(p, all)) || (ret = nb_hwparams_validate(p))) {
		snprintf(msg, sizeof(msg), "%s", nb_errmsg());
		return nb_fail(-ret, "%s (model %s) with --set '%s': %s", path, model, all, msg);
	}
	/* --set changes the hardware of every model it runs; a model or vendor
	 * of its own would turn each file into one other model, or a model onto
	 * another vendor's command set (each benchmark then failed apart) */
	if (strcmp(p->model, model) != 0 || p->vendor != tm->vendor)
		return nb_fail(EINVAL, "%s (model %s) with --set '%s': --set changes every model's hardware, "
			       "not which model or vendor it is (choose models with --filter or --families)",
			       path, model, all);
	return 0;
}
