// SPDX-License-Identifier: MIT
/*
 * The keys of a hardware description: names, the key tables every part of
 * src/config walks, what a dotted key names, and the neutral defaults.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hwparams_internal.h"

/* ---- names ------------------------------------------------------------ */

const char *const hw_vendor_names[NB_VENDOR_COUNT] = {
	[NB_VENDOR_VTD] = "vtd",
	[NB_VENDOR_AMD] = "amd",
	[NB_VENDOR_SMMUV3] = "smmuv3",
};

const char *const hw_repl_names[NB_REPL_COUNT] = {
	[NB_REPL_LRU] = "lru",
	[NB_REPL_PLRU] = "plru",
	[NB_REPL_RANDOM] = "random",
	[NB_REPL_QEMU] = "qemu",
};

const char *nb_repl_name(enum nb_repl r)
{
	return (unsigned)r < NB_REPL_COUNT ? hw_repl_names[r] : "invalid";
}

const char *hw_vendor_name(enum nb_vendor v)
{
	return (unsigned)v < NB_VENDOR_COUNT ? hw_vendor_names[v] : "invalid";
}

const char *nb_vendor_name(enum nb_vendor v)
{
	return hw_vendor_name(v);
}

const char *hw_vendor_list(char *buf, size_t len)
{
	buf[0] = '\0';
	for (int v = 0; v < NB_VENDOR_COUNT; v++)
		nb_name_list_add(buf, len, hw_vendor_names[v]);
	return buf;
}

const char *hw_repl_list(char *buf, size_t len)
{
	buf[0] = '\0';
	for (int r = 0; r < NB_REPL_COUNT; r++)
		nb_name_list_add(buf, len, hw_repl_names[r]);
	return buf;
}

const char *hw_op_name(int op)
{
	return nb_inv_op_name((enum nb_inv_op)op);
}

/* ---- the key tables ----------------------------------------------------- */

const struct hw_key hw_top_keys[] = {
	{ "model", .type = HW_MODEL, HW_FIELD(struct nb_hw_params, model) },
	{ "vendor", .type = HW_VENDOR, HW_FIELD(struct nb_hw_params, vendor) },
	{ "mem_llc_ns", HW_U(struct nb_hw_params, mem_llc_ns, 0, HW_MAX_NS) },
	{ "mem_dram_ns", HW_U(struct nb_hw_params, mem_dram_ns, 0, HW_MAX_NS) },
	{ "mem_llc_lines", HW_U(struct nb_hw_params, mem_llc_lines, 0, HW_MAX_LLC_LINES) },
};

#define HW_C(f) HW_FIELD(struct nb_cache_params, f)
const struct hw_key hw_cache_keys[] = {
	{ "entries", HW_U(struct nb_cache_params, entries, 0, HW_MAX_ENTRIES),
	  .caches = HW_ALL_CACHES },
	{ "ways", HW_U(struct nb_cache_params, ways, 0, HW_MAX_ENTRIES), .caches = HW_ALL_CACHES },
	{ "replacement", .type = HW_REPL, HW_C(repl), .caches = HW_ALL_CACHES },
	{ "page_sizes", .type = HW_SIZES, HW_C(page_sizes), .caches = HW_FINAL_TLBS },
	{ "levels", .type = HW_LEVELS, HW_C(levels), .caches = HW_PWCS },
	{ "lookup_ns", HW_U(struct nb_cache_params, lookup_ns, 0, HW_MAX_NS),
	  .caches = HW_ALL_CACHES },
};

const struct hw_key hw_policy_keys[] = {
	{ "strict", .type = HW_BOOL, HW_FIELD(struct nb_inval_policy, strict) },
	{ "fq_entries", HW_U(struct nb_inval_policy, fq_entries, 1, 1u << 20) },
	{ "fq_timeout_us", HW_U(struct nb_inval_policy, fq_timeout_us, 1, 60000000) },
	{ "range_max_pages", HW_U(struct nb_inval_policy, range_max_pages, 0, UINT32_MAX) },
	{ "batch", .type = HW_BOOL, HW_FIELD(struct nb_inval_policy, batch) },
	{ "max_am", HW_U(struct nb_inval_policy, max_am, 0, 63) },
	{ "ril", .type = HW_BOOL, HW_FIELD(struct nb_inval_policy, ril) },
	{ "batch_max", HW_U(struct nb_inval_policy, batch_max, 0, 1u << 16) },
	{ "batch_full_sync", .type = HW_BOOL, HW_FIELD(struct nb_inval_policy, batch_full_sync) },
	{ "doorbell_per_cmd", .type = HW_BOOL, HW_FIELD(struct nb_inval_policy, doorbell_per_cmd) },
	{ "scalable_mode", .type = HW_BOOL, HW_FIELD(struct nb_inval_policy, scalable_mode) },
};

const struct hw_key hw_cost_key = { "cost", .type = HW_UINT, .size = sizeof(uint32_t),
				    .max = HW_MAX_CYCLES };

const char *const hw_group_names[HW_NGROUPS] = {
	[HW_IOTLB] = "iotlb",	    [HW_PWC_S1] = "pwc_s1",	    [HW_PWC_S2] = "pwc_s2",
	[HW_NESTED_TLB] = "nested_tlb", [HW_CTX_CACHE] = "ctx_cache", [HW_DEVTLB] = "devtlb",
	[HW_G_COSTS] = "costs",	    [HW_G_POLICY] = "policy",
};

struct nb_cache_params *hw_cache(struct nb_hw_params *p, int c)
{
	struct nb_cache_params *const all[HW_NCACHES] = {
		&p->iotlb, &p->pwc_s1, &p->pwc_s2, &p->nested_tlb, &p->ctx_cache, &p->devtlb,
	};
	return all[c];
}

const struct nb_cache_params *hw_ccache(const struct nb_hw_params *p, int c)
{
	return hw_cache((struct nb_hw_params *)p, c);
}

int hw_find_group(const char *name)
{
	for (int g = 0; g < HW_NGROUPS; g++)
		if (strcmp(name, hw_group_names[g]) == 0)
			return g;
	return -1;
}

/* ---- defaults ---------------------------------------------------------------------- */

void nb_hwparams_defaults(struct nb_hw_params *p, enum nb_vendor v)
{
	/* static: zero padding, so whole descriptions compare with memcmp (an
	 * automatic compound literal may copy stack garbage into padding) */
	static const struct nb_cache_params small = { .entries = 16, .ways = 4, .repl = NB_REPL_LRU,
						      .lookup_ns = 1 };
	static const struct nb_inval_policy policy = {
		.strict = true,
		.fq_entries = 256,
		.fq_timeout_us = 10000,
		.range_max_pages = UINT32_MAX,
		.batch = false,
		.max_am = 63,
		.ril = false,
	};

	memset(p, 0, sizeof(*p));
	if ((unsigned)v < NB_VENDOR_COUNT)
		memcpy(p->model, hw_vendor_names[v], strlen(hw_vendor_names[v]));
	p->vendor = v;
	for (int ci = 0; ci < HW_NCACHES; ci++)
		memcpy(hw_cache(p, ci), &small, sizeof(small));
	p->iotlb.entries = 64;
	p->iotlb.page_sizes = NB_BIT(12) | NB_BIT(21) | NB_BIT(30);
	p->devtlb.page_sizes = p->iotlb.page_sizes;
	p->pwc_s1.levels = p->pwc_s2.levels = NB_BIT(1) | NB_BIT(2) | NB_BIT(3);
	p->mem_llc_ns = p->mem_dram_ns = 1;
	p->mem_llc_lines = 0;
	for (int op = 0; op < NB_INV_OP_COUNT; op++)
		p->cmd_cycles[op] = nb_inv_op_vendor((enum nb_inv_op)op) == v ? 1 : 0;
	memcpy(&p->policy, &policy, sizeof(policy));
}
