/* SPDX-License-Identifier: MIT */
/*
 * What every benchmark binary shares: its main (our flags, pinning, run
 * metadata in the JSON context, perf counters around the timed loop) and
 * small helpers. Benchmark names are slash-joined
 * "family/variant/.../arg:value" so that compare and the plots can key on
 * them; run metadata goes to the JSON context, measurements to counters.
 */
#ifndef NB_BENCH_COMMON_H
#define NB_BENCH_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "nb_bench.h"

/*
 * A benchmark binary: its family (one line of bench/families.txt) and what
 * it knows about its own benchmarks, so nobody else keeps regexes of their
 * names:
 *   name            the family, as in bench/families.txt
 *   register_all    registers the family's benchmarks
 *   quick           the --quick subset (the CI-sized suite): a Google
 *                   Benchmark filter over the names; NULL: every benchmark
 *   quick_min_time  --benchmark_min_time under --quick, seconds (0: 0.02)
 *   host_timed      the benchmarks whose figures are host time (a filter;
 *                   NULL: none, they report counts and modelled figures):
 *                   `nestbench run` gives each of them a core of its own
 *   exclusive       the family runs in one process with the machine to
 *                   itself: its benchmarks run several threads or use each
 *                   other's figures (never split, never beside another)
 */
struct nb_bench_family {
	const char *name;
	void (*register_all)(void);
	const char *quick;
	double quick_min_time;
	const char *host_timed;
	bool exclusive;
};

/*
 * The main of a benchmark binary. Flags of ours, before Google Benchmark's:
 *   --cpu=N      pin the benchmark threads' first thread to OS CPU N (hwloc)
 *   --no-perf    do not attach perf counters
 *   --oracle-every=N  the stale-translation oracle after 1 in N rounds
 *                (oracle_sample.h; default 8, 0: off)
 *   --set=K=V    override a hardware-description key of every model
 *   --quick      the family's quick subset (unless --benchmark_filter names
 *                others) at its quick --benchmark_min_time (unless given)
 *   --describe   print the description (the fields above, "# key: value"
 *                lines) and then the names of the benchmarks the other flags
 *                select, one a line; runs nothing
 */
int nb_bench_family_main(int argc, char **argv, const struct nb_bench_family *family);

/* Add "key:value" to the run context (copied). */
void nb_bench_ctx(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct nb_hw_params;

/* A registered model's parameters: NB_CONFIG_DIR/<model>.cfg, or the file
 * of the hardware it is registered with (nb_hwparams_model), over the
 * vendor's defaults (the environment variable NB_CONFIG_DIR overrides the
 * folder). 0, or -1 with the reason in err. */
int nb_bench_model_params(const char *model, struct nb_hw_params *p, char *err, size_t len);
/* The folder model files come from. */
const char *nb_bench_config_dir(void);

/* A small fast PRNG for access patterns (xorshift64*). */
static inline uint64_t nb_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* Fisher-Yates shuffle of n 64-bit values. */
void nb_shuffle(uint64_t *v, uint64_t n, uint64_t seed);

/* Nanoseconds of CLOCK_MONOTONIC. */
uint64_t nb_now_ns(void);

#endif
