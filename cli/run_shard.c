// SPDX-License-Identifier: MIT
/* Which shard of the suite this run is (run_shard.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nestbench/nb.h"
#include "run_shard.h"

/* A decimal in [lo, hi] filling all of text[0..len); false if not. */
static bool number(const char *text, size_t len, long lo, long hi, long *v)
{
	char buf[24], *end;

	if (!len || len >= sizeof(buf) || text[0] == '-' || text[0] == '+' || text[0] == ' ')
		return false;
	memcpy(buf, text, len);
	buf[len] = '\0';
	errno = 0;
	*v = strtol(buf, &end, 10);
	return !errno && !*end && *v >= lo && *v <= hi;
}

int run_shard_parse(const char *text, const char *from, struct run_shard *s)
{
	const char *slash = strchr(text, '/');
	long i, n;

	if (!slash || !number(slash + 1, strlen(slash + 1), 1, RUN_SHARD_MAX, &n) ||
	    !number(text, (size_t)(slash - text), 1, RUN_SHARD_MAX, &i))
		return nb_fail(EINVAL, "%s: '%s' is not I/N (shard I of N, 1 <= I <= N <= %d)", from, text,
			       RUN_SHARD_MAX);
	if (i > n)
		return nb_fail(EINVAL, "%s: '%s': shard %ld of %ld does not exist (I counts from 1 to N)", from,
			       text, i, n);
	s->index = (int)i;
	s->count = (int)n;
	snprintf(s->from, sizeof(s->from), "%s", from);
	return 0;
}

static int slurm_var(const char *name, long dflt, long *v)
{
	const char *t = getenv(name);

	if (!t) {
		if (dflt < 0)
			return nb_fail(EINVAL, "Slurm job array: SLURM_ARRAY_TASK_ID is set but %s is not", name);
		*v = dflt;
		return 0;
	}
	if (!number(t, strlen(t), 0, 1L << 30, v))
		return nb_fail(EINVAL, "Slurm job array: %s='%s' is not a number", name, t);
	return 0;
}

/* Slurm numbers tasks as it was told (--array=1-4, 0-3, 0-15:4): the shard
 * is the task's place among them, from 1. */
static int from_slurm(struct run_shard *s)
{
	long id, lo, hi, count, step;
	int ret;

	if ((ret = slurm_var("SLURM_ARRAY_TASK_ID", -1, &id)) || (ret = slurm_var("SLURM_ARRAY_TASK_MIN", -1, &lo)) ||
	    (ret = slurm_var("SLURM_ARRAY_TASK_MAX", -1, &hi)) ||
	    (ret = slurm_var("SLURM_ARRAY_TASK_COUNT", -1, &count)) ||
	    (ret = slurm_var("SLURM_ARRAY_TASK_STEP", 1, &step)))
		return ret;
	if (step < 1 || hi < lo || (hi - lo) % step || (hi - lo) / step + 1 != count || id < lo || id > hi ||
	    (id - lo) % step || count > RUN_SHARD_MAX)
		return nb_fail(EINVAL,
			       "Slurm job array: task %ld of %ld..%ld step %ld with %ld tasks is not one of N evenly "
			       "numbered shards (use --array=1-N, or give --shard=I/N)",
			       id, lo, hi, step, count);
	s->index = (int)((id - lo) / step + 1);
	s->count = (int)count;
	snprintf(s->from, sizeof(s->from), "Slurm array task %ld of %ld..%ld", id, lo, hi);
	return 0;
}

int run_shard_from_env(struct run_shard *s)
{
	const char *t = getenv("NB_SHARD");

	s->count = 0;
	if (t)
		return run_shard_parse(t, "NB_SHARD", s);
	if (getenv("SLURM_ARRAY_TASK_ID"))
		return from_slurm(s);
	return 0;
}
