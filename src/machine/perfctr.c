// SPDX-License-Identifier: MIT
/*
 * Per-thread performance counters: libperf opens and reads them, libpfm4
 * turns event names into perf_event_attr, and the generic software events go
 * straight to PERF_TYPE_SOFTWARE so they work where libpfm4 cannot help.
 *
 * Each event is its own evsel (no group), so one event the machine lacks
 * never takes the others down. "Reset" is a baseline taken at enable time:
 * libperf has no public reset, and a baseline keeps enabled/running times
 * consistent with the value for scaling.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/perf_event.h>	/* before libpfm4's copy, which then steps aside */
#include <perf/core.h>
#include <perf/cpumap.h>
#include <perf/evsel.h>
#include <perf/threadmap.h>
#include <perfmon/pfmlib_perf_event.h>

#include "nestbench/machine.h"
#include "nestbench/nb.h"
#include "machine_internal.h"

struct nb_perf_event {
	struct nb_perf_event_status st;
	struct perf_evsel *evsel;		/* NULL unless open */
	struct perf_counts_values base;		/* counts at the last enable */
};

struct nb_perf {
	int n;
	struct perf_cpu_map *cpus;		/* "any CPU": follow the thread */
	struct perf_thread_map *threads;	/* the opening thread only */
	struct nb_perf_event ev[];
};

/* ---- one-time library set-up ------------------------------------------- */

static struct {
	pthread_once_t once;
	bool debug;		/* NB_PERF_DEBUG set: let libperf's messages through */
	int pfm_err;		/* pfm_initialize() result, PFM_SUCCESS when usable */
} nb_perf_lib = { .once = PTHREAD_ONCE_INIT };

/* libperf's print hook: silent unless NB_PERF_DEBUG asks for its chatter. */
__attribute__((format(printf, 2, 0)))
static int nb_perf_libperf_print(enum libperf_print_level level, const char *fmt, va_list ap)
{
	if (!nb_perf_lib.debug)
		return 0;
	fprintf(stderr, "libperf[%d]: ", (int)level);
	return vfprintf(stderr, fmt, ap);
}

static void nb_perf_lib_init(void)
{
	const char *dbg = getenv("NB_PERF_DEBUG");

	nb_perf_lib.debug = dbg && *dbg && strcmp(dbg, "0");
	libperf_init(nb_perf_libperf_print);
	nb_perf_lib.pfm_err = pfm_initialize();
}

static void nb_perf_lib_get(void)
{
	pthread_once(&nb_perf_lib.once, nb_perf_lib_init);
}

/* kernel.perf_event_paranoid as text ("2"), or "unreadable". */
static const char *nb_perf_paranoid(char *buf, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "re");
	int v;

	snprintf(buf, len, "unreadable");
	if (f) {
		if (fscanf(f, "%d", &v) == 1)
			snprintf(buf, len, "%d", v);
		fclose(f);
	}
	return buf;
}

/* ---- names to attributes ----------------------------------------------- */

static const struct {
	const char *name;
	uint64_t config;
} nb_perf_sw_events[] = {
	{ "task-clock", PERF_COUNT_SW_TASK_CLOCK },
	{ "cpu-clock", PERF_COUNT_SW_CPU_CLOCK },
	{ "page-faults", PERF_COUNT_SW_PAGE_FAULTS },
	{ "minor-faults", PERF_COUNT_SW_PAGE_FAULTS_MIN },
	{ "major-faults", PERF_COUNT_SW_PAGE_FAULTS_MAJ },
	{ "context-switches", PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cpu-migrations", PERF_COUNT_SW_CPU_MIGRATIONS },
};

/* Fill attr for event `name`; -EINVAL with a message naming it if unknown. */
static int nb_perf_encode(const char *name, struct perf_event_attr *attr)
{
	pfm_perf_encode_arg_t arg;
	int rc;

	memset(attr, 0, sizeof(*attr));
	for (size_t i = 0; i < NB_ARRAY_SIZE(nb_perf_sw_events); i++) {
		if (!strcmp(name, nb_perf_sw_events[i].name)) {
			attr->type = PERF_TYPE_SOFTWARE;
			attr->config = nb_perf_sw_events[i].config;
			goto common;
		}
	}

	nb_perf_lib_get();
	if (nb_perf_lib.pfm_err != PFM_SUCCESS)
		return nb_fail(EINVAL, "perf event '%s': libpfm4 unusable (pfm_initialize: %s)",
			       name, pfm_strerror(nb_perf_lib.pfm_err));
	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.attr = attr;	/* the kernel's layout: libpfm4 skips its own copy */
	rc = pfm_get_os_event_encoding(name, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT, &arg);
	if (rc != PFM_SUCCESS)
		return nb_fail(EINVAL, "unknown perf event '%s' (libpfm4: %s)", name,
			       pfm_strerror(rc));
common:
	attr->size = sizeof(*attr);
	attr->disabled = 1;
	attr->inherit = 0;
	attr->read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	return 0;
}

/*
 * Open one evsel on p's thread. If the kernel refuses kernel-mode counting
 * (perf_event_paranoid >= 2 without CAP_PERFMON), retry user space only, as
 * perf stat does. Returns 0 or -errno; *user_only says which one opened.
 */
static int nb_perf_open_attr(struct perf_event_attr *attr, struct perf_cpu_map *cpus,
			     struct perf_thread_map *threads, struct perf_evsel **out,
			     bool *user_only)
{
	struct perf_evsel *evsel;
	bool retried = false;
	int rc;

	*out = NULL;
	*user_only = false;
	for (;;) {
		evsel = perf_evsel__new(attr);
		if (!evsel)
			return -ENOMEM;
		rc = perf_evsel__open(evsel, cpus, threads);
		if (!rc) {
			*out = evsel;
			*user_only = retried;
			return 0;
		}
		perf_evsel__delete(evsel);
		if ((rc != -EACCES && rc != -EPERM) || attr->exclude_kernel)
			return rc;
		attr->exclude_kernel = 1;
		attr->exclude_hv = 1;
		retried = true;
	}
}

/* Maps for "the calling thread, on whatever CPU it runs". */
static int nb_perf_maps(struct perf_cpu_map **cpus, struct perf_thread_map **threads)
{
	pid_t tid = gettid();

	*cpus = perf_cpu_map__new_any_cpu();
	*threads = perf_thread_map__new_array(1, &tid);
	if (!*cpus || !*threads) {
		perf_cpu_map__put(*cpus);
		perf_thread_map__put(*threads);
		return nb_fail(ENOMEM, "perf: out of memory for CPU/thread maps");
	}
	return 0;
}

/* ---- PMU availability -------------------------------------------------- */

static struct {
	pthread_once_t once;
	bool available;
	char reason[200];
} nb_pmu = { .once = PTHREAD_ONCE_INIT };

static void nb_pmu_probe(void)
{
	static const char event[] = "instructions";
	struct perf_event_attr attr;
	struct perf_cpu_map *cpus;
	struct perf_thread_map *threads;
	struct perf_evsel *evsel;
	const char *what;
	char paranoid[16];
	bool user_only;
	int rc;

	nb_perf_lib_get();
	if (nb_perf_encode(event, &attr)) {
		snprintf(nb_pmu.reason, sizeof(nb_pmu.reason), "hardware PMU not usable: %s",
			 nb_errmsg());
		return;
	}
	if (nb_perf_maps(&cpus, &threads)) {
		snprintf(nb_pmu.reason, sizeof(nb_pmu.reason), "hardware PMU unknown: %s",
			 nb_errmsg());
		return;
	}
	rc = nb_perf_open_attr(&attr, cpus, threads, &evsel, &user_only);
	perf_thread_map__put(threads);
	perf_cpu_map__put(cpus);
	if (!rc) {
		perf_evsel__close(evsel);
		perf_evsel__delete(evsel);
		nb_pmu.available = true;
		if (user_only)
			snprintf(nb_pmu.reason, sizeof(nb_pmu.reason),
				 "available (user space only: kernel.perf_event_paranoid=%s)",
				 nb_perf_paranoid(paranoid, sizeof(paranoid)));
		else
			snprintf(nb_pmu.reason, sizeof(nb_pmu.reason), "available");
		return;
	}
	rc = -rc;
	if (rc == ENOENT || rc == ENODEV || rc == EOPNOTSUPP)
		what = "not exposed";
	else if (rc == EACCES || rc == EPERM)
		what = "not permitted";
	else
		what = "not usable";
	snprintf(nb_pmu.reason, sizeof(nb_pmu.reason),
		 "hardware PMU %s: perf_event_open(%s) failed: %s (%s)", what, event,
		 nb_strerror(rc), nb_errname(rc));
	if (rc == EACCES || rc == EPERM) {
		size_t used = strlen(nb_pmu.reason);

		snprintf(nb_pmu.reason + used, sizeof(nb_pmu.reason) - used,
			 "; kernel.perf_event_paranoid=%s",
			 nb_perf_paranoid(paranoid, sizeof(paranoid)));
	}
}

bool nb_perf_pmu_available(void)
{
	pthread_once(&nb_pmu.once, nb_pmu_probe);
	return nb_pmu.available;
}

const char *nb_perf_pmu_reason(void)
{
	pthread_once(&nb_pmu.once, nb_pmu_probe);
	return nb_pmu.reason;
}

/* ---- counter sets ------------------------------------------------------ */

static const char *const nb_perf_default_events[] = {
	"instructions", "cycles", "branch-misses", "L1-dcache-load-misses",
	"task-clock", "page-faults", "context-switches",
};

void nb_perf_close(struct nb_perf *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->n; i++) {
		if (p->ev[i].evsel) {
			perf_evsel__close(p->ev[i].evsel);
			perf_evsel__delete(p->ev[i].evsel);
		}
		free((char *)p->ev[i].st.name);
	}
	perf_thread_map__put(p->threads);
	perf_cpu_map__put(p->cpus);
	free(p);
}

/* Why no event opened, from the first one's errno. */
static int nb_perf_none_open(const struct nb_perf *p)
{
	int err = p->ev[0].st.err;
	char paranoid[16];

	if (err == EACCES || err == EPERM)
		return nb_fail(err, "no perf event could be opened: %s: %s (%s); "
			       "kernel.perf_event_paranoid=%s (run as root or lower it)",
			       p->ev[0].st.name, nb_strerror(err), nb_errname(err),
			       nb_perf_paranoid(paranoid, sizeof(paranoid)));
	return nb_fail(err, "no perf event could be opened: %s: %s (%s)", p->ev[0].st.name,
		       nb_strerror(err), nb_errname(err));
}

int nb_perf_open(struct nb_perf **out, const char *const *events, int n)
{
	struct nb_perf *p;
	int nopen = 0;
	int err;

	*out = NULL;
	if (n <= 0 || !events)
		return nb_fail(EINVAL, "nb_perf_open: no events given (n=%d)", n);
	nb_perf_lib_get();
	p = calloc(1, sizeof(*p) + (size_t)n * sizeof(p->ev[0]));
	if (!p)
		return nb_fail(ENOMEM, "nb_perf_open: out of memory for %d events", n);
	err = nb_perf_maps(&p->cpus, &p->threads);
	if (err) {
		free(p);
		return err;
	}
	for (int i = 0; i < n; i++) {
		struct nb_perf_event *ev = &p->ev[i];
		struct perf_event_attr attr;

		if (!events[i]) {
			err = nb_fail(EINVAL, "nb_perf_open: event %d is NULL", i);
			goto err_close;
		}
		ev->st.name = strdup(events[i]);
		p->n = i + 1;	/* from here on nb_perf_close frees this slot */
		if (!ev->st.name) {
			err = nb_fail(ENOMEM, "nb_perf_open: out of memory");
			goto err_close;
		}
		err = nb_perf_encode(events[i], &attr);
		if (err)
			goto err_close;
		err = nb_perf_open_attr(&attr, p->cpus, p->threads, &ev->evsel, &ev->st.user_only);
		ev->st.open = !err;
		ev->st.err = -err;
		nopen += !err;
	}
	if (!nopen) {
		err = nb_perf_none_open(p);
		goto err_close;
	}
	*out = p;
	return 0;

err_close:
	nb_perf_close(p);
	return err;
}

int nb_perf_open_default(struct nb_perf **out)
{
	return nb_perf_open(out, nb_perf_default_events, (int)NB_ARRAY_SIZE(nb_perf_default_events));
}

int nb_perf_count(const struct nb_perf *p)
{
	return p->n;
}

const struct nb_perf_event_status *nb_perf_status(const struct nb_perf *p, int i)
{
	return i >= 0 && i < p->n ? &p->ev[i].st : NULL;
}

int nb_perf_index(const struct nb_perf *p, const char *name)
{
	for (int i = 0; i < p->n; i++)
		if (!strcmp(p->ev[i].st.name, name))
			return i;
	return -ENOENT;
}

static int nb_perf_read_raw(struct nb_perf_event *ev, struct perf_counts_values *c)
{
	int rc = perf_evsel__read(ev->evsel, 0, 0, c);

	if (rc)
		return nb_fail(-rc, "reading perf event '%s' failed: %s (%s)", ev->st.name,
			       nb_strerror(-rc), nb_errname(-rc));
	return 0;
}

/* Start the open counters; with reset, from a fresh baseline (a disabled
 * counter does not move, so without it the count goes on from where
 * nb_perf_disable left it). */
static int nb_perf_start(struct nb_perf *p, bool reset)
{
	for (int i = 0; i < p->n; i++) {
		struct nb_perf_event *ev = &p->ev[i];
		int rc;

		if (!ev->evsel)
			continue;
		if (reset) {
			rc = nb_perf_read_raw(ev, &ev->base);
			if (rc)
				return rc;
		}
		rc = perf_evsel__enable(ev->evsel);
		if (rc)
			return nb_fail(-rc, "enabling perf event '%s' failed: %s (%s)",
				       ev->st.name, nb_strerror(-rc), nb_errname(-rc));
	}
	return 0;
}

int nb_perf_enable(struct nb_perf *p)
{
	return nb_perf_start(p, true);
}

int nb_perf_resume(struct nb_perf *p)
{
	return nb_perf_start(p, false);
}

int nb_perf_disable(struct nb_perf *p)
{
	int first = 0;

	/* Stop every counter even if one fails, so none keeps running. */
	for (int i = 0; i < p->n; i++) {
		struct nb_perf_event *ev = &p->ev[i];
		int rc;

		if (!ev->evsel)
			continue;
		rc = perf_evsel__disable(ev->evsel);
		if (rc && !first)
			first = nb_fail(-rc, "disabling perf event '%s' failed: %s (%s)",
					ev->st.name, nb_strerror(-rc), nb_errname(-rc));
	}
	return first;
}

int nb_perf_read(struct nb_perf *p, int i, uint64_t *value)
{
	struct perf_counts_values now;
	struct nb_perf_event *ev;
	uint64_t val, ena, run;
	int rc;

	if (i < 0 || i >= p->n)
		return nb_fail(EINVAL, "perf event index %d out of range (0..%d)", i, p->n - 1);
	ev = &p->ev[i];
	if (!ev->evsel)
		return nb_fail(ENODEV, "perf event '%s' is not open: %s (%s)", ev->st.name,
			       nb_strerror(ev->st.err), nb_errname(ev->st.err));
	rc = nb_perf_read_raw(ev, &now);
	if (rc)
		return rc;
	val = now.val - ev->base.val;
	ena = now.ena - ev->base.ena;
	run = now.run - ev->base.run;
	if (run == 0)
		*value = 0;	/* never scheduled on a counter: nothing measured */
	else if (run < ena)
		*value = (uint64_t)((double)val * (double)ena / (double)run);
	else
		*value = val;
	return 0;
}
