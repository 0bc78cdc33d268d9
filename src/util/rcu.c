// SPDX-License-Identifier: MIT
/* RCU flavour glue (memb); see util/rcu.h for why memb. */
#define _LGPL_SOURCE
#include <pthread.h>
#include <urcu/urcu-memb.h>

#include "nestbench/nb.h"
#include "nestbench/rcu.h"
#include "util/rcu.h"

static pthread_key_t reg_key;
static pthread_once_t reg_once = PTHREAD_ONCE_INIT;
static _Thread_local bool registered;

static void unregister_at_exit(void *unused)
{
	if (registered) {
		urcu_memb_unregister_thread();
		registered = false;
	}
}

static void make_key(void)
{
	pthread_key_create(&reg_key, unregister_at_exit);
}

void nb_rcu_ensure_registered(void)
{
	if (NB_LIKELY(registered))
		return;
	pthread_once(&reg_once, make_key);
	urcu_memb_register_thread();
	registered = true;
	pthread_setspecific(reg_key, (void *)1);
}

void nb_rcu_register_thread(void)
{
	nb_rcu_ensure_registered();
}

void nb_rcu_unregister_thread(void)
{
	if (registered) {
		urcu_memb_unregister_thread();
		registered = false;
		pthread_setspecific(reg_key, NULL);
	}
}

void nb_rcu_read_lock(void)
{
	nb_rcu_ensure_registered();
	urcu_memb_read_lock();
}

void nb_rcu_read_unlock(void)
{
	urcu_memb_read_unlock();
}

void nb_rcu_defer(struct nb_rcu_head *head, void (*fn)(struct nb_rcu_head *))
{
	nb_rcu_ensure_registered();
	nb_tsan_release(head);
	urcu_memb_call_rcu(head, fn);
}

void nb_rcu_synchronize(void)
{
	urcu_memb_synchronize_rcu();
}

void nb_rcu_barrier(void)
{
	nb_rcu_ensure_registered();
	urcu_memb_barrier();
}
