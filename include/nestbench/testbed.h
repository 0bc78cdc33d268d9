/* SPDX-License-Identifier: MIT */
/*
 * A testbed: a virtual machine's worth of translation set-up for
 * experiments, tests, benchmarks and fuzzers. One simulated IOMMU, one
 * stage-2 parent (the VM's IPA space) with one device of its own, and K
 * nested domains on it with D devices each. Stage 2 maps a data region at
 * NB_TB_DATA_IPA with 4 KiB leaves; nested domain k maps IOVA page i to IPA
 * page k * pages + i; the direct device uses IOVA == IPA. Every stage-1
 * table lives in the VM's guest RAM, reached through stage 2.
 *
 * With units > 1 the VM has that many IOMMU instances (vIOMMUs / IOMMU
 * units) sharing the one stage 2: each holds its own view of the parent,
 * nested domain k lives on unit k % units with its devices, and a stage-2
 * change is flushed by every unit (nb_testbed_unmap_s2).
 *
 * Built on a scenario (scenario.h): its memory, units, stage 2 and guest
 * RAM; the testbed adds the domains and devices of its layout.
 */
#ifndef NESTBENCH_TESTBED_H
#define NESTBENCH_TESTBED_H

#include "scenario.h"

#define NB_TB_DATA_IPA 0x100000000ull
#define NB_TB_RAM_IPA 0x40010000ull

struct nb_testbed_cfg {
	const struct nb_hw_params *p;
	const struct nb_tag_model *model; /* NULL: the one p->model names */
	int nested, devices;		  /* K nested domains x D devices each */
	int units;			  /* IOMMU instances sharing stage 2 (0: 1) */
	uint32_t pages;			  /* pages each nested domain maps */
	bool ats;
	uint32_t ram_mib;		  /* guest RAM (stage-1 tables, mapped with 4 KiB
					   * stage-2 leaves), MiB; 0: 32 + 1 per nested
					   * domain. A fuzzer takes 2: it maps faster. */
};

struct nb_testbed {
	struct nb_testbed_cfg cfg;
	struct nb_scenario sc;	  /* memory, IOMMU units, guest RAM (sc.ram) */
	struct nb_arena *arena;	  /* sc.arena */
	struct nb_iommu *m;	  /* unit 0 */
	struct nb_iommu **unit;	  /* sc.unit: [units] */
	struct nb_xdomain **parent_u; /* [units]: each unit's view of the parent */
	int units;
	struct nb_domain *s2;
	struct nb_xdomain *parent;
	struct nb_xdev *direct;
	struct nb_xdomain **nest; /* [K] */
	struct nb_nested **nn;	  /* [K] */
	struct nb_xdev **dev;	  /* [K * D]: device j of nested domain k at k * D + j */
};

int nb_testbed_init(struct nb_testbed *t, const struct nb_testbed_cfg *c);
void nb_testbed_fini(struct nb_testbed *t);
/* Build the testbed again for c (which may differ from the last one) on
 * the simulated memory it has: the same as nb_testbed_fini then
 * nb_testbed_init (the same tables at the same addresses, ids, tags, empty
 * caches and counters), at the cost of what the last use touched instead
 * of the whole arena (for callers that build many in a row: fuzz_ops). A
 * testbed never built (zeroed) is built. On failure it is finalized. */
int nb_testbed_reset(struct nb_testbed *t, const struct nb_testbed_cfg *c);
/* Free the objects (IOMMUs, domains, devices) but keep the memory, for the
 * next nb_testbed_reset: a caller that wants each use to free what it
 * allocated (a fuzzer's leak check) releases at the end of a use. */
void nb_testbed_release(struct nb_testbed *t);

static inline struct nb_xdev *nb_testbed_dev(const struct nb_testbed *t, int k, int j)
{
	return t->dev[k * t->cfg.devices + j];
}

/* IPA of nested domain k's page i. */
static inline uint64_t nb_testbed_ipa(const struct nb_testbed *t, int k, uint64_t i)
{
	return NB_TB_DATA_IPA + ((uint64_t)k * t->cfg.pages + i) * 4096;
}

/* The unit nested domain k lives on. */
static inline struct nb_iommu *nb_testbed_unit_of(const struct nb_testbed *t, int k)
{
	return t->unit[k % t->units];
}

/* Unmap [ipa, ipa + size) from stage 2 once and flush it on every unit. */
int64_t nb_testbed_unmap_s2(struct nb_testbed *t, uint64_t ipa, uint64_t size);
/* Counters summed over every unit. */
void nb_testbed_stats(const struct nb_testbed *t, struct nb_iommu_stats *out);
void nb_testbed_stats_reset(struct nb_testbed *t);

/* Every device reads every page it maps once. */
void nb_testbed_touch_all(struct nb_testbed *t, unsigned access);
/* Map [ipa, ipa + n pages) back into stage 2 (after an unmap). */
int nb_testbed_remap(struct nb_testbed *t, uint64_t ipa, uint64_t n);

#endif
