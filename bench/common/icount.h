/* SPDX-License-Identifier: MIT */
/*
 * Instruction-count mode: mark each benchmark's measured loop for valgrind's
 * callgrind, so that scripts/nb_icount.py can report instructions per
 * iteration of the benchmark body (not whole-program totals, which move with
 * the environment).
 *
 * Run under: valgrind --tool=callgrind --collect-atstart=no --instr-atstart=yes
 * (scripts/nb_icount.py does, and parses the dumps). Then each region is:
 *   begin: zero the counters, switch collection on (this thread)
 *   end:   switch collection off, dump the counters tagged
 *          "nbicount seq=<k> iters=<n> name=<bench_name or ->"
 * Google Benchmark runs a benchmark several times (iteration estimation, then
 * the reported run, then one run per further repetition); every run is one
 * region and one dump, numbered by seq. The dump's iteration count lets the
 * parser pair dumps with the JSON's reported runs.
 *
 * Pausing the benchmark's timer (nb_bench_pause / nb_bench_resume) switches
 * this thread's collection off and on again (nb_icount_pause / _resume, from
 * the shim's pause hooks), so paused set-up inside the loop is not counted.
 * A benchmark that reports its own time (manual time) is refused in this
 * mode: its loop is not its measured region (bench_main.c fails it with a
 * message starting "icount:").
 *
 * Regions on several threads of one run nest: the first begin zeroes, the
 * last end dumps the sum over threads (callgrind keeps the collection switch
 * per thread). Outside valgrind (or built without <valgrind/callgrind.h>) both
 * calls are a test of a flag and return.
 */
#ifndef NB_ICOUNT_H
#define NB_ICOUNT_H

#include <stdbool.h>
#include <stdint.h>

/* bench_name may be NULL (the dump then says name=- and is paired by order). */
void nb_icount_region_begin(const char *bench_name);
void nb_icount_region_end(const char *bench_name, int64_t iterations);
/* Inside a region: stop / restart this thread's collection (no-ops outside
 * a region, when already in that state, or outside valgrind). */
void nb_icount_pause(void);
void nb_icount_resume(void);
/* Running under valgrind with the callgrind hooks built in. */
bool nb_icount_active(void);

#endif
