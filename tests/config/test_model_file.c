// SPDX-License-Identifier: MIT
/*
 * Which file describes a model (src/config/model_file.c): DIR/<model>.cfg
 * when it is there, else the file of the hardware the model is registered
 * with (.hardware), loaded under the model's own name.
 *
 * The reference for the shipped models is the files they had before they
 * ran on their registered hardware: vtd_vmid.cfg, intel_cachetag.cfg and
 * amd_hostdid.cfg were `base = "<hardware>"; model = "<name>";` and nothing
 * else (git history of configs/). Those files are written again into a
 * folder beside copies of their bases, and each model must load from the
 * shipped folder to the same bytes, and write the same file, as from them.
 * Then the rules, each against an expectation written here: the model's own
 * file wins; the fall-back is said (path and hardware); a missing hardware
 * file names both paths; a hardware file that names another model or is
 * another vendor's is refused; a model with no hardware needs its file;
 * an own file that is there but cannot be read (a folder, a symlink loop
 * or to nothing) is that file's error, not a fall-back.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nb_test.h"
#include "nestbench/hwparams.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 1 << 20);
	size_t n = 0;

	if (f && buf)
		n = fread(buf, 1, (1 << 20) - 1, f);
	CHECK(f && buf && n > 0, "read %s", path);
	if (f)
		fclose(f);
	return buf;
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	CHECK(f && fputs(text, f) >= 0, "write %s", path);
	if (f)
		fclose(f);
}

/* dir (created empty) */
static void fresh_dir(char *dir, size_t len, const char *name)
{
	char cmd[PATH_MAX + 16];

	snprintf(dir, len, "%s/%s", NB_TMP_DIR, name);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0, "%s", cmd);
	CHECK(mkdir(NB_TMP_DIR, 0777) == 0 || errno == EEXIST, "mkdir %s", NB_TMP_DIR);
	CHECK(mkdir(dir, 0777) == 0, "mkdir %s", dir);
}

/* A shipped hardware file with its model line changed to `line`. */
static void put_variant_of(const char *dir, const char *shipped, const char *from, const char *to)
{
	char path[PATH_MAX], *text, *at, out[1 << 16];

	snprintf(path, sizeof(path), "%s/%s.cfg", NB_CONFIGS_DIR, shipped);
	text = slurp(path);
	at = strstr(text, from);
	CHECK(at != NULL, "%s has no '%s'", path, from);
	if (at) {
		snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
		put(dir, strcat(strcpy(path, shipped), ".cfg"), out);
	}
	free(text);
}

static void same_bytes_as_before(const char *old_dir, const char *model)
{
	struct nb_hw_params before, now;
	char a[PATH_MAX], b[PATH_MAX], *ta, *tb;

	memset(&before, 0x5a, sizeof(before));
	memset(&now, 0xa5, sizeof(now));
	CHECK_EQ(nb_hwparams_model(old_dir, model, NULL, 0, &before), 0, "%s from its old file: %s", model,
		 nb_errmsg());
	CHECK_EQ(nb_hwparams_model(NB_CONFIGS_DIR, model, NULL, 0, &now), 0, "%s shipped: %s", model,
		 nb_errmsg());
	CHECK(memcmp(&before, &now, sizeof(now)) == 0, "%s: not the bytes its old file gave", model);
	snprintf(a, sizeof(a), "%s/%s.before.out", NB_TMP_DIR, model);
	snprintf(b, sizeof(b), "%s/%s.now.out", NB_TMP_DIR, model);
	CHECK_EQ(nb_hwparams_write(&before, a), 0, "%s: write: %s", a, nb_errmsg());
	CHECK_EQ(nb_hwparams_write(&now, b), 0, "%s: write: %s", b, nb_errmsg());
	ta = slurp(a);
	tb = slurp(b);
	CHECK(strcmp(ta, tb) == 0, "%s: the writer's file differs from its old file's", model);
	CHECK(strstr(tb, "model = \"") && strstr(tb, model), "%s: written under another name:\n%s", model, tb);
	free(ta);
	free(tb);
}

/* The shipped models that lost their file, against it. */
static void shipped_as_before(void)
{
	char dir[PATH_MAX];

	fresh_dir(dir, sizeof(dir), "before");
	put_variant_of(dir, "vtd", "model = \"vtd\";", "model = \"vtd\";"); /* a copy */
	put_variant_of(dir, "amd", "model = \"amd\";", "model = \"amd\";");
	put(dir, "vtd_vmid.cfg", "base = \"vtd\";\nmodel = \"vtd_vmid\";\n");
	put(dir, "intel_cachetag.cfg", "base = \"vtd\";\nmodel = \"intel_cachetag\";\n");
	put(dir, "amd_hostdid.cfg", "base = \"amd\";\nmodel = \"amd_hostdid\";\n");
	same_bytes_as_before(dir, "vtd_vmid");
	same_bytes_as_before(dir, "intel_cachetag");
	same_bytes_as_before(dir, "amd_hostdid");
}

static void which_file(void)
{
	char dir[PATH_MAX], path[PATH_MAX], want[PATH_MAX + 32], base[64];
	const char *hw = "unset";
	struct nb_hw_params p;
	const char *sets[] = { "iotlb.entries=128" };

	/* shipped: vtd_vmid has no file, vtd_legacy has one */
	CHECK_EQ(nb_hwparams_model_file(NB_CONFIGS_DIR, "vtd_vmid", path, sizeof(path), &hw), 0, "%s",
		 nb_errmsg());
	CHECK(strcmp(path, NB_CONFIGS_DIR "/vtd.cfg") == 0 && hw && strcmp(hw, "vtd") == 0,
	      "vtd_vmid: %s, hardware %s", path, hw ? hw : "(none)");
	CHECK_EQ(nb_hwparams_model_file(NB_CONFIGS_DIR, "vtd_legacy", path, sizeof(path), &hw), 0, "%s",
		 nb_errmsg());
	CHECK(strcmp(path, NB_CONFIGS_DIR "/vtd_legacy.cfg") == 0 && !hw, "vtd_legacy: %s, hardware %s", path,
	      hw ? hw : "(none)");
	CHECK_EQ(nb_hwparams_model_base(NB_CONFIGS_DIR, "vtd_vmid", base, sizeof(base)), 0, "%s", nb_errmsg());
	CHECK(strcmp(base, "vtd") == 0, "vtd_vmid's base: '%s'", base);
	CHECK_EQ(nb_hwparams_model_base(NB_CONFIGS_DIR, "vtd_legacy", base, sizeof(base)), 0, "%s", nb_errmsg());
	CHECK(strcmp(base, "vtd") == 0, "vtd_legacy's base: '%s'", base);
	CHECK_EQ(nb_hwparams_model_base(NB_CONFIGS_DIR, "amd", base, sizeof(base)), 0, "%s", nb_errmsg());
	CHECK(strcmp(base, "") == 0, "amd's base: '%s'", base);

	/* --set over a model on its registered hardware: the model's name stays */
	CHECK_EQ(nb_hwparams_model(NB_CONFIGS_DIR, "vtd_vmid", sets, 1, &p), 0, "%s", nb_errmsg());
	CHECK(p.iotlb.entries == 128 && strcmp(p.model, "vtd_vmid") == 0, "vtd_vmid --set: %u entries, model %s",
	      p.iotlb.entries, p.model);

	/* the model's own file wins over its hardware */
	fresh_dir(dir, sizeof(dir), "own");
	put_variant_of(dir, "vtd", "model = \"vtd\";", "model = \"vtd\";");
	put(dir, "vtd_vmid.cfg", "base = \"vtd\";\nmodel = \"vtd_vmid\";\niotlb = { entries = 128; };\n");
	CHECK_EQ(nb_hwparams_model(dir, "vtd_vmid", NULL, 0, &p), 0, "%s", nb_errmsg());
	CHECK(p.iotlb.entries == 128 && strcmp(p.model, "vtd_vmid") == 0, "own file: %u entries, model %s",
	      p.iotlb.entries, p.model);
	CHECK_EQ(nb_hwparams_model_file(dir, "vtd_vmid", path, sizeof(path), &hw), 0, "%s", nb_errmsg());
	snprintf(want, sizeof(want), "%s/vtd_vmid.cfg", dir);
	CHECK(strcmp(path, want) == 0 && !hw, "own file: %s, hardware %s", path, hw ? hw : "(none)");
}

static void expect_error(const char *dir, const char *model, int err, const char *want)
{
	struct nb_hw_params p;

	CHECK_EQ(nb_hwparams_model(dir, model, NULL, 0, &p), -err, "%s in %s: %s", model, dir, nb_errmsg());
	CHECK(strstr(nb_errmsg(), want) != NULL, "%s: message '%s' lacks '%s'", model, nb_errmsg(), want);
}

static void refusals(void)
{
	char dir[PATH_MAX], want[3 * PATH_MAX];

	/* neither the model's file nor its hardware's: both paths */
	fresh_dir(dir, sizeof(dir), "none");
	snprintf(want, sizeof(want),
		 "model vtd_vmid: %s/vtd_vmid.cfg: No such file or directory, and its hardware "
		 "(.hardware = \"vtd\") %s/vtd.cfg: No such file or directory", dir, dir);
	expect_error(dir, "vtd_vmid", ENOENT, want);
	/* a model with no registered hardware needs its own file */
	snprintf(want, sizeof(want), "%s/vtd.cfg: No such file", dir);
	expect_error(dir, "vtd", ENOENT, want);

	/* the hardware file describes another model */
	fresh_dir(dir, sizeof(dir), "other_model");
	put_variant_of(dir, "vtd", "model = \"vtd\";", "model = \"vtd_legacy\";");
	snprintf(want, sizeof(want), "%s/vtd.cfg: model: 'vtd_legacy', but this file describes model 'vtd', "
				     "the hardware of model vtd_vmid", dir);
	expect_error(dir, "vtd_vmid", EINVAL, want);

	/* the hardware file is another vendor's */
	fresh_dir(dir, sizeof(dir), "other_vendor");
	put_variant_of(dir, "smmuv3", "model = \"smmuv3\";", "model = \"amd\";");
	CHECK(rename(strcat(strcpy(want, dir), "/smmuv3.cfg"), strcat(strcpy(want + PATH_MAX, dir), "/amd.cfg")) == 0,
	      "rename in %s", dir);
	snprintf(want, sizeof(want), "%s/amd.cfg: the hardware of model amd_hostdid is vendor smmuv3, but "
				     "model amd_hostdid is vendor amd", dir);
	expect_error(dir, "amd_hostdid", EINVAL, want);

	/* an own file that is there but unreadable is not skipped */
	fresh_dir(dir, sizeof(dir), "own_folder");
	put_variant_of(dir, "vtd", "model = \"vtd\";", "model = \"vtd\";");
	snprintf(want, sizeof(want), "%s/vtd_vmid.cfg", dir);
	CHECK(mkdir(want, 0777) == 0, "mkdir %s", want);
	expect_error(dir, "vtd_vmid", EISDIR, want);
	/* nor one that cannot even be looked at (a symlink to itself: stat
	 * fails with ELOOP, not ENOENT) */
	fresh_dir(dir, sizeof(dir), "own_loop");
	put_variant_of(dir, "vtd", "model = \"vtd\";", "model = \"vtd\";");
	snprintf(want, sizeof(want), "%s/vtd_vmid.cfg", dir);
	CHECK(symlink("vtd_vmid.cfg", want) == 0, "symlink %s", want);
	expect_error(dir, "vtd_vmid", ELOOP, want);
	/* nor a symlink whose target is gone (stat says ENOENT, as for no
	 * file at all: the hardware's vtd.cfg beside it must not be taken) */
	fresh_dir(dir, sizeof(dir), "own_dangling");
	put_variant_of(dir, "vtd", "model = \"vtd\";", "model = \"vtd\";");
	snprintf(want, sizeof(want), "%s/vtd_vmid.cfg", dir);
	CHECK(symlink("gone.cfg", want) == 0, "symlink %s", want);
	expect_error(dir, "vtd_vmid", ENOENT, want);
}

int main(void)
{
	shipped_as_before();
	which_file();
	refusals();
	return nbt_done("config/test_model_file");
}
