// SPDX-License-Identifier: MIT
/*
 * The replay driver: a fuzz target built without libFuzzer runs every file
 * of the given corpus folders (or the given files) once through
 * LLVMFuzzerTestOneInput, in name order. ctest runs it over the committed
 * seed corpora in every build (gcc too); a finding abort()s, as it does
 * under libFuzzer. An empty or missing corpus is an error, so the test
 * cannot pass by running nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_input.h"

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

int main(int argc, char **argv)
{
	int files = 0, bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct dirent **ents;
		struct stat st;
		int n;

		if (stat(argv[i], &st)) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]) != 0;
			files++;
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
			    stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				bad |= run_file(path) != 0;
				files++;
			}
			free(ents[j]);
		}
		free(ents);
	}
	if (!files) {
		fprintf(stderr, "replay: no input files\n");
		return 1;
	}
	printf("replay: %d inputs, no finding\n", files);
	return bad;
}
