/* SPDX-License-Identifier: MIT */
/*
 * Run metadata and process plumbing: nb_bench_context() keys reach the JSON
 * "context" (last value wins); the shim's own library facts are there and
 * agree with what the library itself writes; argv need not outlive
 * nb_bench_init() (the strings are freed before the run: ASan would catch a
 * library still reading them, and "executable" must still be argv[0]); the
 * output file is replaced whole, with no temporary left beside it.
 */
#include "shim_test.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void bm_ok(nb_bench_state *st, void *ctx)
{
	while (nb_bench_keep_running(st))
		nb_bench_clobber_memory();
}

static bool looks_like_version(const char *v)
{
	int parts = 0;

	for (;;) {
		if (!isdigit((unsigned char)*v))
			return false;
		while (isdigit((unsigned char)*v))
			v++;
		parts++;
		if (*v == '\0')
			return parts >= 2;
		if (*v++ != '.')
			return false;
	}
}

int main(int argc, char **argv)
{
	char *out = nbt_tmpfile();
	char *tmp_left;
	FILE *f;

	/* An old result that must be replaced whole. */
	f = fopen(out, "w");
	fputs("OLD", f);
	fclose(f);
	struct stat before, after;
	NBT_CHECK(stat(out, &before) == 0, "stat %s", out);

	nb_bench_context("backend", "emu");
	nb_bench_context("model", "vtd");
	nb_bench_context("backend", "iommufd");
	nb_bench_iterations(nb_bench_register("t/ok", bm_ok, NULL), 10);

	/* argv in heap strings, freed (after scribbling) once nb_bench_init returns. */
	const char *args[] = {"shim-context-test", "--benchmark_out_format=json", NULL, NULL};
	char *outflag;
	if (asprintf(&outflag, "--benchmark_out=%s", out) < 0)
		abort();
	args[2] = outflag;
	int hargc = 3;
	char **hargv = calloc(4, sizeof(*hargv));
	char *made[3];
	for (int i = 0; i < 3; i++)
		made[i] = hargv[i] = strdup(args[i]);
	int rc = nb_bench_init(&hargc, hargv);
	NBT_CHECK(rc == 0, "nb_bench_init returned %d", rc);
	NBT_CHECK(hargc == 1 && hargv[0] == made[0] && hargv[1] == NULL,
		  "nb_bench_init left %d arguments, want argv[0] only", hargc);
	for (int i = 0; i < 3; i++) {
		memset(made[i], 'X', strlen(made[i]));
		free(made[i]);
	}
	free(hargv);
	free(outflag);

	rc = nb_bench_run();
	NBT_CHECK(rc == 0, "nb_bench_run returned %d", rc);

	/* Replaced by rename (a new inode), not rewritten in place. */
	NBT_CHECK(stat(out, &after) == 0 && after.st_ino != before.st_ino,
		  "%s was rewritten in place, not replaced by rename", out);
	json_t *doc = nbt_load(out);
	if (!doc)
		return nbt_done("test_context");
	json_t *ctx = json_object_get(doc, "context");
	NBT_CHECK(strcmp(nbt_str(ctx, "backend"), "iommufd") == 0, "backend '%s', want iommufd",
		  nbt_str(ctx, "backend"));
	NBT_CHECK(strcmp(nbt_str(ctx, "model"), "vtd") == 0, "model '%s', want vtd",
		  nbt_str(ctx, "model"));
	NBT_CHECK(strcmp(nbt_str(ctx, "executable"), "shim-context-test") == 0,
		  "executable '%s', want the argv[0] given to nb_bench_init",
		  nbt_str(ctx, "executable"));

	const char *ver = nbt_str(ctx, "nb_bench_library_version");
	NBT_CHECK(strcmp(ver, nb_bench_library_version()) == 0, "context version '%s' vs '%s'", ver,
		  nb_bench_library_version());
	NBT_CHECK(looks_like_version(ver), "library version '%s' is not N.N[.N]", ver);

	/* The build description must agree with the library's own statement. */
	const char *build = nbt_str(ctx, "nb_bench_library_build");
	const char *type = nbt_str(ctx, "library_build_type");
	NBT_CHECK(strcmp(build, nb_bench_library_build()) == 0, "context build '%s' vs '%s'", build,
		  nb_bench_library_build());
	if (strcmp(type, "debug") == 0)
		NBT_CHECK(strstr(build, "assertions enabled"), "library_build_type=debug but '%s'",
			  build);
	else
		NBT_CHECK(strstr(build, "assertions disabled"), "library_build_type=%s but '%s'", type,
			  build);
	NBT_CHECK(strstr(build, "optimised") || strstr(build, "unoptimised") ||
			  strstr(build, "optimisation unknown"),
		  "no optimisation statement in '%s'", build);

	NBT_NUM(nbt_bench(doc, "t/ok"), "iterations", 10, 0);

	if (asprintf(&tmp_left, "%s.tmp.%ld", out, (long)getpid()) < 0)
		abort();
	NBT_CHECK(access(tmp_left, F_OK) != 0, "temporary output %s left behind", tmp_left);

	json_decref(doc);
	unlink(out);
	free(tmp_left);
	free(out);
	return nbt_done("test_context");
}
