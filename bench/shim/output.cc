// SPDX-License-Identifier: MIT
//
// nb_bench shim: the output. --benchmark_out is published whole or not at
// all (nb_atomic_write), and the run context says which library ran it.

#include "shim_internal.h"
#include "nestbench/atomic_file.h"

#include <cstdio>
#include <sstream>

#ifndef NB_BENCH_GBENCH_PACKAGE_VERSION
#define NB_BENCH_GBENCH_PACKAGE_VERSION "unknown"
#endif
#ifndef NB_BENCH_GBENCH_OPT
#define NB_BENCH_GBENCH_OPT "optimisation unknown"
#endif

namespace nb_shim {

std::string g_out_final;
std::string g_out_format = "json";

namespace {

// Google Benchmark writes --benchmark_out through its own std::ofstream and
// checks none of its writes: on a full disk a cut-off file is all there is.
// The shim gives the library /dev/null as the file and this reporter, which
// keeps the whole output in memory; after the run the shim publishes it with
// nb_atomic_write (every write checked, fsync, rename). A run stopped by a
// signal leaves no temporary file: there is none until the end.
class BufferedFileReporter : public benchmark::BenchmarkReporter {
      public:
	explicit BufferedFileReporter(benchmark::BenchmarkReporter *inner) : inner_(inner)
	{
		inner_->SetOutputStream(&buf_);
		inner_->SetErrorStream(&buf_);
	}
	bool ReportContext(const Context &c) override
	{
		return inner_->ReportContext(c);
	}
	void ReportRuns(const std::vector<Run> &runs) override
	{
		inner_->ReportRuns(runs);
	}
	void Finalize() override
	{
		inner_->Finalize();
	}
	std::string text() const
	{
		return buf_.str();
	}

      private:
	std::unique_ptr<benchmark::BenchmarkReporter> inner_;
	std::ostringstream buf_;
};

// The reporter --benchmark_out_format names (checked in check_choice_flags).
benchmark::BenchmarkReporter *file_reporter_for(const std::string &format)
{
	if (format == "csv") {
		// deprecated in 1.7.1 but a format the library's flag offers
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
		return new benchmark::CSVReporter();
#pragma GCC diagnostic pop
	}
	if (format == "console")
		return new benchmark::ConsoleReporter(benchmark::ConsoleReporter::OO_None);
	return new benchmark::JSONReporter();
}

// The library's own statement about NDEBUG: the library_build_type its JSON
// reporter writes into "context".
std::string probe_assertions()
{
	std::ostringstream out;
	benchmark::JSONReporter json;
	json.SetOutputStream(&out);
	json.SetErrorStream(&out);
	benchmark::BenchmarkReporter::Context ctx;
	json.ReportContext(ctx);
	const std::string text = out.str();
	if (text.find("\"library_build_type\": \"debug\"") != std::string::npos)
		return "assertions enabled (no NDEBUG: library_build_type=debug)";
	if (text.find("\"library_build_type\": \"release\"") != std::string::npos)
		return "assertions disabled (NDEBUG: library_build_type=release)";
	return "assertions unknown (no library_build_type in the library's context)";
}

} // namespace

bool prepare_output(const char *argv0)
{
	char why[512];
	if (g_out_final.empty() || nb_atomic_check(g_out_final.c_str(), why, sizeof(why)) == 0)
		return true;
	fprintf(stderr, "%s: cannot write --benchmark_out file '%s': %s\n", argv0,
		g_out_final.c_str(), why);
	g_out_final.clear();
	return false;
}

bool publish_output(const benchmark::BenchmarkReporter *base, bool matched)
{
	const auto *rep = static_cast<const BufferedFileReporter *>(base);
	char why[512];
	if (!rep || !matched)
		return true;
	const std::string text = rep->text();
	if (text.empty())
		return true;
	if (nb_atomic_write(g_out_final.c_str(), text.data(), text.size(), why, sizeof(why)) == 0)
		return true;
	fprintf(stderr, "nb_bench: --benchmark_out: %s\n", why);
	return false;
}

std::unique_ptr<benchmark::BenchmarkReporter> output_reporter()
{
	if (g_out_final.empty())
		return nullptr;
	return std::make_unique<BufferedFileReporter>(file_reporter_for(g_out_format));
}

} // namespace nb_shim

using namespace nb_shim;

const char *nb_bench_library_version(void)
{
#ifdef NB_BENCH_HAVE_GET_VERSION
	static const std::string v = benchmark::GetBenchmarkVersion();
	return v.c_str();
#else
	return NB_BENCH_GBENCH_PACKAGE_VERSION;
#endif
}

const char *nb_bench_library_build(void)
{
	static const std::string s = std::string(NB_BENCH_GBENCH_OPT) + ", " + probe_assertions();
	return s.c_str();
}
