// SPDX-License-Identifier: MIT
//
// nb_bench shim: the C API of nb_bench.h over Google Benchmark (with
// flags.cc, the command line, and output.cc, the published output: the
// project's only C++; nothing of it leaks into the header).
//
// Loop model. Google Benchmark's own range-for loop reads state.max_iterations
// once and counts down in a register. The shim does the same for C: the first
// loop call takes iterations from the library in bulk (KeepRunningBatch), and
// the C side counts them down in nb_bench_state.nb_private_left, inline. Only
// when the countdown is spent does C call nb_bench_next_(), which takes the next
// bulk or ends the loop. For a batch step n the bulk is a multiple of n; only
// the final batch may pass max_iterations, and KeepRunningBatch records that
// overshoot, so the reported iteration count is the number of bodies run.
//
// Thread model. Each benchmark thread has its own benchmark::State and so its
// own StateImpl, on its stack. Registrations, context and hooks are written
// before the run and only read during it; the one shared, written datum is
// g_error_seen (atomic).

#include "shim_internal.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <utility>

namespace nb_shim {

std::vector<std::unique_ptr<nb_bench>> g_benches;
std::vector<std::string> g_config_errors;
std::map<std::string, std::string> g_context;
nb_bench_region_fn g_begin_hook;
nb_bench_region_fn g_end_hook;
void *g_hook_user;
nb_bench_region_fn g_pause_hook;
nb_bench_region_fn g_resume_hook;
void *g_pause_user;
std::atomic<bool> g_error_seen{false};
bool g_ran;

__attribute__((format(printf, 1, 0))) std::string vformat(const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(nullptr, 0, fmt, again);
	va_end(again);
	std::string out(n > 0 ? (size_t)n : 0, '\0');
	if (n > 0)
		vsnprintf(&out[0], out.size() + 1, fmt, ap);
	return out;
}


void config_error(const nb_bench *b, const char *call, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	std::string msg = "nb_bench: ";
	if (b)
		msg += "benchmark '" + b->name + "': ";
	msg += call;
	msg += ": ";
	msg += vformat(fmt, ap);
	va_end(ap);
	g_config_errors.push_back(msg);
}

namespace {

// Fail the running benchmark (first message wins) and end the countdown so the
// next loop call returns false.
__attribute__((format(printf, 2, 3))) void fail_run(StateImpl *s, const char *fmt, ...)
{
	s->pub.nb_private_left = 0;
	g_error_seen.store(true, std::memory_order_relaxed);
	if (s->st->error_occurred())
		return;
	va_list ap;
	va_start(ap, fmt);
	std::string msg = vformat(fmt, ap);
	va_end(ap);
	s->st->SkipWithError(msg.c_str()); // the library copies msg
}

// End the loop: end hook with the timer paused, then the library's final call
// (stops the timer, meets the other threads at its barrier). Also used when
// the loop never began (an error before it), so every thread passes the same
// start and stop barriers. Always returns false.
bool finish(StateImpl *s)
{
	benchmark::State &st = *s->st;
	s->pub.nb_private_left = 0;
	if (s->begun && g_end_hook) {
		if (!st.error_occurred() && !s->paused) {
			st.PauseTiming();
			s->paused = true;
		}
		g_end_hook(&s->pub, g_hook_user);
	}
	// The library's final call pauses a running timer itself.
	if (s->paused && !st.error_occurred())
		st.ResumeTiming();
	s->paused = false;
	s->ended = true;
	if (st.KeepRunning()) {
		fail_run(s, "nb_bench: internal error: loop did not end with its iterations used up");
		(void)st.KeepRunning();
	}
	return false;
}

void run_begin_hook(StateImpl *s)
{
	benchmark::State &st = *s->st;
	st.PauseTiming();
	g_begin_hook(&s->pub, g_hook_user);
	if (!st.error_occurred())
		st.ResumeTiming();
}

bool reserved_context_key(const char *key)
{
	static const char *const keys[] = {
		"date", "host_name", "executable", "num_cpus", "mhz_per_cpu",
		"cpu_scaling_enabled", "aslr_enabled", "caches", "load_avg",
		"library_build_type", "library_version", "json_schema_version",
	};
	for (const char *k : keys)
		if (strcmp(key, k) == 0)
			return true;
	return false;
}

} // namespace

void run_c(nb_bench *b, benchmark::State &st)
{
	StateImpl s{};
	s.st = &st;
	s.b = b;
	b->fn(&s.pub, b->ctx);
	if (!s.ended) {
		if (!st.error_occurred())
			fail_run(&s, "benchmark function returned before nb_bench_keep_running() "
				 "returned false");
		finish(&s);
	}
}

} // namespace nb_shim

using namespace nb_shim;

// ---- the measured loop -------------------------------------------------------

bool nb_bench_next_(nb_bench_state *pub, int64_t n)
{
	StateImpl *s = impl(pub);
	benchmark::State &st = *s->st;

	if (s->ended)
		return false;
	if (n < 1) {
		fail_run(s, "nb_bench_keep_running_batch: batch size %lld must be >= 1", (long long)n);
		return finish(s);
	}
	if (st.error_occurred())
		return finish(s);

	// Before the first call iterations() is 0; after it, what was handed out.
	const int64_t remaining = st.max_iterations - st.iterations();
	const int64_t left = s->pub.nb_private_left;
	if (left > 0) {
		// A batch larger than what an earlier, smaller step left over: take the
		// difference. Only the library's last iterations can overshoot, once.
		if (remaining <= 0) {
			fail_run(s, "nb_bench_keep_running_batch(%lld) after a smaller step used up the "
				"run: use one step per loop", (long long)n);
			return finish(s);
		}
		s->pub.nb_private_left = 0;
		if (!st.KeepRunningBatch(n - left)) {
			s->ended = true;
			return false;
		}
		return true;
	}
	if (remaining <= 0)
		return finish(s);

	// Take everything left for n == 1 (as the range-for loop does), else the
	// largest multiple of n, else one overshooting batch of n.
	const int64_t take = n == 1 ? remaining : remaining >= n ? remaining / n * n : n;
	if (!st.KeepRunningBatch(take)) {
		s->ended = true; // not expected: the library ended the loop itself
		return false;
	}
	s->pub.nb_private_left = take - n;
	if (!s->begun) {
		s->begun = true;
		if (g_begin_hook)
			run_begin_hook(s);
		if (st.error_occurred())
			return finish(s);
	}
	return true;
}

bool nb_bench_keep_running_noinline(nb_bench_state *st)
{
	return nb_bench_keep_running(st);
}

int64_t nb_bench_max_iterations(nb_bench_state *pub)
{
	return impl(pub)->st->max_iterations;
}

int64_t nb_bench_range_arg(nb_bench_state *pub, int i)
{
	StateImpl *s = impl(pub);
	if (i < 0 || i >= s->b->n_args) {
		fail_run(s, "nb_bench_range_arg(%d): this benchmark has %d argument(s)", i,
		     s->b->n_args);
		return 0;
	}
	return s->st->range((size_t)i);
}

int nb_bench_thread_index(nb_bench_state *pub)
{
	return impl(pub)->st->thread_index();
}

int nb_bench_thread_count(nb_bench_state *pub)
{
	return impl(pub)->st->threads();
}

int64_t nb_bench_iterations_done(nb_bench_state *pub)
{
	StateImpl *s = impl(pub);
	return s->begun ? s->st->iterations() - s->pub.nb_private_left : 0;
}

bool nb_bench_error_occurred(nb_bench_state *pub)
{
	return impl(pub)->st->error_occurred();
}

void nb_bench_pause(nb_bench_state *pub)
{
	StateImpl *s = impl(pub);
	if (s->st->error_occurred()) // the timer stopped with the error
		return;
	if (!s->begun || s->ended || s->paused) {
		fail_run(s, "nb_bench_pause: %s", s->paused ? "timer already paused"
							: "called outside the measured loop");
		return;
	}
	s->st->PauseTiming();
	s->paused = true;
	if (g_pause_hook)
		g_pause_hook(&s->pub, g_pause_user);
}

void nb_bench_resume(nb_bench_state *pub)
{
	StateImpl *s = impl(pub);
	if (s->st->error_occurred())
		return;
	if (!s->begun || s->ended || !s->paused) {
		fail_run(s, "nb_bench_resume: %s", !s->paused ? "timer not paused"
							  : "called outside the measured loop");
		return;
	}
	if (g_resume_hook)
		g_resume_hook(&s->pub, g_pause_user);
	s->st->ResumeTiming();
	s->paused = false;
}

void nb_bench_set_iteration_time(nb_bench_state *pub, double seconds)
{
	impl(pub)->st->SetIterationTime(seconds);
}

void nb_bench_set_items_processed(nb_bench_state *pub, int64_t n)
{
	impl(pub)->st->SetItemsProcessed(n);
}

void nb_bench_set_bytes_processed(nb_bench_state *pub, int64_t n)
{
	impl(pub)->st->SetBytesProcessed(n);
}

void nb_bench_set_label(nb_bench_state *pub, const char *label)
{
	impl(pub)->st->SetLabel(label ? label : "");
}

void nb_bench_counter(nb_bench_state *pub, const char *name, double value,
		      enum nb_counter_kind kind)
{
	using benchmark::Counter;
	StateImpl *s = impl(pub);
	const unsigned k = (unsigned)kind;
	const unsigned known = NB_COUNTER_RATE | NB_COUNTER_AVG_THREADS |
			       NB_COUNTER_ITER_INVARIANT | NB_COUNTER_AVG_ITER | NB_COUNTER_INVERT;
	if (!name || !*name || (k & ~known)) {
		fail_run(s, "nb_bench_counter(%s): %s", name ? name : "NULL",
		     (k & ~known) ? "unknown kind bits" : "empty name");
		return;
	}
	Counter::Flags f = Counter::kDefaults;
	if (k & NB_COUNTER_RATE)
		f = f | Counter::kIsRate;
	if (k & NB_COUNTER_AVG_THREADS)
		f = f | Counter::kAvgThreads;
	if (k & NB_COUNTER_ITER_INVARIANT)
		f = f | Counter::kIsIterationInvariant;
	if (k & NB_COUNTER_AVG_ITER)
		f = f | Counter::kAvgIterations;
	if (k & NB_COUNTER_INVERT)
		f = f | Counter::kInvert;
	s->st->counters[name] = Counter(value, f);
}

void nb_bench_skip_with_error(nb_bench_state *pub, const char *msg)
{
	fail_run(impl(pub), "%s", msg && *msg ? msg : "(no message)");
}

// ---- run metadata and hooks ------------------------------------------------

void nb_bench_context(const char *key, const char *value)
{
	if (!key || !*key || !value) {
		config_error(nullptr, "nb_bench_context", "empty key or NULL value");
		return;
	}
	if (reserved_context_key(key)) {
		config_error(nullptr, "nb_bench_context",
			     "key '%s' is written by Google Benchmark itself", key);
		return;
	}
	g_context[key] = value;
}


void nb_bench_set_region_hooks(nb_bench_region_fn begin, nb_bench_region_fn end, void *user)
{
	g_begin_hook = begin;
	g_end_hook = end;
	g_hook_user = user;
}

void nb_bench_set_pause_hooks(nb_bench_region_fn pause, nb_bench_region_fn resume, void *user)
{
	g_pause_hook = pause;
	g_resume_hook = resume;
	g_pause_user = user;
}

bool nb_bench_uses_manual_time(nb_bench_state *pub)
{
	return impl(pub)->b->manual_time;
}

int nb_bench_main(int argc, char **argv)
{
	int rc = nb_bench_init(&argc, argv);
	if (rc)
		return rc;
	if (argc > 1) {
		std::string line = argv[0] ? argv[0] : "nb_bench";
		line += argc > 2 ? ": unrecognized or malformed arguments:"
				 : ": unrecognized or malformed argument:";
		for (int i = 1; i < argc; i++)
			line += std::string(" '") + argv[i] + "'";
		fprintf(stderr, "%s\n", line.c_str());
		return 2;
	}
	return nb_bench_run();
}

int nb_bench_run(void)
{
	if (!g_initialised) {
		int argc = 0;
		if (nb_bench_init(&argc, nullptr))
			return 2;
	}
	if (g_ran) {
		fprintf(stderr, "nb_bench: nb_bench_run: one run per process\n");
		return 2;
	}
	g_ran = true;
	if (!g_config_errors.empty()) {
		for (const std::string &e : g_config_errors)
			fprintf(stderr, "%s\n", e.c_str());
		return 2;
	}
	if (!g_context.count("nb_bench_library_version"))
		g_context["nb_bench_library_version"] = nb_bench_library_version();
	if (!g_context.count("nb_bench_library_build"))
		g_context["nb_bench_library_build"] = nb_bench_library_build();
	for (const auto &kv : g_context)
		benchmark::AddCustomContext(kv.first, kv.second);

	g_error_seen.store(false);
	std::unique_ptr<benchmark::BenchmarkReporter> file = output_reporter();
	const size_t matched = benchmark::RunSpecifiedBenchmarks(nullptr, file.get());
	benchmark::Shutdown();
	const bool published = publish_output(file.get(), matched > 0);
	// The console table (and --describe's list) is an output too: a full
	// disk under `nb-bench-x > results.txt` must not exit 0. The library
	// writes through std::cout, in step with stdio: ask both, after the end.
	std::cout.flush();
	errno = 0;
	const bool printed = fflush(stdout) == 0 && !ferror(stdout) && std::cout.good();
	if (!printed)
		fprintf(stderr, "nb_bench: standard output could not be written: %s\n",
			errno ? strerror(errno) : "a write failed before the end");
	if (matched == 0)
		return 2; // the library said which filter matched nothing
	return g_error_seen.load() || !published || !printed ? 1 : 0;
}

