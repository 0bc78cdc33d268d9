// SPDX-License-Identifier: MIT
/*
 * Pinning lands: after nb_topo_pin_thread(c) the kernel's affinity mask for
 * the thread is exactly {c} and the thread keeps running on c across yields;
 * pinning binds the calling thread only; CPUs outside the allowed set are
 * refused with -EINVAL and a message naming them, leaving the binding alone.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include <nestbench/machine.h>
#include <nestbench/nb.h>

#include "check.h"

#define MAX_CPUS 1024

/* The calling thread's affinity as the kernel sees it (not through hwloc). */
static int affinity(cpu_set_t *set)
{
	CPU_ZERO(set);
	return sched_getaffinity(0, sizeof(*set), set);
}

static bool affinity_is_only(int cpu)
{
	cpu_set_t set;

	return !affinity(&set) && CPU_COUNT(&set) == 1 && CPU_ISSET(cpu, &set);
}

/* Busy loops write here so the compiler keeps them. */
static volatile unsigned long sink;

/* Keep the CPU busy, then give the scheduler a chance to move us. */
static void spin_and_yield(void)
{

	for (int i = 0; i < 20000; i++)
		sink += (unsigned long)i;
	sched_yield();
}

static void check_lands(int cpu)
{
	int rc = nb_topo_pin_thread(cpu);
	int wrong = 0, last = -1;

	CHECK(rc == 0, "pin to CPU %d: rc %d: %s", cpu, rc, nb_errmsg());
	CHECK(affinity_is_only(cpu), "after pinning to CPU %d the affinity mask is not {%d}",
	      cpu, cpu);
	for (int i = 0; i < 500; i++) {
		spin_and_yield();
		last = sched_getcpu();
		wrong += last != cpu;
	}
	CHECK(wrong == 0, "pinned to CPU %d, but ran elsewhere %d/500 times (last on %d)", cpu,
	      wrong, last);
	CHECK(nb_topo_current_cpu() == cpu, "nb_topo_current_cpu %d != pinned CPU %d",
	      nb_topo_current_cpu(), cpu);
}

struct other {
	int cpu;
	bool landed;
	bool only;
	int rc;
};

static void *other_thread(void *arg)
{
	struct other *o = arg;
	int ok = 0;

	o->rc = nb_topo_pin_thread(o->cpu);
	for (int i = 0; i < 200; i++) {
		spin_and_yield();
		ok += sched_getcpu() == o->cpu;
	}
	o->landed = ok == 200;
	o->only = affinity_is_only(o->cpu);
	return NULL;
}

static void check_refused(int cpu, int expect_cpu_still)
{
	char needle[32];
	int rc;

	nb_errclear();
	rc = nb_topo_pin_thread(cpu);
	snprintf(needle, sizeof(needle), "CPU %d:", cpu);
	CHECK(rc == -EINVAL, "pin to disallowed CPU %d: rc %d, want -EINVAL", cpu, rc);
	CHECK(strstr(nb_errmsg(), needle) != NULL, "message does not name CPU %d: \"%s\"", cpu,
	      nb_errmsg());
	CHECK(affinity_is_only(expect_cpu_still),
	      "refused pin to CPU %d changed the binding (was {%d})", cpu, expect_cpu_still);
}

int main(void)
{
	int cpus[MAX_CPUS];
	int n = nb_topo_cpu_list(cpus, MAX_CPUS);
	struct other o;
	pthread_t t;
	cpu_set_t set;

	CHECK(n >= 1, "nb_topo_cpu_list: %d: %s", n, nb_errmsg());
	if (n < 1)
		return check_exit("machine_pin");
	if (n > MAX_CPUS)
		n = MAX_CPUS;
	CHECK(n == nb_topo_cpu_count(), "cpu list has %d, cpu count says %d", n,
	      nb_topo_cpu_count());
	printf("allowed CPUs:");
	for (int i = 0; i < n; i++)
		printf(" %d", cpus[i]);
	printf("\n");

	/* Every allowed CPU, and back to the first one (the binding really moves). */
	for (int i = 0; i < n; i++)
		check_lands(cpus[i]);
	check_lands(cpus[0]);

	/* Another thread pins elsewhere; this thread's binding must not change. */
	o = (struct other){ .cpu = cpus[n - 1] };
	CHECK(pthread_create(&t, NULL, other_thread, &o) == 0, "pthread_create");
	pthread_join(t, NULL);
	CHECK(o.rc == 0, "second thread: pin to CPU %d: rc %d", o.cpu, o.rc);
	CHECK(o.landed && o.only, "second thread did not land on CPU %d", o.cpu);
	CHECK(affinity_is_only(cpus[0]),
	      "pinning a second thread to CPU %d changed the first thread's binding", o.cpu);

	/* Refusals name the CPU and leave the binding as it was. */
	check_refused(cpus[n - 1] + 1, cpus[0]);
	check_refused(-1, cpus[0]);
	check_refused(100000, cpus[0]);

	CHECK(nb_topo_unpin_thread() == 0, "unpin: %s", nb_errmsg());
	CHECK(!affinity(&set) && CPU_COUNT(&set) == n, "after unpin the thread may use %d CPUs, want %d",
	      CPU_COUNT(&set), n);
	return check_exit("machine_pin");
}
