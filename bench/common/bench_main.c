// SPDX-License-Identifier: MIT
/* The common main of benchmark binaries: our flags and help, pinning,
 * context, perf counters. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_common.h"
#include "icount.h"
#include "oracle_sample.h"
#include "nestbench/iommu.h"
#include "nestbench/machine.h"
#include "nestbench/nb.h"

static bool use_perf = true;

/* --set=KEY=VALUE overrides, applied over every model's file in order (a
 * sweep point the shipped configs do not have, e.g. --set=iotlb.entries=512). */
#define NB_MAX_SETS 32
static const char *sets[NB_MAX_SETS];
static int nsets;

#ifndef NB_CONFIG_DIR
#define NB_CONFIG_DIR "configs"
#endif

const char *nb_bench_config_dir(void)
{
	const char *dir = getenv("NB_CONFIG_DIR");

	/* empty is unset, as NB_REPORTS_DIR and NB_ESTIMATES (not "/") */
	return dir && *dir ? dir : NB_CONFIG_DIR;
}

int nb_bench_model_params(const char *model, struct nb_hw_params *p, char *err, size_t len)
{
	if (nb_hwparams_model(nb_bench_config_dir(), model, sets, nsets, p)) {
		snprintf(err, len, "%s", nb_errmsg());
		return -1;
	}
	return 0;
}

/* The overrides, checked once before anything runs against every
 * registered model's own file, as nb_bench_model_params will apply them
 * (the families sweep every model). */
static int check_sets(const char *argv0)
{
	struct nb_hw_params p;
	const struct nb_tag_model *tm;

	for (int i = 0; nsets && (tm = nb_tag_model_at(i)); i++)
		if (nb_hwparams_model(nb_bench_config_dir(), tm->name, sets, nsets, &p)) {
			fprintf(stderr, "%s: %s\n", argv0, nb_errmsg());
			return 2;
		}
	return 0;
}

/* The file each registered model's hardware came from (config.<model>):
 * its own, or the one it is registered to run on; what the results say ran. */
static void model_files_context(void)
{
	const struct nb_tag_model *tm;
	char key[64], path[1024];
	const char *hw;

	for (int i = 0; (tm = nb_tag_model_at(i)); i++) {
		snprintf(key, sizeof(key), "config.%s", tm->name);
		if (nb_hwparams_model_file(nb_bench_config_dir(), tm->name, path, sizeof(path), &hw))
			nb_bench_ctx(key, "unreadable: %s", nb_errmsg());
		else if (hw)
			nb_bench_ctx(key, "%s (the hardware of %s, .hardware: no %s.cfg of its own)", path, hw,
				     tm->name);
		else
			nb_bench_ctx(key, "%s", path);
	}
}

void nb_bench_ctx(const char *key, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	nb_bench_context(key, buf);
}

/* ---- perf counters around the timed loop (per thread) ---- */

static _Thread_local struct nb_perf *thread_perf;
static _Thread_local bool region_open; /* perf_begin started the counters */

static void perf_begin(nb_bench_state *st, void *user)
{
	if (nb_icount_active() && nb_bench_uses_manual_time(st)) {
		nb_bench_skip_with_error(st, "icount: this benchmark reports its own (manual) time, so "
					     "its loop is not its measured region: its instructions "
					     "cannot be counted");
		return;
	}
	nb_icount_region_begin(NULL);
	region_open = true;
	if (!use_perf)
		return;
	if (!thread_perf && nb_perf_open_default(&thread_perf))
		thread_perf = NULL;
	if (thread_perf)
		nb_perf_enable(thread_perf);
}

/* The timer paused inside the loop (set-up between timed parts): counters
 * pause with it, so they cover what the time covers. */
static void perf_pause(nb_bench_state *st, void *user)
{
	if (!region_open)
		return;
	nb_icount_pause();
	if (thread_perf)
		nb_perf_disable(thread_perf);
}

static void perf_resume(nb_bench_state *st, void *user)
{
	if (!region_open)
		return;
	if (thread_perf)
		nb_perf_resume(thread_perf);
	nb_icount_resume();
}

static void perf_end(nb_bench_state *st, void *user)
{
	char name[96];

	if (!region_open) /* perf_begin refused the benchmark */
		return;
	region_open = false;
	nb_icount_region_end(NULL, nb_bench_iterations_done(st));
	if (!thread_perf)
		return;
	nb_perf_disable(thread_perf);
	for (int i = 0; i < nb_perf_count(thread_perf); i++) {
		const struct nb_perf_event_status *s = nb_perf_status(thread_perf, i);
		uint64_t v;

		if (!s->open || nb_perf_read(thread_perf, i, &v))
			continue;
		snprintf(name, sizeof(name), "perf_%s", s->name);
		for (char *p = name; *p; p++)
			if (*p == '-')
				*p = '_';
		nb_bench_counter(st, name, (double)v, NB_COUNTER_AVG_ITER | NB_COUNTER_AVG_THREADS);
	}
}

static void perf_context(void)
{
	struct nb_perf *p;
	char buf[512];
	size_t off = 0;

	nb_bench_ctx("pmu", "%s", nb_perf_pmu_reason());
	if (!use_perf) {
		nb_bench_ctx("perf_counters", "off (--no-perf)");
		return;
	}
	if (nb_perf_open_default(&p)) {
		nb_bench_ctx("perf_counters", "none: %s", nb_errmsg());
		return;
	}
	buf[0] = '\0';
	for (int i = 0; i < nb_perf_count(p) && off < sizeof(buf); i++) {
		const struct nb_perf_event_status *s = nb_perf_status(p, i);

		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s=%s", i ? " " : "",
					s->name, s->open ? "real" : "unavailable");
	}
	nb_perf_close(p);
	nb_bench_ctx("perf_counters", "%s (per-iteration counters perf_*)", buf);
}

static int parse_ours(int argc, char **argv, int *cpu)
{
	for (int i = 1; i < argc; i++) {
		char *end;

		if (strncmp(argv[i], "--cpu=", 6) == 0) {
			long v = strtol(argv[i] + 6, &end, 10);

			if (!argv[i][6] || *end || v < 0 || v > 4096) {
				fprintf(stderr, "%s: --cpu: '%s' is not a CPU number\n", argv[0], argv[i] + 6);
				return 2;
			}
			*cpu = (int)v;
		} else if (strcmp(argv[i], "--no-perf") == 0) {
			use_perf = false;
		} else if (strncmp(argv[i], "--oracle-every=", 15) == 0) {
			long v = strtol(argv[i] + 15, &end, 10);

			if (!argv[i][15] || *end || v < 0 || v > 1000000) {
				fprintf(stderr, "%s: --oracle-every: '%s' is not 0..1000000 (0: no checks)\n",
					argv[0], argv[i] + 15);
				return 2;
			}
			nb_bench_oracle_set_every((uint32_t)v);
		} else if (strncmp(argv[i], "--set=", 6) == 0) {
			if (nsets == NB_MAX_SETS) {
				fprintf(stderr, "%s: --set: more than %d overrides\n", argv[0], NB_MAX_SETS);
				return 2;
			}
			if (!strchr(argv[i] + 6, '=')) {
				fprintf(stderr, "%s: --set '%s': expected key=value (e.g. iotlb.entries=512)\n",
					argv[0], argv[i] + 6);
				return 2;
			}
			sets[nsets++] = argv[i] + 6;
		} else if (strcmp(argv[i], "--quick") && strcmp(argv[i], "--describe")) {
			fprintf(stderr, "%s: unrecognized argument '%s' (ours: --cpu=N --no-perf --oracle-every=N "
					"--set=KEY=VALUE --quick --describe; Google Benchmark's: --benchmark_*)\n",
				argv[0], argv[i]);
			return 2;
		}
	}
	return check_sets(argv[0]);
}

/* Environment variables the benchmark binaries read, and which families
 * (NULL: every one). --help lists those of its family. */
static const struct bench_env {
	const char *name, *what, *families;
} bench_envs[] = {
	{ "NB_CONFIG_DIR", "folder of the model files (<model>.cfg or its .hardware's, guest_path.cfg);\n"
			   "                   default " NB_CONFIG_DIR,
	  " pgwalk invalidate mapunmap strategies replay " },
	{ "NB_TRACE_DIR", "folder of the traces replayed; default: the source tree's tests/traces",
	  " replay " },
	{ "NB_IOMMUFD_DEV", "the device the iommufd backend attaches (a VFIO cdev path);\n"
			    "                   default: the iommufd selftest mock",
	  " mapunmap " },
	{ "NB_PERF_DEBUG", "1: libperf's own debug messages on stderr", NULL },
};

static double quick_min_time(const struct nb_bench_family *fam)
{
	return fam->quick_min_time > 0 ? fam->quick_min_time : 0.02;
}

static void set_usage(const char *argv0, const struct nb_bench_family *fam)
{
	char buf[6144], key[40];
	size_t off;

	off = (size_t)snprintf(buf, sizeof(buf),
		"usage: %s [--cpu=N] [--no-perf] [--oracle-every=N] [--set=KEY=VALUE]... [--quick]\n"
		"       [--describe] [--benchmark_*]...\n"
		"nestbench's %s benchmark family (Google Benchmark; --benchmark_out=FILE writes\n"
		"its JSON whole or not at all).\n\n"
		"Its own flags:\n"
		"  --cpu=N          pin the benchmark's first thread to OS CPU N (hwloc; 0..4096)\n"
		"  --no-perf        do not attach perf counters (no perf_* counters)\n"
		"  --oracle-every=N the stale-translation oracle after 1 in N rounds, timer\n"
		"                   paused (default 8; 0: off)\n"
		"  --set=KEY=VALUE  override a key of every model's hardware description, e.g.\n"
		"                   --set=iotlb.entries=512 (keys: configs/README.md); repeatable,\n"
		"                   applied together and checked against every model before\n"
		"                   anything runs\n"
		"  --quick          the family's quick subset (nestbench run --quick), unless\n"
		"                   --benchmark_filter names others, at --benchmark_min_time=%g\n"
		"                   unless given; the subset: %s\n"
		"  --describe       print what this binary is (\"# key: value\" lines: family,\n"
		"                   quick, quick_min_time, host_timed, exclusive), then the names\n"
		"                   of the benchmarks the other flags select, one a line; runs\n"
		"                   nothing (nestbench run plans its processes from it)\n"
		"  -h, --help       this help\n\n"
		"Environment:\n",
		argv0, fam->name, quick_min_time(fam), fam->quick ? fam->quick : "every benchmark");
	snprintf(key, sizeof(key), " %s ", fam->name);
	for (size_t i = 0; i < NB_ARRAY_SIZE(bench_envs) && off < sizeof(buf); i++)
		if (!bench_envs[i].families || strstr(bench_envs[i].families, key))
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, "  %-15s  %s\n",
						bench_envs[i].name, bench_envs[i].what);
	if (off < sizeof(buf))
		snprintf(buf + off, sizeof(buf) - off,
			 "\nExit status: 0 every benchmark ran; 1 a benchmark reported an error (its\n"
			 "message is in the results), --benchmark_out or standard output could not be\n"
			 "written; 2 usage\n"
			 "(a flag, a --set, a filter that matches nothing).\n");
	nb_bench_set_usage(buf);
}

static bool has_flag(int argc, char **argv, const char *flag)
{
	size_t n = strlen(flag);

	for (int i = 1; i < argc; i++)
		if (argv[i] && strncmp(argv[i], flag, n) == 0 && (argv[i][n] == '=' || argv[i][n] == '\0'))
			return true;
	return false;
}

/*
 * --quick and --describe in Google Benchmark's words, added before the
 * library reads the command line: the quick filter and min time where the
 * caller gave none, list mode for --describe. The new argv lives until exit
 * (the library keeps argv[0]).
 */
static char **expand_ours(int *argc, char **argv, const struct nb_bench_family *fam, bool *describe)
{
	static char filter[1024], min_time[64];
	static char *nargv[256];
	bool quick = has_flag(*argc, argv, "--quick");
	int n = 0;

	*describe = has_flag(*argc, argv, "--describe");
	if (*argc > (int)NB_ARRAY_SIZE(nargv) - 4)
		return argv; /* the library refuses what it does not know */
	for (int i = 0; i < *argc; i++)
		nargv[n++] = argv[i];
	if (quick && fam->quick && !has_flag(*argc, argv, "--benchmark_filter") &&
	    (size_t)snprintf(filter, sizeof(filter), "--benchmark_filter=%s", fam->quick) < sizeof(filter))
		nargv[n++] = filter;
	if (quick && !has_flag(*argc, argv, "--benchmark_min_time")) {
		snprintf(min_time, sizeof(min_time), "--benchmark_min_time=%g", quick_min_time(fam));
		nargv[n++] = min_time;
	}
	if (*describe)
		nargv[n++] = "--benchmark_list_tests=true";
	nargv[n] = NULL;
	*argc = n;
	return nargv;
}

/* What `nestbench run` plans with (--describe); the names follow. */
static void describe(const struct nb_bench_family *fam)
{
	printf("# family: %s\n# quick: %s\n# quick_min_time: %g\n# host_timed: %s\n# exclusive: %s\n",
	       fam->name, fam->quick ? fam->quick : "", quick_min_time(fam),
	       fam->host_timed ? fam->host_timed : "", fam->exclusive ? "yes" : "no");
	fflush(stdout); /* before the library's list, written through C++ streams */
}

int nb_bench_family_main(int argc, char **argv, const struct nb_bench_family *fam)
{
	char topo[1024];
	int cpu = -1, rc;
	bool describing;

	set_usage(argc > 0 && argv[0] ? argv[0] : fam->name, fam);
	argv = expand_ours(&argc, argv, fam, &describing);
	rc = nb_bench_init(&argc, argv);
	if (rc)
		return rc;
	rc = parse_ours(argc, argv, &cpu);
	if (rc)
		return rc;
	if (describing) {
		describe(fam);
		fam->register_all();
		return nb_bench_run();
	}
	if (cpu >= 0 && nb_topo_pin_thread(cpu)) {
		fprintf(stderr, "%s: --cpu=%d: %s\n", argv[0], cpu, nb_errmsg());
		return 2;
	}
	nb_bench_ctx("nb_family", "%s", fam->name);
	if (cpu >= 0)
		nb_bench_ctx("nb_pinned_cpu", "%d", cpu);
	else
		nb_bench_ctx("nb_pinned_cpu", "none");
	if (nb_topo_json(topo, sizeof(topo)) == 0)
		nb_bench_ctx("nb_topology", "%s", topo);
	nb_bench_ctx("nb_urcu", "memb flavour, read side inlined (_LGPL_SOURCE)");
#ifdef NB_SANITIZE_BUILD
	nb_bench_ctx("nb_build", "sanitizer build: timings are not representative");
#else
	nb_bench_ctx("nb_build", "release");
#endif
	for (int i = 0; i < nsets; i++) {
		char key[24];

		snprintf(key, sizeof(key), "nb_set_%d", i);
		nb_bench_ctx(key, "%s", sets[i]);
	}
	model_files_context();
	if (nb_bench_oracle_every())
		nb_bench_ctx("nb_oracle", "stale-translation oracle after 1 in %u rounds, timer paused "
			     "(--oracle-every)", nb_bench_oracle_every());
	else
		nb_bench_ctx("nb_oracle", "off (--oracle-every=0): counter stale is not measured");
	perf_context();
	nb_bench_set_region_hooks(perf_begin, perf_end, NULL);
	nb_bench_set_pause_hooks(perf_pause, perf_resume, NULL);
	fam->register_all();
	return nb_bench_run();
}
