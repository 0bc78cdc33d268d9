// SPDX-License-Identifier: MIT
/* The flags of `nestbench run` and its help (run_flags.h). */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "nestbench/nb.h"
#include "run_child.h"
#include "run_flags.h"
#include "run_shard.h"

bool run_selected(const struct run_opts *o, const struct nb_family *f)
{
	const char *p;
	size_t n = strlen(f->name);

	if (!o->only)
		return !f->script || o->guest || !o->quick;
	for (p = o->only; (p = strstr(p, f->name)); p += n)
		if ((p == o->only || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

static void help(void)
{
	printf("usage: nestbench run [--quick] [--repetitions=N] [--jobs=N] [--shard=I/N] [--filter=REGEX]\n"
	       "                     [--families=a,b] [--set=KEY=VALUE]... [--cpu=N] [--guest]\n"
	       "                     [--out=DIR] [--no-report]\n"
	       "Runs the default suite into a new folder reports/<UTC date-time>-<commit>/\n"
	       "(-2, -3, ... when another run took the name) and writes the report there\n"
	       "(index.html, summary.md, plots); reports/latest points at it.\n\n"
	       "  --quick          the CI-sized suite (each family binary's --quick subset)\n"
	       "  --repetitions=N  Google Benchmark repetitions, 1..100 (compare needs >= 4 on\n"
	       "                   each side for a verdict at its default alpha 0.05); default:\n"
	       "                   each family's own (bench/families.txt): 1 where every figure\n"
	       "                   is a count or modelled, up to 5 for host timings, so the\n"
	       "                   plots show their spread\n"
	       "  --jobs=N         benchmark processes at once, 1..%d (default: one per CPU\n"
	       "                   hwloc allows; host-timed benchmarks get a core to themselves,\n"
	       "                   docs/runner.md); 1: one family after the other, unpinned\n"
	       "  --shard=I/N      only shard I of N (1 <= I <= N): a deterministic part of\n"
	       "                   about 1/N of the estimated time; `nestbench merge` joins\n"
	       "                   the N folders (default: NB_SHARD, or a Slurm job array)\n"
	       "  --filter=REGEX   only benchmarks whose names match (POSIX extended regex)\n"
	       "  --families=a,b   only these families\n"
	       "  --set=KEY=VALUE  override a hardware-description key in every model, e.g.\n"
	       "                   --set=iotlb.entries=512; repeatable, applied together and\n"
	       "                   checked against every model before the first family\n"
	       "  --cpu=N          pin every benchmark to OS CPU N (one process at a time)\n"
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
	       "dated folders go (default: the source tree's reports/); NB_ESTIMATES the\n"
	       "per-benchmark time estimates (default: bench/estimates.tsv); NB_SHARD=I/N the\n"
	       "shard when --shard is not given (a CI matrix sets it), else Slurm's\n"
	       "SLURM_ARRAY_TASK_ID/_MIN/_MAX/_COUNT/_STEP (the task's place in the array).\n"
	       "Exit status: 0 every family ok (or skipped: it cannot run here); 1 a family\n"
	       "failed, no benchmark binary, the results folder cannot take results, or the\n"
	       "report failed or found a self-check failed; 2 usage\n"
	       "(a flag, a --set, NB_SHARD or Slurm's variables, the estimates file, a --filter\n"
	       "that matches nothing); 130 stopped by Ctrl-C (SIGINT), 143 by SIGTERM: what\n"
	       "completed is kept and run.json says which family was interrupted (the progress\n"
	       "lines on standard output are not results: a failed write to it is not checked).\n"
	       "families:",
	       RUN_CHILD_MAX);
	for (int f = 0; f < NB_FAMILY_COUNT; f++)
		printf(" %s", nb_families[f].name);
	printf("\n");
}

/* "--name=N" with lo <= N <= hi into *v; 0 or the usage error's status. */
static int int_flag(const char *a, size_t skip, long lo, long hi, const char *what, int *v)
{
	char *end;
	long x = strtol(a + skip, &end, 10); /* range-check before narrowing to int */

	if (!a[skip] || *end || x < lo || x > hi)
		return nb_cli_usage_error("run", "--%.*s: '%s' is not %s", (int)(skip - 3), a + 2, a + skip, what);
	*v = (int)x;
	return 0;
}

static int check_lists(struct run_opts *o)
{
	regex_t re;

	if (o->only)
		for (const char *p = o->only; *p;) {
			size_t n = strcspn(p, ",");

			if (!nb_family_find(p, n))
				return nb_cli_usage_error("run", "--families: unknown family '%.*s'", (int)n, p);
			p += n + (p[n] == ',');
		}
	if (o->filter) {
		if (regcomp(&re, o->filter, REG_EXTENDED | REG_NOSUB))
			return nb_cli_usage_error("run", "--filter: '%s' is not a POSIX extended regex", o->filter);
		regfree(&re);
	}
	if (o->cpu >= 0 && o->jobs > 1)
		return nb_cli_usage_error("run", "--cpu pins every benchmark to one CPU: not with --jobs=%d", o->jobs);
	if (!o->shard.count && run_shard_from_env(&o->shard))
		return nb_cli_usage_error("run", "%s", nb_errmsg());
	return 0;
}

int run_flags_parse(int argc, char **argv, struct run_opts *o)
{
	int ret = 0;

	for (int i = 1; i < argc && !ret; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--quick") == 0)
			o->quick = true;
		else if (strcmp(a, "--no-report") == 0)
			o->report = false;
		else if (strncmp(a, "--repetitions=", 14) == 0)
			ret = int_flag(a, 14, 1, 100, "1..100", &o->reps);
		else if (strncmp(a, "--cpu=", 6) == 0)
			ret = int_flag(a, 6, 0, 4096, "a CPU number", &o->cpu); /* the benchmarks' own bound */
		else if (strncmp(a, "--jobs=", 7) == 0)
			ret = int_flag(a, 7, 1, RUN_CHILD_MAX, "a number of processes (1..256)", &o->jobs);
		else if (strncmp(a, "--shard=", 8) == 0)
			ret = run_shard_parse(a + 8, "--shard", &o->shard) ? nb_cli_usage_error("run", "%s", nb_errmsg())
									    : 0;
		else if (strcmp(a, "--guest") == 0)
			o->guest = true;
		else if (strncmp(a, "--set=", 6) == 0) {
			if (o->nsets == RUN_MAX_SETS)
				return nb_cli_usage_error("run", "--set: more than %d overrides", RUN_MAX_SETS);
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
		} else if (strncmp(a, "--filter=", 9) == 0) {
			if (!a[9])
				return nb_cli_usage_error("run", "--filter: empty regex");
			o->filter = a + 9;
		} else if (nb_cli_is_help(a)) {
			help();
			return -1;
		} else {
			return nb_cli_usage_error("run", "unknown option '%s' (try --help)", a);
		}
	}
	return ret ? ret : check_lists(o);
}

