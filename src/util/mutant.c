// SPDX-License-Identifier: MIT
/* The mutant list as data, and which mutant is live (see mutant.h). */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mutant.h"
#include "nestbench/nb.h"

static const struct nb_mutant_info list[NB_MUT_COUNT] = {
#define NB_MUTANT(id, name, rule, source, tests) [NB_MUT_##id] = { name, rule, source, tests },
#include "mutant_list.h"
#undef NB_MUTANT
};

const struct nb_mutant_info *nb_mutant_info(int id)
{
	return id >= 0 && id < NB_MUT_COUNT ? &list[id] : NULL;
}

#ifdef NB_MUTANTS
/* The live mutant's id, NB_MUT_COUNT for none; -1 before NB_MUTANT is read.
 * Reading it twice from two threads gives the same answer: relaxed. */
static atomic_int live = -1;
/* The live mutant's hook ran: said at exit when it never did, so that a
 * test that does not reach the mutation point is told from one that
 * reaches it and misses the damage. */
static atomic_bool reached;

static void say_unreached(void)
{
	if (!atomic_load(&reached))
		fprintf(stderr, "nestbench: mutant %s: its mutation point never ran\n", list[live].name);
}

static int read_env(void)
{
	const char *want = getenv("NB_MUTANT");
	char known[1024] = "";

	if (!want || !*want)
		return NB_MUT_COUNT;
	for (int i = 0; i < NB_MUT_COUNT; i++) {
		if (strcmp(list[i].name, want) == 0) {
			atexit(say_unreached);
			return i;
		}
		strncat(known, i ? " " : "", sizeof(known) - strlen(known) - 1);
		strncat(known, list[i].name, sizeof(known) - strlen(known) - 1);
	}
	fprintf(stderr, "nestbench: NB_MUTANT='%s' is not a mutant (known: %s)\n", want, known);
	exit(2);
}

bool nb_mutant_live(enum nb_mutant_id id)
{
	int l = atomic_load_explicit(&live, memory_order_relaxed);

	if (l < 0) {
		l = read_env();
		atomic_store(&live, l);
	}
	if (l != (int)id)
		return false;
	atomic_store_explicit(&reached, true, memory_order_relaxed);
	return true;
}
#endif
