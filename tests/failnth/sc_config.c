// SPDX-License-Identifier: MIT
/*
 * Fail-nth scenario: hardware descriptions (src/config over libconfig).
 * Cases: the load of every shipped model file (configs/<model>.cfg of each
 * registered model that has one) over the neutral defaults; several --set
 * assignments at once; a write and its reload.
 *
 * A failed call must leave the description exactly as it was (memcmp) and
 * name the file (or "--set"); a failed write must leave no file half
 * written and no temporary file behind. A call that succeeds gives the
 * baseline's description.
 */
#include <dirent.h>
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nestbench/hwparams.h"
#include "nestbench/iommu.h"
#include "sweep.h"

#define MAX_FILES 16
#define SET_LINE "iotlb.entries=512; iotlb.ways=8; pwc_s1.entries=64; policy.strict=false; policy.fq_entries=32"

static char files[MAX_FILES][512];
static int nfiles;
static char out_dir[64];

static int count(void)
{
	if (nfiles)
		return nfiles + 2;
	for (int i = 0; nb_tag_model_at(i) && nfiles < MAX_FILES; i++) {
		snprintf(files[nfiles], sizeof(files[nfiles]), "%s/configs/%s.cfg", NB_SOURCE_DIR,
			 nb_tag_model_at(i)->name);
		if (access(files[nfiles], R_OK) == 0)
			nfiles++;
	}
	return nfiles + 2;
}

static void case_name(int i, char *buf, size_t len)
{
	if (i < nfiles)
		snprintf(buf, len, "config load %s", strrchr(files[i], '/') + 1);
	else
		snprintf(buf, len, "%s", i == nfiles ? "config --set (5 keys)" : "config write + reload");
}

static int prepare(void)
{
	snprintf(out_dir, sizeof(out_dir), "/tmp/nb-failnth-%d", (int)getpid());
	if (mkdir(out_dir, 0700) && errno != EEXIST)
		return nb_fail(errno, "%s: %s", out_dir, strerror(errno));
	return 0;
}

static uint64_t hash(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* A failed call changed nothing and named what it read. */
static void unchanged(struct fn_ctx *c, const struct nb_hw_params *p, const struct nb_hw_params *before,
		      const char *names)
{
	fn_pause();
	fn_check(c, memcmp(p, before, sizeof(*p)) == 0, "a failed call changed the description");
	fn_check(c, strstr(nb_errmsg(), names) != NULL, "the message does not name %s: %s", names, nb_errmsg());
	fn_resume();
}

static void load(struct fn_ctx *c, struct nb_hw_params *p, const char *path)
{
	struct nb_hw_params before;

	memcpy(&before, p, sizeof(before));
	if (fn_ok(c, nb_hwparams_load(p, path), "load"))
		fn_digest(c, "load %s: %016llx\n", path, (unsigned long long)hash(p, sizeof(*p)));
	else
		unchanged(c, p, &before, path);
}

/* Nothing but the written file in the folder: no temporary left behind. */
static void only_file(struct fn_ctx *c, const char *name, bool present)
{
	DIR *d;
	struct dirent *e;
	int n = 0, found = 0;

	fn_pause();
	d = opendir(out_dir);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		found += strcmp(e->d_name, name) == 0;
	}
	if (d)
		closedir(d);
	fn_check(c, n == (present ? 1 : 0) && found == present, "%s: %d files (the written one %s), %s", out_dir,
		 n, found ? "there" : "not there", present ? "want only it" : "want none");
	fn_resume();
}

static void write_reload(struct fn_ctx *c)
{
	struct nb_hw_params p, again;
	char path[128];

	snprintf(path, sizeof(path), "%s/out.cfg", out_dir);
	fn_pause();
	unlink(path);
	nb_hwparams_defaults(&p, NB_VENDOR_AMD);
	fn_check(c, nb_hwparams_load(&p, files[0]) == 0, "the unarmed load of %s: %s", files[0], nb_errmsg());
	fn_resume();
	if (!fn_ok(c, nb_hwparams_write(&p, path), "write")) {
		fn_pause();
		fn_check(c, strstr(nb_errmsg(), path) != NULL, "the message does not name %s: %s", path,
			 nb_errmsg());
		fn_resume();
		only_file(c, "out.cfg", false);
		return;
	}
	only_file(c, "out.cfg", true);
	memset(&again, 0, sizeof(again));
	load(c, &again, path);
	fn_pause();
	fn_check(c, !c->errors == !memcmp(&p, &again, sizeof(p)) || c->errors,
		 "the written file does not read back the same");
	unlink(path);
	fn_resume();
}

static void run(struct fn_ctx *c, int i)
{
	struct nb_hw_params p, before;

	if (i == nfiles + 1) {
		write_reload(c);
		return;
	}
	nb_hwparams_defaults(&p, NB_VENDOR_VTD);
	if (i < nfiles) {
		load(c, &p, files[i]);
		return;
	}
	memcpy(&before, &p, sizeof(before));
	if (fn_ok(c, nb_hwparams_set(&p, SET_LINE), "--set"))
		fn_digest(c, "set: %016llx\n", (unsigned long long)hash(&p, sizeof(p)));
	else
		unchanged(c, &p, &before, "--set");
}

const struct fn_family fn_config = {
	.name = "config",
	.cases = count,
	.case_name = case_name,
	.prepare = prepare,
	.run = run,
};
