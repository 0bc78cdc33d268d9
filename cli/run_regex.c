// SPDX-License-Identifier: MIT
/* A filter that selects exactly some benchmark names (run_regex.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_regex.h"

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void put_escaped(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (strchr(".[]()*+?{}|^$\\", s[i]))
			fputc('\\', f);
		fputc(s[i], f);
	}
}

/*
 * names[lo..hi), sorted, all sharing their first d characters: the rest of
 * them as one expression. Their common prefix beyond d, then one
 * alternative per next character; a name that ends there makes the
 * alternatives optional (at most one can: the names are distinct).
 */
static void trie(FILE *f, const char **names, int lo, int hi, size_t d)
{
	size_t common = strlen(names[lo] + d);
	bool ends;
	int alts = 0;

	for (int i = lo + 1; i < hi; i++) {
		size_t k = 0;

		while (k < common && names[i][d + k] == names[lo][d + k])
			k++;
		common = k;
	}
	put_escaped(f, names[lo] + d, common);
	d += common;
	if (hi - lo == 1)
		return;
	ends = names[lo][d] == '\0'; /* sorted: the one that ends comes first */
	fputc('(', f);
	for (int i = lo + ends; i < hi;) {
		int j = i + 1;

		while (j < hi && names[j][d] == names[i][d])
			j++;
		fputs(alts++ ? "|" : "", f);
		trie(f, names, i, j, d);
		i = j;
	}
	fputs(ends ? ")?" : ")", f);
}

char *run_regex_exact(const char **names, int n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	qsort(names, (size_t)n, sizeof(*names), by_str);
	fputs("^", f);
	if (n > 0)
		trie(f, names, 0, n, 0);
	fputs("$", f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
