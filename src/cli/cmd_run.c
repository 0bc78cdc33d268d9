// SPDX-License-Identifier: MIT
/*
 * nestbench run: the main job. Runs every benchmark family into a dated
 * folder reports/<UTC>-<commit>/ (raw JSON, env.json, run.json), then the
 * report generator (plots, index.html, summary.md) and points
 * reports/latest at it. Every file is published whole (nb_atomic_write);
 * Ctrl-C, SIGTERM or a failing family keeps what completed, and run.json
 * (and so the report) says what is missing. What can be refused is refused
 * before the first family: flags, --set against every model, a folder that
 * cannot take results, benchmark binaries that are not there.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "cmd.h"
#include "facts.h"
#include "nestbench/atomic_file.h"
#include "nestbench/hwparams.h"
#include "nestbench/iommu.h"
#include "nestbench/nb.h"
#include "run_child.h"
#include "run_dir.h"

/* The benchmark families, in run order: one line each. */
struct family {
	const char *name;
	const char *filter, *quick_filter; /* NULL: everything */
	const char *min_time, *quick_min_time;
	double est_s, quick_est_s; /* rough wall time here, for the ETA */
	/* Not a benchmark binary but a script run as SCRIPT RESULTS_DIR BENCH_DIR
	 * (exit 77: cannot run here, so skipped; its last line says why). It runs
	 * in the default suite when it can without installing or building
	 * anything (NB_GUEST=cached), and may do both with --guest or when
	 * --families names it (NB_GUEST=build); --quick leaves it out. */
	const char *script;
};

static const struct family families[] = {
	{ "pgwalk", NULL,
	  "pgwalk/(single/(x86_64-4lvl|arm_s1-4K|arm_s1-64K)/base/random|nested/(x86_64-4lvl\\+vtdss-4lvl|arm_s1-4K\\+arm_s2-4K)/base/random|chase)/ws_kib:(16|4096)$",
	  "0.05", "0.02", 75, 6, NULL },
	{ "invalidate", NULL,
	  "invalidate/[a-z_0-9]+/batch/nested:(1|8|64)/devices:1/pages:1/|iotlb/(random|nic)/[a-z_0-9]+/entries:(64|1024)/|iotlb/lookup",
	  "0.05", "0.02", 20, 10, NULL },
	{ "mapunmap", NULL, "mapunmap/emu/[a-z]+/size_kib:(4|2048)$", "0.05", "0.02", 5, 3, NULL },
	{ "concurrency", NULL, NULL, "0.2", "0.05", 2, 2, NULL },
	{ "strategies", NULL, "strategies/(instances/smmuv3/shared_s2|guest_path/[a-z]+/(vtd|smmuv3|amd)/)|calibrate/",
	  "0.05", "0.02", 3, 3, NULL },
	{ "replay", NULL, NULL, "0.05", "0.02", 5, 5, NULL },
	/* the real kernel's iommufd in the QEMU guest matrix (scripts/setup --guest) */
	{ "guest", NULL, NULL, NULL, NULL, 40, 40, "scripts/guest/collect" },
};

/*
 * Repetitions per family when --repetitions is not given: enough for the
 * timed figures (host time) to show their spread, min..max, in the plots;
 * one where every figure is a count or modelled time (deterministic: a
 * repetition would repeat it exactly). Google Benchmark repeats each
 * benchmark; the report takes the median and draws the range.
 */
static const struct {
	const char *name;
	int reps, quick_reps;
} family_reps[] = {
	{ "pgwalk", 3, 2 },	 /* host walk times and their limits */
	{ "invalidate", 1, 1 },	 /* counts and modelled; its host times (lookup, sim_ns) are not plotted */
	{ "mapunmap", 5, 3 },	 /* host map/unmap times */
	{ "concurrency", 5, 3 }, /* host walks per second */
	{ "strategies", 1, 1 },	 /* counts and modelled time */
	{ "replay", 1, 1 },	 /* counts; its host speed is context */
};

struct run_opts;
static int family_repetitions(const char *name, const struct run_opts *o);

/* dir + "/" + name into buf; false if it does not fit. */
static bool path_join(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n >= 0 && (size_t)n < len;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void short_commit(char *buf, size_t len)
{
	FILE *p = popen("git -C '" NB_SOURCE_DIR "' rev-parse --short HEAD 2>/dev/null", "r");

	buf[0] = '\0';
	if (p) {
		if (fgets(buf, (int)len, p))
			buf[strcspn(buf, "\n")] = '\0';
		pclose(p);
	}
	if (!buf[0])
		snprintf(buf, len, "nogit");
}

struct run_opts {
	bool quick, report;
	int reps, cpu;
	bool guest;
	const char *out, *only;
	const char *sets[16]; /* --set=KEY=VALUE, passed to every benchmark binary */
	int nsets;
};

struct outcome {
	const char *status;
	char reason[1600]; /* room for a path */
	double seconds;
};

static int family_repetitions(const char *name, const struct run_opts *o)
{
	if (o->reps)
		return o->reps; /* --repetitions */
	for (size_t i = 0; i < NB_ARRAY_SIZE(family_reps); i++)
		if (strcmp(family_reps[i].name, name) == 0)
			return o->quick ? family_reps[i].quick_reps : family_reps[i].reps;
	return 1;
}

static bool families_script(const char *name)
{
	for (size_t i = 0; i < NB_ARRAY_SIZE(families); i++)
		if (strcmp(families[i].name, name) == 0)
			return families[i].script != NULL;
	return false;
}

static bool selected(const struct run_opts *o, const char *name)
{
	const char *p;
	size_t n = strlen(name);

	if (!o->only)
		return !families_script(name) || o->guest || !o->quick;
	for (p = o->only; (p = strstr(p, name)); p += n)
		if ((p == o->only || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* The last non-empty line of a file (a skipped script's reason), without
 * its newline; the file's name when it has none. */
static void last_line(const char *path, char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen(path, "r");

	snprintf(buf, len, "cannot run here (see its log in raw/)");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		for (char *c = line; *c; c++)
			if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20)
				*c = '\''; /* it goes into run.json as is */
		if (line[0]) {
			size_t n = strlen(line) < len ? strlen(line) : len - 1;

			memcpy(buf, line, n);
			buf[n] = '\0';
		}
	}
	fclose(f);
}

/* NB_REPORTS_DIR: where the dated results folders go */
static const char *reports_dir(void)
{
	const char *d = getenv("NB_REPORTS_DIR");

	return d && *d ? d : NB_SOURCE_DIR "/reports";
}

/* NB_BENCH_DIR: another build's bench/ folder (e.g. for a commit's parent) */
static const char *bench_dir(void)
{
	return getenv("NB_BENCH_DIR") ? getenv("NB_BENCH_DIR") : NB_BINARY_DIR "/bench";
}

static bool bench_binary(const struct family *f, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s/nb-bench-%s", bench_dir(), f->name, f->name);

	return n >= 0 && (size_t)n < len;
}

/* What the child's wait status and the run's stop signal say about it. */
static void judge(const struct family *f, int status, const char *log, struct outcome *res)
{
	int stop = run_stop_signal();

	if (stop) {
		res->status = "interrupted";
		snprintf(res->reason, sizeof(res->reason), "stopped by %s after %.0f s", run_signal_name(stop),
			 res->seconds);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		res->status = "ok";
	} else if (f->script && WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		res->status = "skipped";
		last_line(log, res->reason, sizeof(res->reason));
	} else if (WIFEXITED(status)) {
		res->status = "failed";
		snprintf(res->reason, sizeof(res->reason),
			 "exit %d: a benchmark reported an error or the binary failed (see raw/%s.log)",
			 WEXITSTATUS(status), f->name);
	} else {
		res->status = "failed";
		snprintf(res->reason, sizeof(res->reason), "killed by %s (see raw/%s.log)",
			 strsignal(WTERMSIG(status)), f->name);
	}
}

static void run_family(const struct family *f, const struct run_opts *o, const char *dir,
		       struct outcome *res)
{
	char bin[1200], out[1200], log[1200], a_out[1300], a_filter[1100], a_min[64], a_reps[64],
		a_cpu[64];
	char *argv[40];
	int argc = 0, status;
	const char *filter = o->quick ? f->quick_filter : f->filter;
	double t0 = now_s();
	pid_t pid = 0;

	if (snprintf(out, sizeof(out), "%s/raw/%s.json", dir, f->name) >= (int)sizeof(out) ||
	    snprintf(log, sizeof(log), "%s/raw/%s.log", dir, f->name) >= (int)sizeof(log) ||
	    snprintf(a_out, sizeof(a_out), "--benchmark_out=%s", out) >= (int)sizeof(a_out)) {
		res->status = "failed";
		snprintf(res->reason, sizeof(res->reason), "result path too long");
		return;
	}
	if (f->script) {
		snprintf(bin, sizeof(bin), "%s/%s", NB_SOURCE_DIR, f->script);
		argv[argc++] = bin;
		argv[argc++] = (char *)dir;
		argv[argc++] = (char *)bench_dir();
		argv[argc] = NULL;
		setenv("NB_GUEST", o->guest || o->only ? "build" : "cached", 1);
		goto spawn;
	}
	if (!bench_binary(f, bin, sizeof(bin)) || access(bin, X_OK)) {
		res->status = "failed";
		snprintf(res->reason, sizeof(res->reason), "not built: %s: %s", bin, strerror(errno));
		return;
	}
	snprintf(a_min, sizeof(a_min), "--benchmark_min_time=%s", o->quick ? f->quick_min_time : f->min_time);
	argv[argc++] = bin;
	argv[argc++] = a_out;
	argv[argc++] = "--benchmark_out_format=json";
	argv[argc++] = a_min;
	if (filter) {
		snprintf(a_filter, sizeof(a_filter), "--benchmark_filter=%s", filter);
		argv[argc++] = a_filter;
	}
	if (family_repetitions(f->name, o) > 1) {
		snprintf(a_reps, sizeof(a_reps), "--benchmark_repetitions=%d", family_repetitions(f->name, o));
		argv[argc++] = a_reps;
	}
	if (o->cpu >= 0) {
		snprintf(a_cpu, sizeof(a_cpu), "--cpu=%d", o->cpu);
		argv[argc++] = a_cpu;
	}
	for (int i = 0; i < o->nsets; i++)
		argv[argc++] = (char *)o->sets[i]; /* "--set=...", as given */
	argv[argc] = NULL;
spawn:
	if (run_child(argv, log, &status, &pid)) {
		res->status = "failed";
		snprintf(res->reason, sizeof(res->reason), "%s", nb_errmsg());
		return;
	}
	res->seconds = now_s() - t0;
	/* A child stopped midway (or an older binary's own temporary) may have
	 * left OUT.tmp.PID*: the old OUT stays, the temporary goes. */
	nb_atomic_cleanup(out, pid);
	judge(f, status, log, res);
}

struct run_json_args {
	const struct run_opts *o;
	const struct outcome *res;
};

static void emit_run_json(FILE *f, const void *arg)
{
	const struct run_json_args *a = arg;

	fprintf(f, "{\n  \"quick\": %s,\n  \"repetitions\": %d,\n  \"families\": [", a->o->quick ? "true" : "false",
		a->o->reps); /* 0: each family's own (families[].repetitions) */
	for (size_t i = 0; i < NB_ARRAY_SIZE(families); i++) {
		const struct outcome *r = &a->res[i];

		fprintf(f, "%s\n    {\"name\": \"%s\", \"status\": \"%s\", \"seconds\": %.1f, \"repetitions\": %d, \"reason\": ",
			i ? "," : "", families[i].name, r->status ? r->status : "not run", r->seconds,
			family_repetitions(families[i].name, a->o));
		nb_cli_json_str(f, r->status || !families[i].script ? r->reason : "not in --quick (add --guest)");
		fprintf(f, "}");
	}
	fprintf(f, "\n  ]\n}\n");
}

static int write_run_json(const char *dir, const struct run_opts *o, const struct outcome *res)
{
	return run_dir_publish(dir, "run.json", emit_run_json, &(struct run_json_args){ o, res });
}

static void emit_env(FILE *f, const void *arg)
{
	nb_facts_print(f, true);
}

static void point_latest(const char *dir)
{
	char link[1200], tmp[1300];
	const char *base = strrchr(dir, '/');

	if (snprintf(link, sizeof(link), "%.*s/latest", (int)(base ? base - dir : 1), base ? dir : ".") >=
		    (int)sizeof(link) ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp.%d", link, (int)getpid()) >= (int)sizeof(tmp))
		return;
	unlink(tmp);
	if (symlink(base ? base + 1 : dir, tmp) == 0 && rename(tmp, link))
		unlink(tmp);
}

/* The report generator; its exit status, or -1 if it could not run or was stopped. */
static int report(const char *dir)
{
	char script[1200];
	char *argv[] = { "/usr/bin/python3", script, (char *)dir, NULL };
	int status;
	pid_t pid;

	if (!path_join(script, sizeof(script), NB_SOURCE_DIR, "scripts/nb_report.py") ||
	    run_child(argv, NULL, &status, &pid))
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The overrides against every registered model's own file, as the
 * benchmarks will apply them (together, checked once): a mistake stops the
 * run before the first family, not in every family. */
static int check_sets(const struct run_opts *o)
{
	const char *dir = getenv("NB_CONFIG_DIR") ? getenv("NB_CONFIG_DIR") : NB_SOURCE_DIR "/configs";
	const char *sets[NB_ARRAY_SIZE(o->sets)];
	const struct nb_tag_model *tm;
	struct nb_hw_params p;

	for (int i = 0; i < o->nsets; i++)
		sets[i] = o->sets[i] + 6; /* past "--set=" */
	for (int i = 0; o->nsets && (tm = nb_tag_model_at(i)); i++)
		if (nb_hwparams_model(dir, tm->name, sets, o->nsets, &p))
			return nb_cli_usage_error("run", "%s", nb_errmsg());
	return 0;
}

/* Are the selected families' benchmark binaries there? None at all is a
 * build that is missing (or NB_BENCH_DIR is wrong): refused before running. */
static int check_binaries(const struct run_opts *o)
{
	char bin[1200];
	int wanted = 0, found = 0;

	for (size_t i = 0; i < NB_ARRAY_SIZE(families); i++) {
		if (families[i].script || !selected(o, families[i].name))
			continue;
		wanted++;
		found += bench_binary(&families[i], bin, sizeof(bin)) && access(bin, X_OK) == 0;
	}
	if (wanted && !found) {
		fprintf(stderr, "nestbench run: no benchmark binary in %s (e.g. %s: %s); build them "
				"first (scripts/build release) or set NB_BENCH_DIR\n",
			bench_dir(), bin, strerror(errno));
		return 1;
	}
	return 0;
}

static int parse(int argc, char **argv, struct run_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *end;

		if (strcmp(a, "--quick") == 0)
			o->quick = true;
		else if (strcmp(a, "--no-report") == 0)
			o->report = false;
		else if (strncmp(a, "--repetitions=", 14) == 0) {
			long v = strtol(a + 14, &end, 10); /* range-check before narrowing to int */

			if (!a[14] || *end || v < 1 || v > 100)
				return nb_cli_usage_error("run", "--repetitions: '%s' is not 1..100", a + 14);
			o->reps = (int)v;
		} else if (strncmp(a, "--cpu=", 6) == 0) {
			long v = strtol(a + 6, &end, 10);

			if (!a[6] || *end || v < 0 || v > 4096) /* the benchmarks' own bound */
				return nb_cli_usage_error("run", "--cpu: '%s' is not a CPU number", a + 6);
			o->cpu = (int)v;
		} else if (strcmp(a, "--guest") == 0) {
			o->guest = true;
		} else if (strncmp(a, "--set=", 6) == 0) {
			if (o->nsets == (int)NB_ARRAY_SIZE(o->sets))
				return nb_cli_usage_error("run", "--set: more than %d overrides",
							  (int)NB_ARRAY_SIZE(o->sets));
			if (!strchr(a + 6, '='))
				return nb_cli_usage_error("run", "--set: '%s' is not KEY=VALUE", a + 6);
			o->sets[o->nsets++] = a; /* each benchmark binary checks KEY and VALUE */
		} else if (strncmp(a, "--out=", 6) == 0) {
			if (!a[6])
				return nb_cli_usage_error("run", "--out: empty folder name");
			o->out = a + 6;
		} else if (strncmp(a, "--families=", 11) == 0) {
			if (!a[11])
				return nb_cli_usage_error("run", "--families: empty list");
			o->only = a + 11;
		} else if (nb_cli_is_help(a)) {
			printf("usage: nestbench run [--quick] [--repetitions=N] [--cpu=N] [--families=a,b]\n"
			       "                     [--set=KEY=VALUE]... [--guest] [--out=DIR] [--no-report]\n"
			       "Runs the default suite into a new folder reports/<UTC date-time>-<commit>/\n"
			       "(-2, -3, ... when another run took the name) and writes the report there\n"
			       "(index.html, summary.md, plots); reports/latest points at it.\n\n"
			       "  --quick          the CI-sized suite (under a minute)\n"
			       "  --repetitions=N  Google Benchmark repetitions, 1..100 (compare needs >= 4 on\n"
			       "                   each side for a verdict at its default alpha 0.05); default:\n"
			       "                   per family, 1 where every figure is a count or modelled, up\n"
			       "                   to 5 for host timings, so the plots show their spread\n"
			       "  --cpu=N          pin the benchmarks to OS CPU N\n"
			       "  --families=a,b   only these families\n"
			       "  --set=KEY=VALUE  override a hardware-description key in every model, e.g.\n"
			       "                   --set=iotlb.entries=512; repeatable, applied together and\n"
			       "                   checked against every model before the first family\n"
			       "  --guest          the real iommufd in the QEMU guest matrix (the guest family):\n"
			       "                   it runs by default when QEMU and the guest kernel are here;\n"
			       "                   --guest installs QEMU (apt), builds the kernel if needed and\n"
			       "                   adds the family to --quick\n"
			       "  --out=DIR        results into DIR (it may exist: its old results stay until\n"
			       "                   replaced; one run at a time in a folder)\n"
			       "  --no-report      raw results only\n"
			       "  -h, --help       this help\n\n"
			       "Environment: NB_BENCH_DIR another build's bench/ folder; NB_CONFIG_DIR the\n"
			       "model files (default: the source tree's configs/); NB_REPORTS_DIR where the\n"
			       "dated folders go (default: the source tree's reports/).\n"
			       "Exit status: 0 every family ok (or skipped: it cannot run here); 1 a family\n"
			       "failed, no benchmark binary, or the results folder cannot take results; 2 usage\n"
			       "(a flag, a --set); 130 stopped by Ctrl-C (SIGINT), 143 by SIGTERM: what\n"
			       "completed is kept and run.json says which family was interrupted.\n"
			       "families:");
			for (size_t f = 0; f < NB_ARRAY_SIZE(families); f++)
				printf(" %s", families[f].name);
			printf("\n");
			return -1;
		} else {
			return nb_cli_usage_error("run", "unknown option '%s' (try --help)", a);
		}
	}
	if (o->only)
		for (const char *p = o->only; *p;) {
			size_t n = strcspn(p, ",");
			bool known = false;

			for (size_t f = 0; f < NB_ARRAY_SIZE(families); f++)
				known |= strlen(families[f].name) == n && strncmp(families[f].name, p, n) == 0;
			if (!known)
				return nb_cli_usage_error("run", "--families: unknown family '%.*s'", (int)n, p);
			p += n + (p[n] == ',');
		}
	return 0;
}

static int run(int argc, char **argv)
{
	struct run_opts o = { .report = true, .reps = 0, .cpu = -1 };
	struct outcome res[NB_ARRAY_SIZE(families)];
	char dir[1024], commit[64], stem[128];
	double total_est = 0, done_est = 0, t0 = now_s();
	int n = 0, k = 0, rc = 0, stop;
	time_t now = time(NULL);

	rc = parse(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = check_sets(&o)) || (rc = check_binaries(&o)))
		return rc;
	memset(res, 0, sizeof(res));
	short_commit(commit, sizeof(commit));
	strftime(stem, sizeof(stem), "%Y%m%dT%H%M%SZ", gmtime(&now));
	snprintf(stem + strlen(stem), sizeof(stem) - strlen(stem), "-%s", commit);
	if (run_dir_open(o.out, reports_dir(), stem, dir, sizeof(dir)) ||
	    run_dir_publish(dir, "env.json", emit_env, NULL)) {
		fprintf(stderr, "nestbench run: %s\n", nb_errmsg());
		return 1;
	}
	for (size_t i = 0; i < NB_ARRAY_SIZE(families); i++)
		if (selected(&o, families[i].name)) {
			n++;
			total_est += (o.quick ? families[i].quick_est_s : families[i].est_s) *
				     family_repetitions(families[i].name, &o);
		}
	run_signals_catch();
	printf("nestbench run: %s suite, %d families, results in %s\n", o.quick ? "quick" : "default", n, dir);
	for (size_t i = 0; i < NB_ARRAY_SIZE(families) && !run_stop_signal(); i++) {
		const struct family *f = &families[i];
		double elapsed = now_s() - t0, eta = total_est - done_est;

		if (!selected(&o, f->name))
			continue;
		printf("[%d/%d] %-12s elapsed %4.0f s, ETA %4.0f s ...", ++k, n, f->name, elapsed,
		       eta > 0 ? eta : 0);
		fflush(stdout);
		run_family(f, &o, dir, &res[i]);
		printf(" %s in %.1f s%s%s\n", res[i].status, res[i].seconds, res[i].reason[0] ? ": " : "",
		       res[i].reason);
		done_est += (o.quick ? f->quick_est_s : f->est_s) * family_repetitions(f->name, &o);
		if (strcmp(res[i].status, "ok") && strcmp(res[i].status, "skipped"))
			rc = 1;
		/* after every family: a kill keeps what completed */
		if (write_run_json(dir, &o, res)) {
			fprintf(stderr, "nestbench run: %s\n", nb_errmsg());
			rc = 1;
		}
	}
	if (write_run_json(dir, &o, res)) {
		fprintf(stderr, "nestbench run: %s\n", nb_errmsg());
		rc = 1;
	}
	if (o.report) {
		int r = report(dir);

		if (r) {
			fprintf(stderr, "nestbench run: the report generator %s\n",
				r < 0 ? "did not finish" : "failed");
			rc = 1;
		}
	}
	if (!o.out)
		point_latest(dir);
	stop = run_stop_signal();
	run_signals_default();
	printf("nestbench run: %s in %.0f s; %s: %s%s\n", stop ? "stopped" : rc ? "finished with problems" : "done",
	       now_s() - t0, o.report ? "report" : "results", dir, o.report ? "/index.html" : "");
	if (stop)
		fprintf(stderr, "nestbench run: stopped by %s; what completed is in %s\n", run_signal_name(stop),
			dir);
	return stop ? 128 + stop : rc;
}

const struct nb_cmd nb_cmd_run = {
	.name = "run",
	.args = "[--quick] [options]",
	.summary = "run the benchmark suite and write the dated report",
	.run = run,
};
