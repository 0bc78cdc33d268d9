// SPDX-License-Identifier: MIT
/* Writing a description as a file that nb_hwparams_load reads back identically. */
#include <inttypes.h>
#include <stdio.h>

#include "hwparams_internal.h"
#include "nestbench/atomic_file.h"
#include "nestbench/parse.h"

static void hw_emit_value(FILE *f, const struct hw_key *k, const void *field)
{
	char buf[24];
	uint64_t u;
	int n = 0;

	switch (k->type) {
	case HW_UINT:
		u = hw_get_uint(field, k->size);
		fprintf(f, "%llu%s", (unsigned long long)u, u > INT32_MAX ? "L" : "");
		break;
	case HW_BOOL:
		fputs(*(const bool *)field ? "true" : "false", f);
		break;
	case HW_REPL:
		fprintf(f, "\"%s\"", nb_repl_name(*(const enum nb_repl *)field));
		break;
	case HW_SIZES:
		fputs("[", f);
		for (uint64_t bm = *(const uint64_t *)field; bm; bm &= bm - 1)
			fprintf(f, "%s\"%s\"", n++ ? ", " : " ",
				nb_size_str(1ull << __builtin_ctzll(bm), buf));
		fputs(" ]", f);
		break;
	case HW_LEVELS:
		fputs("[", f);
		for (uint32_t bm = *(const uint32_t *)field; bm; bm &= bm - 1)
			fprintf(f, "%s%d", n++ ? ", " : " ", __builtin_ctz(bm));
		fputs(" ]", f);
		break;
	case HW_MODEL:
		fprintf(f, "\"%s\"", (const char *)field);
		break;
	case HW_VENDOR:
		fprintf(f, "\"%s\"", hw_vendor_name(*(const enum nb_vendor *)field));
		break;
	}
}

static void hw_emit(FILE *f, const struct nb_hw_params *p)
{
	fputs("# nestbench hardware parameters (every key: configs/README.md)\n", f);
	for (size_t i = 0; i < NB_ARRAY_SIZE(hw_top_keys); i++) {
		fprintf(f, "%s = ", hw_top_keys[i].name);
		hw_emit_value(f, &hw_top_keys[i], (const char *)p + hw_top_keys[i].off);
		fputs(";\n", f);
	}
	for (int ci = 0; ci < HW_NCACHES; ci++) {
		fprintf(f, "\n%s = {\n", hw_group_names[ci]);
		for (size_t i = 0; i < NB_ARRAY_SIZE(hw_cache_keys); i++) {
			if (!(hw_cache_keys[i].caches & (1u << ci)))
				continue;
			fprintf(f, "\t%s = ", hw_cache_keys[i].name);
			hw_emit_value(f, &hw_cache_keys[i],
				      (const char *)hw_ccache(p, ci) + hw_cache_keys[i].off);
			fputs(";\n", f);
		}
		fputs("};\n", f);
	}
	fputs("\ncosts = {\n", f);
	for (int op = 0; op < NB_INV_OP_COUNT; op++)
		if (nb_inv_op_vendor((enum nb_inv_op)op) == p->vendor)
			fprintf(f, "\t%s = %u;\n", hw_op_name(op), p->cmd_cycles[op]);
	fputs("};\n\npolicy = {\n", f);
	for (size_t i = 0; i < NB_ARRAY_SIZE(hw_policy_keys); i++) {
		fprintf(f, "\t%s = ", hw_policy_keys[i].name);
		hw_emit_value(f, &hw_policy_keys[i],
			      (const char *)&p->policy + hw_policy_keys[i].off);
		fputs(";\n", f);
	}
	fputs("};\n", f);
}

/* Published whole or not at all (nb_atomic_write): readers see the old
 * file or the whole new one, never a part. */
static void hw_emit_file(FILE *f, const void *p)
{
	hw_emit(f, p);
}

int nb_hwparams_write(const struct nb_hw_params *p, const char *path)
{
	struct hw_issue is;
	char why[600];
	int ret;

	if (hw_check(p, &is))
		return nb_fail(is.err, "%s: not written: %s: %s", path, is.key, is.msg);
	ret = nb_atomic_print(path, hw_emit_file, p, why, sizeof(why));
	return ret ? nb_fail(-ret, "%s", why) : 0;
}
