/* SPDX-License-Identifier: MIT */
/*
 * The benchmarks' sampled oracle (bench/common/oracle_sample.h), through the
 * shim and its JSON, as a benchmark reports it:
 *  - a broken model (VT-d that forgets the nested domains' DIDs on a stage-2
 *    unmap, as tests/models/test_oracle.c's) makes `stale` move: every check
 *    after such an unmap finds the nested domain's entry for the page;
 *  - the shipped vtd model on the same rounds reports stale 0;
 *  - 1 in N rounds is checked (oracle_checks = rounds / N);
 *  - the first stale entry is printed ("nestbench: ORACLE: ...");
 * Expected values come from the set-up, not the program: each round unmaps
 * one page that nested domain 1's device has just read, so a flush that
 * skips the nested DID leaves two entries of that page stale: the combined
 * IOVA->PA entry in the IOTLB and the IPA->PA entry of the nested walk's
 * final stage-2 step, both tagged with the nested domain's DID (VT-d tags a
 * nested domain's stage-2 pieces with its own DID: tag_vtd.c s2_tags). The
 * page is mapped back at the same PA before the next round, so earlier
 * rounds leave nothing stale: 2 per checked round.
 */
#include <stdio.h>
#include <string.h>

#include "forgetful_vtd.h"
#include "nestbench/hwparams.h"
#include "nestbench/testbed.h"
#include "oracle_sample.h"
#include "shim_test.h"

#define ROUNDS 24
#define PAGES 16

static struct nb_tag_model broken;

static void params(struct nb_hw_params *p)
{
	nb_hwparams_defaults(p, NB_VENDOR_VTD);
	snprintf(p->model, sizeof(p->model), "vtd");
	p->policy.strict = true;
	p->iotlb.entries = p->iotlb.ways = 64;
}

/* ctx: the tag model (NULL: the shipped vtd). */
static void bm_rounds(nb_bench_state *st, void *ctx)
{
	struct nb_bench_oracle o = { 0 };
	struct nb_hw_params p;
	struct nb_testbed t;
	uint64_t page = 0;

	params(&p);
	if (nb_testbed_init(&t, &(struct nb_testbed_cfg){ .p = &p, .model = ctx, .nested = 2,
							   .devices = 1, .pages = PAGES })) {
		nb_bench_skip_with_error(st, nb_errmsg());
		nb_testbed_fini(&t);
		return;
	}
	while (nb_bench_keep_running(st)) {
		uint64_t ipa = nb_testbed_ipa(&t, 1, page);
		struct nb_dma_result r;

		nb_iommu_dma(t.m, nb_testbed_dev(&t, 1, 0), page * 4096, NB_PROT_R, &r);
		nb_iommu_unmap(t.m, t.parent, ipa, 4096);
		nb_bench_oracle_round(st, &o, t.m, true);
		nb_bench_pause(st);
		nb_testbed_remap(&t, ipa, 1);
		nb_bench_resume(st);
		page = (page + 1) % PAGES;
	}
	nb_bench_oracle_counters(st, &o);
	nb_testbed_fini(&t);
}

int main(void)
{
	broken = nb_test_forgetful_vtd();
	nb_bench_iterations(nb_bench_register("o/broken", bm_rounds, &broken), ROUNDS);
	nb_bench_iterations(nb_bench_register("o/shipped", bm_rounds, NULL), ROUNDS);

	int rc;
	nb_bench_oracle_set_every(4);
	nbt_stderr_begin();
	json_t *doc = nbt_run(NULL, &rc);
	char *err = nbt_stderr_end();
	NBT_CHECK(rc == 0, "nb_bench_main returned %d", rc);
	if (!doc)
		return nbt_done("test_oracle_sample");
	json_t *j = nbt_bench(doc, "o/broken");
	NBT_NUM(j, "oracle_checks", ROUNDS / 4, 0);
	NBT_NUM(j, "oracle_every", 4, 0);
	NBT_NUM(j, "stale", 2 * (ROUNDS / 4), 0); /* IOTLB + nested TLB entry per checked round */
	j = nbt_bench(doc, "o/shipped");
	NBT_NUM(j, "oracle_checks", ROUNDS / 4, 0);
	NBT_NUM(j, "stale", 0, 0);
	NBT_CHECK(err && strstr(err, "nestbench: ORACLE: stale translation") &&
			  strstr(err, "vtd_forgetful"),
		  "the first stale entry is printed, naming the model: %s", err ? err : "(nothing)");
	free(err);
	json_decref(doc);
	return nbt_done("test_oracle_sample");
}
