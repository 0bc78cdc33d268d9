// SPDX-License-Identifier: MIT
//
// nb_bench shim: the command line. Our checks of Google Benchmark's flags
// (values it would take silently wrong, crash on, or answer with its help
// and exit 0), --help and -h with the caller's own usage first, and the
// argv the library parses handed back to the caller in the library's order
// (the library keeps argv[0]: stable buffers).

#include "shim_internal.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace nb_shim {

std::string g_usage;
bool g_initialised;

namespace {

// The argv copy the library parses and keeps argv[0] of: stable buffers.
std::vector<std::unique_ptr<char[]>> g_argv_store;
std::vector<char *> g_argv_ptrs;

// Flags whose bad values make Google Benchmark 1.7.1 print help and exit(0),
// crash it or are taken silently wrong: refuse them ourselves, with a
// message and a failing status.
bool check_choice_flags(const char *argv0, int argc, char **argv)
{
	struct choice {
		const char *flag; // "--name="
		const char *const *ok;
		const char *list;
	};
	static const char *const formats[] = {"console", "json", "csv", nullptr};
	static const char *const units[] = {"ns", "us", "ms", "s", nullptr};
	// Any word is a true boolean to the library ("--benchmark_list_tests=maybe").
	static const char *const bools[] = {"true", "false", "1", "0", "yes", "no", "on", "off", nullptr};
	static const choice choices[] = {
		{"--benchmark_format=", formats, "console, json or csv"},
		{"--benchmark_out_format=", formats, "console, json or csv"},
		{"--benchmark_time_unit=", units, "ns, us, ms or s"},
		{"--benchmark_color=", nullptr, "a non-empty value"},
		// empty: the library runs and silently writes no file
		{"--benchmark_out=", nullptr, "a file name"},
		{"--benchmark_list_tests=", bools, "true or false"},
		{"--benchmark_counters_tabular=", bools, "true or false"},
		{"--benchmark_report_aggregates_only=", bools, "true or false"},
		{"--benchmark_display_aggregates_only=", bools, "true or false"},
		{"--benchmark_enable_random_interleaving=", bools, "true or false"},
	};
	// Numbers the library takes silently wrong: a negative repetition count
	// aborts it (vector::reserve), 0 runs nothing, a negative minimum time
	// runs a single iteration.
	struct number {
		const char *flag;
		double min;
		bool integer;
		const char *what;
	};
	static const number numbers[] = {
		{"--benchmark_repetitions=", 1, true, "an integer >= 1"},
		{"--benchmark_min_time=", 0, false, "a number of seconds >= 0"},
		{"--benchmark_min_warmup_time=", 0, false, "a number of seconds >= 0"},
	};
	for (int i = 1; i < argc; i++) {
		for (const number &c : numbers) {
			size_t len = strlen(c.flag);
			if (!argv[i] || strncmp(argv[i], c.flag, len) != 0)
				continue;
			char *end;
			errno = 0;
			double x = strtod(argv[i] + len, &end);
			if (end == argv[i] + len || *end || errno || !std::isfinite(x) || x < c.min ||
			    (c.integer && (x != std::floor(x) || x > 2147483647.0))) {
				fprintf(stderr, "%s: bad value in '%s': expected %s\n", argv0, argv[i],
					c.what);
				return false;
			}
		}
		for (const choice &c : choices) {
			size_t len = strlen(c.flag);
			if (!argv[i] || strncmp(argv[i], c.flag, len) != 0)
				continue;
			const char *v = argv[i] + len;
			bool good = c.ok ? false : *v != '\0';
			for (const char *const *o = c.ok; o && *o; o++)
				good |= strcmp(v, *o) == 0;
			if (!good) {
				fprintf(stderr, "%s: bad value in '%s': expected %s\n", argv0, argv[i],
					c.list);
				return false;
			}
		}
	}
	return true;
}

char *store_arg(const std::string &s)
{
	auto buf = std::make_unique<char[]>(s.size() + 1);
	memcpy(buf.get(), s.c_str(), s.size() + 1);
	g_argv_store.push_back(std::move(buf));
	return g_argv_store.back().get();
}

// --help and -h: the caller's own flags and environment, then the library's.
[[noreturn]] void print_help(const char *argv0)
{
	if (!g_usage.empty())
		fputs(g_usage.c_str(), stdout);
	else
		printf("usage: %s [Google Benchmark's --benchmark_* flags]\n", argv0);
	printf("\nGoogle Benchmark's flags (its own help, 1.7.1):\n");
	fflush(stdout);
	static char help_flag[] = "--help";
	char *args[] = {const_cast<char *>(argv0), help_flag, nullptr};
	int n = 2;
	benchmark::Initialize(&n, args); // prints its usage and exits 0
	exit(0);
}

} // namespace
} // namespace nb_shim

using namespace nb_shim;

void nb_bench_set_usage(const char *text)
{
	g_usage = text ? text : "";
}

// ---- running -----------------------------------------------------------------

int nb_bench_init(int *argc, char **argv)
{
	static char fallback0[] = "nb_bench";
	static char *fallback[] = {fallback0, nullptr};
	if (g_initialised) {
		fprintf(stderr, "nb_bench: nb_bench_init called twice\n");
		return 2;
	}
	int dummy = 1;
	if (!argc || *argc < 1 || !argv || !argv[0]) {
		argc = &dummy;
		argv = fallback;
	}
	if (!check_choice_flags(argv[0], *argc, argv))
		return 2;

	static const char out_flag[] = "--benchmark_out=";
	static const char fmt_flag[] = "--benchmark_out_format=";
	static char dev_null[] = "/dev/null";
	const size_t out_len = sizeof(out_flag) - 1, fmt_len = sizeof(fmt_flag) - 1;
	g_argv_ptrs.clear();
	for (int i = 0; i < *argc; i++) {
		std::string arg = argv[i] ? argv[i] : "";
		if (i > 0 && (arg == "--help" || arg == "-h")) {
			print_help(argv[0]);
			exit(0);
		}
		if (i > 0 && arg.compare(0, out_len, out_flag) == 0 && arg.size() > out_len) {
			g_out_final = arg.substr(out_len);
			arg = std::string(out_flag) + dev_null;
		}
		if (i > 0 && arg.compare(0, fmt_len, fmt_flag) == 0)
			g_out_format = arg.substr(fmt_len);
		g_argv_ptrs.push_back(store_arg(arg));
	}
	if (!prepare_output(argv[0]))
		return 2;
	g_initialised = true;
	std::vector<char *> copy = g_argv_ptrs; // what the library may reorder
	copy.push_back(nullptr);
	int n = *argc;
	benchmark::Initialize(&n, copy.data());

	// Hand the caller back its own strings, in the library's order.
	const std::vector<char *> orig(argv, argv + *argc);
	for (int j = 1; j < n; j++)
		for (int i = 1; i < *argc; i++)
			if (copy[j] == g_argv_ptrs[i]) {
				argv[j] = orig[i];
				break;
			}
	if (n < *argc)
		argv[n] = nullptr;
	*argc = n;
	return 0;
}
