/* SPDX-License-Identifier: MIT */
/*
 * The walker: one engine for every format (struct nb_pt_geom), single stage
 * or nested (stage 1 over stage 2), starting at the root or at any level
 * (the entry point walk caches use), counting every descriptor read.
 *
 * Concurrency contract (see domain.h): descriptors are read with acquire
 * loads, so a walk sees either the old or the new value of every entry and
 * the contents of any table it reaches through a new table entry. Tables
 * freed by unmap are reclaimed after an RCU grace period (liburcu memb):
 * a caller walking tables that may be unmapped concurrently must hold
 * nb_rcu_read_lock() around the walk. Walks never write.
 *
 * Nested walk (DESIGN part 2): the stage-1 root and every stage-1 table
 * pointer are IPAs, each translated through stage 2 before the stage-1
 * entry is read; the final IPA is translated too. A cold n-level stage 1
 * over an m-level stage 2 makes (n+1)(m+1)-1 reads: 24 for 4 x 4.
 *
 * nb_walk1, nb_walk_nested and nb_walk_nested_from take an unrolled path
 * when the geometries are 4 levels of 512 entries over 4 KiB
 * (nb_pt_geom.walk_4k4, set at init). It follows only entries whose
 * non-address bits are exactly this project's own encodings (pt.h,
 * table_exact), so that no instruction stands between one read and the
 * next; its results are the generic walker's (it hands anything else,
 * faults included, back to it), under the same tests (test_walk_exact,
 * fuzz_walk).
 */
#ifndef NESTBENCH_WALK_H
#define NESTBENCH_WALK_H

#include "arena.h"
#include "pt.h"
#include "rcu.h" /* the read side, for walkers that race with unmap */

enum nb_fault {
	NB_FAULT_NONE,
	NB_FAULT_NOT_PRESENT, /* entry not valid */
	NB_FAULT_RESERVED,    /* valid entry with an encoding the format forbids here */
	NB_FAULT_ADDR_SIZE,   /* input out of range, or address bits above OA size,
				 or a table outside simulated memory */
	NB_FAULT_PERM,	      /* translation exists, access not granted */
	NB_FAULT_COUNT
};

const char *nb_fault_name(enum nb_fault f);

/* The result of every walk, single stage or nested (one type, so a fault
 * is reported and printed one way). */
struct nb_walk_result {
	uint64_t oa;	     /* output address (nested: the final PA), including the
				input's offset in the page */
	uint64_t ipa;	     /* nested: the stage-1 output; single stage: 0 */
	uint64_t desc;	     /* the last descriptor read: the leaf (nested: stage 2's),
				or the one that faulted */
	uint32_t refs;	     /* descriptor reads made, both stages */
	uint8_t page_lg2;    /* size of the leaf; nested: the smaller of the two */
	uint8_t prot;	     /* enum nb_prot granted (nested: both stages combined) */
	uint8_t fault;	     /* enum nb_fault */
	uint8_t fault_stage; /* 1 or 2 when fault != NONE, else 0 */
	int8_t level;	     /* where the walk ended, in that stage's geometry: the
				leaf's level (nested: stage 2's leaf) or the fault's */
	int8_t s1_leaf_level; /* nested: level of the stage-1 leaf, once reached */
	bool fault_s1ptw;    /* stage-2 fault while fetching a stage-1 table */
	int8_t s1_level;     /* stage-1 level being fetched when fault_s1ptw */
};

/* One descriptor read, for `nestbench translate` and debugging. */
struct nb_walk_step {
	int stage;		  /* 1 or 2 */
	bool for_s1_table;	  /* stage-2 read made to fetch a stage-1 table */
	int level;
	uint64_t table_pa;	  /* PA of the table read */
	uint64_t index;
	uint64_t desc;
	enum nb_desc_kind kind;
	const struct nb_pt_geom *geom;
};

struct nb_walk_tracer {
	void (*step)(void *user, const struct nb_walk_step *s);
	void *user;
};

/* A nested translation context: what the PASID entry / context descriptor /
 * GCR3 table and the stage-2 pointer give the hardware. */
struct nb_nest_ctx {
	const struct nb_pt_geom *s1, *s2;
	const struct nb_arena *arena;
	uint64_t s1_root_ipa; /* IPA of the stage-1 root table */
	uint64_t s2_root_pa;
};

/* Single stage from the table at table_pa (level `level`); access is the
 * enum nb_prot requested (0: just translate). */
void nb_walk1(const struct nb_pt_geom *g, const struct nb_arena *a, uint64_t table_pa,
	      int level, uint64_t ia, unsigned access, struct nb_walk_result *r);

/* Nested from the stage-1 root. */
void nb_walk_nested(const struct nb_nest_ctx *n, uint64_t iova, unsigned access,
		    struct nb_walk_result *r);
/* Nested, starting the stage-1 walk at s1_level from a table whose PA is
 * already known (a walk-cache hit): no stage-2 read for that table. */
void nb_walk_nested_from(const struct nb_nest_ctx *n, uint64_t iova, unsigned access,
			 int s1_level, uint64_t s1_table_pa, struct nb_walk_result *r);

/* The same walks, reporting each descriptor read to tracer. */
void nb_walk1_traced(const struct nb_pt_geom *g, const struct nb_arena *a, uint64_t table_pa,
		     int level, uint64_t ia, unsigned access, struct nb_walk_result *r,
		     const struct nb_walk_tracer *t);
void nb_walk_nested_traced(const struct nb_nest_ctx *n, uint64_t iova, unsigned access,
			   struct nb_walk_result *r, const struct nb_walk_tracer *t);

/* Decode one descriptor at `level` by the walker's rules: 0 with the next
 * table's address or the leaf's OA and the permissions it grants (a table
 * entry: the permissions it leaves to the levels below), or -enum nb_fault
 * (not present, reserved, address size). */
int nb_pt_decode(const struct nb_pt_geom *g, int level, uint64_t desc, uint64_t *addr,
		 unsigned *prot);

#endif
