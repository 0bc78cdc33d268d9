// SPDX-License-Identifier: MIT
/* The family runner: jobs as processes, placed on the cores (run_sched.h). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "nestbench/atomic_file.h"
#include "nestbench/machine.h"
#include "nestbench/nb.h"
#include "run_child.h"
#include "run_place.h"
#include "run_sched.h"

double run_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int run_sched_slots(const struct run_opts *o)
{
	int n;

	if (o->cpu >= 0)
		return 1;
	if (o->jobs > 0)
		return o->jobs;
	n = nb_topo_cpu_count();
	return n > 0 ? n : 1;
}

/* The running shared processes onto the free CPUs (a host-timed one took
 * or gave back a core). */
static void refresh_shared(const struct run *r, const struct run_places *p)
{
	cpu_set_t set;

	run_places_free_set(p, &set);
	for (int i = 0; i < r->njobs; i++) {
		const struct run_job *j = &r->jobs[i];

		if (j->place == RUN_PLACE_SHARED && j->pid && !j->res.status && run_child_set_cpus(j->pid, &set))
			fprintf(stderr, "nestbench run: %s\n", nb_errmsg());
	}
}

/* The last non-empty line of a file (a skipped script's reason), without
 * its newline; a pointer to its log when it has none. */
static void last_line(const char *path, char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen(path, "r");

	snprintf(buf, len, "cannot run here (see its log in raw/)");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			snprintf(buf, len, "%s", line);
	}
	fclose(f);
}

static const char *log_name(const struct run_job *j, char *buf, size_t len)
{
	if (j->parts > 1)
		snprintf(buf, len, "raw/parts/%s.%d.log", j->rf->fam->name, j->part);
	else
		snprintf(buf, len, "raw/%s.log", j->rf->fam->name);
	return buf;
}

/* What the child's wait status and the run's stop signal say about it. */
static void judge(struct run_job *j, int status)
{
	struct run_outcome *res = &j->res;
	int stop = run_stop_signal();
	char log[300];

	log_name(j, log, sizeof(log));
	if (stop) {
		res->status = "interrupted";
		snprintf(res->reason, sizeof(res->reason), "stopped by %s after %.0f s", run_signal_name(stop),
			 res->seconds);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		res->status = "ok";
	} else if (j->rf->fam->script && WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		res->status = "skipped";
		last_line(j->log, res->reason, sizeof(res->reason));
	} else if (WIFEXITED(status)) {
		res->status = "failed";
		snprintf(res->reason, sizeof(res->reason),
			 "exit %d: a benchmark reported an error or the binary failed (see %s)", WEXITSTATUS(status),
			 log);
	} else {
		res->status = "failed";
		snprintf(res->reason, sizeof(res->reason), "killed by %s (see %s)", strsignal(WTERMSIG(status)), log);
	}
}

/* Its output and log paths; false (and its outcome) if they do not fit. */
static bool job_paths(struct run *r, struct run_job *j)
{
	const char *name = j->rf->fam->name;
	int a, b;

	if (j->parts > 1) {
		char parts[1100];

		snprintf(parts, sizeof(parts), "%s/raw/parts", r->dir);
		if (mkdir(parts, 0755) && errno != EEXIST) {
			j->res.status = "failed";
			snprintf(j->res.reason, sizeof(j->res.reason), "cannot create %s: %s", parts, strerror(errno));
			return false;
		}
		a = snprintf(j->out, sizeof(j->out), "%s/raw/parts/%s.%d.json", r->dir, name, j->part);
		b = snprintf(j->log, sizeof(j->log), "%s/raw/parts/%s.%d.log", r->dir, name, j->part);
	} else {
		a = snprintf(j->out, sizeof(j->out), "%s/raw/%s.json", r->dir, name);
		b = snprintf(j->log, sizeof(j->log), "%s/raw/%s.log", r->dir, name);
	}
	if (a < 0 || b < 0 || (size_t)a >= sizeof(j->out) || (size_t)b >= sizeof(j->log)) {
		j->res.status = "failed";
		snprintf(j->res.reason, sizeof(j->res.reason), "result path too long");
		return false;
	}
	return true;
}

/* Start job j on its place; false (and its outcome) if it could not. */
static bool start(struct run *r, struct run_job *j, const cpu_set_t *cpus, int first_cpu)
{
	static char a_out[1300], a_min[64], a_reps[64], a_cpu[64];
	char bin[1200], *a_filter = NULL, *argv[16 + RUN_MAX_SETS];
	const struct nb_family *f = j->rf->fam;
	int argc = 0, ret;

	if (!job_paths(r, j))
		return false;
	if (f->script) {
		snprintf(bin, sizeof(bin), "%s/%s", NB_SOURCE_DIR, f->script);
		argv[argc++] = bin;
		argv[argc++] = r->dir;
		argv[argc++] = (char *)nb_family_bench_dir();
		setenv("NB_GUEST", r->o.guest || r->o.only ? "build" : "cached", 1);
	} else {
		nb_family_binary(f, bin, sizeof(bin));
		snprintf(a_out, sizeof(a_out), "--benchmark_out=%s", j->out);
		argv[argc++] = bin;
		argv[argc++] = a_out;
		argv[argc++] = "--benchmark_out_format=json";
		if (r->o.quick) {
			argv[argc++] = "--quick"; /* the binary's own subset and min time */
		} else if (f->min_time) {
			snprintf(a_min, sizeof(a_min), "--benchmark_min_time=%s", f->min_time);
			argv[argc++] = a_min;
		}
		if (j->filter) {
			if (asprintf(&a_filter, "--benchmark_filter=%s", j->filter) < 0) {
				j->res.status = "failed";
				snprintf(j->res.reason, sizeof(j->res.reason), "out of memory");
				return false;
			}
			argv[argc++] = a_filter;
		}
		if (j->rf->reps > 1) {
			snprintf(a_reps, sizeof(a_reps), "--benchmark_repetitions=%d", j->rf->reps);
			argv[argc++] = a_reps;
		}
		if (first_cpu >= 0) {
			snprintf(a_cpu, sizeof(a_cpu), "--cpu=%d", first_cpu);
			argv[argc++] = a_cpu;
		}
		for (int i = 0; i < r->o.nsets; i++)
			argv[argc++] = (char *)r->o.sets[i];
	}
	argv[argc] = NULL;
	j->t0 = run_now();
	ret = run_child_start(argv, &(struct run_child_io){ .out = j->log, .err = j->log, .cpus = cpus }, &j->pid);
	free(a_filter);
	if (ret) {
		j->res.status = "failed";
		snprintf(j->res.reason, sizeof(j->res.reason), "%s", nb_errmsg());
		return false;
	}
	return true;
}

/* A family's outcome from its jobs': failed over interrupted over skipped
 * over ok; the time from its first start to its last end. */
static void family_outcome(struct run *r, struct run_family *rf)
{
	const struct run_job *worst = NULL;
	static const char *const rank[] = { "ok", "skipped", "interrupted", "failed" };
	int wr = -1, pending = 0;

	rf->out.cpu_s = 0;
	for (int i = 0; i < r->njobs; i++) {
		const struct run_job *j = &r->jobs[i];

		if (j->rf != rf)
			continue;
		rf->out.cpu_s += j->res.cpu_s;
		if (!j->res.status) {
			pending++;
			continue;
		}
		for (int k = 0; k < 4; k++)
			if (strcmp(j->res.status, rank[k]) == 0 && k > wr) {
				wr = k;
				worst = j;
			}
	}
	if (!worst && !(pending && run_stop_signal()))
		return;
	if (pending && run_stop_signal() && wr < 2) {
		rf->out.status = "interrupted";
		snprintf(rf->out.reason, sizeof(rf->out.reason), "stopped by %s before %d of its processes ran",
			 run_signal_name(run_stop_signal()), pending);
	} else if (pending) {
		rf->out.status = NULL; /* still running */
		return;
	} else {
		rf->out.status = worst->res.status;
		if (worst->parts > 1 && worst->res.reason[0])
			snprintf(rf->out.reason, sizeof(rf->out.reason), "part %d/%d: %.1500s", worst->part,
				 worst->parts, worst->res.reason);
		else
			snprintf(rf->out.reason, sizeof(rf->out.reason), "%s", worst->res.reason);
	}
	rf->out.seconds = rf->t_last - rf->t_first;
}

static void print_start(const struct run *r, const struct run_job *j, int k, double t0)
{
	double eta = 0;

	for (int i = 0; i < r->njobs; i++) /* what has not ended, spread over the slots */
		if (!r->jobs[i].res.status)
			eta += r->jobs[i].est_s;
	eta /= r->slots;
	printf("[%d/%d] %-12s", k, r->njobs, j->rf->fam->name);
	if (j->parts > 1)
		printf(" part %d/%d", j->part, j->parts);
	if (j->nbench)
		printf(" (%d benchmark%s)", j->nbench, j->nbench == 1 ? "" : "s");
	if (j->cpus[0] && r->slots > 1)
		printf(" on CPU %s", j->cpus);
	printf(": started, elapsed %.0f s, ETA %.0f s\n", run_now() - t0, eta > 0 ? eta : 0);
	fflush(stdout);
}

static void print_end(const struct run_job *j)
{
	printf("      %-12s", j->rf->fam->name);
	if (j->parts > 1)
		printf(" part %d/%d", j->part, j->parts);
	printf(": %s in %.1f s%s%s\n", j->res.status, j->res.seconds, j->res.reason[0] ? ": " : "", j->res.reason);
	fflush(stdout);
}

/* Wait for one running job, judge it, give back its place. */
static void reap(struct run *r, struct run_places *p, bool pin, void (*after_each)(const struct run *r))
{
	struct run_child_end end;
	struct run_job *j = NULL;

	if (run_child_wait(0, &end))
		return;
	for (int i = 0; i < r->njobs; i++)
		if (r->jobs[i].pid == end.pid && !r->jobs[i].res.status) {
			j = &r->jobs[i];
			if (pin) {
				run_places_give_back(p, i, j->place);
				if (j->place == RUN_PLACE_CORE)
					refresh_shared(r, p); /* its core is free again */
			}
		}
	if (!j)
		return; /* not one of ours (cannot happen: we start them all) */
	j->res.seconds = run_now() - j->t0;
	j->res.cpu_s = end.cpu_s;
	j->rf->t_last = run_now();
	/* A child stopped midway (or an older binary's own temporary) may have
	 * left OUT.tmp.PID*: the old OUT stays, the temporary goes. */
	nb_atomic_cleanup(j->out, j->pid);
	judge(j, end.status);
	family_outcome(r, j->rf);
	print_end(j);
	after_each(r);
}

void run_sched(struct run *r, void (*after_each)(const struct run *r))
{
	static struct run_places p; /* large: a few CPU tables */
	double t0 = run_now();
	int running = 0, started = 0;
	bool pin = r->slots > 1 && run_places_init(&p);

	for (;;) {
		bool progress = false;

		for (int i = 0; i < r->njobs && !run_stop_signal() && running < r->slots; i++) {
			struct run_job *j = &r->jobs[i];
			cpu_set_t set;
			int first = r->o.cpu;

			if (j->pid || j->res.status)
				continue;
			if (pin && !run_places_take(&p, i, j->place, &set, j->cpus, sizeof(j->cpus), &first))
				continue;
			if (pin && j->place == RUN_PLACE_CORE)
				refresh_shared(r, &p); /* off its core before it starts */
			if (!j->rf->t_first)
				j->rf->t_first = run_now();
			if (!start(r, j, pin ? &set : NULL, j->rf->fam->script ? -1 : first)) {
				if (pin) {
					run_places_give_back(&p, i, j->place);
					refresh_shared(r, &p);
				}
				j->rf->t_last = run_now();
				family_outcome(r, j->rf);
				print_end(j);
				after_each(r);
				progress = true;
				continue;
			}
			print_start(r, j, ++started, t0);
			running++;
			progress = true;
		}
		if (!running && (!progress || run_stop_signal()))
			break;
		if (running) {
			reap(r, &p, pin, after_each);
			running--;
		}
	}
	for (int f = 0; f < NB_FAMILY_COUNT; f++) /* those a stop kept from starting */
		if (r->fams[f].fam && !r->fams[f].out.status)
			family_outcome(r, &r->fams[f]);
}
