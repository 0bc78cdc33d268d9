// SPDX-License-Identifier: MIT
/*
 * Lock-free stress: walkers translate random IOVAs while writers map and
 * unmap disjoint ranges of the same domain (single stage and nested).
 * Every translation must be one a writer really installed (old or new), or
 * "not present": never a torn descriptor, a reserved encoding or a table
 * outside memory. Run under ThreadSanitizer (races) and ASan (freed tables
 * are poisoned until reused, so a walker reading one after its grace period
 * would be reported).
 *
 * Writers own disjoint 1 GiB slots and map IOVA x to PA x + gen * STRIDE,
 * gen in 1..3, with sizes from 4K to 2M so tables come and go; a walker
 * checks that PA - IOVA is one of those offsets and the page size is one a
 * writer used.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "nb_test.h"
#include "nested_fixture.h"

#define WRITERS 2
#define READERS 2
#define SLOT (1ull << 30)
#define STRIDE (1ull << 40)

#ifdef NB_SANITIZE_BUILD
#define ROUNDS 8000
#else
#define ROUNDS 40000
#endif

static struct nested_fixture fx;
static struct nb_domain *single;
static atomic_bool stop;
static atomic_ulong translations, hits, bad;
static _Atomic uint64_t recent[4]; /* IOVAs writers just mapped: readers aim there */

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

struct writer {
	int id;
	struct nb_domain *d;
	uint64_t base; /* IOVA of the slot */
	uint64_t out_base; /* what the slot's IOVA maps to at gen 0 (IPA or PA) */
};

/*
 * Map; when the table pool is empty only because unmapped tables still wait
 * for their grace period (the RCU callbacks lag behind on a loaded machine),
 * wait for them and try again, as a kernel allocator would reclaim before
 * failing. A pool that stays empty with nothing deferred is a real failure.
 */
static int map_waiting_for_reclaim(struct nb_domain *d, uint64_t iova, uint64_t out, uint64_t size)
{
	int ret;

	for (int tries = 0; tries < 8; tries++) {
		ret = nb_domain_map(d, iova, out, size, NB_PROT_RW);
		if (ret != -ENOMEM || !atomic_load_explicit(&d->deferred, memory_order_acquire))
			return ret;
		nb_rcu_barrier();
	}
	return ret;
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	uint64_t seed = 0x1234567ull * (w->id + 1);
	struct { uint64_t iova, size; } ring[8] = { { 0, 0 } };

	for (int round = 0; round < ROUNDS; round++) {
		unsigned lg2 = (xorshift(&seed) & 1) ? 21 : 12;
		uint64_t n = 1 + xorshift(&seed) % 8;
		/* ring entry k owns lane k (64 MiB) of the half-slot: no overlap */
		uint64_t off = (round % 8) * (64ull << 20) +
			       nb_align_down(xorshift(&seed) % (48ull << 20), lg2);
		uint64_t gen = 1 + round % 3;
		uint64_t iova = w->base + off, size = n << lg2;
		struct nb_gather g;

		int k = round % 8;

		/* keep 8 mappings live (lane k's old one goes first); now and then
		 * unmap the whole half-slot so that tables are freed under walkers */
		nb_gather_init(&g);
		if (round % 64 == 63) {
			nb_domain_unmap(w->d, w->base, SLOT / 2, &g);
			memset(ring, 0, sizeof(ring));
		} else if (ring[k].size) {
			nb_domain_unmap(w->d, ring[k].iova, ring[k].size, &g);
		}
		nb_gather_release(w->d, &g);
		if (map_waiting_for_reclaim(w->d, iova, w->out_base + off + gen * STRIDE, size)) {
			fprintf(stderr, "writer %d: map: %s\n", w->id, nb_errmsg());
			atomic_fetch_add(&bad, 1);
			break;
		}
		ring[k].iova = iova;
		ring[k].size = size;
		atomic_store_explicit(&recent[xorshift(&seed) % 4], iova, memory_order_relaxed);
	}
	return NULL;
}

struct reader {
	int id;
	bool nested;
};

static bool offset_ok(uint64_t in, uint64_t out)
{
	uint64_t d = out - in;

	return d == STRIDE || d == 2 * STRIDE || d == 3 * STRIDE;
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	uint64_t seed = 0xabcdefull * (r->id + 7);

	nb_rcu_register_thread();
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		uint64_t slot = xorshift(&seed) % WRITERS;
		uint64_t iova = (1 + slot) * SLOT + (xorshift(&seed) % (SLOT / 2));

		if (xorshift(&seed) & 1)
			iova = atomic_load_explicit(&recent[xorshift(&seed) % 4], memory_order_relaxed) +
			       (xorshift(&seed) % (4ull << 20));
		bool ok;

		nb_rcu_read_lock();
		if (r->nested) {
			struct nb_walk_result res;

			nb_walk_nested(&fx.nest->ctx, iova, NB_PROT_R, &res);
			if (res.fault == NB_FAULT_NONE) {
				/* stage 2 maps the IPA window identically: IPA + 0 */
				ok = offset_ok(iova, res.ipa) && res.oa == res.ipa + (1ull << 41) &&
				     (res.page_lg2 == 12 || res.page_lg2 == 21);
				atomic_fetch_add_explicit(&hits, 1, memory_order_relaxed);
			} else {
				ok = res.fault == NB_FAULT_NOT_PRESENT && res.fault_stage == 1;
			}
		} else {
			struct nb_walk_result w;

			nb_walk1(&single->geom, fx.arena, single->root_pa, single->geom.levels - 1, iova,
				 NB_PROT_R, &w);
			if (w.fault == NB_FAULT_NONE) {
				ok = offset_ok(iova, w.oa) && (w.page_lg2 == 12 || w.page_lg2 == 21);
				atomic_fetch_add_explicit(&hits, 1, memory_order_relaxed);
			} else {
				ok = w.fault == NB_FAULT_NOT_PRESENT;
			}
		}
		nb_rcu_read_unlock();
		atomic_fetch_add_explicit(&translations, 1, memory_order_relaxed);
		if (!ok && atomic_fetch_add(&bad, 1) < 5)
			fprintf(stderr, "reader %d: bad translation of %#llx\n", r->id,
				(unsigned long long)iova);
	}
	nb_rcu_unregister_thread();
	return NULL;
}

static void run(bool nested)
{
	pthread_t wt[WRITERS], rt[READERS];
	struct writer w[WRITERS];
	struct reader r[READERS];

	atomic_store(&stop, false);
	atomic_store(&translations, 0);
	atomic_store(&hits, 0);
	for (int i = 0; i < READERS; i++) {
		r[i] = (struct reader){ .id = i, .nested = nested };
		pthread_create(&rt[i], NULL, reader_main, &r[i]);
	}
	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){
			.id = i,
			.d = nested ? fx.nest->s1 : single,
			.base = (1 + i) * SLOT,
			.out_base = (1 + i) * SLOT,
		};
		pthread_create(&wt[i], NULL, writer_main, &w[i]);
	}
	for (int i = 0; i < WRITERS; i++)
		pthread_join(wt[i], NULL);
	atomic_store(&stop, true);
	for (int i = 0; i < READERS; i++)
		pthread_join(rt[i], NULL);
	printf("%s: %lu translations, %lu hits, %d writers x %d rounds\n",
	       nested ? "nested" : "single", atomic_load(&translations), atomic_load(&hits), WRITERS,
	       ROUNDS);
	CHECK(atomic_load(&bad) == 0, "%lu bad translations", atomic_load(&bad));
	CHECK(atomic_load(&hits) > 0, "walkers must see some live translations");
}

int main(void)
{
	struct nb_arena *arena;
	struct nb_pt_cfg s1 = { .fmt = NB_FMT_X86_64 }, s2 = { .fmt = NB_FMT_VTDSS };
	struct nb_tspace ts;

	if (nb_arena_create(&arena, 1ull << 30) || nested_fixture_init(&fx, arena, &s1, &s2)) {
		fprintf(stderr, "setup: %s\n", nb_errmsg());
		return 1;
	}
	ts = fx.host_ts;
	CHECK(nb_domain_alloc(&single, &s1, arena, &ts) == 0, "single: %s", nb_errmsg());
	run(false);
	/* Nested: stage 2 maps the IPAs the writers use (gen offsets) 1:1 + 2^41. */
	for (uint64_t gen = 1; gen <= 3; gen++)
		for (int i = 0; i < WRITERS; i++)
			CHECK(nb_domain_map(fx.s2, (1 + i) * SLOT + gen * STRIDE,
					    (1 + i) * SLOT + gen * STRIDE + (1ull << 41), SLOT / 2 + (16ull << 20),
					    NB_PROT_RW) == 0,
			      "s2 map: %s", nb_errmsg());
	run(true);
	nb_domain_free(single);
	nested_fixture_fini(&fx);
	nb_arena_destroy(arena);
	return nbt_done("test_stress");
}
