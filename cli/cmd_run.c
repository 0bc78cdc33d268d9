// SPDX-License-Identifier: MIT
/*
 * nestbench run: the main job. Runs the benchmark families (bench/families.txt)
 * into a dated folder reports/<UTC>-<commit>/ (raw JSON, env.json, run.json,
 * plan.json), several processes at once on the machine's cores, or one shard
 * of the suite; then the report generator (plots, index.html, summary.md)
 * and points reports/latest at it. run.h says which file does what. Every
 * file is published whole; Ctrl-C, SIGTERM or a failing family keeps what
 * completed, and run.json (and so the report) says what is missing. What can
 * be refused is refused before the first family: flags, --set against every
 * model, the estimates file, a folder that cannot take results, benchmark
 * binaries that are not there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "cmd.h"
#include "facts.h"
#include "nestbench/hwparams.h"
#include "nestbench/iommu.h"
#include "nestbench/nb.h"
#include "run.h"
#include "run_child.h"
#include "run_dir.h"
#include "run_estimates.h"
#include "run_flags.h"
#include "run_plan.h"
#include "run_record.h"
#include "run_sched.h"
#include "run_shard.h"

/* The first line git prints for args in the source tree, or dflt. */
static void git_line(const char *args, char *buf, size_t len, const char *dflt)
{
	char cmd[1200];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "git -C '%s' %s 2>/dev/null", NB_SOURCE_DIR, args);
	buf[0] = '\0';
	p = popen(cmd, "r");
	if (p) {
		if (fgets(buf, (int)len, p))
			buf[strcspn(buf, "\n")] = '\0';
		pclose(p);
	}
	if (!buf[0])
		snprintf(buf, len, "%s", dflt);
}

/* NB_REPORTS_DIR: where the dated results folders go */
static const char *reports_dir(void)
{
	const char *d = getenv("NB_REPORTS_DIR");

	return d && *d ? d : NB_SOURCE_DIR "/reports";
}

static const char *estimates_path(void)
{
	const char *e = getenv("NB_ESTIMATES");

	return e && *e ? e : NB_SOURCE_DIR "/bench/estimates.tsv";
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

/* A Python helper on the results folder; its exit status, or -1 if it could
 * not run or was stopped. cleanup: it runs after a stop too. */
static int python(const char *script, const char *arg, const char *arg2, bool cleanup)
{
	char path[1200];
	char *argv[] = { NB_PYTHON, path, (char *)arg, (char *)arg2, NULL };
	int status;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/scripts/%s", NB_SOURCE_DIR, script);
	if (run_child(argv, &(struct run_child_io){ .cleanup = cleanup }, &status, &pid))
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The overrides against every registered model's own file, as the
 * benchmarks will apply them (together, checked once): a mistake stops the
 * run before the first family, not in every family. */
static int check_sets(const struct run_opts *o)
{
	const char *dir = nb_cli_config_dir();
	const char *sets[RUN_MAX_SETS];
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

	for (int i = 0; i < NB_FAMILY_COUNT; i++) {
		if (nb_families[i].script || !run_selected(o, &nb_families[i]))
			continue;
		wanted++;
		found += nb_family_binary(&nb_families[i], bin, sizeof(bin)) && access(bin, X_OK) == 0;
	}
	if (wanted && !found) {
		fprintf(stderr, "nestbench run: no benchmark binary in %s (e.g. %s: %s); build them "
				"first (scripts/build release) or set NB_BENCH_DIR\n",
			nb_family_bench_dir(), bin, strerror(errno));
		return 1;
	}
	return 0;
}

static void write_run_json(const struct run *r)
{
	if (run_record_run(r))
		fprintf(stderr, "nestbench run: %s\n", nb_errmsg());
}

/* The folder, env.json, the estimates: 0 or the exit status. */
static int prepare(struct run *r, struct run_estimates **est)
{
	char stem[160], shortc[64];
	time_t now = time(NULL);
	int ret;

	if ((ret = run_estimates_create(estimates_path(), est))) {
		fprintf(stderr, "nestbench run: %s\n", nb_errmsg());
		return ret == -EINVAL || ret == -EISDIR ? 2 : 1;
	}
	snprintf(r->estimates, sizeof(r->estimates), "%s (%d benchmarks)", estimates_path(),
		 run_estimates_count(*est));
	git_line("describe --always --dirty --abbrev=40", r->commit, sizeof(r->commit), "nogit (" NB_GIT_DESCRIBE ")");
	git_line("rev-parse --short HEAD", shortc, sizeof(shortc), "nogit");
	strftime(stem, sizeof(stem), "%Y%m%dT%H%M%SZ", gmtime(&now));
	snprintf(stem + strlen(stem), sizeof(stem) - strlen(stem), "-%s", shortc);
	if (r->o.shard.count)
		snprintf(stem + strlen(stem), sizeof(stem) - strlen(stem), "-shard%dof%d", r->o.shard.index,
			 r->o.shard.count);
	if (run_dir_open(r->o.out, reports_dir(), stem, r->dir, sizeof(r->dir)) ||
	    run_dir_publish(r->dir, "env.json", emit_env, NULL)) {
		fprintf(stderr, "nestbench run: %s\n", nb_errmsg());
		return 1;
	}
	return 0;
}

/* Plan the run; 0 or the exit status. */
static int plan(struct run *r, const struct run_estimates *est)
{
	int families = 0, here = 0;

	r->slots = run_sched_slots(&r->o);
	if (run_plan_select(r, est) || run_plan_jobs(r)) {
		fprintf(stderr, "nestbench run: %s\n", nb_errmsg());
		return 1;
	}
	for (int f = 0; f < NB_FAMILY_COUNT; f++) {
		families += r->fams[f].fam != NULL;
		here += r->fams[f].nb;
	}
	if (run_record_plan(r)) {
		fprintf(stderr, "nestbench run: %s\n", nb_errmsg());
		return 1;
	}
	if (r->o.filter && !r->selection && !run_stop_signal())
		return nb_cli_usage_error("run", "--filter: '%s' matches no benchmark of the selected families",
					  r->o.filter);
	printf("nestbench run: %s suite", r->o.quick ? "quick" : "default");
	if (r->o.shard.count)
		printf(", shard %d of %d (%s)", r->o.shard.index, r->o.shard.count, r->o.shard.from);
	printf(": %d families, %d benchmarks", families, here);
	if (r->o.shard.count)
		printf(" (of %d in all shards)", r->selection);
	printf(" in %d processes, %d at a time; results in %s\n", r->njobs, r->slots, r->dir);
	for (int f = 0; f < NB_FAMILY_COUNT; f++) /* those that will not run */
		if (r->fams[f].fam && r->fams[f].out.status)
			printf("      %-12s: %s: %s\n", r->fams[f].fam->name, r->fams[f].out.status,
			       r->fams[f].out.reason);
	return 0;
}

/* Families that ran in parts: their parts joined into raw/<family>.json
 * (also after a stop: what completed is kept where the report looks). */
static int join_parts(const struct run *r)
{
	for (int i = 0; i < r->njobs; i++)
		if (r->jobs[i].parts > 1)
			return python("nb_merge.py", "--join-parts", r->dir, true) ? 1 : 0;
	return 0;
}

static int run(int argc, char **argv)
{
	static struct run r; /* large: the families' plans */
	struct run_estimates *est = NULL;
	int rc, stop;
	double t0 = run_now();

	memset(&r, 0, sizeof(r));
	r.o = (struct run_opts){ .report = true, .cpu = -1 };
	rc = run_flags_parse(argc, argv, &r.o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = check_sets(&r.o)) || (rc = check_binaries(&r.o)) || (rc = prepare(&r, &est)))
		goto out;
	run_signals_catch();
	if ((rc = plan(&r, est)))
		goto out;
	run_sched(&r, write_run_json);
	for (int f = 0; f < NB_FAMILY_COUNT; f++) {
		const char *s = r.fams[f].out.status;

		if (r.fams[f].fam && s && strcmp(s, "ok") && strcmp(s, "skipped") && strcmp(s, "none"))
			rc = 1;
	}
	if (join_parts(&r)) {
		fprintf(stderr, "nestbench run: joining the families' parts failed (they stay in raw/parts/)\n");
		rc = 1;
	}
	if (run_record_run(&r)) {
		fprintf(stderr, "nestbench run: %s\n", nb_errmsg());
		rc = 1;
	}
	if (r.o.report) {
		int rep = python("nb_report.py", r.dir, NULL, false);

		if (rep) { /* 3: written, but a self-check of the results failed (nb_report.py) */
			fprintf(stderr, "nestbench run: the report generator %s\n",
				rep < 0 ? "did not finish" : rep == 3 ? "found a self-check failed (see the report)"
								      : "failed");
			rc = 1;
		}
	}
	if (!r.o.out)
		point_latest(r.dir);
	printf("nestbench run: %s in %.0f s; %s: %s%s\n",
	       run_stop_signal() ? "stopped" : rc ? "finished with problems" : "done", run_now() - t0,
	       r.o.report ? "report" : "results", r.dir, r.o.report ? "/index.html" : "");
out:
	stop = run_stop_signal();
	run_signals_default();
	if (stop && r.dir[0])
		fprintf(stderr, "nestbench run: stopped by %s; what completed is in %s\n", run_signal_name(stop),
			r.dir);
	run_plan_fini(&r);
	run_estimates_destroy(est);
	return stop ? 128 + stop : rc;
}

const struct nb_cmd nb_cmd_run = {
	.name = "run",
	.args = "[--quick] [options]",
	.summary = "run the benchmark suite and write the dated report",
	.run = run,
	.stdout_is_progress = true,
};
