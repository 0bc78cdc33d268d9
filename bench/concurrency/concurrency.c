// SPDX-License-Identifier: MIT
/*
 * concurrency: walk throughput while other threads map and unmap the same
 * domain (disjoint ranges), against the same walks with nobody writing.
 *
 * concurrency/walk/writers:W
 *   The benchmark thread walks 4096 mapped IOVAs (random order, RCU read
 *   side held per batch); W writer threads (pinned to the other CPU where
 *   there is one) map and unmap their own 1 GiB slots, so tables are
 *   installed and freed (RCU) all the time. Counters: walks per second
 *   (items_per_second), writer operations per second, and
 *   ratio_to_quiet = this throughput / the W=0 throughput measured first
 *   in the same run.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "bench_common.h"
#include "nestbench/domain.h"
#include "nestbench/machine.h"
#include "walk/walk_core.h"

#define PAGES 4096
#define SLOT (1ull << 30)

static struct {
	struct nb_arena *arena;
	struct nb_palloc pal;
	struct nb_domain *d;
	uint64_t iova[PAGES];
	double quiet_walks_per_s;
} env;

static atomic_bool stop;
static atomic_ulong writer_ops;

static void *writer(void *arg)
{
	uint64_t base = (uint64_t)(uintptr_t)arg, seed = base;
	int cpus[8], n = nb_topo_cpu_list(cpus, 8);

	if (n > 1)
		nb_topo_pin_thread(cpus[n - 1]);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		uint64_t off = nb_align_down(nb_rand(&seed) % (SLOT / 2), 21), size = (1 + nb_rand(&seed) % 8) << 12;
		struct nb_gather g;

		nb_domain_map(env.d, base + off, base + off, size, NB_PROT_RW);
		nb_gather_init(&g);
		nb_domain_unmap(env.d, base + off, SLOT / 2, &g); /* whole half-slot: tables freed */
		nb_gather_release(env.d, &g);
		atomic_fetch_add_explicit(&writer_ops, 2, memory_order_relaxed);
	}
	return NULL;
}

static int setup(void)
{
	struct nb_pt_cfg cfg = { .fmt = NB_FMT_X86_64 };
	struct nb_tspace ts;

	if (env.d)
		return 0;
	if (nb_arena_create(&env.arena, 2ull << 30) || nb_palloc_init(&env.pal, env.arena, 1ull << 30))
		return -1;
	ts = (struct nb_tspace){ .alloc = &env.pal };
	if (nb_domain_alloc(&env.d, &cfg, env.arena, &ts))
		return -1;
	for (uint64_t i = 0; i < PAGES; i++) {
		env.iova[i] = (i << 21) + (1ull << 40); /* one page per last-level table */
		if (nb_domain_map(env.d, env.iova[i], env.iova[i], 4096, NB_PROT_RW))
			return -1;
	}
	nb_shuffle(env.iova, PAGES, 3);
	return 0;
}

static void bm_walk(nb_bench_state *st, void *ctx)
{
	int writers = (int)nb_bench_range_arg(st, 0);
	pthread_t t[4];
	uint64_t i = 0, walks = 0, t0, t1, bad = 0;
	const struct nb_pt_geom *g;

	if (setup()) {
		nb_bench_skip_with_error(st, nb_errmsg());
		return;
	}
	g = &env.d->geom;
	{ /* walker on the first CPU, writers on the last: no time slicing */
		int cpus[8];

		if (nb_topo_cpu_list(cpus, 8) > 1)
			nb_topo_pin_thread(cpus[0]);
	}
	atomic_store(&stop, false);
	atomic_store(&writer_ops, 0);
	for (int w = 0; w < writers; w++)
		pthread_create(&t[w], NULL, writer, (void *)(uintptr_t)((uint64_t)(w + 1) * SLOT));
	nb_rcu_register_thread();
	t0 = nb_now_ns();
	while (nb_bench_keep_running_batch(st, 256)) {
		nb_rcu_read_lock();
		for (int k = 0; k < 256; k++) {
			struct nb_walk_result r;

			nbw_stage(&(const struct nbw_cursor){ .g = g, .m = nbw_mem_of(env.arena), .ia = env.iova[i],
							      .access = NB_PROT_R, .table = env.d->root_pa,
							      .level = g->levels - 1, .stage = 1, .full_prot = true },
				  &r);
			bad += r.fault != NB_FAULT_NONE || r.oa != env.iova[i];
			i = (i + 1) & (PAGES - 1);
		}
		nb_rcu_read_unlock();
		walks += 256;
	}
	t1 = nb_now_ns();
	atomic_store(&stop, true);
	for (int w = 0; w < writers; w++)
		pthread_join(t[w], NULL);
	{
		double wps = (double)walks / ((double)(t1 - t0) / 1e9);

		if (writers == 0)
			env.quiet_walks_per_s = wps;
		nb_bench_set_items_processed(st, (int64_t)walks);
		nb_bench_counter(st, "walks_per_s", wps, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "writer_ops_per_s",
				 (double)atomic_load(&writer_ops) / ((double)(t1 - t0) / 1e9), NB_COUNTER_PLAIN);
		nb_bench_counter(st, "ratio_to_quiet", env.quiet_walks_per_s ? wps / env.quiet_walks_per_s : 0,
				 NB_COUNTER_PLAIN);
		nb_bench_counter(st, "wrong_translations", (double)bad, NB_COUNTER_PLAIN);
	}
	if (bad)
		nb_bench_skip_with_error(st, "a walker saw a wrong translation");
}

static void register_all(void)
{
	static const char *const names[] = { "writers" };
	nb_bench *b = nb_bench_register("concurrency/walk", bm_walk, NULL);

	nb_bench_arg_names(b, names, 1);
	nb_bench_arg(b, 0);
	nb_bench_arg(b, 1);
	nb_bench_use_real_time(b);
}

static const struct nb_bench_family family = {
	.name = "concurrency",
	.register_all = register_all,
	.quick_min_time = 0.05,
	.host_timed = ".", /* walks per second */
	.exclusive = true, /* walker and writer threads; ratio_to_quiet uses writers:0 */
};

int main(int argc, char **argv)
{
	return nb_bench_family_main(argc, argv, &family);
}
