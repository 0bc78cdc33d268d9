/* SPDX-License-Identifier: MIT */
/*
 * A test whose expectations are derived by hand per model runs once per
 * registered model (cmake/NbModels.cmake: NAME/<model>, PROGRAM <model>).
 * Its argument must be a registered model; a model the test has no row
 * for is a skip (ctest SKIP_RETURN_CODE 77) that says where to add it.
 */
#ifndef NB_TESTS_PER_MODEL_H
#define NB_TESTS_PER_MODEL_H

#include <stdio.h>

#include "nb_test.h"
#include "nestbench/iommu.h"

/* The model to check, argv[1]; NULL after saying why (exit status 2). */
static inline const char *nbt_model_arg(const char *test, int argc, char **argv)
{
	const struct nb_tag_model *tm;

	if (argc != 2) {
		fprintf(stderr, "usage: %s MODEL (ctest runs it once per registered model)\n", test);
		return NULL;
	}
	if (nb_tag_model_by_name(argv[1], &tm)) {
		fprintf(stderr, "%s: %s\n", test, nb_errmsg());
		return NULL;
	}
	return argv[1];
}

/* No hand-derived row for model: where to add it (what, table, file). */
static inline int nbt_skip_no_row(const char *test, const char *model, const char *what, const char *where)
{
	char why[320];

	snprintf(why, sizeof(why), "model %s has no hand-derived %s: add its row to %s", model, what, where);
	return nbt_skip(test, why);
}

#endif
