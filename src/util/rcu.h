/* SPDX-License-Identifier: MIT */
/*
 * RCU for table reclaim, over liburcu's memb flavour: readers pay a
 * thread-local increment (read side inlined with _LGPL_SOURCE), need no
 * signals and no quiescent-state calls, so benchmark threads that we do not
 * own (Google Benchmark's) can walk without cooperation. QSBR would make
 * the read side free but needs every reader to announce quiescent states.
 * Threads are registered on first use and unregistered at thread exit.
 */
#ifndef NB_SRC_UTIL_RCU_H
#define NB_SRC_UTIL_RCU_H

#include <urcu/urcu-memb.h>

#define nb_rcu_head rcu_head

/* Run fn(head) after a grace period. Context: any thread, not inside a
 * read-side critical section. */
void nb_rcu_defer(struct nb_rcu_head *head, void (*fn)(struct nb_rcu_head *));
/* Wait for a grace period. Context: not inside a read-side critical section. */
void nb_rcu_synchronize(void);
/* Register the calling thread if it is not yet (idempotent, cheap). */
void nb_rcu_ensure_registered(void);

#endif
