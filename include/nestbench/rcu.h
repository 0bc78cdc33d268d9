/* SPDX-License-Identifier: MIT */
/*
 * The RCU calls of the public API (liburcu, memb flavour; src/util/rcu.c):
 * walkers that race with unmap read inside nb_rcu_read_lock/unlock (a
 * thread registers itself on its first read-side lock, or earlier with
 * nb_rcu_register_thread); tables an unmap freed are reclaimed after a
 * grace period (domain.h: nb_gather_release), and nb_rcu_barrier waits
 * until every reclaim handed over so far has run.
 */
#ifndef NESTBENCH_RCU_H
#define NESTBENCH_RCU_H

void nb_rcu_register_thread(void);
void nb_rcu_unregister_thread(void);
void nb_rcu_read_lock(void);
void nb_rcu_read_unlock(void);
void nb_rcu_barrier(void);

#endif
