// SPDX-License-Identifier: MIT
/* The gather of an unmap and the reclaim of the tables it freed: after an
 * RCU grace period, so that a walker still reading one never sees it
 * reused (domain.h). */
#include <stdlib.h>

#include "domain_internal.h"
#include "util/rcu.h"

void nb_gather_init(struct nb_gather *g)
{
	*g = (struct nb_gather){ .start = 1, .last = 0 };
}

struct reclaim {
	struct nb_rcu_head head;
	struct nb_domain *d;
	size_t n;
	struct nb_freed_table t[];
};

static void reclaim_cb(struct nb_rcu_head *head)
{
	struct reclaim *r = (struct reclaim *)head;

	nb_rcu_cb_begin(head);
	for (size_t i = 0; i < r->n; i++)
		domain_table_free(r->d, r->t[i].pa, r->t[i].level);
	/* release: nb_domain_free, seeing 0, may free what these frees touched */
	atomic_fetch_sub_explicit(&r->d->deferred, 1, memory_order_release);
	free(r);
}

void nb_gather_release(struct nb_domain *d, struct nb_gather *g)
{
	if (g->nr_freed) {
		struct reclaim *r = malloc(sizeof(*r) + g->nr_freed * sizeof(r->t[0]));

		if (r) {
			r->d = d;
			r->n = g->nr_freed;
			for (size_t i = 0; i < g->nr_freed; i++)
				r->t[i] = g->freed[i];
			atomic_fetch_add_explicit(&d->deferred, 1, memory_order_relaxed);
			nb_rcu_defer(&r->head, reclaim_cb);
		} else {
			/* No memory for deferral: wait for the grace period here. */
			nb_rcu_synchronize();
			for (size_t i = 0; i < g->nr_freed; i++)
				domain_table_free(d, g->freed[i].pa, g->freed[i].level);
		}
	}
	free(g->freed);
	nb_gather_init(g);
}
