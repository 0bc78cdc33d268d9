// SPDX-License-Identifier: MIT
/* Whole-description checks (ways divide entries, PLRU power of two, ...). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hwparams_internal.h"

__attribute__((format(printf, 5, 6))) static int hw_issue(struct hw_issue *is, int err,
							 const char *key, const char *key2,
							 const char *fmt, ...)
{
	va_list ap;

	is->err = err;
	snprintf(is->key, sizeof(is->key), "%s", key);
	snprintf(is->key2, sizeof(is->key2), "%s", key2 ? key2 : "");
	va_start(ap, fmt);
	vsnprintf(is->msg, sizeof(is->msg), fmt, ap);
	va_end(ap);
	return -err;
}

/* "group.name" (or "name"), written only where an issue names it: the
 * checks run on every load and --set, and formatting every key's path on
 * the way was most of a check's time (fuzz_config). */
static const char *hw_path(char *buf, const char *group, const char *name)
{
	if (!group)
		return name;
	snprintf(buf, HW_PATH, "%s.%s", group, name);
	return buf;
}

static int hw_check_range(const struct hw_key *k, const void *base, const char *group,
			  struct hw_issue *is)
{
	char path[HW_PATH];
	uint64_t u;

	if (k->type != HW_UINT)
		return 0;
	u = hw_get_uint((const char *)base + k->off, k->size);
	if (u < k->min || u > k->max)
		return hw_issue(is, ERANGE, hw_path(path, group, k->name), NULL,
				"%llu is out of range (%llu..%llu)", (unsigned long long)u,
				(unsigned long long)k->min, (unsigned long long)k->max);
	return 0;
}

static int hw_check_cache(const struct nb_cache_params *cp, int ci, struct hw_issue *is)
{
	const char *g = hw_group_names[ci];
	char a[HW_PATH], b[HW_PATH]; /* the keys an issue names (hw_path) */
	uint64_t sizes = cp->page_sizes & ~NB_GENMASK(HW_PAGE_MAX_LG2, HW_PAGE_MIN_LG2);
	uint32_t levels = cp->levels & ~(uint32_t)NB_GENMASK(HW_LEVEL_MAX, HW_LEVEL_MIN);
	uint32_t sets;

	for (size_t i = 0; i < NB_ARRAY_SIZE(hw_cache_keys); i++)
		if (hw_check_range(&hw_cache_keys[i], cp, g, is))
			return -is->err;
	if ((unsigned)cp->repl >= NB_REPL_COUNT)
		return hw_issue(is, EINVAL, hw_path(a, g, "replacement"), NULL, "replacement %d is unknown",
				(int)cp->repl);
	if (!(HW_FINAL_TLBS & (1u << ci)) && cp->page_sizes)
		return hw_issue(is, EINVAL, hw_path(a, g, "page_sizes"), NULL,
				"%s has no page_sizes (only iotlb and devtlb)", g);
	if (sizes)
		return hw_issue(is, ERANGE, hw_path(a, g, "page_sizes"), NULL, "page size 2^%d is outside 4K..4T",
				__builtin_ctzll(sizes));
	if (cp->entries && (HW_FINAL_TLBS & (1u << ci)) && !cp->page_sizes)
		return hw_issue(is, EINVAL, hw_path(a, g, "page_sizes"), hw_path(b, g, "entries"),
				"a present %s must hold at least one page size", g);
	if (!(HW_PWCS & (1u << ci)) && cp->levels)
		return hw_issue(is, EINVAL, hw_path(a, g, "levels"), NULL,
				"%s has no levels (only pwc_s1 and pwc_s2)", g);
	if (levels)
		return hw_issue(is, ERANGE, hw_path(a, g, "levels"), NULL, "level %d is outside %d..%d",
				__builtin_ctz(levels), HW_LEVEL_MIN, HW_LEVEL_MAX);
	if (cp->entries && (HW_PWCS & (1u << ci)) && !cp->levels)
		return hw_issue(is, EINVAL, hw_path(a, g, "levels"), hw_path(b, g, "entries"),
				"a present walk cache must cache at least one level");
	if (!cp->entries)
		return 0; /* absent: geometry does not matter */
	if (!cp->ways)
		return hw_issue(is, EINVAL, hw_path(a, g, "ways"), hw_path(b, g, "entries"),
				"0 ways, but %u entries", cp->entries);
	if (cp->entries % cp->ways)
		return hw_issue(is, EINVAL, hw_path(a, g, "ways"), hw_path(b, g, "entries"),
				"%u ways do not divide %u entries", cp->ways, cp->entries);
	sets = cp->entries / cp->ways;
	if (sets & (sets - 1))
		return hw_issue(is, EINVAL, hw_path(a, g, "entries"), hw_path(b, g, "ways"),
				"%u entries / %u ways = %u sets; the set count must be a power of two",
				cp->entries, cp->ways, sets);
	if (cp->repl == NB_REPL_PLRU && (cp->ways & (cp->ways - 1)))
		return hw_issue(is, EINVAL, hw_path(a, g, "ways"), hw_path(b, g, "replacement"),
				"%u ways with plru replacement; tree-PLRU needs a power-of-two way count",
				cp->ways);
	if (cp->repl == NB_REPL_QEMU && cp->ways != cp->entries)
		return hw_issue(is, EINVAL, hw_path(a, g, "ways"), hw_path(b, g, "replacement"),
				"qemu replacement is one fully associative table: ways (%u) must equal entries (%u)",
				cp->ways, cp->entries);
	return 0;
}

int hw_check(const struct nb_hw_params *p, struct hw_issue *is)
{
	char why[128] = "";

	if (!memchr(p->model, '\0', sizeof(p->model)) || !hw_model_ok(p->model, why, sizeof(why)))
		return hw_issue(is, EINVAL, "model", NULL, "%s",
				memchr(p->model, '\0', sizeof(p->model)) ? why : "not terminated");
	if ((unsigned)p->vendor >= NB_VENDOR_COUNT)
		return hw_issue(is, EINVAL, "vendor", NULL, "vendor %d is unknown", (int)p->vendor);
	for (size_t i = HW_TOP_UINTS; i < NB_ARRAY_SIZE(hw_top_keys); i++)
		if (hw_check_range(&hw_top_keys[i], p, NULL, is))
			return -is->err;
	for (int ci = 0; ci < HW_NCACHES; ci++)
		if (hw_check_cache(hw_ccache(p, ci), ci, is))
			return -is->err;
	for (int op = 0; op < NB_INV_OP_COUNT; op++) {
		char path[HW_PATH];

		if (nb_inv_op_vendor((enum nb_inv_op)op) != p->vendor && p->cmd_cycles[op])
			return hw_issue(is, EINVAL, hw_path(path, "costs", hw_op_name(op)), "vendor",
					"%s is a command of vendor %s, not of %s", hw_op_name(op),
					hw_vendor_name(nb_inv_op_vendor((enum nb_inv_op)op)), hw_vendor_name(p->vendor));
		if (p->cmd_cycles[op] > HW_MAX_CYCLES)
			return hw_issue(is, ERANGE, hw_path(path, "costs", hw_op_name(op)), NULL,
					"%u is out of range (0..%u)", p->cmd_cycles[op], HW_MAX_CYCLES);
	}
	for (size_t i = 0; i < NB_ARRAY_SIZE(hw_policy_keys); i++)
		if (hw_check_range(&hw_policy_keys[i], &p->policy, "policy", is))
			return -is->err;
	return 0;
}

int nb_hwparams_validate(const struct nb_hw_params *p)
{
	struct hw_issue is;

	if (hw_check(p, &is))
		return nb_fail(is.err, "%s: %s", is.key, is.msg);
	return 0;
}

/* Report a whole-struct issue at a key this call assigned (with its file and
 * line), preferring the file asked for over its bases, then the rule's main
 * key. */
int hw_check_ctx(const struct hw_ctx *c, const struct nb_hw_params *p)
{
	struct hw_issue is;
	const char *keys[2];

	if (!hw_check(p, &is))
		return 0;
	keys[0] = is.key;
	keys[1] = is.key2;
	/* the file (or --set) asked for first, its bases after: what it
	 * changed is what broke the rule */
	for (int own = 1; own >= 0; own--)
		for (int k = 0; k < 2; k++)
			for (unsigned i = c->nseen; i-- > 0;)
				if (keys[k][0] && (!own || c->seen[i].file == c->file) &&
				    strcmp(c->seen[i].path, keys[k]) == 0)
					return hw_fail_in(c->seen[i].file, c->seen[i].line, keys[k], is.err,
							  "%s", is.msg);
	return hw_fail(c, 0, is.key, is.err, "%s", is.msg);
}
