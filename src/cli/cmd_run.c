// SPDX-License-Identifier: MIT
/*
 * nestbench run: the main job. Runs every benchmark family into a dated
 * folder reports/<UTC>-<commit>/ (raw JSON, env.json, run.json), then the
 * report generator (plots, index.html, summary.md) and points
 * reports/latest at it. Every file is written under a temporary name and
 * renamed; Ctrl-C or a failing family keeps what completed, and run.json
 * (and so the report) says what is missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "cmd.h"
#include "facts.h"
#include "nestbench/nb.h"

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
	{ "strategies", NULL, "strategies/(instances/smmuv3/shared_s2|guest_path/[a-z]+/(vtd|smmuv3|amd)/)",
	  "0.05", "0.02", 3, 3, NULL },
	{ "replay", NULL, NULL, "0.05", "0.02", 5, 5, NULL },
	/* the real kernel's iommufd in the QEMU guest matrix (scripts/setup --guest) */
	{ "guest", NULL, NULL, NULL, NULL, 40, 40, "scripts/guest/collect" },
};

static volatile sig_atomic_t interrupted;
static volatile pid_t child;

static void on_sigint(int sig)
{
	interrupted = 1;
	if (child > 0)
		kill(child, sig);
}

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

static int mkdir_p(const char *path)
{
	char buf[1200];

	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, strlen(path) + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, 0755) && errno != EEXIST ? -errno : 0;
}

/* Write a file through a temporary name, so it is whole or absent. */
static FILE *open_tmp(const char *path, char *tmp, size_t len)
{
	int n = snprintf(tmp, len, "%s.tmp.%d", path, (int)getpid());

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return fopen(tmp, "w");
}

static int close_tmp(FILE *f, const char *tmp, const char *path)
{
	if (fflush(f) || ferror(f) || fsync(fileno(f))) {
		fclose(f);
		unlink(tmp);
		return -EIO;
	}
	fclose(f);
	return rename(tmp, path) ? -errno : 0;
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
	char reason[256];
	double seconds;
};

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

static void run_family(const struct family *f, const struct run_opts *o, const char *dir,
		       struct outcome *res)
{
	char bin[1200], out[1200], log[1200], a_out[1300], a_filter[1100], a_min[64], a_reps[64],
		a_cpu[64];
	char *argv[40];
	int argc = 0, status;
	const char *filter = o->quick ? f->quick_filter : f->filter;
	double t0 = now_s();
	pid_t pid;

	/* NB_BENCH_DIR: another build's bench/ folder (e.g. for a commit's parent) */
	const char *bench_dir = getenv("NB_BENCH_DIR") ? getenv("NB_BENCH_DIR") : NB_BINARY_DIR "/bench";

	if (f->script) {
		snprintf(bin, sizeof(bin), "%s/%s", NB_SOURCE_DIR, f->script);
		snprintf(log, sizeof(log), "%s/raw/%s.log", dir, f->name);
		argv[argc++] = bin;
		argv[argc++] = (char *)dir;
		argv[argc++] = (char *)bench_dir;
		argv[argc] = NULL;
		setenv("NB_GUEST", o->guest || o->only ? "build" : "cached", 1);
		goto spawn;
	}
	snprintf(bin, sizeof(bin), "%s/%s/nb-bench-%s", bench_dir, f->name, f->name);
	if (access(bin, X_OK)) {
		res->status = "skipped";
		snprintf(res->reason, sizeof(res->reason), "nb-bench-%s not built", f->name);
		return;
	}
	if (snprintf(out, sizeof(out), "%s/raw/%s.json", dir, f->name) >= (int)sizeof(out) ||
	    snprintf(log, sizeof(log), "%s/raw/%s.log", dir, f->name) >= (int)sizeof(log) ||
	    snprintf(a_out, sizeof(a_out), "--benchmark_out=%s", out) >= (int)sizeof(a_out)) {
		res->status = "failed";
		snprintf(res->reason, sizeof(res->reason), "result path too long");
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
	if (o->reps > 1) {
		snprintf(a_reps, sizeof(a_reps), "--benchmark_repetitions=%d", o->reps);
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
	pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execv(bin, argv);
		_exit(127);
	}
	if (pid < 0) {
		res->status = "failed";
		snprintf(res->reason, sizeof(res->reason), "fork: %s", strerror(errno));
		return;
	}
	child = pid;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	child = 0;
	res->seconds = now_s() - t0;
	if (interrupted) {
		res->status = "interrupted";
		snprintf(res->reason, sizeof(res->reason), "stopped by Ctrl-C after %.0f s", res->seconds);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		res->status = "ok";
	} else if (f->script && WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		res->status = "skipped";
		last_line(log, res->reason, sizeof(res->reason));
	} else {
		res->status = "failed";
		snprintf(res->reason, sizeof(res->reason), "%s (see raw/%s.log)",
			 WIFEXITED(status) ? "a benchmark reported an error or the binary failed" : "killed by a signal",
			 f->name);
	}
}

static int write_run_json(const char *dir, const struct run_opts *o, const struct outcome *res)
{
	char path[1200], tmp[1300];
	FILE *f;

	if (!path_join(path, sizeof(path), dir, "run.json"))
		return -ENAMETOOLONG;
	f = open_tmp(path, tmp, sizeof(tmp));
	if (!f)
		return -errno;
	fprintf(f, "{\n  \"quick\": %s,\n  \"repetitions\": %d,\n  \"families\": [", o->quick ? "true" : "false",
		o->reps);
	for (size_t i = 0; i < NB_ARRAY_SIZE(families); i++)
		fprintf(f, "%s\n    {\"name\": \"%s\", \"status\": \"%s\", \"seconds\": %.1f, \"reason\": \"%s\"}",
			i ? "," : "", families[i].name, res[i].status ? res[i].status : "not run",
			res[i].seconds,
			res[i].status || !families[i].script ? res[i].reason : "not in --quick (add --guest)");
	fprintf(f, "\n  ]\n}\n");
	return close_tmp(f, tmp, path);
}

static int write_env(const char *dir)
{
	char path[1200], tmp[1300];
	FILE *f;

	if (!path_join(path, sizeof(path), dir, "env.json"))
		return -ENAMETOOLONG;
	f = open_tmp(path, tmp, sizeof(tmp));
	if (!f)
		return -errno;
	nb_facts_print(f, true);
	return close_tmp(f, tmp, path);
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

static int report(const char *dir)
{
	char cmd[2600];

	if (snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s/scripts/nb_report.py' '%s'", NB_SOURCE_DIR,
		     dir) >= (int)sizeof(cmd))
		return -1;
	return system(cmd);
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
		} else if (strcmp(a, "--help") == 0) {
			printf("usage: nestbench run [--quick] [--repetitions=N] [--cpu=N] [--families=a,b]\n"
			       "                     [--set=KEY=VALUE]... [--guest] [--out=DIR] [--no-report]\n"
			       "Runs the default suite into reports/<UTC date-time>-<commit>/ and writes\n"
			       "the report there (index.html, summary.md, plots); reports/latest points at it.\n"
			       "--set overrides a hardware-description key in every model (e.g.\n"
			       "--set=iotlb.entries=512). The real iommufd in the QEMU guest matrix (the\n"
			       "guest family) runs when QEMU and the guest kernel are already here (scripts/test\n"
			       "builds them); --guest installs QEMU (apt) and builds the kernel if needed,\n"
			       "and adds the family to --quick.\n"
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
	struct run_opts o = { .report = true, .reps = 1, .cpu = -1 };
	struct outcome res[NB_ARRAY_SIZE(families)];
	char dir[1024], commit[64], stamp[32];
	double total_est = 0, done_est = 0, t0 = now_s();
	int n = 0, k = 0, rc = 0;
	time_t now = time(NULL);

	rc = parse(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	memset(res, 0, sizeof(res));
	short_commit(commit, sizeof(commit));
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&now));
	if ((o.out ? snprintf(dir, sizeof(dir), "%s", o.out)
		   : snprintf(dir, sizeof(dir), "%s/reports/%s-%s", NB_SOURCE_DIR, stamp, commit)) >=
	    (int)sizeof(dir))
		return nb_cli_usage_error("run", "--out: path too long");
	{
		char raw[1200];

		if (!path_join(raw, sizeof(raw), dir, "raw") || mkdir_p(raw)) {
			fprintf(stderr, "nestbench run: cannot create %s: %s\n", raw, strerror(errno));
			return 1;
		}
	}
	if (write_env(dir))
		fprintf(stderr, "nestbench run: env.json: %s\n", strerror(errno));
	for (size_t i = 0; i < NB_ARRAY_SIZE(families); i++)
		if (selected(&o, families[i].name)) {
			n++;
			total_est += o.quick ? families[i].quick_est_s : families[i].est_s;
		}
	signal(SIGINT, on_sigint);
	signal(SIGTERM, on_sigint);
	printf("nestbench run: %s suite, %d families, results in %s\n", o.quick ? "quick" : "default", n, dir);
	for (size_t i = 0; i < NB_ARRAY_SIZE(families) && !interrupted; i++) {
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
		done_est += o.quick ? f->quick_est_s : f->est_s;
		if (strcmp(res[i].status, "ok") && strcmp(res[i].status, "skipped"))
			rc = 1;
		write_run_json(dir, &o, res); /* after every family: a kill keeps what completed */
	}
	signal(SIGINT, SIG_DFL);
	if (write_run_json(dir, &o, res))
		fprintf(stderr, "nestbench run: run.json: %s\n", strerror(errno));
	if (o.report) {
		int r = report(dir);

		if (r) {
			fprintf(stderr, "nestbench run: the report generator failed (exit %d)\n", r);
			rc = 1;
		}
	}
	if (!o.out)
		point_latest(dir);
	printf("nestbench run: %s in %.0f s; report: %s/index.html\n", rc ? "finished with problems" : "done",
	       now_s() - t0, dir);
	return interrupted ? 130 : rc;
}

const struct nb_cmd nb_cmd_run = {
	.name = "run",
	.args = "[--quick] [--repetitions=N]",
	.summary = "run the benchmark suite and write the dated report",
	.run = run,
};
