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

/*
 * liburcu is not built with ThreadSanitizer, so TSan cannot see the
 * happens-before edge call_rcu provides from the enqueuing thread to the
 * callback thread; nb_rcu_defer and nb_rcu_cb_begin state that edge for it.
 * Every callback must start with nb_rcu_cb_begin(head).
 */
#if defined(__SANITIZE_THREAD__)
#define NB_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NB_TSAN 1
#endif
#endif
#ifdef NB_TSAN
#include <sanitizer/tsan_interface.h>
#define nb_rcu_cb_begin(head) __tsan_acquire(head)
#define nb_tsan_release(p) __tsan_release(p)
#else
#define nb_rcu_cb_begin(head) ((void)(head))
#define nb_tsan_release(p) ((void)(p))
#endif

/* Run fn(head) after a grace period. Context: any thread, not inside a
 * read-side critical section. */
void nb_rcu_defer(struct nb_rcu_head *head, void (*fn)(struct nb_rcu_head *));
/* Wait for a grace period. Context: not inside a read-side critical section. */
void nb_rcu_synchronize(void);
/* Register the calling thread if it is not yet (idempotent, cheap). */
void nb_rcu_ensure_registered(void);

#endif
