// SPDX-License-Identifier: MIT
/*
 * A model's description as every benchmark and `nestbench run` see it: the
 * file that describes the model over its vendor's neutral defaults, then
 * the command line's --set overrides. One function, so that `nestbench run`
 * can check the overrides against each model before any family runs,
 * exactly as the benchmarks will apply them.
 *
 * The file is DIR/<model>.cfg when it is there; a model registered with
 * .hardware = "H" and no file of its own runs on DIR/H.cfg under its own
 * name (a tag strategy on hardware that does not differ needs no file).
 * Which file it was is never left unsaid: nb_hwparams_model_file returns
 * it, and the benchmarks record it in their JSON context (config.<model>).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hwparams_internal.h"
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

/* The hardware a model names must be a registered model of its vendor
 * with a file of its own: a registration mistake, said as one. */
static int check_hardware(const struct nb_tag_model *tm)
{
	const struct nb_tag_model *hw;

	if (nb_tag_model_by_name(tm->hardware, &hw))
		return nb_fail(EINVAL, "model %s: .hardware = \"%s\" is no registered model", tm->name,
			       tm->hardware);
	if (hw->hardware || hw->vendor != tm->vendor)
		return nb_fail(EINVAL, "model %s: .hardware = \"%s\" must name a model of its own vendor "
				       "whose file is its own hardware (.hardware unset)", tm->name, tm->hardware);
	return 0;
}

int nb_hwparams_model_file(const char *dir, const char *model, char *path, size_t len,
			   const char **hardware)
{
	const struct nb_tag_model *tm;
	struct stat st;
	char own[512], ebuf[64];
	int ret, err;

	*hardware = NULL;
	if ((ret = nb_tag_model_by_name(model, &tm)))
		return ret;
	if ((size_t)snprintf(own, sizeof(own), "%s/%s.cfg", dir, model) >= sizeof(own))
		return nb_fail(ENAMETOOLONG, "%s/%s.cfg: path too long", dir, model);
	/* Only a name that is not there falls back: anything else about the
	 * model's own file (a folder, no permission, a symlink to nothing or
	 * to itself: lstat, not stat) is its load's error. */
	if (!tm->hardware || lstat(own, &st) == 0 || errno != ENOENT) {
		if (strlen(own) >= len)
			return nb_fail(ENAMETOOLONG, "%s: path too long", own);
		memcpy(path, own, strlen(own) + 1);
		return 0;
	}
	if ((ret = check_hardware(tm)))
		return ret;
	if ((size_t)snprintf(path, len, "%s/%s.cfg", dir, tm->hardware) >= len)
		return nb_fail(ENAMETOOLONG, "%s/%s.cfg: path too long", dir, tm->hardware);
	if (stat(path, &st) != 0) {
		err = errno;
		return nb_fail(err, "model %s: %s: %s, and its hardware (.hardware = \"%s\") %s: %s", model, own,
			       strerror(ENOENT), tm->hardware, path, strerror_r(err, ebuf, sizeof(ebuf)));
	}
	*hardware = tm->hardware;
	return 0;
}

int nb_hwparams_model(const char *dir, const char *model, const char *const *sets, int nsets,
		      struct nb_hw_params *p)
{
	const struct nb_tag_model *tm;
	const char *hw;
	char path[512], all[1024], msg[600];
	int ret;

	if ((ret = nb_tag_model_by_name(model, &tm)) ||
	    (ret = nb_hwparams_model_file(dir, model, path, sizeof(path), &hw)))
		return ret;
	nb_hwparams_defaults(p, tm->vendor);
	/* The file must name its model: an empty file would otherwise run the
	 * neutral defaults, and one naming another model of the same vendor
	 * would run that model under this model's name, both silently. */
	p->model[0] = '\0';
	if ((ret = nb_hwparams_load(p, path)))
		return ret;
	if (strcmp(p->model, hw ? hw : model) != 0)
		return nb_fail(EINVAL, "%s: model: '%s', but this file describes model '%s'%s%s", path,
			       p->model[0] ? p->model : "(not set)", hw ? hw : model,
			       hw ? ", the hardware of model " : "", hw ? model : "");
	if (hw && p->vendor != tm->vendor)
		return nb_fail(EINVAL, "%s: the hardware of model %s is vendor %s, but model %s is vendor %s",
			       path, model, hw_vendor_name(p->vendor), model, hw_vendor_name(tm->vendor));
	/* the hardware's description under this model's name */
	snprintf(p->model, sizeof(p->model), "%s", model);
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

/* The hardware a model runs on, as hwparams.h says; here, beside the
 * choice of file, so that the loader (load.c) never calls back into this
 * file. */
int nb_hwparams_model_base(const char *dir, const char *model, char *base, size_t len)
{
	const config_setting_t *bs;
	const char *hw;
	char path[PATH_MAX], *text = NULL;
	size_t n = 0;
	config_t cfg;
	int ret;

	if ((ret = nb_hwparams_model_file(dir, model, path, sizeof(path), &hw)))
		return ret;
	if (hw) {
		snprintf(base, len, "%s", hw);
		return 0;
	}
	if ((ret = hw_read(path, &text, &n)))
		return ret;
	config_init(&cfg);
	if (!config_read_string(&cfg, text)) {
		ret = nb_fail(EINVAL, "%s:%d: syntax error", path, config_error_line(&cfg));
	} else {
		bs = config_setting_get_member(config_root_setting(&cfg), "base");
		snprintf(base, len, "%s", bs && config_setting_get_string(bs) ? config_setting_get_string(bs) : "");
	}
	config_destroy(&cfg);
	free(text);
	return ret;
}
