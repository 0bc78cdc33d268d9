// SPDX-License-Identifier: MIT
/*
 * nb_grow (nestbench/nb.h), the one rule by which arrays grow: expected
 * capacities worked out by hand from the rule (empty: `first`, then doubled
 * until `need` fits), and the refusals that leave the array as it was.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "nb_test.h"
#include "nestbench/nb.h"

int main(void)
{
	uint32_t *a = NULL, *keep;
	size_t cap = 0;

	CHECK_EQ(nb_grow((void **)&a, &cap, 0, sizeof(*a), 8), 0, "nothing needed: no array");
	CHECK(a == NULL && cap == 0, "an empty array needing 0 stays as it is");
	CHECK_EQ(nb_grow((void **)&a, &cap, 1, sizeof(*a), 8), 0, "the first element");
	CHECK_EQ(cap, 8, "an empty array starts at `first`");
	a[7] = 7; /* ASan: room for 8 */
	keep = a;
	CHECK_EQ(nb_grow((void **)&a, &cap, 8, sizeof(*a), 8), 0, "need == cap");
	CHECK(a == keep && cap == 8, "room enough: no realloc");
	CHECK_EQ(nb_grow((void **)&a, &cap, 9, sizeof(*a), 8), 0, "one more than the room");
	CHECK_EQ(cap, 16, "doubled once");
	CHECK_EQ(a[7], 7, "what was there is kept");
	CHECK_EQ(nb_grow((void **)&a, &cap, 100, sizeof(*a), 8), 0, "far more than double");
	CHECK_EQ(cap, 128, "16 -> 32 -> 64 -> 128: doubled until 100 fits");
	a[127] = 1;
	keep = a;
	CHECK_EQ(nb_grow((void **)&a, &cap, SIZE_MAX / 2 + 2, sizeof(*a), 8), -ENOMEM,
		 "a capacity that cannot be doubled to fit");
	CHECK(a == keep && cap == 128, "refused: array and capacity as they were");
	CHECK_EQ(nb_grow((void **)&a, &cap, SIZE_MAX / 4 + 1, sizeof(*a), 8), -ENOMEM,
		 "elements whose bytes overflow size_t");
	CHECK(a == keep && cap == 128, "refused: array and capacity as they were");
	free(a);
	return nbt_done("test_grow");
}
