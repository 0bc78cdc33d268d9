// SPDX-License-Identifier: MIT
/*
 * invalidate: what each cache-tag strategy costs when mappings change
 * (the seed thread's question), and IOTLB behaviour under synthetic DMA.
 *
 * invalidate/<model>/<variant>/nested:K/devices:D/pages:P
 *   One stage-2 parent (with one device of its own), K nested domains on
 *   it with D devices each, every device streaming over 64 pages. One
 *   iteration: unmap P pages of IPA in the parent (the invalidation runs),
 *   then every device touches its pages again (refill), then the pages are
 *   mapped back. Variants: batch (the model as shipped), nobatch (every
 *   command its own submission and sync: VT-d before 6.12), batch_ats
 *   (every device with ATS: device-TLB flushes), equal (every model with
 *   the same cache sizes, EQUAL_CACHES below, so that collateral compares
 *   designs rather than sizes). Counters per stage-2 unmap, all counts:
 *   commands (syncs included), syncs, doorbells (queue tail writes), tags
 *   touched, entries invalidated, collateral (still-correct entries thrown
 *   away), refill misses; cmd_<OP> per op; modeled_cycles is modelled
 *   time from the command costs (configs/README.md: VT-d/AMD waits are a
 *   CPU-time figure, SMMU's CMD_SYNC a latency: compare within a vendor);
 *   sim_ns_per_unmap is the simulator's host time; stale and oracle_* from
 *   the sampled oracle (oracle_sample.h). The JSON context names the Linux
 *   generation of every model (linux.<model>).
 *
 * iotlb/<workload>/<model>/entries:N
 *   A nested domain driven by a synthetic workload (seq, random, zipf,
 *   nic, storage) with the IOTLB resized to N entries: hit rate, misses
 *   per thousand DMAs, page-table reads per DMA, modelled translation time
 *   per DMA (nestbench/timing.h), commands per unmap.
 *
 * iotlb/lookup/hit, iotlb/lookup/chain
 *   IOTLB hit lookups against a bare 8-way set-associative table of the
 *   same size, timed in alternating blocks in the same run, each side at
 *   its fastest of four code placements: counters ratio_to_bare,
 *   ratio_best, hit_rate and bare_hit_rate (bm_lookup). hit: independent
 *   lookups (throughput); chain: each lookup's key depends on the value
 *   the one before found (latency).
 *
 * Model parameters come from configs/<model>.cfg, or the file of the
 * hardware the model is registered with (NB_CONFIG_DIR overrides the
 * folder; JSON context config.<model> names the file).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "nestbench/iommu.h"
#include "nestbench/workload.h"
#include "nestbench/testbed.h"
#include "oracle_sample.h"
#include "scenario_bench.h"

/* Every registered tag model takes part: a new strategy is in every sweep. */
static const char *model_name(int i)
{
	const struct nb_tag_model *m = nb_tag_model_at(i);

	return m ? m->name : NULL;
}

/* ---- the stage-2 unmap sweep ---- */

enum s2_variant { V_BATCH, V_NOBATCH, V_ATS, V_EQUAL, V_COUNT };

static const char *const variant_name[V_COUNT] = {
	[V_BATCH] = "batch", [V_NOBATCH] = "nobatch", [V_ATS] = "batch_ats", [V_EQUAL] = "equal",
};

/* One cache geometry for every vendor [assume]: sizes between the shipped
 * ones (VT-d/AMD's 64-entry IOTLB, the MMU-600's 512 and 1024-entry walk
 * caches), so no model wins by size alone; page sizes stay the vendor's. */
static const char EQUAL_CACHES[] =
	"iotlb.entries=256; iotlb.ways=8; iotlb.replacement=plru;"
	"pwc_s1.entries=256; pwc_s1.ways=4; pwc_s1.replacement=lru;"
	"pwc_s2.entries=256; pwc_s2.ways=4; pwc_s2.replacement=lru;"
	"nested_tlb.entries=128; nested_tlb.ways=4; nested_tlb.replacement=lru;"
	"ctx_cache.entries=64; ctx_cache.ways=4; ctx_cache.replacement=lru;"
	"devtlb.entries=64; devtlb.ways=64; devtlb.replacement=lru";

struct s2_bench {
	const char *model;
	enum s2_variant v;
};

static void bm_s2_unmap(nb_bench_state *st, void *ctx)
{
	struct s2_bench *b = ctx;
	int k = (int)nb_bench_range_arg(st, 0), d = (int)nb_bench_range_arg(st, 1);
	uint64_t pages = (uint64_t)nb_bench_range_arg(st, 2);
	struct nb_hw_params p;
	struct bscenario s;
	const struct nb_iommu_stats *ist;
	uint64_t t_ns = 0, round = 0;
	struct nb_bench_oracle oracle = { 0 };
	char err[512] = "";

	if (bench_params(b->model, &p, err, sizeof(err))) {
		nb_bench_skip_with_error(st, err);
		return;
	}
	if (b->v == V_NOBATCH)
		p.policy.batch = false;
	if (b->v == V_EQUAL && nb_hwparams_set(&p, EQUAL_CACHES)) {
		nb_bench_skip_with_error(st, nb_errmsg());
		return;
	}
	if (bscenario_init(&s, &p, k, d, pages, b->v == V_ATS, err, sizeof(err))) {
		nb_bench_skip_with_error(st, err);
		return;
	}
	ist = nb_iommu_stats(s.m);
	nb_iommu_stats_reset(s.m);
	while (nb_bench_keep_running(st)) {
		uint64_t ipa = bscenario_unmap_target(&s, round++), t0 = nb_now_ns();

		nb_iommu_unmap(s.m, s.parent, ipa, pages * 4096);
		t_ns += nb_now_ns() - t0;
		nb_bench_pause(st);
		nb_bench_oracle_round(st, &oracle, s.m, false);
		bscenario_touch_all(&s);
		bscenario_remap(&s, ipa, pages);
		nb_bench_resume(st);
	}
	{
		double n = (double)round;
		char name[64];

		nb_bench_counter(st, "cmds_per_unmap", (double)ist->cmds / n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "syncs_per_unmap", (double)ist->syncs / n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "doorbells_per_unmap", (double)ist->doorbells / n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "tags_touched", (double)ist->tags_touched / n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "entries_invalidated", (double)ist->entries_invalidated / n,
				 NB_COUNTER_PLAIN);
		nb_bench_counter(st, "collateral", (double)ist->collateral / n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "refill_misses", (double)ist->refill_misses / n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "modeled_cycles", (double)ist->cmd_cycles / n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "sim_ns_per_unmap", (double)t_ns / n, NB_COUNTER_PLAIN);
		nb_bench_oracle_counters(st, &oracle);
		for (int op = 0; op < NB_INV_OP_COUNT; op++) {
			if (!ist->cmd_by_op[op])
				continue;
			snprintf(name, sizeof(name), "cmd_%s", nb_inv_op_name((enum nb_inv_op)op));
			nb_bench_counter(st, name, (double)ist->cmd_by_op[op] / n, NB_COUNTER_PLAIN);
		}
	}
	bscenario_fini(&s);
}

/* ---- IOTLB hit rate under workloads ---- */

struct wl_bench {
	const char *model;
	enum nb_wl_kind wl;
};

static void bm_iotlb(nb_bench_state *st, void *ctx)
{
	struct wl_bench *b = ctx;
	uint32_t entries = (uint32_t)nb_bench_range_arg(st, 0);
	struct nb_hw_params p;
	struct bscenario s;
	struct nb_wl *w;
	/* nic: a 256-entry ring of one-page buffers; storage: 128 KiB I/Os, 32 in flight */
	struct nb_wl_cfg wc = { .kind = b->wl, .footprint = 32ull << 20,
				.io_pages = b->wl == NB_WL_NIC ? 1 : 32,
				.inflight = b->wl == NB_WL_NIC ? 256 : 32, .zipf_s = 0.99,
				.iova_base = 1ull << 32, .seed = 42 };
	uint64_t dmas = 0, refs = 0, unmaps = 0;
	struct nb_bench_oracle oracle = { 0 };
	bool warm = false;
	const struct nb_iommu_stats *ist;
	char err[512] = "";

	if (bench_params(b->model, &p, err, sizeof(err))) {
		nb_bench_skip_with_error(st, err);
		return;
	}
	p.iotlb.entries = entries;
	if (p.iotlb.ways > entries)
		p.iotlb.ways = entries;
	/* the testbed's IPA window must hold the whole footprint */
	if (bscenario_init(&s, &p, 1, 1, wc.footprint / 4096, false, err, sizeof(err)) ||
	    nb_wl_create(&w, &wc)) {
		nb_bench_skip_with_error(st, err[0] ? err : nb_errmsg());
		return;
	}
	ist = nb_iommu_stats(s.m);
	while (nb_bench_keep_running(st)) {
		struct nb_wl_op op;
		struct nb_dma_result r;

		nb_wl_next(w, &op);
		switch (op.op) {
		case NB_WL_MAP:
			while (bscenario_guest_map(&s, op.iova, op.pa, op.size) == -EBUSY)
				nb_wl_retry_map(w, &op);
			break;
		case NB_WL_DMA:
			nb_iommu_dma(s.m, nb_testbed_dev(&s.tb, 0, 0), op.iova, op.access, &r);
			refs += r.refs;
			dmas++;
			break;
		case NB_WL_UNMAP:
			bscenario_guest_unmap(&s, op.iova, op.size);
			unmaps++;
			nb_bench_oracle_round(st, &oracle, s.m, true);
			break;
		}
		if (!warm && dmas == 1000) { /* warm-up over: count from here */
			nb_iommu_stats_reset(s.m);
			dmas = refs = unmaps = 0;
			warm = true;
		}
	}
	{
		const struct nb_cache *io = nb_iommu_cache(s.m, NB_CACHE_IOTLB);
		const struct nb_cache *pwc = nb_iommu_cache(s.m, NB_CACHE_PWC_S1);
		/* per DMA: a lookup probes each page size, so per-probe rates mislead */
		double n = dmas ? (double)dmas : 1;

		nb_bench_counter(st, "hit_rate", (double)io->st.hits / n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "misses_per_kdma", 1000.0 * (n - (double)io->st.hits) / n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "refs_per_dma", dmas ? (double)refs / (double)dmas : 0, NB_COUNTER_PLAIN);
		/* modelled translation time (nestbench/timing.h), not host time */
		nb_bench_counter(st, "modelled_ns_per_dma", (double)ist->xlate_ns / n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "pwc_hit_rate",
				 nb_cache_lookups(&pwc->st) ? (double)pwc->st.hits / (double)nb_cache_lookups(&pwc->st) : 0,
				 NB_COUNTER_PLAIN);
		nb_bench_counter(st, "cmds_per_unmap", unmaps ? (double)ist->cmds / (double)unmaps : 0,
				 NB_COUNTER_PLAIN);
		nb_bench_oracle_counters(st, &oracle);
	}
	nb_wl_destroy(w);
	bscenario_fini(&s);
}

/* ---- IOTLB lookup speed against a bare 8-way table ---- */

#define LOOKUP_ENTRIES 4096
#define LOOKUP_KEYS 1024
#define LOOKUP_BLOCK 4096 /* lookups per timed block; bare and nestbench blocks alternate */

/* The baseline: an address-only 8-way table, key compare then value. */
struct bare_set {
	uint64_t key[8];
	uint64_t val[8];
};

static struct bare_set bare_sets[LOOKUP_ENTRIES / 8];

static void bare_fill(const uint64_t *keys)
{
	memset(bare_sets, 0, sizeof(bare_sets));
	for (int i = 0; i < LOOKUP_KEYS; i++) {
		struct bare_set *s = &bare_sets[(keys[i] >> 12) & (LOOKUP_ENTRIES / 8 - 1)];

		for (int w = 0; w < 8; w++)
			if (!s->key[w]) {
				s->key[w] = keys[i];
				s->val[w] = keys[i] ^ 0x5000;
				break;
			}
	}
}

/*
 * Which key a lookup takes. Throughput: key k, whatever came before, so
 * lookups overlap. Chain: the next key after the previous lookup's, plus
 * the top bit of the value it found (always 0, which the compiler cannot
 * know), so each lookup waits for the one before (latency).
 */
static inline uint32_t key_index(int k, uint32_t prev, uint64_t prev_val, bool chain)
{
	return chain ? (prev + 1 + (uint32_t)(prev_val >> 63)) & (LOOKUP_KEYS - 1)
		     : (uint32_t)k & (LOOKUP_KEYS - 1);
}

static inline uint64_t bare_loop(const uint64_t *keys, uint64_t *hits, bool chain)
{
	uint64_t acc = 0, n = 0, val = 0;
	uint32_t i = LOOKUP_KEYS - 1;

	for (int k = 0; k < LOOKUP_BLOCK; k++) {
		uint64_t key = keys[i = key_index(k, i, val, chain)];
		const struct bare_set *s = &bare_sets[(key >> 12) & (LOOKUP_ENTRIES / 8 - 1)];

		for (int w = 0; w < 8; w++)
			if (s->key[w] == key) {
				val = s->val[w];
				acc += val;
				n++;
				break;
			}
	}
	*hits += n;
	return acc;
}

/* always_inline: each placed copy must hold its own loop, chain a
 * constant. clang otherwise calls one shared loop with chain a run-time
 * argument, and its select of the key index makes every `hit` lookup wait
 * for the previous one: 8.8 ns, the `chain` figure, instead of 2.3 ns. */
static inline __attribute__((always_inline)) uint64_t nb_loop(struct nb_cache *c, const uint64_t *keys,
								uint64_t tags, bool chain)
{
	uint64_t acc = 0, val = 0;
	uint32_t i = LOOKUP_KEYS - 1;

	for (int k = 0; k < LOOKUP_BLOCK; k++) {
		const struct nb_cache_entry *e = nb_cache_lookup(c, keys[i = key_index(k, i, val, chain)], tags, 0, 0);

		val = e ? e->out : 0;
		acc += val;
	}
	return acc;
}

/*
 * A loop's speed depends on where its code lands (the branch predictors and
 * the decoder see addresses): the bare loop, unchanged, measured 1.32 to
 * 1.57 ns per lookup over eight placements 8 bytes apart on this project's
 * machine, nestbench's 2.07 to 2.26. So each side runs as four copies, each
 * a function of its own on a 64-byte boundary with its code shifted by 0,
 * 16, 32 or 48 no-ops (run once per block), and each side counts at its
 * fastest copy: neither depends on what the linker put before it.
 */
#define PLACEMENTS 4
#define SHIFT(pad) __asm__ volatile(".rept " #pad "\n\tnop\n\t.endr")
#define PLACED(side, pad, chain, params, args)                                            \
	__attribute__((noinline, aligned(64))) static uint64_t side##_at_##pad##_##chain params \
	{                                                                                  \
		SHIFT(pad);                                                                \
		return side##_loop args;                                                   \
	}
#define BARE_AT(pad, chain) \
	PLACED(bare, pad, chain, (const uint64_t *keys, uint64_t *hits), (keys, hits, chain))
#define NB_AT(pad, chain)                                                                       \
	PLACED(nb, pad, chain, (struct nb_cache * c, const uint64_t *keys, uint64_t tags), \
	       (c, keys, tags, chain))
BARE_AT(0, 0) BARE_AT(16, 0) BARE_AT(32, 0) BARE_AT(48, 0)
BARE_AT(0, 1) BARE_AT(16, 1) BARE_AT(32, 1) BARE_AT(48, 1)
NB_AT(0, 0) NB_AT(16, 0) NB_AT(32, 0) NB_AT(48, 0)
NB_AT(0, 1) NB_AT(16, 1) NB_AT(32, 1) NB_AT(48, 1)
/* [chain][placement] */
static uint64_t (*const bare_at[2][PLACEMENTS])(const uint64_t *, uint64_t *) = {
	{ bare_at_0_0, bare_at_16_0, bare_at_32_0, bare_at_48_0 },
	{ bare_at_0_1, bare_at_16_1, bare_at_32_1, bare_at_48_1 },
};
static uint64_t (*const nb_at[2][PLACEMENTS])(struct nb_cache *, const uint64_t *, uint64_t) = {
	{ nb_at_0_0, nb_at_16_0, nb_at_32_0, nb_at_48_0 },
	{ nb_at_0_1, nb_at_16_1, nb_at_32_1, nb_at_48_1 },
};

/* Per placement: total and fastest block time. */
struct placed_times {
	uint64_t total[PLACEMENTS], best;
};

static void placed_add(struct placed_times *t, int p, uint64_t ns)
{
	t->total[p] += ns;
	t->best = ns < t->best ? ns : t->best;
}

/* The fastest (or slowest) placement's total time. */
static uint64_t placed_total(const struct placed_times *t, bool slowest)
{
	uint64_t r = t->total[0];

	for (int p = 1; p < PLACEMENTS; p++)
		r = (t->total[p] < r) != slowest ? t->total[p] : r;
	return r;
}

/*
 * iotlb/lookup/{hit,chain}: nestbench's IOTLB lookup (tags, source id and
 * level in the compare, LRU refreshed, hit counted) against the bare table,
 * same keys, same entries, every lookup a hit in both (counters hit_rate
 * and bare_hit_rate, and the values found must agree block by block, or the
 * benchmark fails); ctx non-NULL: the chain (key_index). Each iteration
 * times one block of every placement of each side, alternating, so load on
 * the machine falls on all alike.
 * ratio_to_bare is bare time / nestbench time over all blocks, each side at
 * its fastest placement (1 = as fast as the bare table); ratio_best the
 * same for each side's fastest block. bare8way_ns and lookup_ns are the
 * fastest placements' times per lookup, the *_slowest_ns the slowest's.
 */
static void bm_lookup(nb_bench_state *st, void *ctx)
{
	const bool chain = ctx != NULL;
	struct nb_cache_params cp = { .entries = LOOKUP_ENTRIES, .ways = 8, .repl = NB_REPL_LRU,
				      .page_sizes = 1ull << 12 };
	struct nb_cache c;
	uint64_t keys[LOOKUP_KEYS], tags = nb_cache_k_tags(7, 0), sum = 0, seed = 99, bare_hits = 0;
	struct placed_times tb = { .best = UINT64_MAX }, tn = { .best = UINT64_MAX };
	uint64_t blocks = 0, differ = 0;

	if (nb_cache_init(&c, NB_CACHE_IOTLB, &cp)) {
		nb_bench_skip_with_error(st, nb_errmsg());
		return;
	}
	for (int k = 0; k < LOOKUP_KEYS; k++) {
		struct nb_cache_entry *e;

		keys[k] = nb_cache_k_addr((nb_rand(&seed) % (1ull << 30)) << 12, 12);
		e = nb_cache_fill(&c, keys[k], tags, 0, 0);
		if (e)
			e->out = keys[k] ^ 0x5000;
	}
	bare_fill(keys);
	c.st.hits = c.st.misses = 0;
	while (nb_bench_keep_running(st)) {
		uint64_t t0 = nb_now_ns(), t1;

		for (int p = 0; p < PLACEMENTS; p++) {
			uint64_t found_bare = bare_at[chain][p](keys, &bare_hits), found_nb;

			t1 = nb_now_ns();
			placed_add(&tb, p, t1 - t0);
			found_nb = nb_at[chain][p](&c, keys, tags);
			t0 = nb_now_ns();
			placed_add(&tn, p, t0 - t1);
			differ += found_bare != found_nb;
			sum += found_bare + found_nb;
		}
		blocks++;
	}
	nb_bench_do_not_optimize(&sum);
	if (blocks) {
		double n = (double)blocks * LOOKUP_BLOCK;

		nb_bench_counter(st, "lookup_ns", (double)placed_total(&tn, false) / n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "lookup_slowest_ns", (double)placed_total(&tn, true) / n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "bare8way_ns", (double)placed_total(&tb, false) / n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "bare8way_slowest_ns", (double)placed_total(&tb, true) / n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "ratio_to_bare",
				 (double)placed_total(&tb, false) / (double)placed_total(&tn, false), NB_COUNTER_PLAIN);
		nb_bench_counter(st, "ratio_best", (double)tb.best / (double)tn.best, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "hit_rate", (double)c.st.hits / (double)nb_cache_lookups(&c.st),
				 NB_COUNTER_PLAIN);
		nb_bench_counter(st, "bare_hit_rate", (double)bare_hits / (n * PLACEMENTS), NB_COUNTER_PLAIN);
		nb_bench_set_items_processed(st, (int64_t)(blocks * LOOKUP_BLOCK * PLACEMENTS));
	}
	nb_cache_fini(&c);
	/* both sides look up the same keys and find the same values: a block
	 * whose sums differ compared different work, and its ratio means nothing */
	if (differ)
		nb_bench_skip_with_error(st, "the bare table and nestbench's lookups found different values");
}

static void register_all(void)
{
	static const char *const s2_args[] = { "nested", "devices", "pages" };
	static const char *const wl_args[] = { "entries" };
	static const int64_t ks[] = { 1, 2, 4, 8, 16, 32, 64 }, ps[] = { 1, 16, 512 };
	char name[160];

	/* The grid: a line over K (D = 1, one page) for every model and
	 * variant but nobatch; D = 4 at K = 1, 8, 64; for the shipped variant
	 * also D = 32 and larger unmaps at K = 8; unbatched at K = 1, 8, 64. */
	for (int mi = 0; model_name(mi); mi++) {
		const struct nb_tag_model *tm = nb_tag_model_at(mi);
		char key[64];

		snprintf(key, sizeof(key), "linux.%s", tm->name);
		nb_bench_ctx(key, "%s: %s (%s)", nb_gen_kind_name(tm->gen.kind), tm->gen.range,
			     tm->gen.funcs);
		for (int v = 0; v < V_COUNT; v++) {
			struct s2_bench *b = calloc(1, sizeof(*b));
			nb_bench *r;

			b->model = tm->name;
			b->v = (enum s2_variant)v;
			snprintf(name, sizeof(name), "invalidate/%s/%s", b->model, variant_name[v]);
			r = nb_bench_register(name, bm_s2_unmap, b);
			nb_bench_arg_names(r, s2_args, 3);
			for (size_t a = 0; a < NB_ARRAY_SIZE(ks); a++) {
				int64_t line[3] = { ks[a], 1, 1 };
				bool corner = ks[a] == 1 || ks[a] == 8 || ks[a] == 64;

				if (v != V_NOBATCH || corner)
					nb_bench_args(r, line, 3);
				if (v != V_NOBATCH && corner)
					nb_bench_args(r, (const int64_t[3]){ ks[a], 4, 1 }, 3);
			}
			for (size_t e = 1; v == V_BATCH && e < NB_ARRAY_SIZE(ps); e++)
				nb_bench_args(r, (const int64_t[3]){ 8, 1, ps[e] }, 3);
			if (v == V_BATCH)
				nb_bench_args(r, (const int64_t[3]){ 8, 32, 1 }, 3);
			nb_bench_iterations(r, 20);
		}
	}
	/* hit rates depend on the hardware, not on the flush strategy: the
	 * models whose file describes hardware of its own (no base) */
	for (int mi = 0; model_name(mi); mi++)
		for (int wl = 0; wl < NB_WL_COUNT; wl++) {
			struct wl_bench *b;
			char base[64];
			nb_bench *r;

			if (!nb_hwparams_model_base(nb_bench_config_dir(), model_name(mi), base, sizeof(base)) &&
			    base[0])
				continue;
			b = calloc(1, sizeof(*b));
			b->model = model_name(mi);
			b->wl = (enum nb_wl_kind)wl;
			snprintf(name, sizeof(name), "iotlb/%s/%s", nb_wl_name(b->wl), b->model);
			r = nb_bench_register(name, bm_iotlb, b);
			nb_bench_arg_names(r, wl_args, 1);
			for (int64_t e = 64; e <= 8192; e *= 4)
				nb_bench_arg(r, e);
			nb_bench_iterations(r, 200000);
		}
	nb_bench_register("iotlb/lookup/hit", bm_lookup, NULL);
	nb_bench_register("iotlb/lookup/chain", bm_lookup, (void *)1);
}

static const struct nb_bench_family family = {
	.name = "invalidate",
	.register_all = register_all,
	.quick = "invalidate/[a-z_0-9]+/batch/nested:(1|8|64)/devices:1/pages:1/|iotlb/(random|nic)/[a-z_0-9]+/entries:(64|1024)/|iotlb/lookup",
	.host_timed = "^iotlb/lookup/", /* lookup time against a bare table; the rest are counts */
};

int main(int argc, char **argv)
{
	return nb_bench_family_main(argc, argv, &family);
}
