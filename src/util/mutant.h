/* SPDX-License-Identifier: MIT */
/*
 * Mutants: the invalidation rules broken on purpose, one at a time, to show
 * that the tests notice (docs/testing.md). The list is mutant_list.h; each
 * mutant has exactly one mutation point in the code, a one-line hook
 *
 *	if (nb_mutant(NB_MUT_RANGE_END)) last -= 4096;
 *
 * that is `false` - no code at all - unless the build is the `mutant`
 * preset (CMake NB_MUTANTS=ON). There the environment variable NB_MUTANT
 * names the one mutant that is live for the whole process (unset: none, the
 * build behaves as release); one build serves every mutant, and
 * scripts/mutants runs each mutant's catching tests against it.
 */
#ifndef NB_SRC_UTIL_MUTANT_H
#define NB_SRC_UTIL_MUTANT_H

#include <stdbool.h>

enum nb_mutant_id {
#define NB_MUTANT(id, name, rule, source, tests) NB_MUT_##id,
#include "mutant_list.h"
#undef NB_MUTANT
	NB_MUT_COUNT
};

struct nb_mutant_info {
	const char *name;   /* what NB_MUTANT takes */
	const char *rule;   /* the rule the mutant breaks */
	const char *source; /* where the rule comes from (Linux function, spec section) */
	const char *tests;  /* the ctest names that must fail on it, space-separated */
};

/* The list entry of id (NULL past the end). */
const struct nb_mutant_info *nb_mutant_info(int id);

#ifdef NB_MUTANTS
/* Is mutant id the live one? The first call reads NB_MUTANT; a name that
 * is not in the list stops the process (exit 2) naming the known ones. */
bool nb_mutant_live(enum nb_mutant_id id);
#define nb_mutant(id) nb_mutant_live(id)
#else
#define nb_mutant(id) false
#endif

#endif
