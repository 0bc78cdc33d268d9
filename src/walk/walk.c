// SPDX-License-Identifier: MIT
/* Out-of-line instances of the walker: plain (the unrolled 4k4 path where
 * the geometries allow it, walk_4k4.h) and traced (always the generic
 * walker, which reports every read). */
#include "walk_4k4.h"

static const char *const fault_names[NB_FAULT_COUNT] = {
	[NB_FAULT_NONE] = "none",
	[NB_FAULT_NOT_PRESENT] = "not present",
	[NB_FAULT_RESERVED] = "reserved encoding",
	[NB_FAULT_ADDR_SIZE] = "address size",
	[NB_FAULT_PERM] = "permission",
};

const char *nb_fault_name(enum nb_fault f)
{
	return (unsigned)f < NB_FAULT_COUNT ? fault_names[f] : "?";
}

void nb_walk1(const struct nb_pt_geom *g, const struct nb_arena *a, uint64_t table_pa,
	      int level, uint64_t ia, unsigned access, struct nb_walk_result *r)
{
	nbw_stage_plain(&(const struct nbw_cursor){ .g = g, .m = nbw_mem_of(a), .ia = ia,
						    .access = access, .table = table_pa, .level = level,
						    .stage = 1, .full_prot = true },
			r);
}

void nb_walk1_traced(const struct nb_pt_geom *g, const struct nb_arena *a, uint64_t table_pa,
		     int level, uint64_t ia, unsigned access, struct nb_walk_result *r,
		     const struct nb_walk_tracer *t)
{
	nbw_stage(&(const struct nbw_cursor){ .g = g, .m = nbw_mem_of(a), .ia = ia, .access = access,
					      .table = table_pa, .level = level, .stage = 1,
					      .full_prot = true, .t = t },
		  r);
}


void nb_walk_nested(const struct nb_nest_ctx *n, uint64_t iova, unsigned access,
		    struct nb_walk_result *r)
{
	nbw_nested_plain(&(const struct nbw_cursor){ .n = n, .ia = iova, .access = access,
						     .level = n->s1->levels - 1, .table = n->s1_root_ipa,
						     .s2 = nbw_s2_plain, .s2ctx = (void *)n },
			 r);
}

void nb_walk_nested_from(const struct nb_nest_ctx *n, uint64_t iova, unsigned access,
			 int s1_level, uint64_t s1_table_pa, struct nb_walk_result *r)
{
	nbw_nested_plain(&(const struct nbw_cursor){ .n = n, .ia = iova, .access = access,
						     .level = s1_level, .table = s1_table_pa,
						     .table_is_pa = true, .s2 = nbw_s2_plain,
						     .s2ctx = (void *)n },
			 r);
}

void nb_walk_nested_traced(const struct nb_nest_ctx *n, uint64_t iova, unsigned access,
			   struct nb_walk_result *r, const struct nb_walk_tracer *t)
{
	nbw_nested(&(const struct nbw_cursor){ .n = n, .ia = iova, .access = access,
					       .level = n->s1->levels - 1, .table = n->s1_root_ipa, .t = t,
					       .s2 = nbw_s2_plain, .s2ctx = (void *)n },
		   r);
}

int nb_pt_decode(const struct nb_pt_geom *g, int level, uint64_t desc, uint64_t *addr,
		 unsigned *prot)
{
	enum nb_fault fault = NB_FAULT_NONE;
	uint64_t next = 0;

	switch (nbw_classify(g, level, desc, 0, &next, &fault)) {
	case NBW_TABLE:
		*addr = next;
		*prot = nb_pt_table_prot(g, desc);
		return NB_FAULT_NONE;
	case NBW_LEAF:
		*addr = next;
		*prot = nb_pt_leaf_prot(g, desc);
		return NB_FAULT_NONE;
	default:
		*addr = 0;
		*prot = 0;
		return -(int)fault;
	}
}
