// SPDX-License-Identifier: MIT
/*
 * RCU for the fuzz targets, which are single-threaded: a deferred free runs
 * at once, after a grace period (urcu_memb_synchronize_rcu), instead of on
 * liburcu's call_rcu thread; rcu_barrier has nothing left to wait for.
 *
 * Why: liburcu's call_rcu thread sleeps 10 ms after each wake-up to batch
 * callbacks (urcu-call-rcu-impl.h, call_rcu_thread: poll(NULL, 0, 10)), so
 * every nb_rcu_barrier (domain and guest-RAM teardown) cost a fuzz input at
 * least 10 ms of waiting: most of fuzz_ops' time per input. With no reader
 * thread a grace period is over as soon as it starts, so running the
 * callback right away is a correct RCU, and a stricter one for the fuzzers:
 * a table is freed (and poisoned under ASan) the moment nothing may hold
 * it, where the real thread would free it up to 10 ms later. The
 * concurrency of reclaim is the stress tests' job (tests/core, TSan).
 *
 * These definitions take the place of liburcu's in every fuzz program
 * (the statically linked nestbench code calls them by these names).
 */
#include <urcu/urcu-memb.h>

void urcu_memb_call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
	urcu_memb_synchronize_rcu();
	func(head);
}

void urcu_memb_barrier(void)
{
}
