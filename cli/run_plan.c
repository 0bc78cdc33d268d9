// SPDX-License-Identifier: MIT
/* The plan of a `nestbench run` (run_plan.h). */
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nestbench/nb.h"
#include "run_child.h"
#include "run_estimates.h"
#include "run_plan.h"
#include "run_regex.h"

/* Longest --benchmark_filter we hand a binary; a longer part is cut again.
 * One argument may hold 128 KiB on Linux (MAX_ARG_STRLEN); Google
 * Benchmark's std::regex took an 80 KB filter of 2259 replay names in 0.15 s
 * of CPU here [meas]; half the argument limit leaves room. */
#define RUN_FILTER_MAX (64 * 1024)

/* What a binary's --describe said before its names. */
struct description {
	char host_timed[1024];
	bool exclusive;
};

__attribute__((format(printf, 3, 4))) static void set_outcome(struct run_outcome *res, const char *status,
								const char *fmt, ...)
{
	va_list ap;

	res->status = status;
	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
}

/* "# key: value" into d; false for a line that is not one. */
static bool description_line(char *line, struct description *d)
{
	char *colon = strstr(line, ": ");

	if (line[0] != '#' || !colon)
		return line[0] == '#';
	*colon = '\0';
	if (strcmp(line, "# host_timed") == 0)
		snprintf(d->host_timed, sizeof(d->host_timed), "%s", colon + 2);
	else if (strcmp(line, "# exclusive") == 0)
		d->exclusive = strcmp(colon + 2, "yes") == 0;
	return true;
}

static int add_bench(struct run_family *rf, const char *name, int pos, bool host)
{
	struct run_bench *b;

	if (nb_grow((void **)&rf->b, &rf->cap_b, (size_t)rf->nb + 1, sizeof(*rf->b), 64))
		return nb_fail(ENOMEM, "out of memory listing %s", rf->fam->name);
	b = &rf->b[rf->nb];
	memset(b, 0, sizeof(*b));
	b->name = strdup(name);
	b->pos = pos;
	b->host_timed = host;
	if (!b->name)
		return nb_fail(ENOMEM, "out of memory listing %s", rf->fam->name);
	rf->nb++;
	return 0;
}

/* Read what --describe printed: the description, then one name a line
 * (those --filter keeps go into rf->b). */
static int read_listing(struct run_family *rf, FILE *f, const regex_t *filter)
{
	struct description d = { .exclusive = false };
	char line[4096];
	regex_t host;
	bool have_host = false, names = false;
	int ret = 0;

	rewind(f);
	while (!ret && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!names && description_line(line, &d))
			continue;
		if (!names) {
			names = true;
			if (d.host_timed[0] && regcomp(&host, d.host_timed, REG_EXTENDED | REG_NOSUB)) {
				set_outcome(&rf->out, "failed", "its --describe host_timed '%s' is not a regex",
					    d.host_timed);
				return 1;
			}
			have_host = d.host_timed[0];
		}
		if (!line[0])
			continue;
		rf->listed++;
		if (filter && regexec(filter, line, 0, NULL, 0))
			continue;
		ret = add_bench(rf, line, rf->listed - 1, have_host && !regexec(&host, line, 0, NULL, 0));
	}
	if (have_host)
		regfree(&host);
	rf->exclusive = d.exclusive;
	rf->selected = rf->nb;
	return ret;
}

/* Run the family's binary with --describe and read its answer. 0 (the
 * family may have an outcome: it could not be listed), or a negative errno. */
static int describe(struct run *r, struct run_family *rf, const regex_t *filter)
{
	char bin[1200], log[1200];
	char *argv[8 + RUN_MAX_SETS];
	int argc = 0, status;
	pid_t pid;
	FILE *out = tmpfile();
	int ret;

	if (!out)
		return nb_fail(errno, "tmpfile: %s", strerror(errno));
	snprintf(log, sizeof(log), "%s/raw/%s.log", r->dir, rf->fam->name);
	if (!nb_family_binary(rf->fam, bin, sizeof(bin)) || access(bin, X_OK)) {
		set_outcome(&rf->out, "failed", "not built: %s: %s", bin, strerror(errno));
		fclose(out);
		return 0;
	}
	argv[argc++] = bin;
	argv[argc++] = "--describe";
	if (r->o.quick)
		argv[argc++] = "--quick";
	for (int i = 0; i < r->o.nsets; i++)
		argv[argc++] = (char *)r->o.sets[i];
	argv[argc] = NULL;
	ret = run_child(argv, &(struct run_child_io){ .out_file = out, .err = log }, &status, &pid);
	if (ret) {
		fclose(out);
		return ret;
	}
	if (run_stop_signal())
		set_outcome(&rf->out, "interrupted", "stopped by %s while listing its benchmarks",
			    run_signal_name(run_stop_signal()));
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		set_outcome(&rf->out, "failed", "cannot list its benchmarks (%s --describe failed; see raw/%s.log)",
			    bin, rf->fam->name);
	else
		ret = read_listing(rf, out, filter) < 0 ? -ENOMEM : 0;
	fclose(out);
	return ret;
}

/* Each benchmark's seconds: the file's (one repetition) x repetitions, else
 * the family's ETA hint shared out over what it lists. */
static void estimate(struct run *r, struct run_family *rf, const struct run_estimates *e)
{
	double hint = r->o.quick ? rf->fam->quick_est_s : rf->fam->est_s;

	rf->est_s = 0;
	for (int i = 0; i < rf->nb; i++) {
		struct run_bench *b = &rf->b[i];
		double s;

		b->known = run_estimates_get(e, b->name, r->o.quick, &s);
		b->est_s = (b->known ? s : hint / (rf->listed ? rf->listed : 1)) * rf->reps;
		rf->est_s += b->est_s;
	}
	if (rf->fam->script)
		rf->est_s = hint;
}

static unsigned long long fnv1a(unsigned long long h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

/* The whole selection's size and fingerprint, before the shard: FNV-1a 64
 * over "family TAB name LF" (a script family: "family TAB * LF") in plan
 * order. scripts/nb_merge.py computes the same over the shards' union. */
static void fingerprint(struct run *r)
{
	unsigned long long h = 0xcbf29ce484222325ull;

	r->selection = 0;
	for (int f = 0; f < NB_FAMILY_COUNT; f++) {
		struct run_family *rf = &r->fams[f];

		if (!rf->fam)
			continue;
		if (rf->fam->script) {
			h = fnv1a(fnv1a(fnv1a(h, rf->fam->name), "\t*"), "\n");
			continue;
		}
		for (int i = 0; i < rf->nb; i++) {
			h = fnv1a(fnv1a(fnv1a(fnv1a(h, rf->fam->name), "\t"), rf->b[i].name), "\n");
			r->selection++;
		}
	}
	r->selection_hash = h;
}

/* Which shard a piece [start, start + len) of total goes to: the one its
 * midpoint falls in. */
static int shard_of(double start, double len, double total, int n)
{
	int k = total > 0 ? (int)floor((start + len / 2) / (total / n)) : 0;

	return k < 0 ? 1 : k >= n ? n : k + 1;
}

/* Keep this shard's benchmarks (and scripts) only. */
static void cut_shard(struct run *r)
{
	double total = 0, at = 0;
	int want = r->o.shard.index, n = r->o.shard.count;

	for (int f = 0; f < NB_FAMILY_COUNT; f++)
		if (r->fams[f].fam && !r->fams[f].out.status)
			total += r->fams[f].est_s;
	for (int f = 0; f < NB_FAMILY_COUNT; f++) {
		struct run_family *rf = &r->fams[f];
		int kept = 0;

		if (!rf->fam || rf->out.status)
			continue;
		if (rf->exclusive || rf->fam->script) {
			bool mine = shard_of(at, rf->est_s, total, n) == want;

			for (int i = 0; i < rf->nb; i++)
				if (mine)
					rf->b[kept++] = rf->b[i];
				else
					free(rf->b[i].name);
			rf->other_shard = !mine;
			at += rf->est_s;
		} else {
			for (int i = 0; i < rf->nb; i++) {
				struct run_bench b = rf->b[i];

				if (shard_of(at, b.est_s, total, n) == want)
					rf->b[kept++] = b;
				else
					free(b.name);
				at += b.est_s;
			}
			rf->other_shard = rf->nb && !kept;
		}
		rf->nb = kept;
		if (!rf->fam->script) {
			rf->est_s = 0;
			for (int i = 0; i < kept; i++)
				rf->est_s += rf->b[i].est_s;
		}
		if (rf->other_shard)
			set_outcome(&rf->out, "none", "in other shards of %d", n);
	}
}

int run_plan_select(struct run *r, const struct run_estimates *e)
{
	regex_t filter;
	int ret = 0;

	if (r->o.filter && regcomp(&filter, r->o.filter, REG_EXTENDED | REG_NOSUB))
		return nb_fail(EINVAL, "--filter: '%s' is not a regular expression", r->o.filter);
	for (int f = 0; f < NB_FAMILY_COUNT && !ret; f++) {
		struct run_family *rf = &r->fams[f];

		if (!run_selected(&r->o, &nb_families[f]))
			continue;
		rf->fam = &nb_families[f];
		rf->reps = r->o.reps ? r->o.reps : r->o.quick ? rf->fam->quick_reps : rf->fam->reps;
		if (run_stop_signal()) {
			set_outcome(&rf->out, "interrupted", "stopped by %s before it ran",
				    run_signal_name(run_stop_signal()));
			continue;
		}
		if (!rf->fam->script)
			ret = describe(r, rf, r->o.filter ? &filter : NULL);
		if (!ret)
			estimate(r, rf, e);
		if (!ret && !rf->out.status && !rf->fam->script && !rf->nb)
			set_outcome(&rf->out, "none", "%s", rf->listed ? "no benchmark matches --filter"
								       : "its binary lists no benchmark");
	}
	if (r->o.filter)
		regfree(&filter);
	if (ret)
		return ret;
	fingerprint(r);
	if (r->o.shard.count)
		cut_shard(r);
	return 0;
}

static struct run_job *new_job(struct run *r, struct run_family *rf, enum run_place place)
{
	struct run_job *j = realloc(r->jobs, (size_t)(r->njobs + 1) * sizeof(*j));

	if (!j)
		return NULL;
	r->jobs = j;
	j = &r->jobs[r->njobs++];
	memset(j, 0, sizeof(*j));
	j->rf = rf;
	j->place = place;
	j->bench = malloc((size_t)(rf->nb > 0 ? rf->nb : 1) * sizeof(*j->bench));
	return j->bench ? j : NULL;
}

/* The filter of a job: none if it runs everything the binary lists (the
 * binary's own --quick subset, say), else exactly its names. */
static int job_filter(struct run_job *j)
{
	const char **names;

	if (j->nbench == j->rf->listed)
		return 0;
	names = malloc((size_t)j->nbench * sizeof(*names));
	if (!names)
		return -ENOMEM;
	for (int i = 0; i < j->nbench; i++)
		names[i] = j->rf->b[j->bench[i]].name;
	j->filter = run_regex_exact(names, j->nbench);
	free(names);
	return j->filter ? 0 : -ENOMEM;
}

/* The benchmarks of rf of one kind (host-timed or not) as k jobs of about
 * equal estimate, each a run of the listing; a filter longer than
 * RUN_FILTER_MAX cuts once more. */
static int cut_group(struct run *r, struct run_family *rf, bool host, enum run_place place, double target)
{
	double total = 0, at = 0;
	int n = 0, k, first = r->njobs;

	for (int i = 0; i < rf->nb; i++)
		if (rf->b[i].host_timed == host) {
			total += rf->b[i].est_s;
			n++;
		}
	if (!n)
		return 0;
	k = (int)ceil(total / target);
	k = k < 1 ? 1 : k > n ? n : k;
	for (;;) {
		bool too_long = false;

		for (int p = 0; p < k; p++)
			if (!new_job(r, rf, place))
				return -ENOMEM;
		for (int i = 0; i < rf->nb; i++) {
			struct run_job *j;

			if (rf->b[i].host_timed != host)
				continue;
			j = &r->jobs[first + shard_of(at, rf->b[i].est_s, total, k) - 1];
			j->bench[j->nbench++] = i;
			j->est_s += rf->b[i].est_s;
			at += rf->b[i].est_s;
		}
		for (int p = first; p < r->njobs; p++) {
			if (job_filter(&r->jobs[p]))
				return -ENOMEM;
			too_long |= r->jobs[p].filter && strlen(r->jobs[p].filter) > RUN_FILTER_MAX;
		}
		/* empty parts (k close to n, uneven estimates) go */
		for (int p = first; p < r->njobs;)
			if (!r->jobs[p].nbench) {
				free(r->jobs[p].bench);
				r->jobs[p] = r->jobs[--r->njobs];
			} else {
				p++;
			}
		if (!too_long || k == n)
			return 0;
		while (r->njobs > first) {
			r->njobs--;
			free(r->jobs[r->njobs].bench);
			free(r->jobs[r->njobs].filter);
		}
		k = k * 2 > n ? n : k * 2;
		at = 0;
	}
}

/* One job for the whole of rf (this shard's part of it). */
static int whole(struct run *r, struct run_family *rf, enum run_place place)
{
	struct run_job *j = new_job(r, rf, place);

	if (!j)
		return -ENOMEM;
	for (int i = 0; i < rf->nb; i++) {
		j->bench[j->nbench++] = i;
		j->est_s += rf->b[i].est_s;
	}
	if (rf->fam->script)
		j->est_s = rf->est_s;
	return job_filter(j);
}

static int by_order(const void *a, const void *b)
{
	const struct run_job *x = a, *y = b;

	if ((x->place == RUN_PLACE_MACHINE) != (y->place == RUN_PLACE_MACHINE))
		return x->place == RUN_PLACE_MACHINE ? -1 : 1; /* they need the machine idle: first */
	if (x->est_s != y->est_s)
		return x->est_s > y->est_s ? -1 : 1; /* longest first */
	if (x->rf != y->rf)
		return x->rf < y->rf ? -1 : 1;
	return x->part - y->part;
}

int run_plan_jobs(struct run *r)
{
	double total = 0, target;
	int ret = 0;

	for (int f = 0; f < NB_FAMILY_COUNT; f++)
		if (r->fams[f].fam && !r->fams[f].out.status)
			total += r->fams[f].est_s;
	target = total / (2.0 * r->slots);
	target = target < RUN_MIN_PART_S ? RUN_MIN_PART_S : target;
	for (int f = 0; f < NB_FAMILY_COUNT && !ret; f++) {
		struct run_family *rf = &r->fams[f];
		int first = r->njobs;

		if (!rf->fam || rf->out.status || (!rf->nb && !rf->fam->script))
			continue;
		if (r->slots > 1 && (rf->exclusive || rf->fam->script))
			ret = whole(r, rf, RUN_PLACE_MACHINE);
		else if (r->slots == 1)
			ret = whole(r, rf, RUN_PLACE_SHARED);
		else if (!(ret = cut_group(r, rf, true, RUN_PLACE_CORE, target)))
			ret = cut_group(r, rf, false, RUN_PLACE_SHARED, target);
		for (int p = first; p < r->njobs; p++) {
			r->jobs[p].part = p - first + 1;
			r->jobs[p].parts = r->njobs - first;
		}
	}
	if (ret)
		return nb_fail(-ret, "out of memory planning the processes");
	if (r->slots > 1 && r->njobs > 1) /* one at a time: in the table's order, as declared */
		qsort(r->jobs, (size_t)r->njobs, sizeof(*r->jobs), by_order);
	return 0;
}

void run_plan_fini(struct run *r)
{
	for (int f = 0; f < NB_FAMILY_COUNT; f++) {
		struct run_family *rf = &r->fams[f];

		for (int i = 0; i < rf->nb; i++)
			free(rf->b[i].name);
		free(rf->b);
	}
	for (int j = 0; j < r->njobs; j++) {
		free(r->jobs[j].bench);
		free(r->jobs[j].filter);
	}
	free(r->jobs);
}
