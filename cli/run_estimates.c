// SPDX-License-Identifier: MIT
/* Per-benchmark time estimates (run_estimates.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "nestbench/nb.h"
#include "run_estimates.h"

struct est {
	char *name;
	double s[2]; /* [0] default, [1] quick; NAN: not measured */
};

struct run_estimates {
	struct est *v;
	int n;
	size_t cap;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct est *)a)->name, ((const struct est *)b)->name);
}

/* "-" or a non-negative finite number of seconds. */
static bool seconds(const char *t, double *v)
{
	char *end;

	if (strcmp(t, "-") == 0) {
		*v = NAN;
		return true;
	}
	errno = 0;
	*v = strtod(t, &end);
	return t[0] && !*end && !errno && isfinite(*v) && *v >= 0;
}

static int add_line(struct run_estimates *e, char *line, const char *path, int lineno)
{
	char *name = strtok(line, "\t"), *q = strtok(NULL, "\t"), *d = strtok(NULL, "\t");
	struct est x;

	if (!name || !q || !d || strtok(NULL, "\t"))
		return nb_fail(EINVAL, "%s:%d: want NAME<TAB>QUICK_S<TAB>DEFAULT_S", path, lineno);
	if (!seconds(q, &x.s[1]) || !seconds(d, &x.s[0]))
		return nb_fail(EINVAL, "%s:%d: '%s' / '%s': seconds must be numbers >= 0 or -", path, lineno, q, d);
	if (nb_grow((void **)&e->v, &e->cap, (size_t)e->n + 1, sizeof(*e->v), 1024))
		return nb_fail(ENOMEM, "%s: out of memory", path);
	x.name = strdup(name);
	if (!x.name)
		return nb_fail(ENOMEM, "%s: out of memory", path);
	e->v[e->n++] = x;
	return 0;
}

int run_estimates_create(const char *path, struct run_estimates **out)
{
	struct run_estimates *e = calloc(1, sizeof(*e));
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, ret = 0;
	struct stat st;
	FILE *f;

	if (!e)
		return nb_fail(ENOMEM, "%s: out of memory", path);
	*out = e;
	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : nb_fail(errno, "%s: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return nb_fail(EISDIR, "%s: a folder, not an estimates file", path);
	}
	while (!ret && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if ((size_t)len != strlen(line))
			ret = nb_fail(EINVAL, "%s:%d: binary data (a NUL byte), not text", path, lineno);
		else if (line[0] && line[0] != '#')
			ret = add_line(e, line, path, lineno);
	}
	if (!ret && ferror(f))
		ret = nb_fail(EIO, "%s: read error: %s", path, strerror(errno));
	free(line);
	fclose(f);
	if (ret)
		return ret;
	if (e->n > 1)
		qsort(e->v, (size_t)e->n, sizeof(*e->v), by_name);
	for (int i = 1; i < e->n; i++)
		if (strcmp(e->v[i - 1].name, e->v[i].name) == 0)
			return nb_fail(EINVAL, "%s: benchmark '%s' is listed twice", path, e->v[i].name);
	return 0;
}

bool run_estimates_get(const struct run_estimates *e, const char *name, bool quick, double *s)
{
	struct est key = { .name = (char *)name }, *hit;

	if (!e || !e->n)
		return false;
	hit = bsearch(&key, e->v, (size_t)e->n, sizeof(*e->v), by_name);
	if (!hit || isnan(hit->s[quick]))
		return false;
	*s = hit->s[quick];
	return true;
}

int run_estimates_count(const struct run_estimates *e)
{
	return e ? e->n : 0;
}

void run_estimates_destroy(struct run_estimates *e)
{
	if (!e)
		return;
	for (int i = 0; i < e->n; i++)
		free(e->v[i].name);
	free(e->v);
	free(e);
}
