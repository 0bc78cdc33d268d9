// SPDX-License-Identifier: MIT
/*
 * run_regex_exact (cli/run_regex.c): the filter `nestbench run` hands a
 * benchmark binary for one part of a family selects exactly those names.
 * Reference: set membership, checked with glibc's POSIX extended regex
 * engine (Google Benchmark's std::regex reads the same grammar; the shard
 * recipe test runs real binaries with such filters): every name of the set
 * matches; its prefixes, extensions, near misses and names with regex
 * metacharacters read literally do not.
 */
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_regex.h"

static int fails;

static void expect(bool ok, const char *what, const char *name)
{
	if (!ok) {
		fails++;
		fprintf(stderr, "FAIL: %s: '%s'\n", what, name);
	}
}

static bool in(const char *const *set, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcmp(set[i], s) == 0)
			return true;
	return false;
}

/* The filter of set[0..n) against each probe: a match iff the probe is in the set. */
static void check(const char *what, const char *const *set, int n, const char *const *probes, int np)
{
	const char **copy = malloc((size_t)n * sizeof(*copy));
	char *re_text;
	regex_t re;

	memcpy(copy, set, (size_t)n * sizeof(*copy));
	re_text = run_regex_exact(copy, n);
	if (!re_text || regcomp(&re, re_text, REG_EXTENDED | REG_NOSUB)) {
		expect(false, "the filter compiles", re_text ? re_text : "(no memory)");
		free(re_text);
		free(copy);
		return;
	}
	for (int i = 0; i < n; i++)
		expect(regexec(&re, set[i], 0, NULL, 0) == 0, what, set[i]);
	for (int i = 0; i < np; i++)
		expect((regexec(&re, probes[i], 0, NULL, 0) == 0) == in(set, n, probes[i]), what, probes[i]);
	regfree(&re);
	free(re_text);
	free(copy);
}

int main(void)
{
	static const char *const meta[] = { "a+b", "a.b", "x(y)", "p|q", "s$", "[z]", "a\\b", "^t", "u*", "v?", "{w}" };
	static const char *const meta_probes[] = { "aab", "axb", "xy", "p", "q", "s", "z", "a\\\\b", "t", "", "uu", "v", "w" };
	static const char *const nested[] = { "pgwalk/chase/ws_kib:16", "pgwalk/chase/ws_kib:16384", "pgwalk/chase/ws_kib:1",
					      "pgwalk/single/x86_64-4lvl+vtdss-4lvl/base/random/ws_kib:16" };
	static const char *const nested_probes[] = { "pgwalk/chase/ws_kib:163", "pgwalk/chase/ws_kib:", "pgwalk/chase/ws_kib:16/x",
						     "xpgwalk/chase/ws_kib:16", "pgwalk/chase/ws_kib:2",
						     "pgwalk/single/x86_64-4lvlxvtdss-4lvl/base/random/ws_kib:16" };
	static const char *const one[] = { "concurrency/walk/writers:0/real_time" };
	static const char *const one_probes[] = { "concurrency/walk/writers:1/real_time", "concurrency/walk/writers:0" };
	char *big[2000], *probes[400];
	int nb = 0, np = 0;

	check("metacharacters are literal", meta, 11, meta_probes, 13);
	check("a name that is a prefix of another", nested, 4, nested_probes, 6);
	check("a single name", one, 1, one_probes, 2);
	/* replay-like: every second combination in the set, the others probe */
	for (int c = 0; c < 4; c++)
		for (int m = 0; m < 7; m++)
			for (int w = 0; w < 5; w++)
				for (int e = 0; e < 20; e++) {
					char name[160];

					snprintf(name, sizeof(name), "replay/hit/cfg-%d/wl%d/model%d/ways:%d/entries:%d/iterations:1/manual_time",
						 c, m, m * 7 % 5, w * 4, 64 << (e % 8));
					if ((c + m + w + e) % 2 == 0 && nb < 2000)
						big[nb++] = strdup(name);
					else if (np < 400)
						probes[np++] = strdup(name);
				}
	check("two thousand replay-like names", (const char *const *)big, nb, (const char *const *)probes, np);
	for (int i = 0; i < nb; i++)
		free(big[i]);
	for (int i = 0; i < np; i++)
		free(probes[i]);
	if (fails)
		fprintf(stderr, "test_run_regex: %d check(s) failed\n", fails);
	else
		printf("test_run_regex: every filter selects exactly its names\n");
	return fails != 0;
}
