// SPDX-License-Identifier: MIT
/*
 * Fail-nth scenario: the testbed built, built again on its memory for
 * another shape (nb_testbed_reset: other nested count, devices, units,
 * guest RAM size), released and built again (what fuzz_ops does per input),
 * then finalized. A failed init leaves a testbed nb_testbed_fini takes; a
 * failed reset finalizes it (testbed.h), so the next reset builds anew.
 *
 * After every build: each nested device's DMA to IOVA page i of domain k
 * lands where the direct device's DMA to IPA page k * pages + i lands (the
 * testbed's layout, testbed.h), and the oracle finds nothing stale.
 */
#include <stdio.h>
#include <string.h>

#include "nestbench/testbed.h"
#include "sweep.h"

#define PAGES 16

static const struct tcase {
	const char *name, *model;
	int units;
} cases[] = {
	/* one case: every run maps and poisons a 256 MiB table allocator (the
	 * testbed's), the longest run of the sweep under ASan */
	{ "testbed init/reset/release smmuv3", "smmuv3", 2 },
};

static int count(void)
{
	return (int)NB_ARRAY_SIZE(cases);
}

static void case_name(int i, char *buf, size_t len)
{
	snprintf(buf, len, "%s", cases[i].name);
}

static void check(struct fn_ctx *c, struct nb_testbed *t, const char *after)
{
	struct nb_dma_result direct, nested;

	fn_pause();
	for (int k = 0; k < t->cfg.nested; k++)
		for (int j = 0; j < t->cfg.devices; j++)
			for (uint32_t i = 0; i < PAGES; i++) {
				nb_iommu_dma(t->m, t->direct, nb_testbed_ipa(t, k, i), NB_PROT_R, &direct);
				nb_iommu_dma(nb_testbed_unit_of(t, k), nb_testbed_dev(t, k, j), i * 4096ull, NB_PROT_R,
					     &nested);
				fn_check(c, !direct.fault && !nested.fault && direct.pa == nested.pa,
					 "after %s: domain %d device %d page %u: %#llx (fault %u), through stage 2 alone "
					 "%#llx (fault %u)",
					 after, k, j, i, (unsigned long long)nested.pa, nested.fault,
					 (unsigned long long)direct.pa, direct.fault);
				fn_digest(c, "%llx%c", (unsigned long long)nested.pa, i + 1 == PAGES ? '\n' : ' ');
			}
	for (int u = 0; u < t->units; u++)
		fn_check(c, nb_iommu_oracle_check(t->unit[u]) == 0, "after %s: unit %d: %s", after, u, nb_errmsg());
	fn_resume();
}

static void run(struct fn_ctx *c, int i)
{
	const struct nb_tag_model *tm;
	struct nb_hw_params p;
	struct nb_testbed t;
	struct nb_testbed_cfg big, small;

	fn_pause();
	fn_check(c, nb_tag_model_by_name(cases[i].model, &tm) == 0, "model %s", cases[i].model);
	fn_resume();
	nb_hwparams_defaults(&p, tm->vendor);
	snprintf(p.model, sizeof(p.model), "%s", tm->name);
	big = (struct nb_testbed_cfg){ .p = &p, .nested = 2, .devices = 2, .pages = PAGES, .ats = true,
				       .units = cases[i].units, .ram_mib = 2 };
	small = (struct nb_testbed_cfg){ .p = &p, .nested = 1, .devices = 1, .pages = PAGES, .units = 1,
					 .ram_mib = 4 };

	if (fn_ok(c, nb_testbed_init(&t, &big), "testbed init"))
		check(c, &t, "init");
	else
		nb_testbed_fini(&t); /* what a failed init leaves */
	if (fn_ok(c, nb_testbed_reset(&t, &small), "testbed reset to another shape"))
		check(c, &t, "reset");
	nb_testbed_release(&t);
	if (fn_ok(c, nb_testbed_reset(&t, &big), "testbed reset after a release"))
		check(c, &t, "release and reset");
	nb_testbed_fini(&t);
}

const struct fn_family fn_testbed = {
	.name = "testbed",
	.cases = count,
	.case_name = case_name,
	.run = run,
};
