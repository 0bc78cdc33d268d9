// SPDX-License-Identifier: MIT
/*
 * Counters on the calling thread, checked against what the test itself did:
 * task-clock against CLOCK_THREAD_CPUTIME_ID, page-faults against pages it
 * touched, nothing counted while disabled (paused) or on another thread, a
 * resumed count going on from where it stopped. Hardware
 * events must agree with nb_perf_pmu_available() either way, so the test means
 * the same on a machine with a PMU as on one without. The library must stay
 * silent on stderr throughout.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <nestbench/machine.h>
#include <nestbench/nb.h>

#include "check.h"

#define NPAGES 256

static const char *const hw_events[] = {
	"instructions", "cycles", "branch-misses", "L1-dcache-load-misses",
};
static const char *const sw_events[] = { "task-clock", "page-faults", "context-switches" };

/* Busy loops write here so the compiler keeps them. */
static volatile unsigned long sink;

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Burn at least `ns` of this thread's CPU time. */
static void burn(uint64_t ns)
{
	uint64_t start = thread_cpu_ns();

	while (thread_cpu_ns() - start < ns)
		for (int i = 0; i < 10000; i++)
			sink += (unsigned long)i;
}

/* Write one byte into each of NPAGES fresh pages (no huge pages). */
static void touch_fresh_pages(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)pg * NPAGES;
	volatile char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(mem != MAP_FAILED, "mmap %zu bytes: %s", len, strerror(errno));
	if (mem == MAP_FAILED)
		return;
	madvise((void *)mem, len, MADV_NOHUGEPAGE);
	for (size_t off = 0; off < len; off += (size_t)pg)
		mem[off] = 1;
	munmap((void *)mem, len);
}

static uint64_t read_named(struct nb_perf *p, const char *name)
{
	int i = nb_perf_index(p, name);
	uint64_t v = 0;
	int rc;

	CHECK(i >= 0, "event %s not listed", name);
	if (i < 0)
		return 0;
	rc = nb_perf_read(p, i, &v);
	CHECK(rc == 0, "read %s: %d: %s", name, rc, nb_errmsg());
	return v;
}

static void check_statuses(struct nb_perf *p, bool pmu)
{
	CHECK(nb_perf_count(p) == 7, "default set lists %d events, want 7", nb_perf_count(p));
	for (int i = 0; i < nb_perf_count(p); i++) {
		const struct nb_perf_event_status *st = nb_perf_status(p, i);

		printf("  %-22s %s", st->name, st->open ? "open" : "not open");
		if (!st->open)
			printf(" (%s)", strerror(st->err));
		printf("%s\n", st->user_only ? " user-only" : "");
		CHECK(st->open ? st->err == 0 : st->err > 0, "%s: open %d but err %d", st->name,
		      st->open, st->err);
		CHECK(st->open || !st->user_only, "%s: not open but marked user-only", st->name);
	}
	CHECK(nb_perf_status(p, -1) == NULL && nb_perf_status(p, 7) == NULL,
	      "status out of range is not NULL");
	for (size_t k = 0; k < NB_ARRAY_SIZE(sw_events); k++) {
		int i = nb_perf_index(p, sw_events[k]);

		CHECK(i >= 0 && nb_perf_status(p, i)->open, "software event %s did not open",
		      sw_events[k]);
	}
	/* instructions is the probe: it must match the PMU verdict exactly. */
	{
		int i = nb_perf_index(p, "instructions");

		CHECK(i >= 0 && nb_perf_status(p, i)->open == pmu,
		      "instructions open=%d but nb_perf_pmu_available()=%d", i >= 0 &&
		      nb_perf_status(p, i)->open, pmu);
	}
	/* Without a PMU no hardware event may claim to be open. */
	for (size_t k = 0; !pmu && k < NB_ARRAY_SIZE(hw_events); k++) {
		int i = nb_perf_index(p, hw_events[k]);
		const struct nb_perf_event_status *st = nb_perf_status(p, i);
		uint64_t v = 1;

		CHECK(st && !st->open && st->err > 0, "%s open without a PMU", hw_events[k]);
		nb_errclear();
		CHECK(nb_perf_read(p, i, &v) == -ENODEV, "reading closed %s is not -ENODEV",
		      hw_events[k]);
		CHECK(strstr(nb_errmsg(), hw_events[k]) != NULL,
		      "message does not name %s: \"%s\"", hw_events[k], nb_errmsg());
	}
}

static void check_task_clock(struct nb_perf *p)
{
	uint64_t t0, cpu_ns, tc, tc_later, tc_again;

	CHECK(nb_perf_enable(p) == 0, "enable: %s", nb_errmsg());
	t0 = thread_cpu_ns();
	burn(50 * 1000 * 1000);
	cpu_ns = thread_cpu_ns() - t0;
	CHECK(nb_perf_disable(p) == 0, "disable: %s", nb_errmsg());
	tc = read_named(p, "task-clock");
	printf("task-clock %llu ns, thread CPU clock %llu ns\n", (unsigned long long)tc,
	       (unsigned long long)cpu_ns);
	CHECK(tc >= cpu_ns / 2 && tc <= cpu_ns * 2,
	      "task-clock %llu ns not within 50%%..200%% of thread CPU time %llu ns",
	      (unsigned long long)tc, (unsigned long long)cpu_ns);

	/* Disabled means stopped. */
	burn(20 * 1000 * 1000);
	tc_later = read_named(p, "task-clock");
	CHECK(tc_later == tc, "task-clock moved while disabled: %llu -> %llu",
	      (unsigned long long)tc, (unsigned long long)tc_later);

	/* Enable starts again from zero. */
	CHECK(nb_perf_enable(p) == 0, "enable: %s", nb_errmsg());
	CHECK(nb_perf_disable(p) == 0, "disable: %s", nb_errmsg());
	tc_again = read_named(p, "task-clock");
	CHECK(tc_again < tc / 2, "enable did not reset task-clock: %llu after %llu",
	      (unsigned long long)tc_again, (unsigned long long)tc);
}

/* A paused region (disable, then resume) counts the parts before and after
 * the pause and nothing in between, as the benchmarks' pause hooks need:
 * 30 ms counted, 200 ms paused, 30 ms counted must read about 60 ms, where
 * counting the pause too would read about 260 ms. */
static void check_resume(struct nb_perf *p)
{
	uint64_t counted = 0, t0, tc;

	CHECK(nb_perf_enable(p) == 0, "enable: %s", nb_errmsg());
	t0 = thread_cpu_ns();
	burn(30 * 1000 * 1000);
	counted += thread_cpu_ns() - t0;
	CHECK(nb_perf_disable(p) == 0, "disable: %s", nb_errmsg());
	burn(200 * 1000 * 1000);
	CHECK(nb_perf_resume(p) == 0, "resume: %s", nb_errmsg());
	t0 = thread_cpu_ns();
	burn(30 * 1000 * 1000);
	counted += thread_cpu_ns() - t0;
	CHECK(nb_perf_disable(p) == 0, "disable: %s", nb_errmsg());
	tc = read_named(p, "task-clock");
	printf("paused region: task-clock %llu ns, thread CPU time of the counted parts %llu ns\n",
	       (unsigned long long)tc, (unsigned long long)counted);
	CHECK(tc >= counted / 2 && tc <= counted * 2,
	      "task-clock %llu ns after a pause: not within 50%%..200%% of the %llu ns counted "
	      "before and after it (the 200 ms pause must not count, the part before it must)",
	      (unsigned long long)tc, (unsigned long long)counted);
}

static void check_page_faults(struct nb_perf *p)
{
	uint64_t pf;

	CHECK(nb_perf_enable(p) == 0, "enable: %s", nb_errmsg());
	touch_fresh_pages();
	CHECK(nb_perf_disable(p) == 0, "disable: %s", nb_errmsg());
	pf = read_named(p, "page-faults");
	printf("page-faults %llu after touching %d fresh pages\n", (unsigned long long)pf, NPAGES);
	CHECK(pf >= 200, "page-faults %llu after touching %d fresh pages, want >= 200",
	      (unsigned long long)pf, NPAGES);
}

static void *toucher(void *arg)
{
	if (arg)
		touch_fresh_pages();
	return NULL;
}

/* Faults this thread's counters see while another thread runs toucher(arg). */
static uint64_t faults_during_thread(struct nb_perf *p, void *arg)
{
	pthread_t t;

	CHECK(nb_perf_enable(p) == 0, "enable: %s", nb_errmsg());
	CHECK(pthread_create(&t, NULL, toucher, arg) == 0, "pthread_create");
	pthread_join(t, NULL);
	CHECK(nb_perf_disable(p) == 0, "disable: %s", nb_errmsg());
	return read_named(p, "page-faults");
}

/*
 * The counters belong to the opening thread: another thread's faults don't
 * count. Creating a thread costs this thread some faults of its own (many
 * under sanitizers), so compare with a thread that touches nothing.
 */
static void check_thread_scope(struct nb_perf *p)
{
	uint64_t idle, busy;

	faults_during_thread(p, NULL);	/* warm-up: first thread, cold stack cache */
	idle = faults_during_thread(p, NULL);
	busy = faults_during_thread(p, p);
	printf("page-faults %llu while another thread touched %d pages (%llu with an idle thread)\n",
	       (unsigned long long)busy, NPAGES, (unsigned long long)idle);
	CHECK(busy < idle + NPAGES / 2, "counted another thread's faults: %llu, idle thread %llu",
	      (unsigned long long)busy, (unsigned long long)idle);
}

static void check_bad_names(bool pmu)
{
	const char *const unknown[] = { "task-clock", "no-such-event-xyzzy" };
	const char *const hw_only[] = { "instructions" };
	struct nb_perf *p = (struct nb_perf *)&p;	/* must be reset to NULL */
	int rc;

	rc = nb_perf_open(&p, unknown, 2);
	CHECK(rc == -EINVAL && p == NULL, "unknown event: rc %d, p %p", rc, (void *)p);
	CHECK(strstr(nb_errmsg(), "no-such-event-xyzzy") != NULL,
	      "message does not name the unknown event: \"%s\"", nb_errmsg());

	rc = nb_perf_open(&p, hw_only, 1);
	if (pmu) {
		CHECK(rc == 0 && p, "instructions alone: %d: %s", rc, nb_errmsg());
	} else {
		CHECK(rc < 0 && p == NULL, "instructions alone opened without a PMU: rc %d", rc);
		CHECK(strstr(nb_errmsg(), "instructions") != NULL,
		      "message does not name the event: \"%s\"", nb_errmsg());
		printf("instructions alone: %s\n", nb_errmsg());
	}
	nb_perf_close(p);

	rc = nb_perf_open(&p, unknown, 0);
	CHECK(rc == -EINVAL && p == NULL, "zero events: rc %d", rc);
}

int main(void)
{
	struct nb_perf *p;
	const char *reason;
	bool pmu;
	FILE *err_capture = tmpfile();
	int saved_stderr = dup(STDERR_FILENO);
	long stray;
	int rc;

	/* Route stderr to a file while the library runs; it must stay empty. */
	fflush(stderr);
	if (err_capture)
		dup2(fileno(err_capture), STDERR_FILENO);

	pmu = nb_perf_pmu_available();
	reason = nb_perf_pmu_reason();
	rc = nb_perf_open_default(&p);

	fflush(stderr);
	stray = err_capture ? ftell(err_capture) : -1;
	dup2(saved_stderr, STDERR_FILENO);
	CHECK(stray == 0, "the library wrote %ld bytes to stderr", stray);

	printf("PMU: %s\n", reason);
	CHECK(reason && reason[0], "empty PMU reason");
	CHECK(pmu == !strncmp(reason, "available", 9), "pmu_available %d but reason \"%s\"", pmu,
	      reason);
	if (rc == -EACCES || rc == -EPERM) {
		printf("SKIP: perf events not permitted here: %s\n", nb_errmsg());
		return CHECK_SKIP;
	}
	CHECK(rc == 0, "nb_perf_open_default: %d: %s", rc, nb_errmsg());
	if (rc)
		return check_exit("machine_perf");

	check_statuses(p, pmu);
	check_task_clock(p);
	check_resume(p);
	check_page_faults(p);
	check_thread_scope(p);
	nb_perf_close(p);
	check_bad_names(pmu);
	return check_exit("machine_perf");
}
