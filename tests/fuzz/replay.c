// SPDX-License-Identifier: MIT
/*
 * The replay driver: a fuzz target built without libFuzzer runs every file
 * of the given corpus folders (or the given files) once through
 * LLVMFuzzerTestOneInput, in name order. ctest runs it over the committed
 * seed corpora in every build (gcc too); a finding abort()s, as it does
 * under libFuzzer. An empty or missing corpus is an error, so the test
 * cannot pass by running nothing.
 *
 * --check-reset: for a target that keeps state from input to input (a
 * testbed, a script's memory, reset per input), run every input in name
 * order, then again in reverse order, and require the same fz_digest()
 * after each input both times: an input's result may not depend on what
 * ran before it on the reused context.
 */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_input.h"

/* Targets that keep state define it (fuzz_input.h); the others do not. */
extern uint64_t fz_digest(void) __attribute__((weak));

#define MAX_FILES 4096
static char *files[MAX_FILES];
static uint64_t digests[MAX_FILES];
static int nfiles;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			uint8_t *n = realloc(buf, cap ? cap * 2 : 4096);

			if (!n) {
				fprintf(stderr, "replay: %s: out of memory\n", path);
				fclose(f);
				free(buf);
				return -1;
			}
			buf = n;
			cap = cap ? cap * 2 : 4096;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got);
	if (ferror(f)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf ? buf : (const uint8_t *)"", len);
	free(buf);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int add_file(const char *path)
{
	if (nfiles == MAX_FILES) {
		fprintf(stderr, "replay: more than %d inputs\n", MAX_FILES);
		return 1;
	}
	files[nfiles] = strdup(path);
	if (!files[nfiles]) {
		fprintf(stderr, "replay: out of memory\n");
		return 1;
	}
	nfiles++;
	return 0;
}

/* Every input in reverse order after name order: the same digest each time. */
static int check_reset(void)
{
	int bad = 0;

	if (!fz_digest) {
		fprintf(stderr, "replay: --check-reset: this target keeps no state (no fz_digest)\n");
		return 1;
	}
	for (int i = 0; i < nfiles; i++) {
		bad |= run_file(files[i]) != 0;
		digests[i] = fz_digest();
	}
	for (int i = nfiles - 1; i >= 0; i--) {
		bad |= run_file(files[i]) != 0;
		if (fz_digest() != digests[i]) {
			fprintf(stderr, "replay: %s: digest %016llx after %s, %016llx the first time: the reused state "
					"was not reset\n",
				files[i], (unsigned long long)fz_digest(),
				i + 1 < nfiles ? files[i + 1] : "the name-order pass", (unsigned long long)digests[i]);
			bad = 1;
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	bool reset = argc > 1 && strcmp(argv[1], "--check-reset") == 0;
	int bad = 0, first = reset ? 2 : 1;

	if (argc <= first) {
		fprintf(stderr, "usage: %s [--check-reset] CORPUS_DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (int i = first; i < argc; i++) {
		struct dirent **ents;
		struct stat st;
		int n;

		if (stat(argv[i], &st)) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= add_file(argv[i]);
			continue;
		}
		n = scandir(argv[i], &ents, NULL, by_name);
		if (n < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		for (int j = 0; j < n; j++) {
			char path[4096];

			if (ents[j]->d_name[0] != '.' &&
			    snprintf(path, sizeof(path), "%s/%s", argv[i], ents[j]->d_name) < (int)sizeof(path) &&
			    stat(path, &st) == 0 && S_ISREG(st.st_mode))
				bad |= add_file(path);
			free(ents[j]);
		}
		free(ents);
	}
	if (!nfiles) {
		fprintf(stderr, "replay: no input files\n");
		return 1;
	}
	if (reset) {
		bad |= check_reset();
		if (!bad)
			printf("replay: %d inputs twice (name order, then reverse), the same digests\n", nfiles);
	} else {
		for (int i = 0; i < nfiles; i++)
			bad |= run_file(files[i]) != 0;
		if (!bad)
			printf("replay: %d inputs, no finding\n", nfiles);
	}
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	return bad;
}
