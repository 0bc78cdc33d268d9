/* SPDX-License-Identifier: MIT */
/*
 * nb-bench-overhead: what the shim's loop costs per iteration, against Google
 * Benchmark's own range-for loop. Every body is one compiler barrier, so the
 * loops cannot be deleted and the numbers are the loop machinery alone.
 *
 *   shim/empty/naive     while (nb_bench_keep_running(st))       inline countdown
 *   shim/empty/batch     nb_bench_keep_running_batch(st, 64) + a 64-body C loop
 *   shim/empty/noinline  nb_bench_keep_running_noinline(st)      one call per body
 *   shim/empty/native    for (auto _ : state)                    C++ baseline
 */
#include "nb_bench.h"

enum { BATCH = 64 };

static void bm_empty_naive(nb_bench_state *st, void *ctx)
{
	while (nb_bench_keep_running(st))
		nb_bench_clobber_memory();
}

static void bm_empty_batch(nb_bench_state *st, void *ctx)
{
	while (nb_bench_keep_running_batch(st, BATCH))
		for (int i = 0; i < BATCH; i++)
			nb_bench_clobber_memory();
}

static void bm_empty_noinline(nb_bench_state *st, void *ctx)
{
	while (nb_bench_keep_running_noinline(st))
		nb_bench_clobber_memory();
}

int main(int argc, char **argv)
{
	nb_bench_register("shim/empty/naive", bm_empty_naive, NULL);
	nb_bench_register("shim/empty/batch", bm_empty_batch, NULL);
	nb_bench_register("shim/empty/noinline", bm_empty_noinline, NULL);
	nb_bench_register_native_baseline();
	return nb_bench_main(argc, argv);
}
