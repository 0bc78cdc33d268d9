// SPDX-License-Identifier: MIT
//
// Internal to bench/shim: what its files share. api.cc is the C API of
// nb_bench.h (the measured loop, counters, context, hooks, the run);
// register.cc registers and configures families; flags.cc reads the
// command line (our checks of Google Benchmark's flags, --help, argv handed
// back); output.cc publishes
// --benchmark_out whole (nb_atomic_write) and says what the library is.
// Loop and thread model: api.cc's opening comment.
#ifndef NB_BENCH_SHIM_INTERNAL_H
#define NB_BENCH_SHIM_INTERNAL_H

#include "nb_bench.h"

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdarg>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

// One registered family. Mirrors what the library needs checked before it is
// told (its own checks abort, or loop forever for a DenseRange step of 0).
struct nb_bench {
	benchmark::internal::Benchmark *bm = nullptr;
	std::string name;
	nb_bench_fn fn = nullptr;
	void *ctx = nullptr;
	int n_args = 0;  // arguments per instance; 0 until an argument call
	int n_names = 0; // arg_names given
	bool has_iterations = false;
	bool has_min_time = false;
	bool real_time = false;
	bool manual_time = false;
};

namespace nb_shim {

// Per-thread loop state; pub is what C sees (first member: the C pointer and
// the StateImpl pointer are interconvertible).
struct StateImpl {
	nb_bench_state pub;
	benchmark::State *st;
	const nb_bench *b;
	bool begun;  // the first loop call took iterations (the run's timer started)
	bool ended;  // the library's loop is finished (its final call returned false)
	bool paused; // nb_bench_pause() without nb_bench_resume() yet
};
static_assert(std::is_standard_layout<StateImpl>::value, "StateImpl must stay standard-layout");
static_assert(offsetof(StateImpl, pub) == 0, "pub must be StateImpl's first member");

inline StateImpl *impl(nb_bench_state *pub)
{
	return reinterpret_cast<StateImpl *>(pub);
}

// ---- api.cc -------------------------------------------------------------------

extern std::vector<std::string> g_config_errors;
extern std::vector<std::unique_ptr<nb_bench>> g_benches;
extern bool g_ran; // nb_bench_run ran: no registration after it
// Run a registered C benchmark on the library's state (what its
// registration hands the library).
void run_c(nb_bench *b, benchmark::State &st);

__attribute__((format(printf, 1, 0))) std::string vformat(const char *fmt, va_list ap);
// Record a configuration mistake; nb_bench_run() prints them and refuses to run.
__attribute__((format(printf, 3, 4))) void config_error(const nb_bench *b, const char *call,
							 const char *fmt, ...);

// ---- flags.cc -----------------------------------------------------------------

// What --help and -h print before Google Benchmark's own flags.
extern std::string g_usage;
// nb_bench_init ran (it takes the command line once).
extern bool g_initialised;

// ---- output.cc ----------------------------------------------------------------

// --benchmark_out=FINAL is handed to the library as /dev/null; the shim
// publishes FINAL itself after the run (output.cc), in this format.
extern std::string g_out_final;
extern std::string g_out_format;

// Check the --benchmark_out file can be published, so an unwritable one is
// one clear error before anything runs.
bool prepare_output(const char *argv0);
// The reporter that keeps --benchmark_out's text for publish_output (NULL:
// no --benchmark_out).
std::unique_ptr<benchmark::BenchmarkReporter> output_reporter();
// Put the output in place. Nothing reported (--benchmark_list_tests, no
// match): the old file stays.
bool publish_output(const benchmark::BenchmarkReporter *rep, bool matched);

} // namespace nb_shim

#endif
