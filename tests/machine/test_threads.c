// SPDX-License-Identifier: MIT
/*
 * First use from many threads at once: the one-time set-up (hwloc load,
 * libperf_init, pfm_initialize, the PMU probe) must run once and hand every
 * thread the same answers; each thread's own counters and pinning must work
 * side by side. Meant for ThreadSanitizer as much as for the checks.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include <nestbench/machine.h>
#include <nestbench/nb.h>

#include "check.h"

#define NTHREADS 6

static pthread_barrier_t start;

/* Busy loops write here so the compiler keeps them; one per thread. */
static _Thread_local volatile unsigned long sink;

struct result {
	int index;
	struct nb_topo_summary sum;
	bool pmu;
	const char *reason;
	uint64_t task_clock;
	int pinned_cpu, ran_on;
	int rc_topo, rc_open, rc_pin;
};

static void *worker(void *arg)
{
	struct result *r = arg;
	struct nb_perf *p;
	int cpus[256];
	int i, n;

	pthread_barrier_wait(&start);
	r->rc_topo = nb_topo_summary(&r->sum);
	r->pmu = nb_perf_pmu_available();
	r->reason = nb_perf_pmu_reason();
	r->rc_open = nb_perf_open_default(&p);
	if (r->rc_open)
		return NULL;
	n = nb_topo_cpu_list(cpus, 256);
	r->pinned_cpu = n > 0 ? cpus[r->index % (n < 256 ? n : 256)] : -1;
	r->rc_pin = nb_topo_pin_thread(r->pinned_cpu);
	nb_perf_enable(p);
	for (int k = 0; k < 2000000; k++)
		sink += (unsigned long)k;
	sched_yield();
	r->ran_on = sched_getcpu();
	nb_perf_disable(p);
	i = nb_perf_index(p, "task-clock");
	if (i < 0 || nb_perf_read(p, i, &r->task_clock))
		r->task_clock = 0;
	nb_perf_close(p);
	return NULL;
}

int main(void)
{
	struct result r[NTHREADS];
	pthread_t t[NTHREADS];

	/* The topology is deliberately not touched before the threads start. */
	memset(r, 0, sizeof(r));
	pthread_barrier_init(&start, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++) {
		r[i].index = i;
		CHECK(pthread_create(&t[i], NULL, worker, &r[i]) == 0, "pthread_create %d", i);
	}
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);

	for (int i = 0; i < NTHREADS; i++) {
		CHECK(r[i].rc_topo == 0, "thread %d: topology rc %d", i, r[i].rc_topo);
		CHECK(!memcmp(&r[i].sum, &r[0].sum, sizeof(r[0].sum)),
		      "thread %d saw a different summary", i);
		CHECK(r[i].pmu == r[0].pmu && r[i].reason == r[0].reason,
		      "thread %d saw a different PMU verdict", i);
		CHECK(r[i].rc_open == 0, "thread %d: open rc %d", i, r[i].rc_open);
		CHECK(r[i].task_clock > 0, "thread %d: task-clock did not count", i);
		CHECK(r[i].rc_pin == 0 && r[i].ran_on == r[i].pinned_cpu,
		      "thread %d: pin to CPU %d rc %d, ran on %d", i, r[i].pinned_cpu,
		      r[i].rc_pin, r[i].ran_on);
	}
	return check_exit("machine_threads");
}
