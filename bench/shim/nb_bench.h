/* SPDX-License-Identifier: MIT */
/*
 * nb_bench: Google Benchmark behind a C API.
 *
 * The project's benchmarks are C; Google Benchmark is C++. This header is the
 * whole bridge: register a C function, configure it (arguments, threads, time
 * unit), and inside it run the measured loop and report counters. All C++ lives
 * in api.cc. Names, arguments and JSON output are Google Benchmark's own, so
 * its tools (compare.py) and ours key on the same slash-joined names.
 *
 *	static void bm_walk(nb_bench_state *st, void *ctx)
 *	{
 *		struct walk_setup *w = ctx;              (untimed setup)
 *		while (nb_bench_keep_running(st))
 *			walk_once(w);
 *		nb_bench_counter(st, "mem_refs", w->refs, NB_COUNTER_AVG_ITER);
 *	}
 *	...
 *	nb_bench_range(nb_bench_register("pgwalk/x86_64", bm_walk, &w), 8, 4096);
 *	return nb_bench_main(argc, argv);
 *
 * Contracts:
 *  - Register and configure from one thread, before nb_bench_run(); one run per
 *    process (Google Benchmark 1.7.1's Shutdown() cannot be undone).
 *  - A benchmark function runs once per thread per run, on that thread's state;
 *    everything taking an nb_bench_state is for that thread only.
 *  - The loop: call nb_bench_keep_running() (or _batch) until it returns false,
 *    then return. Returning earlier without nb_bench_skip_with_error() is
 *    reported as an error of that benchmark (its iteration count would be
 *    wrong), never as a result.
 *  - Cost: nb_bench_keep_running() is an inline decrement of a counter in
 *    memory; a body that clobbers memory makes it a store and a reload. For
 *    bodies of a few instructions use nb_bench_keep_running_batch(st, n) around
 *    an inner loop of n, whose counter stays in a register (nb-bench-overhead
 *    measures both against Google Benchmark's own loop).
 *  - Bad configuration (range lo > hi, iterations 0, ...) does not abort:
 *    nb_bench_run() prints one line per mistake naming the benchmark and the
 *    call, and returns 2 without running anything.
 *  - Exit statuses of nb_bench_main/_run: 0 ok, 1 a benchmark reported an error
 *    (or the output file could not be put in place), 2 usage (unknown or
 *    malformed flag, bad configuration, filter matched nothing).
 */
#ifndef NB_BENCH_H
#define NB_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define NB_BENCH_LIKELY(x) __builtin_expect(!!(x), 1)
#else
#define NB_BENCH_LIKELY(x) (x)
#endif

/*
 * Per-thread loop state. The only public field is the countdown of iterations
 * the shim has already obtained from Google Benchmark and not yet handed out;
 * it makes nb_bench_keep_running() an inline decrement. Touch it only through
 * the functions below. The benchmark::State behind it stays in the shim (api.cc).
 */
/* In C++ (the shim) the enums get a fixed underlying type, so that any int a C
 * caller passes is a valid value there too and can be checked, not UB. */
#ifdef __cplusplus
#define NB_BENCH_ENUM(name) enum name : int
#else
#define NB_BENCH_ENUM(name) enum name
#endif

typedef struct nb_bench_state {
	int64_t nb_private_left;
} nb_bench_state;

typedef struct nb_bench nb_bench; /* opaque: one registered benchmark family */

typedef void (*nb_bench_fn)(nb_bench_state *st, void *ctx);

NB_BENCH_ENUM(nb_bench_time_unit) {
	NB_BENCH_NS,
	NB_BENCH_US,
	NB_BENCH_MS,
	NB_BENCH_S,
};

/*
 * How a counter is turned into the reported number: Google Benchmark's
 * benchmark::Counter flags, one bit each, applied in this order by the library:
 * per-thread values are first summed over threads, then
 *   RATE            divided by the run's seconds (CPU time; real or manual time
 *                   if the benchmark uses it),
 *   AVG_THREADS     divided by the number of threads,
 *   ITER_INVARIANT  multiplied by the iteration count (value is "per iteration"),
 *   AVG_ITER        divided by the iteration count (value is a run total),
 *   INVERT          replaced by 1/x (last).
 * The named combinations are the ones Google Benchmark names.
 */
NB_BENCH_ENUM(nb_counter_kind) {
	NB_COUNTER_PLAIN = 0,
	NB_COUNTER_RATE = 1 << 0,
	NB_COUNTER_AVG_THREADS = 1 << 1,
	NB_COUNTER_ITER_INVARIANT = 1 << 2,
	NB_COUNTER_AVG_ITER = 1 << 3,
	NB_COUNTER_INVERT = 1 << 4,

	NB_COUNTER_AVG_THREADS_RATE = NB_COUNTER_AVG_THREADS | NB_COUNTER_RATE,
	NB_COUNTER_ITER_INVARIANT_RATE = NB_COUNTER_ITER_INVARIANT | NB_COUNTER_RATE,
	NB_COUNTER_AVG_ITER_RATE = NB_COUNTER_AVG_ITER | NB_COUNTER_RATE,
};

/* ---- registration and configuration ------------------------------------ */

/*
 * Register fn under name (copied); ctx is passed to every call. Returns NULL on
 * a NULL/empty name or NULL fn (recorded as a configuration error); every
 * configuration function accepts NULL and returns it, so chains stay safe.
 */
nb_bench *nb_bench_register(const char *name, nb_bench_fn fn, void *ctx);

/*
 * Configuration, Google Benchmark's Benchmark::X(); each returns b. Argument
 * calls add instances ("name/8", "name/1/2"); all instances of one benchmark
 * take the same number of arguments. range/ranges use the multiplier set
 * before them (default 8).
 */
nb_bench *nb_bench_arg(nb_bench *b, int64_t a);
nb_bench *nb_bench_args(nb_bench *b, const int64_t *args, size_t n);
nb_bench *nb_bench_range(nb_bench *b, int64_t lo, int64_t hi);
/* Cartesian product of n ranges, the first varying fastest. */
nb_bench *nb_bench_ranges(nb_bench *b, const int64_t (*lohi)[2], size_t n);
nb_bench *nb_bench_dense_range(nb_bench *b, int64_t lo, int64_t hi, int step);
nb_bench *nb_bench_range_multiplier(nb_bench *b, int mult);
/* Names shown as "name:value" in instance names; names are copied. */
nb_bench *nb_bench_arg_names(nb_bench *b, const char *const *names, size_t n);
nb_bench *nb_bench_threads(nb_bench *b, int n);
/* lo, 2*lo, 4*lo, ... and hi. */
nb_bench *nb_bench_thread_range(nb_bench *b, int lo, int hi);
/* Fixed iteration count (instead of running until min_time). */
nb_bench *nb_bench_iterations(nb_bench *b, int64_t n);
nb_bench *nb_bench_min_time(nb_bench *b, double seconds);
nb_bench *nb_bench_repetitions(nb_bench *b, int n);
nb_bench *nb_bench_unit(nb_bench *b, enum nb_bench_time_unit u);
nb_bench *nb_bench_use_real_time(nb_bench *b);
/* Time comes only from nb_bench_set_iteration_time(), once per iteration. */
nb_bench *nb_bench_use_manual_time(nb_bench *b);

/*
 * Google Benchmark's own "for (auto _ : state)" loop around a compiler barrier,
 * registered as "shim/empty/native": the baseline nb-bench-overhead compares
 * the C loops with.
 */
nb_bench *nb_bench_register_native_baseline(void);

/* ---- the measured loop --------------------------------------------------- */

/* Out-of-line part of the two loop calls below; not for direct use. */
bool nb_bench_next_(nb_bench_state *st, int64_t n);

/*
 * True while the benchmark should run one more iteration. The timer starts at
 * the first call and stops at the call that returns false. Common path: one
 * inline decrement; the shim takes iterations from Google Benchmark in bulk.
 */
static inline bool nb_bench_keep_running(nb_bench_state *st)
{
	if (NB_BENCH_LIKELY(st->nb_private_left > 0)) {
		st->nb_private_left--;
		return true;
	}
	return nb_bench_next_(st, 1);
}

/*
 * True while the benchmark should run n more iterations (n > 0): the caller
 * runs exactly n per true. The last batch may exceed the planned count (as
 * Google Benchmark's KeepRunningBatch); the reported iteration count includes
 * it. Use one n per loop.
 */
static inline bool nb_bench_keep_running_batch(nb_bench_state *st, int64_t n)
{
	if (NB_BENCH_LIKELY(n > 0 && st->nb_private_left >= n)) {
		st->nb_private_left -= n;
		return true;
	}
	return nb_bench_next_(st, n);
}

/* nb_bench_keep_running() as a real function, for callers that cannot use the
 * inline one (other languages) and to measure what the inline path saves. */
bool nb_bench_keep_running_noinline(nb_bench_state *st);

/* Compiler barriers for C benchmark bodies, as benchmark::ClobberMemory() and
 * benchmark::DoNotOptimize(): keep the compiler from deleting or hoisting work. */
static inline void nb_bench_clobber_memory(void)
{
	__asm__ __volatile__("" : : : "memory");
}

static inline void nb_bench_do_not_optimize(const void *p)
{
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

/* Iterations this run plans (Google Benchmark's state.max_iterations). */
int64_t nb_bench_max_iterations(nb_bench_state *st);
/* Argument i of this instance (state.range(i)). Out of range: the benchmark is
 * failed with an error naming i, and 0 is returned. */
int64_t nb_bench_range_arg(nb_bench_state *st, int i);
int nb_bench_thread_index(nb_bench_state *st);
int nb_bench_thread_count(nb_bench_state *st);
/* Iterations handed out so far on this thread, the current one included. */
int64_t nb_bench_iterations_done(nb_bench_state *st);
bool nb_bench_error_occurred(nb_bench_state *st);

/* Stop / restart the timer inside the loop (heavyweight: two clock reads).
 * After an error they do nothing; outside the loop, or pausing a paused
 * (resuming a running) timer, fails the benchmark with an error. The pause
 * hooks (nb_bench_set_pause_hooks) run with them, so counters stop too. */
void nb_bench_pause(nb_bench_state *st);
void nb_bench_resume(nb_bench_state *st);
/* With nb_bench_use_manual_time(): this iteration took seconds. */
void nb_bench_set_iteration_time(nb_bench_state *st, double seconds);
/* Reported as items_per_second / bytes_per_second (totals per thread). */
void nb_bench_set_items_processed(nb_bench_state *st, int64_t n);
void nb_bench_set_bytes_processed(nb_bench_state *st, int64_t n);
void nb_bench_set_label(nb_bench_state *st, const char *label);
/* Set (replace) a counter of this thread; see enum nb_counter_kind. */
void nb_bench_counter(nb_bench_state *st, const char *name, double value,
		      enum nb_counter_kind kind);
/* Fail this benchmark with msg (the first message of a run wins), then return
 * from the function, or let the loop end: nb_bench_keep_running() returns false
 * from its next call. nb_bench_main/_run then return 1. */
void nb_bench_skip_with_error(nb_bench_state *st, const char *msg);

/* ---- run metadata and hooks -------------------------------------------- */

/*
 * Add key: value to the JSON "context" (benchmark::AddCustomContext), copied;
 * a later call with the same key replaces the value. Keys Google Benchmark
 * writes itself (date, host_name, executable, library_build_type, ...) are
 * refused as a configuration error. Call before nb_bench_run(). A key also
 * given as --benchmark_context=key=value keeps the command line's value (the
 * library keeps the first and warns). The shim adds nb_bench_library_version
 * and nb_bench_library_build.
 */
void nb_bench_context(const char *key, const char *value);

/*
 * Measured-region hooks, called on each benchmark thread: begin once the first
 * loop call has started the run, end when the loop is over (before the call that
 * returns false returns), both with the timer paused, so that e.g. perf counters
 * read around them cover exactly the timed loop. end sees the final
 * nb_bench_iterations_done() and may add counters; begin may fail the benchmark
 * (nb_bench_skip_with_error), and then the loop runs no body. A loop that began
 * always gets its end, even if the function returns early (an error by then);
 * one that never began (error before it) gets neither. Either may be NULL. Set
 * before nb_bench_run(), from one thread.
 * The pause costs two clock reads per hook, only when hooks are set. (Google
 * Benchmark 1.7.1's own --benchmark_perf_counters allows one pause per run and
 * would trip over it; Debian's build has no libpfm, so that flag is unusable.)
 */
typedef void (*nb_bench_region_fn)(nb_bench_state *st, void *user);
void nb_bench_set_region_hooks(nb_bench_region_fn begin, nb_bench_region_fn end,
			       void *user);

/*
 * Pause hooks, so that what the region hooks count covers only the timed
 * work: pause runs in nb_bench_pause() right after the timer stopped,
 * resume in nb_bench_resume() right before it restarts, on the calling
 * thread, only when that call changed the timer (not after an error, not
 * for a refused call). The counted region therefore includes the timer's
 * own clock reads and the timed region excludes the hooks (a perf ioctl is
 * microseconds; a clock read is tens of instructions). Either may be NULL.
 * Set before nb_bench_run(), from one thread.
 */
void nb_bench_set_pause_hooks(nb_bench_region_fn pause, nb_bench_region_fn resume, void *user);

/* True when the running benchmark reports its own time
 * (nb_bench_use_manual_time): its measured region is what it reports, not
 * its loop, so counters around the loop do not stand for it. */
bool nb_bench_uses_manual_time(nb_bench_state *st);

/* ---- running -------------------------------------------------------------- */

/* What --help and -h print before Google Benchmark's own flags: the program's
 * usage, its own flags and environment variables (copied; set before
 * nb_bench_init). */
void nb_bench_set_usage(const char *text);

/*
 * nb_bench_init(&argc, argv) then, if arguments remain, print
 * "<argv0>: unrecognized or malformed argument(s): ..." on one line and
 * return 2; else nb_bench_run().
 */
int nb_bench_main(int argc, char **argv);

/*
 * Parse Google Benchmark's flags (benchmark::Initialize) from a copy of argv
 * that the shim owns, so argv need not outlive the call. Removes the flags it
 * recognised from argv (argc updated; argv[argc] set to NULL if shortened):
 * what is left are the caller's own strings, for the caller, who should refuse
 * what it does not know. Before the library sees them, the values of
 * --benchmark_format, --benchmark_out_format, --benchmark_color and
 * --benchmark_time_unit are checked (the library would print its help and
 * exit 0). --benchmark_out=FILE: whether FILE can be written is checked here
 * (an unwritable FILE is refused now); the output is kept in memory during
 * the run and published after a run that reported something with
 * nb_atomic_write (nestbench/atomic_file.h: every write checked, fsync,
 * rename): FILE is never left half-written, and a run stopped midway leaves
 * no temporary file. --help and -h print the text of nb_bench_set_usage(),
 * then the library's own flags, and exit 0. Returns 0, or 2 with a message
 * on stderr.
 */
int nb_bench_init(int *argc, char **argv);

/* Run the benchmarks the flags select; returns the exit status (see top). */
int nb_bench_run(void);

/* The Google Benchmark version: from the library if it reports one, else the
 * version its CMake package declares. */
const char *nb_bench_library_version(void);

/*
 * How the Google Benchmark library was built, e.g. for Debian 12's 1.7.1:
 * "optimised (-O2, from dpkg-buildflags: CMake build type None), assertions
 * enabled (no NDEBUG: library_build_type=debug)". The assertion part is asked
 * of the library (its JSON reporter's library_build_type); the optimisation
 * part comes from the imported CMake configuration of benchmark::benchmark and,
 * for build type None on Debian, from dpkg-buildflags at configure time.
 * This is why the library prints "Library was built as DEBUG": it is optimised
 * but keeps its internal checks.
 */
const char *nb_bench_library_build(void);

#ifdef __cplusplus
}
#endif

#endif
