// SPDX-License-Identifier: MIT
/* The benchmark families (family.h); the table itself is generated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_info.h"
#include "family.h"

const struct nb_family *nb_family_find(const char *name, size_t len)
{
	for (int i = 0; i < NB_FAMILY_COUNT; i++)
		if (strlen(nb_families[i].name) == len && strncmp(nb_families[i].name, name, len) == 0)
			return &nb_families[i];
	return NULL;
}

const char *nb_family_bench_dir(void)
{
	const char *d = getenv("NB_BENCH_DIR");

	return d ? d : NB_BINARY_DIR "/bench";
}

bool nb_family_binary(const struct nb_family *f, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s/nb-bench-%s", nb_family_bench_dir(), f->name, f->name);

	return n >= 0 && (size_t)n < len;
}
