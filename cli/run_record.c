// SPDX-License-Identifier: MIT
/* run.json and plan.json (run_record.h). */
#include <stdio.h>
#include <string.h>

#include "facts.h"
#include "run_dir.h"
#include "run_record.h"

static const char *const place_names[] = {
	[RUN_PLACE_SHARED] = "shared",
	[RUN_PLACE_CORE] = "core",
	[RUN_PLACE_MACHINE] = "machine",
};

static void str_or_null(FILE *f, const char *s)
{
	if (s)
		nb_cli_json_str(f, s);
	else
		fputs("null", f);
}

/* What must be the same in every shard of one suite (and is printed the
 * same way for the same flags), then the shard. */
static void identity(FILE *f, const struct run *r)
{
	const struct run_opts *o = &r->o;

	fputs("  \"commit\": ", f);
	nb_cli_json_str(f, r->commit);
	fprintf(f, ",\n  \"config\": {\"quick\": %s, \"repetitions\": %d, \"families\": ", o->quick ? "true" : "false",
		o->reps);
	str_or_null(f, o->only);
	fputs(", \"filter\": ", f);
	str_or_null(f, o->filter);
	fprintf(f, ", \"guest\": %s, \"sets\": [", o->guest ? "true" : "false");
	for (int i = 0; i < o->nsets; i++) {
		fputs(i ? ", " : "", f);
		nb_cli_json_str(f, o->sets[i] + 6); /* past "--set=" */
	}
	fputs("]},\n  \"shard\": ", f);
	if (o->shard.count) {
		fprintf(f, "{\"index\": %d, \"count\": %d, \"from\": ", o->shard.index, o->shard.count);
		nb_cli_json_str(f, o->shard.from);
		fputs("}", f);
	} else {
		fputs("null", f);
	}
	fputs(",\n", f);
}

static const char *status_of(const struct run_family *rf, const struct nb_family *fam, const struct run_opts *o,
			     const char **reason)
{
	*reason = rf->out.reason;
	if (rf->out.status)
		return rf->out.status;
	if (!rf->fam && fam->script && o->quick && !o->only)
		*reason = "not in --quick (add --guest)";
	else if (!rf->fam)
		*reason = o->only ? "not in --families" : "not selected";
	return "not run";
}

static void emit_parts(FILE *f, const struct run *r, const struct run_family *rf)
{
	int k = 0;

	fputs(", \"parts\": [", f);
	for (int i = 0; i < r->njobs; i++) {
		const struct run_job *j = &r->jobs[i];

		if (j->rf != rf)
			continue;
		fprintf(f, "%s\n      {\"part\": %d, \"of\": %d, \"benchmarks\": %d, \"place\": \"%s\", \"cpus\": ",
			k++ ? "," : "", j->part, j->parts, j->nbench, place_names[j->place]);
		nb_cli_json_str(f, j->cpus);
		fprintf(f, ", \"estimate_s\": %.2f, \"status\": ", j->est_s);
		nb_cli_json_str(f, j->res.status ? j->res.status : "not run");
		fprintf(f, ", \"seconds\": %.2f, \"cpu_seconds\": %.2f, \"reason\": ", j->res.seconds, j->res.cpu_s);
		nb_cli_json_str(f, j->res.reason);
		fputs("}", f);
	}
	fputs(k ? "\n    ]" : "]", f);
}

static void emit_run(FILE *f, const void *arg)
{
	const struct run *r = arg;

	fprintf(f, "{\n  \"version\": 2,\n  \"quick\": %s,\n  \"repetitions\": %d,\n", r->o.quick ? "true" : "false",
		r->o.reps);
	identity(f, r);
	fprintf(f, "  \"processes_at_once\": %d,\n  \"families\": [", r->slots);
	for (int i = 0; i < NB_FAMILY_COUNT; i++) {
		const struct run_family *rf = &r->fams[i];
		const char *reason, *status = status_of(rf, &nb_families[i], &r->o, &reason);

		fprintf(f, "%s\n    {\"name\": \"%s\", \"status\": \"%s\", \"seconds\": %.1f, \"cpu_seconds\": %.1f, "
			   "\"repetitions\": %d, \"benchmarks\": %d, \"reason\": ",
			i ? "," : "", nb_families[i].name, status, rf->out.seconds, rf->out.cpu_s,
			rf->fam ? rf->reps : 0, rf->nb);
		nb_cli_json_str(f, reason);
		emit_parts(f, r, rf);
		fputs("}", f);
	}
	fputs("\n  ]\n}\n", f);
}

int run_record_run(const struct run *r)
{
	return run_dir_publish(r->dir, "run.json", emit_run, r);
}

static void emit_plan(FILE *f, const void *arg)
{
	const struct run *r = arg;
	int k = 0;

	fputs("{\n  \"version\": 1,\n", f);
	identity(f, r);
	fprintf(f, "  \"selection\": {\"benchmarks\": %d, \"fnv1a64\": \"%016llx\"},\n  \"estimates\": ", r->selection,
		r->selection_hash);
	nb_cli_json_str(f, r->estimates);
	fputs(",\n  \"families\": [", f);
	for (int i = 0; i < NB_FAMILY_COUNT; i++) {
		const struct run_family *rf = &r->fams[i];

		if (!rf->fam)
			continue;
		fprintf(f, "%s\n    {\"name\": \"%s\", \"script\": %s, \"exclusive\": %s, \"listed\": %d, "
			   "\"selected\": %d, \"other_shard\": %s, \"estimate_s\": %.2f,\n     \"benchmarks\": [",
			k++ ? "," : "", rf->fam->name, rf->fam->script ? "true" : "false",
			rf->exclusive ? "true" : "false", rf->listed, rf->selected, rf->other_shard ? "true" : "false",
			rf->est_s);
		/* [place in the listing, name, estimated seconds, host-timed, estimate from the file] */
		for (int b = 0; b < rf->nb; b++) {
			fprintf(f, "%s\n      [%d, ", b ? "," : "", rf->b[b].pos);
			nb_cli_json_str(f, rf->b[b].name);
			fprintf(f, ", %.4g, %d, %d]", rf->b[b].est_s, rf->b[b].host_timed, rf->b[b].known);
		}
		fputs("]}", f);
	}
	fputs("\n  ]\n}\n", f);
}

int run_record_plan(const struct run *r)
{
	return run_dir_publish(r->dir, "plan.json", emit_plan, r);
}
