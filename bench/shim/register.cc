// SPDX-License-Identifier: MIT
//
// nb_bench shim: registration and configuration of benchmark families
// (nb_bench_register, arguments, ranges, threads, iterations, time). Each
// call is checked before the library is told: its own checks abort, or loop
// forever for a DenseRange step of 0; a mistake is recorded (config_error)
// and nb_bench_run() refuses to run.

#include "shim_internal.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <utility>

namespace nb_shim {
namespace {

nb_bench *add_family(benchmark::internal::Benchmark *bm, const char *name, nb_bench_fn fn,
		     void *ctx)
{
	auto b = std::make_unique<nb_bench>();
	b->bm = bm;
	b->name = name;
	b->fn = fn;
	b->ctx = ctx;
	g_benches.push_back(std::move(b));
	return g_benches.back().get();
}

// Google Benchmark's ArgsCnt(): all instances take the same number of arguments.
bool args_fit(nb_bench *b, const char *call, int n)
{
	int have = b->n_args ? b->n_args : (b->n_names ? b->n_names : -1);
	if (have == -1 || have == n)
		return true;
	config_error(b, call, "gives %d argument(s) per instance, earlier calls gave %d", n,
		     have);
	return false;
}

bool check_range(nb_bench *b, const char *call, int64_t lo, int64_t hi)
{
	if (lo <= hi)
		return true;
	config_error(b, call, "lo %lld > hi %lld", (long long)lo, (long long)hi);
	return false;
}

// Keys Google Benchmark writes into "context" itself (1.7.1 and later).

} // namespace
} // namespace nb_shim

using namespace nb_shim;

// ---- registration and configuration ----------------------------------------

nb_bench *nb_bench_register(const char *name, nb_bench_fn fn, void *ctx)
{
	if (!name || !*name || !fn) {
		config_error(nullptr, "nb_bench_register", "%s",
			     !fn ? "NULL function" : "empty benchmark name");
		return nullptr;
	}
	if (g_ran) {
		config_error(nullptr, "nb_bench_register", "'%s' registered after nb_bench_run()",
			     name);
		return nullptr;
	}
	nb_bench *b = add_family(nullptr, name, fn, ctx);
	b->bm = benchmark::RegisterBenchmark(name, [b](benchmark::State &st) { run_c(b, st); });
	return b;
}

nb_bench *nb_bench_register_native_baseline(void)
{
	auto *bm = benchmark::RegisterBenchmark("shim/empty/native", [](benchmark::State &st) {
		for (auto _ : st)
			nb_bench_clobber_memory(); // the C loops' body, exactly
	});
	return add_family(bm, "shim/empty/native", nullptr, nullptr);
}

nb_bench *nb_bench_arg(nb_bench *b, int64_t a)
{
	if (b && args_fit(b, "nb_bench_arg", 1)) {
		b->bm->Arg(a);
		b->n_args = 1;
	}
	return b;
}

nb_bench *nb_bench_args(nb_bench *b, const int64_t *args, size_t n)
{
	if (!b)
		return b;
	if (!args || n == 0 || n > 64) {
		config_error(b, "nb_bench_args", "needs 1 to 64 arguments (got %zu%s)", n,
			     args ? "" : ", NULL array");
		return b;
	}
	if (args_fit(b, "nb_bench_args", (int)n)) {
		b->bm->Args(std::vector<int64_t>(args, args + n));
		b->n_args = (int)n;
	}
	return b;
}

nb_bench *nb_bench_range(nb_bench *b, int64_t lo, int64_t hi)
{
	if (b && args_fit(b, "nb_bench_range", 1) && check_range(b, "nb_bench_range", lo, hi)) {
		b->bm->Range(lo, hi);
		b->n_args = 1;
	}
	return b;
}

nb_bench *nb_bench_ranges(nb_bench *b, const int64_t (*lohi)[2], size_t n)
{
	if (!b)
		return b;
	if (!lohi || n == 0 || n > 64) {
		config_error(b, "nb_bench_ranges", "needs 1 to 64 ranges (got %zu%s)", n,
			     lohi ? "" : ", NULL array");
		return b;
	}
	std::vector<std::pair<int64_t, int64_t>> ranges;
	for (size_t i = 0; i < n; i++) {
		if (!check_range(b, "nb_bench_ranges", lohi[i][0], lohi[i][1]))
			return b;
		ranges.emplace_back(lohi[i][0], lohi[i][1]);
	}
	if (args_fit(b, "nb_bench_ranges", (int)n)) {
		b->bm->Ranges(ranges);
		b->n_args = (int)n;
	}
	return b;
}

nb_bench *nb_bench_dense_range(nb_bench *b, int64_t lo, int64_t hi, int step)
{
	if (!b || !args_fit(b, "nb_bench_dense_range", 1) ||
	    !check_range(b, "nb_bench_dense_range", lo, hi))
		return b;
	if (step < 1 || hi > INT64_MAX - step) {
		config_error(b, "nb_bench_dense_range", "step %d must be >= 1 (and hi + step fit)",
			     step);
		return b;
	}
	b->bm->DenseRange(lo, hi, step);
	b->n_args = 1;
	return b;
}

nb_bench *nb_bench_range_multiplier(nb_bench *b, int mult)
{
	if (!b)
		return b;
	if (mult < 2)
		config_error(b, "nb_bench_range_multiplier", "multiplier %d must be >= 2", mult);
	else
		b->bm->RangeMultiplier(mult);
	return b;
}

nb_bench *nb_bench_arg_names(nb_bench *b, const char *const *names, size_t n)
{
	if (!b)
		return b;
	if (!names || n == 0 || n > 64) {
		config_error(b, "nb_bench_arg_names", "needs 1 to 64 names (got %zu%s)", n,
			     names ? "" : ", NULL array");
		return b;
	}
	std::vector<std::string> v;
	for (size_t i = 0; i < n; i++) {
		if (!names[i]) {
			config_error(b, "nb_bench_arg_names", "name %zu is NULL", i);
			return b;
		}
		v.emplace_back(names[i]);
	}
	if (args_fit(b, "nb_bench_arg_names", (int)n)) {
		b->bm->ArgNames(v);
		b->n_names = (int)n;
	}
	return b;
}

nb_bench *nb_bench_threads(nb_bench *b, int n)
{
	if (!b)
		return b;
	if (n < 1)
		config_error(b, "nb_bench_threads", "thread count %d must be >= 1", n);
	else
		b->bm->Threads(n);
	return b;
}

nb_bench *nb_bench_thread_range(nb_bench *b, int lo, int hi)
{
	if (!b)
		return b;
	if (lo < 1 || hi < lo)
		config_error(b, "nb_bench_thread_range", "needs 1 <= lo <= hi (got %d, %d)", lo,
			     hi);
	else
		b->bm->ThreadRange(lo, hi);
	return b;
}

nb_bench *nb_bench_iterations(nb_bench *b, int64_t n)
{
	if (!b)
		return b;
	if (n < 1)
		config_error(b, "nb_bench_iterations", "count %lld must be >= 1", (long long)n);
	else if (b->has_min_time)
		config_error(b, "nb_bench_iterations", "cannot be combined with nb_bench_min_time");
	else {
		b->bm->Iterations(n);
		b->has_iterations = true;
	}
	return b;
}

nb_bench *nb_bench_min_time(nb_bench *b, double seconds)
{
	if (!b)
		return b;
	if (!(seconds > 0.0) || !std::isfinite(seconds))
		config_error(b, "nb_bench_min_time", "%g s must be a positive number", seconds);
	else if (b->has_iterations)
		config_error(b, "nb_bench_min_time", "cannot be combined with nb_bench_iterations");
	else {
		b->bm->MinTime(seconds);
		b->has_min_time = true;
	}
	return b;
}

nb_bench *nb_bench_repetitions(nb_bench *b, int n)
{
	if (!b)
		return b;
	if (n < 1)
		config_error(b, "nb_bench_repetitions", "count %d must be >= 1", n);
	else
		b->bm->Repetitions(n);
	return b;
}

nb_bench *nb_bench_unit(nb_bench *b, enum nb_bench_time_unit u)
{
	if (!b)
		return b;
	switch (u) {
	case NB_BENCH_NS:
		b->bm->Unit(benchmark::kNanosecond);
		break;
	case NB_BENCH_US:
		b->bm->Unit(benchmark::kMicrosecond);
		break;
	case NB_BENCH_MS:
		b->bm->Unit(benchmark::kMillisecond);
		break;
	case NB_BENCH_S:
		b->bm->Unit(benchmark::kSecond);
		break;
	default:
		config_error(b, "nb_bench_unit", "unknown time unit %d", (int)u);
	}
	return b;
}

nb_bench *nb_bench_use_real_time(nb_bench *b)
{
	if (!b)
		return b;
	if (b->manual_time)
		config_error(b, "nb_bench_use_real_time", "cannot be combined with manual time");
	else {
		b->bm->UseRealTime();
		b->real_time = true;
	}
	return b;
}

nb_bench *nb_bench_use_manual_time(nb_bench *b)
{
	if (!b)
		return b;
	if (b->real_time)
		config_error(b, "nb_bench_use_manual_time", "cannot be combined with real time");
	else {
		b->bm->UseManualTime();
		b->manual_time = true;
	}
	return b;
}

