/* SPDX-License-Identifier: MIT */
/*
 * The benchmark families `nestbench run` runs: bench/families.txt, compiled
 * in by CMake (cmake/NbFamilies.cmake writes the table, indexed by enum
 * nb_family_id). What a family's benchmarks are (quick subset, host-timed
 * ones, exclusive) the binary itself says (nb-bench-<name> --describe).
 */
#ifndef NB_SRC_CLI_FAMILY_H
#define NB_SRC_CLI_FAMILY_H

#include <stdbool.h>
#include <stddef.h>

#include "family_ids.h"

struct nb_family {
	const char *name;
	const char *script;	/* NULL: bench/<name>/nb-bench-<name>; else run as
				 * SCRIPT RESULTS_DIR BENCH_DIR (exit 77: skipped) */
	const char *min_time;	/* --benchmark_min_time of the default suite (NULL: none) */
	int reps, quick_reps;	/* repetitions unless --repetitions is given */
	double est_s, quick_est_s; /* ETA hints (seconds of one core) */
	const char *report;	/* benchmark name prefixes it writes, comma-separated */
};

extern const struct nb_family nb_families[NB_FAMILY_COUNT];

/* The family called name[0..len), or NULL. */
const struct nb_family *nb_family_find(const char *name, size_t len);

/* NB_BENCH_DIR, else this build's bench/ folder. */
const char *nb_family_bench_dir(void);

/* The family's benchmark binary's path into buf; false if it does not fit. */
bool nb_family_binary(const struct nb_family *f, char *buf, size_t len);

#endif
