/* SPDX-License-Identifier: MIT */
/*
 * A scenario: the simulated machine that translations run on, built by one
 * builder for the testbed (testbed.h), the emu backend and the translate
 * script, in one order:
 *   memory     the flat physical arena and, carved from it, the host's
 *              page-table pool (every host table: a stage 2, a single stage)
 *   units      the IOMMU instances, from one hardware description and model
 *   stage 2    a paging domain in the vendor's stage-2 format, host tables
 *   guest RAM  the VM's RAM, mapped by a stage 2: where stage-1 tables live
 * Domains beyond that, nested domains and devices are the caller's (the
 * testbed's K x D layout, an emu IOAS, a script's stages).
 *
 * Lifetime (the rule of nb.h: a struct the caller holds): nb_scenario_init
 * / nb_scenario_fini. For
 * callers that build thousands in a row (fuzzers), a scenario is built
 * again on the memory it has: nb_scenario_units_release keeps the units'
 * memory for the next nb_scenario_units, nb_scenario_ram_forget keeps the
 * guest RAM (its stage 2 freed) for the next nb_scenario_ram_map of the
 * same place and size, and nb_palloc_reset(&s->host) takes every host
 * table back: the same tables at the same addresses as a fresh build, at
 * the cost of what the last use touched. 0 or a negative errno with
 * nb_errmsg(), as everywhere.
 */
#ifndef NESTBENCH_SCENARIO_H
#define NESTBENCH_SCENARIO_H

#include "iommu.h"

struct nb_scenario {
	struct nb_arena *arena;
	struct nb_palloc host;
	struct nb_tspace host_ts;	 /* tables from host */
	struct nb_iommu **unit;		 /* [units] */
	int units;
	int units_kept;			 /* IOMMUs in unit[] (>= units), kept released */
	struct nb_guest_ram ram;	 /* ram.size 0: none */
	uint64_t ram_ipa, ram_bytes;	 /* as asked for (the pool may round the size) */
	bool ram_kept;			 /* built, mapped by no stage 2 (for the next map) */
};

/* Memory: an arena of arena_bytes, host_bytes of it the host's table pool. */
int nb_scenario_init(struct nb_scenario *s, uint64_t arena_bytes, uint64_t host_bytes);
/* Everything, units and guest RAM included. The caller freed its domains
 * and devices first (a stage 2 mapping the guest RAM: with
 * nb_scenario_ram_unmap before it, or nb_scenario_ram_forget after). */
void nb_scenario_fini(struct nb_scenario *s);

/* units IOMMU instances of p with model (NULL: the one p->model names):
 * those kept from the last build made again in their memory
 * (nb_iommu_reset), new ones created. */
int nb_scenario_units(struct nb_scenario *s, const struct nb_hw_params *p,
		      const struct nb_tag_model *model, int units);
/* Free what the units hold, keep them for the next nb_scenario_units (no
 * domain or device may remain). */
void nb_scenario_units_release(struct nb_scenario *s);

/* A stage 2 for vendor v's units (nb_vendor_formats), from the host pool. */
int nb_scenario_stage2(struct nb_scenario *s, enum nb_vendor v, struct nb_domain **out);

/* Guest RAM of bytes at IPA ipa, mapped by s2: the kept one again when it
 * was the same place and size (nb_guest_ram_reset), else a new one. */
int nb_scenario_ram_map(struct nb_scenario *s, struct nb_domain *s2, uint64_t ipa, uint64_t bytes);
/* s2 is gone (its tables with it): keep the RAM for the next map. */
void nb_scenario_ram_forget(struct nb_scenario *s);
/* The RAM unmapped from s2 and given back to the arena. */
void nb_scenario_ram_unmap(struct nb_scenario *s, struct nb_domain *s2);

#endif
