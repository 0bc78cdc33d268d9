// SPDX-License-Identifier: MIT
/*
 * The mutant list (src/util/mutant_list.h) as scripts/mutants reads it:
 * one line per mutant, tab-separated: ID, name, rule, source, catching
 * tests. The list is compiled into the library, so what the runner runs is
 * what the hooks were built against.
 */
#include <stdio.h>
#include <string.h>

#include "util/mutant.h"

static const char *const ids[] = {
#define NB_MUTANT(id, name, rule, source, tests) #id,
#include "util/mutant_list.h"
#undef NB_MUTANT
};

int main(int argc, char **argv)
{
	if (argc > 1) {
		fprintf(stderr, "usage: %s (no arguments): prints the mutant list, one per line: "
				"ID, name, rule, source, tests, tab-separated\n", argv[0]);
		return strcmp(argv[1], "-h") && strcmp(argv[1], "--help") ? 2 : 0;
	}
	for (int i = 0; i < NB_MUT_COUNT; i++) {
		const struct nb_mutant_info *m = nb_mutant_info(i);

		printf("NB_MUT_%s\t%s\t%s\t%s\t%s\n", ids[i], m->name, m->rule, m->source, m->tests);
	}
	return 0;
}
