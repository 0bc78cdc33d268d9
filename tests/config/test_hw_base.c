// SPDX-License-Identifier: MIT
/*
 * A description that names its base (base = "MODEL";, src/config/load.c):
 * the variant in tests/config/base/ loads to its base with the differences
 * written below by hand; each way a base can be wrong is refused with the
 * errno and the "FILE:LINE: KEY: ..." message written below (lines counted
 * in the fixture files), leaving the struct it was loaded over byte for
 * byte as it was; a chain of 8 bases loads and one of 9 is refused.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "nb_test.h"
#include "nestbench/hwparams.h"

struct bad {
	const char *file;  /* in NB_BASE_DIR */
	int err;
	const char *where; /* the file the message names */
	unsigned line;	   /* 0: the message has no line */
	const char *key;
	const char *detail;
};

static const struct bad cases[] = {
	{ "missing.cfg", ENOENT, "missing.cfg", 1, "base", "\"nosuch\": " NB_BASE_DIR "/nosuch.cfg: No such file" },
	{ "cycle_a.cfg", ELOOP, "cycle_a.cfg", 1, "base",
	  "\"cycle_b\": " NB_BASE_DIR "/cycle_b.cfg:2: base: \"cycle_a\": " NB_BASE_DIR
	  "/cycle_a.cfg is this file or one of its bases" },
	/* deeper: the file asked for and the one that failed */
	{ "deep_top.cfg", EINVAL, "deep_top.cfg", 1, "base",
	  "\"over_broken\": " NB_BASE_DIR "/broken_base.cfg:3: colour: unknown key" },
	{ "self.cfg", ELOOP, "self.cfg", 2, "base", "is this file or one of its bases" },
	{ "other_vendor.cfg", EINVAL, "other_vendor.cfg", 3, "vendor",
	  "\"amd\", but its base vtd_base (" NB_BASE_DIR "/vtd_base.cfg) is vendor \"vtd\"" },
	{ "same_vendor.cfg", EINVAL, "same_vendor.cfg", 3, "vendor",
	  "the value its base vtd_base already has; a file with a base states only what differs" },
	{ "same_value.cfg", EINVAL, "same_value.cfg", 5, "iotlb.entries",
	  "the value its base vtd_base already has (" NB_BASE_DIR "/vtd_base.cfg:5)" },
	{ "same_default.cfg", EINVAL, "same_default.cfg", 4, "policy.fq_entries",
	  "the value its base vtd_base already has (the default)" },
	{ "same_model.cfg", EINVAL, "same_model.cfg", 2, "model", "the value its base vtd_base already has" },
	{ "no_model.cfg", EINVAL, "no_model.cfg", 0, "model",
	  "not set; a file with a base (vtd_base) names the model it describes" },
	{ "base_not_string.cfg", EINVAL, "base_not_string.cfg", 2, "base", "expected a string" },
	{ "base_path.cfg", EINVAL, "base_path.cfg", 1, "base", "use letters, digits, '_' and '-' only" },
	{ "twice.cfg", EINVAL, "twice.cfg", 5, "syntax error", "duplicate setting name" },
	/* the base's own error, named from the file asked for */
	{ "over_broken.cfg", EINVAL, "over_broken.cfg", 1, "base",
	  "\"broken_base\": " NB_BASE_DIR "/broken_base.cfg:3: colour: unknown key" },
	{ "ways_vs_base.cfg", EINVAL, "ways_vs_base.cfg", 4, "iotlb.ways", "3 ways do not divide 64 entries" },
	/* the rule's main key is the base's ways, but the file's change broke it */
	{ "plru_vs_base.cfg", EINVAL, "plru_vs_base.cfg", 4, "iotlb.replacement",
	  "6 ways with plru replacement" },
};

static void expect(const struct bad *c)
{
	struct nb_hw_params p, before;
	char path[PATH_MAX], want[PATH_MAX + 64];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", NB_BASE_DIR, c->file);
	if (c->line)
		snprintf(want, sizeof(want), "%s/%s:%u: %s", NB_BASE_DIR, c->where, c->line, c->key);
	else
		snprintf(want, sizeof(want), "%s/%s: %s: ", NB_BASE_DIR, c->where, c->key);
	nb_hwparams_defaults(&p, NB_VENDOR_SMMUV3);
	memcpy(&before, &p, sizeof(p));
	ret = nb_hwparams_load(&p, path);
	CHECK_EQ(ret, -c->err, "%s: errno (message: %s)", c->file, nb_errmsg());
	CHECK(strncmp(nb_errmsg(), want, strlen(want)) == 0, "%s: message '%s', want it to start '%s'",
	      c->file, nb_errmsg(), want);
	CHECK(strstr(nb_errmsg(), c->detail) != NULL, "%s: message '%s' lacks '%s'", c->file, nb_errmsg(),
	      c->detail);
	CHECK(memcmp(&p, &before, sizeof(p)) == 0, "%s: the struct changed on a failed load", c->file);
}

/* variant.cfg: vtd_base.cfg's description, then its three differences. */
static void variant(void)
{
	struct nb_hw_params got, want;
	char path[PATH_MAX];

	nb_hwparams_defaults(&want, NB_VENDOR_VTD); /* vtd_base.cfg over the defaults: */
	snprintf(want.model, sizeof(want.model), "variant");
	want.iotlb.entries = 128; /* variant.cfg (vtd_base.cfg says 64) */
	want.iotlb.ways = 4;	  /* vtd_base.cfg */
	want.iotlb.repl = NB_REPL_LRU;
	want.policy.strict = false; /* variant.cfg (the default is strict) */

	nb_hwparams_defaults(&got, NB_VENDOR_VTD);
	snprintf(path, sizeof(path), "%s/variant.cfg", NB_BASE_DIR);
	CHECK_EQ(nb_hwparams_load(&got, path), 0, "variant.cfg: %s", nb_errmsg());
	CHECK(memcmp(&got, &want, sizeof(got)) == 0, "variant.cfg: not its base with its differences");

	/* over another vendor's defaults: the base's vendor takes over, as
	 * a file naming its vendor does */
	nb_hwparams_defaults(&got, NB_VENDOR_SMMUV3);
	memset(got.model, 0, sizeof(got.model));
	CHECK_EQ(nb_hwparams_load(&got, path), 0, "variant.cfg over nothing: %s", nb_errmsg());
	CHECK_EQ(got.vendor, NB_VENDOR_VTD, "variant.cfg: the base's vendor");
	CHECK_EQ(got.iotlb.entries, 128, "variant.cfg: its own entries");
}

/* d0.cfg -> d1.cfg -> ... -> dN.cfg, the last one with no base. */
static void chain(int n)
{
	char path[PATH_MAX];

	for (int i = 0; i <= n; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/d%d.cfg", NB_TMP_DIR, i);
		f = fopen(path, "w");
		CHECK(f != NULL, "%s", path);
		if (!f)
			return;
		if (i < n)
			fprintf(f, "base = \"d%d\";\nmodel = \"d%d\";\n", i + 1, i);
		else
			fprintf(f, "model = \"d%d\";\nvendor = \"amd\";\n", i);
		fclose(f);
	}
}

static void depth(void)
{
	struct nb_hw_params p;
	char path[PATH_MAX], want[PATH_MAX + 64];

	chain(8); /* 8 bases: fine */
	snprintf(path, sizeof(path), "%s/d0.cfg", NB_TMP_DIR);
	nb_hwparams_defaults(&p, NB_VENDOR_VTD);
	p.model[0] = '\0';
	CHECK_EQ(nb_hwparams_load(&p, path), 0, "8 bases: %s", nb_errmsg());
	CHECK(strcmp(p.model, "d0") == 0 && p.vendor == NB_VENDOR_AMD, "8 bases: model %s", p.model);

	chain(9); /* 9: the 8th base's base is refused where it is named */
	CHECK_EQ(nb_hwparams_load(&p, path), -ELOOP, "9 bases: %s", nb_errmsg());
	snprintf(want, sizeof(want), "%s/d8.cfg:1: base: \"d9\": more than 8 bases deep", NB_TMP_DIR);
	CHECK(strstr(nb_errmsg(), want) != NULL, "9 bases: '%s', lacks '%s'", nb_errmsg(), want);
	snprintf(want, sizeof(want), "%s/d0.cfg:1: base: \"d1\": ", NB_TMP_DIR);
	CHECK(strncmp(nb_errmsg(), want, strlen(want)) == 0, "9 bases: '%s', want it to start '%s'",
	      nb_errmsg(), want);
}

/* --set cannot name a base: it is a file's key. */
static void set_base(void)
{
	struct nb_hw_params p;

	nb_hwparams_defaults(&p, NB_VENDOR_VTD);
	CHECK_EQ(nb_hwparams_set(&p, "base=amd"), -EINVAL, "--set base");
	CHECK(strcmp(nb_errmsg(), "--set base: only a file names its base (base = \"MODEL\";)") == 0,
	      "--set base: '%s'", nb_errmsg());
}

int main(void)
{
	CHECK(mkdir(NB_TMP_DIR, 0777) == 0 || errno == EEXIST, "mkdir %s", NB_TMP_DIR);
	for (size_t i = 0; i < NB_ARRAY_SIZE(cases); i++)
		expect(&cases[i]);
	variant();
	depth();
	set_base();
	return nbt_done("config/test_hw_base");
}
