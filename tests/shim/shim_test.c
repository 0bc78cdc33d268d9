/* SPDX-License-Identifier: MIT */
#include "shim_test.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int nbt_failures;

void nbt_check_(bool ok, const char *file, int line, const char *expr, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return;
	nbt_failures++;
	fprintf(stderr, "FAIL %s:%d: %s: ", file, line, expr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

char *nbt_tmpfile(void)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	if (asprintf(&path, "%s/nb-shim-test-XXXXXX", dir) < 0)
		abort();
	fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		abort();
	}
	close(fd);
	return path;
}

json_t *nbt_load(const char *path)
{
	json_error_t err;
	json_t *doc = json_load_file(path, 0, &err);

	NBT_CHECK(doc != NULL, "cannot parse %s: line %d: %s", path, err.line, err.text);
	return doc;
}

json_t *nbt_run(const char *const *extra, int *rc)
{
	char *path = nbt_tmpfile();
	char *out;
	const char *argv[64];
	int argc = 0;
	json_t *doc = NULL;

	if (asprintf(&out, "--benchmark_out=%s", path) < 0)
		abort();
	argv[argc++] = "shim-test";
	argv[argc++] = out;
	argv[argc++] = "--benchmark_out_format=json";
	argv[argc++] = "--benchmark_min_time=0.01";
	for (size_t i = 0; extra && extra[i] && argc < 63; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;

	*rc = nb_bench_main(argc, (char **)argv);
	doc = nbt_load(path);
	unlink(path);
	free(out);
	free(path);
	return doc;
}

static bool name_in_family(const char *name, const char *family)
{
	size_t n = strlen(family);

	return strncmp(name, family, n) == 0 && (name[n] == '\0' || name[n] == '/');
}

static bool is_iteration_run(json_t *b)
{
	const char *t = json_string_value(json_object_get(b, "run_type"));

	return t && strcmp(t, "iteration") == 0;
}

json_t *nbt_bench(json_t *doc, const char *family)
{
	json_t *list = json_object_get(doc, "benchmarks");
	size_t i;
	json_t *b;

	json_array_foreach(list, i, b) {
		const char *name = json_string_value(json_object_get(b, "name"));

		if (name && is_iteration_run(b) && name_in_family(name, family))
			return b;
	}
	NBT_CHECK(false, "no benchmark '%s' in the output", family);
	return NULL;
}

size_t nbt_names(json_t *doc, const char *family, const char **names, size_t max)
{
	json_t *list = json_object_get(doc, "benchmarks");
	size_t i, n = 0;
	json_t *b;

	json_array_foreach(list, i, b) {
		const char *name = json_string_value(json_object_get(b, "name"));

		if (name && is_iteration_run(b) && name_in_family(name, family) && n < max)
			names[n++] = name;
	}
	return n;
}

double nbt_num(json_t *bench, const char *key)
{
	json_t *v = json_object_get(bench, key);

	if (!json_is_number(v)) {
		const char *name = json_string_value(json_object_get(bench, "name"));

		NBT_CHECK(false, "%s: no number '%s'", name ? name : "(no benchmark)", key);
		return NAN;
	}
	return json_number_value(v);
}

const char *nbt_str(json_t *bench, const char *key)
{
	const char *s = json_string_value(json_object_get(bench, key));

	if (!s) {
		const char *name = json_string_value(json_object_get(bench, "name"));

		NBT_CHECK(false, "%s: no string '%s'", name ? name : "(no benchmark)", key);
		return "";
	}
	return s;
}

bool nbt_near(double got, double want, double rel)
{
	if (isnan(got))
		return false;
	if (want == 0)
		return fabs(got) <= rel;
	return fabs(got - want) <= rel * fabs(want);
}

static int saved_stderr = -1;
static FILE *captured;

void nbt_stderr_begin(void)
{
	fflush(stderr);
	captured = tmpfile();
	saved_stderr = dup(2);
	if (!captured || saved_stderr < 0 || dup2(fileno(captured), 2) < 0) {
		perror("nbt_stderr_begin");
		abort();
	}
}

char *nbt_stderr_end(void)
{
	long size;
	char *text;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	saved_stderr = -1;
	if (fseek(captured, 0, SEEK_END) != 0 || (size = ftell(captured)) < 0)
		abort();
	text = calloc(1, (size_t)size + 1);
	rewind(captured);
	if (!text || fread(text, 1, (size_t)size, captured) != (size_t)size)
		abort();
	fclose(captured);
	fputs(text, stderr); /* keep it in the test log */
	return text;
}

static bool finished;

/* A library that exits on its own (Google Benchmark 1.7.1 exits 0 after
 * printing its help for some bad flags) must not pass for a test success. */
static void exit_guard(void)
{
	if (finished)
		return;
	if (saved_stderr >= 0)
		dup2(saved_stderr, 2);
	fprintf(stderr, "FAIL: the process exited before the test finished\n");
	_exit(1);
}

__attribute__((constructor)) static void install_exit_guard(void)
{
	atexit(exit_guard);
}

int nbt_done(const char *test)
{
	finished = true;
	if (nbt_failures) {
		fprintf(stderr, "%s: %d check(s) failed\n", test, nbt_failures);
		return 1;
	}
	printf("%s: all checks passed\n", test);
	return 0;
}
