// SPDX-License-Identifier: MIT
/*
 * Hardware-parameter files (libconfig syntax), --set overrides, validation
 * and write-back. configs/README.md documents every key.
 *
 * One set of tables describes every key (hw_top_keys, hw_cache_keys,
 * hw_policy_keys, the command names in hw_ops); the file loader, the --set
 * parser, the validator and the writer all walk the same tables, so a key
 * added there is read, checked and written everywhere.
 *
 * Contract: load and set work on a copy and commit only on success, so a
 * failed call leaves *p byte for byte as it was. Messages name the place and
 * the key: "FILE:LINE: KEY: what is wrong", "--set KEY: what is wrong".
 *
 * libconfig 1.5 reads an integer literal with atoi() semantics, so
 * "entries = 4294967808;" silently becomes 512. hw_scan() therefore lexes the
 * file once (comments, strings, numbers only; libconfig does the parsing)
 * and every integer setting is read from its own literal, exactly.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libconfig.h>

#include "nestbench/atomic_file.h"
#include "nestbench/hwparams.h"
#include "nestbench/parse.h"

#define HW_MAX_ENTRIES (1u << 20) /* per cache: keeps a typo from allocating GBs */
#define HW_MAX_CYCLES 1000000000u /* any single cost; catches ns-vs-ps slips */
#define HW_MAX_NS 1000000u	  /* one translation step: 1 ms is already absurd */
#define HW_MAX_LLC_LINES (1u << 22) /* 256 MiB of 64-byte lines */
#define HW_MAX_FILE (1u << 20)	  /* a description is a few KiB */
#define HW_PAGE_MIN_LG2 12	  /* 4K */
#define HW_PAGE_MAX_LG2 42	  /* 4T (ARM 64K granule, 52-bit level-1 block) */
#define HW_LEVEL_MIN 1		  /* level 0 tables hold leaves only */
#define HW_LEVEL_MAX 5
#define HW_MODEL_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
#define HW_PATH 64
#define HW_MAX_SEEN 128

/* ---- names ------------------------------------------------------------ */

static const char *const hw_vendor_names[NB_VENDOR_COUNT] = {
	[NB_VENDOR_VTD] = "vtd",
	[NB_VENDOR_AMD] = "amd",
	[NB_VENDOR_SMMUV3] = "smmuv3",
};

static const char *const hw_repl_names[NB_REPL_COUNT] = {
	[NB_REPL_LRU] = "lru",
	[NB_REPL_PLRU] = "plru",
	[NB_REPL_RANDOM] = "random",
	[NB_REPL_QEMU] = "qemu",
};

/* Cost keys are the commands' spec names (nb_inv_op_name): one table of
 * commands for the encoders, the reports and this file format. */

const char *nb_repl_name(enum nb_repl r)
{
	return (unsigned)r < NB_REPL_COUNT ? hw_repl_names[r] : "invalid";
}

static const char *hw_vendor_name(enum nb_vendor v)
{
	return (unsigned)v < NB_VENDOR_COUNT ? hw_vendor_names[v] : "invalid";
}

static const char *hw_op_name(int op)
{
	return nb_inv_op_name((enum nb_inv_op)op);
}

/* ---- the key tables ----------------------------------------------------- */

enum hw_type {
	HW_UINT,   /* unsigned integer field of `size` bytes, min..max */
	HW_BOOL,   /* true / false */
	HW_REPL,   /* replacement name */
	HW_SIZES,  /* list of page sizes -> bitmap of lg2 */
	HW_LEVELS, /* list of levels -> bitmap */
	HW_MODEL,  /* the model name */
	HW_VENDOR, /* the vendor name */
};

struct hw_key {
	const char *name;
	enum hw_type type;
	size_t off, size;  /* field within the key's group struct */
	uint64_t min, max; /* HW_UINT */
	unsigned caches;   /* cache keys: bitmap of the caches that have it */
};

enum { HW_IOTLB, HW_PWC_S1, HW_PWC_S2, HW_NESTED_TLB, HW_CTX_CACHE, HW_DEVTLB, HW_NCACHES };
#define HW_ALL_CACHES ((1u << HW_NCACHES) - 1)
#define HW_PWCS (1u << HW_PWC_S1 | 1u << HW_PWC_S2)
#define HW_FINAL_TLBS (1u << HW_IOTLB | 1u << HW_DEVTLB) /* hold final translations */

#define HW_FIELD(s, f) .off = offsetof(s, f), .size = sizeof(((s *)0)->f)
#define HW_U(s, f, lo, hi) .type = HW_UINT, HW_FIELD(s, f), .min = (lo), .max = (hi)

static const struct hw_key hw_top_keys[] = {
	{ "model", .type = HW_MODEL, HW_FIELD(struct nb_hw_params, model) },
	{ "vendor", .type = HW_VENDOR, HW_FIELD(struct nb_hw_params, vendor) },
	{ "mem_llc_ns", HW_U(struct nb_hw_params, mem_llc_ns, 0, HW_MAX_NS) },
	{ "mem_dram_ns", HW_U(struct nb_hw_params, mem_dram_ns, 0, HW_MAX_NS) },
	{ "mem_llc_lines", HW_U(struct nb_hw_params, mem_llc_lines, 0, HW_MAX_LLC_LINES) },
};
#define HW_TOP_UINTS 2 /* hw_top_keys[HW_TOP_UINTS..]: the integer keys */

#define HW_C(f) HW_FIELD(struct nb_cache_params, f)
static const struct hw_key hw_cache_keys[] = {
	{ "entries", HW_U(struct nb_cache_params, entries, 0, HW_MAX_ENTRIES),
	  .caches = HW_ALL_CACHES },
	{ "ways", HW_U(struct nb_cache_params, ways, 0, HW_MAX_ENTRIES), .caches = HW_ALL_CACHES },
	{ "replacement", .type = HW_REPL, HW_C(repl), .caches = HW_ALL_CACHES },
	{ "page_sizes", .type = HW_SIZES, HW_C(page_sizes), .caches = HW_FINAL_TLBS },
	{ "levels", .type = HW_LEVELS, HW_C(levels), .caches = HW_PWCS },
	{ "lookup_ns", HW_U(struct nb_cache_params, lookup_ns, 0, HW_MAX_NS),
	  .caches = HW_ALL_CACHES },
};

static const struct hw_key hw_policy_keys[] = {
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

/* A cost is a HW_UINT like any other; only its name and vendor check differ. */
static const struct hw_key hw_cost_key = { "cost", .type = HW_UINT, .size = sizeof(uint32_t),
					   .max = HW_MAX_CYCLES };

/* The groups of the file, in file order. */
enum { HW_G_COSTS = HW_NCACHES, HW_G_POLICY, HW_NGROUPS };
static const char *const hw_group_names[HW_NGROUPS] = {
	[HW_IOTLB] = "iotlb",	    [HW_PWC_S1] = "pwc_s1",	    [HW_PWC_S2] = "pwc_s2",
	[HW_NESTED_TLB] = "nested_tlb", [HW_CTX_CACHE] = "ctx_cache", [HW_DEVTLB] = "devtlb",
	[HW_G_COSTS] = "costs",	    [HW_G_POLICY] = "policy",
};

static struct nb_cache_params *hw_cache(struct nb_hw_params *p, int c)
{
	struct nb_cache_params *const all[HW_NCACHES] = {
		&p->iotlb, &p->pwc_s1, &p->pwc_s2, &p->nested_tlb, &p->ctx_cache, &p->devtlb,
	};
	return all[c];
}

static const struct nb_cache_params *hw_ccache(const struct nb_hw_params *p, int c)
{
	return hw_cache((struct nb_hw_params *)p, c);
}

static int hw_find_group(const char *name)
{
	for (int g = 0; g < HW_NGROUPS; g++)
		if (strcmp(name, hw_group_names[g]) == 0)
			return g;
	return -1;
}

static uint64_t hw_get_uint(const void *field, size_t size)
{
	return size == 1 ? *(const uint8_t *)field : *(const uint32_t *)field;
}

static void hw_put_uint(void *field, size_t size, uint64_t v)
{
	if (size == 1)
		*(uint8_t *)field = (uint8_t)v;
	else
		*(uint32_t *)field = (uint32_t)v;
}

/* ---- where a value came from, and errors that say so -------------------- */

/* One integer literal of the file, as written. */
struct hw_lit {
	unsigned line;
	bool neg, overflow;
	uint64_t mag;
	char text[32];
};

struct hw_ctx {
	const char *file; /* NULL: --set */
	struct hw_lit *lits;
	size_t nlits, cap;
	/* Keys this call assigned (file: with their line), for blaming
	 * whole-struct checks on the right place. */
	struct {
		char path[HW_PATH];
		unsigned line;
	} seen[HW_MAX_SEEN];
	unsigned nseen;
};

/* A value to apply: a file setting, or --set text. */
struct hw_src {
	const config_setting_t *s;
	const char *text;
};

__attribute__((format(printf, 5, 6))) static int hw_fail(const struct hw_ctx *c, unsigned line,
							const char *path, int err,
							const char *fmt, ...)
{
	char msg[400], full[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!c->file)
		snprintf(full, sizeof(full), "--set %s: %s", path, msg);
	else if (line)
		snprintf(full, sizeof(full), "%s:%u: %s: %s", c->file, line, path, msg);
	else
		snprintf(full, sizeof(full), "%s: %s: %s", c->file, path, msg);
	/* One line, whatever a quoted value holds (a libconfig string may span lines). */
	for (char *q = full; *q; q++)
		if (*q == '\n' || *q == '\r')
			*q = ' ';
	return nb_fail(err, "%s", full);
}

static unsigned src_line(const struct hw_src *v)
{
	return v->s ? config_setting_source_line(v->s) : 0;
}

static void hw_seen(struct hw_ctx *c, const char *path, unsigned line)
{
	if (c->nseen < HW_MAX_SEEN) {
		snprintf(c->seen[c->nseen].path, HW_PATH, "%s", path);
		c->seen[c->nseen++].line = line;
	}
}

static const char *hw_type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP: return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: return "an integer";
	case CONFIG_TYPE_FLOAT: return "a floating-point number";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "a boolean";
	case CONFIG_TYPE_ARRAY: return "an array";
	case CONFIG_TYPE_LIST: return "a list";
	default: return "nothing";
	}
}

/* Edit distance, for "did you mean" (names are short). */
static unsigned hw_distance(const char *a, const char *b)
{
	unsigned d[33], la = (unsigned)strlen(a), lb = (unsigned)strlen(b);

	if (la > 32 || lb > 32)
		return UINT_MAX;
	for (unsigned j = 0; j <= lb; j++)
		d[j] = j;
	for (unsigned i = 1; i <= la; i++) {
		unsigned diag = d[0];

		d[0] = i;
		for (unsigned j = 1; j <= lb; j++) {
			unsigned up = d[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (d[j - 1] + 1 < best)
				best = d[j - 1] + 1;
			d[j] = best;
			diag = up;
		}
	}
	return d[lb];
}

/* Known names of a group (-1: the top level), as "a, b, c", or the closest
 * one as a suggestion. */
struct hw_names {
	char list[320];
	size_t len;
	const char *best;
	unsigned best_d;
};

/* Append what fits (as snprintf would cut it): not snprintf per name, which
 * made an unknown --set key cost a fifth of fuzz_config's time. */
static void hw_names_append(struct hw_names *n, const char *s)
{
	size_t k = strlen(s), room = sizeof(n->list) - 1 - n->len;

	k = k < room ? k : room;
	memcpy(n->list + n->len, s, k);
	n->len += k;
	n->list[n->len] = '\0';
}

static void hw_names_add(struct hw_names *n, const char *want, const char *name)
{
	size_t lw = strlen(want), ln = strlen(name);
	/* Only a distance of 2 or less is ever suggested (hw_unknown), and the
	 * distance is at least the difference in length: skip the rest (it made
	 * every unknown --set key a fuzz input's costliest step). */
	unsigned d = (lw > ln ? lw - ln : ln - lw) > 2 ? UINT_MAX : hw_distance(want, name);

	if (n->len)
		hw_names_append(n, ", ");
	hw_names_append(n, name);
	if (d < n->best_d) {
		n->best_d = d;
		n->best = name;
	}
}

static void hw_names_of(int g, int cache_bit, enum nb_vendor v, const char *want,
			struct hw_names *n)
{
	memset(n, 0, sizeof(*n));
	n->best_d = UINT_MAX;
	if (g < 0) {
		for (size_t i = 0; i < NB_ARRAY_SIZE(hw_top_keys); i++)
			hw_names_add(n, want, hw_top_keys[i].name);
		for (int i = 0; i < HW_NGROUPS; i++)
			hw_names_add(n, want, hw_group_names[i]);
	} else if (g < HW_NCACHES) {
		for (size_t i = 0; i < NB_ARRAY_SIZE(hw_cache_keys); i++)
			if (hw_cache_keys[i].caches & (unsigned)cache_bit)
				hw_names_add(n, want, hw_cache_keys[i].name);
	} else if (g == HW_G_POLICY) {
		for (size_t i = 0; i < NB_ARRAY_SIZE(hw_policy_keys); i++)
			hw_names_add(n, want, hw_policy_keys[i].name);
	} else {
		for (int op = 0; op < NB_INV_OP_COUNT; op++)
			if (nb_inv_op_vendor((enum nb_inv_op)op) == v)
				hw_names_add(n, want, hw_op_name(op));
	}
}

static int hw_unknown(const struct hw_ctx *c, unsigned line, const char *path, int g,
		      const char *name, enum nb_vendor v)
{
	struct hw_names n;

	hw_names_of(g, g >= 0 && g < HW_NCACHES ? 1 << g : 0, v, name, &n);
	if (n.best && n.best_d <= 2 && n.best_d < strlen(name))
		return hw_fail(c, line, path, EINVAL, "unknown key; did you mean %s? (known: %s)",
			       n.best, n.list);
	return hw_fail(c, line, path, EINVAL, "unknown key (known: %s)", n.list);
}

/* ---- key resolution ------------------------------------------------------ */

/* What a dotted key names: a key descriptor and the field in *p. */
struct hw_target {
	const struct hw_key *key;
	void *field;
	int cache; /* cache index, or -1 */
	char path[HW_PATH];
};

static int hw_resolve_top(const struct hw_ctx *c, unsigned line, struct nb_hw_params *p,
			  const char *name, struct hw_target *t)
{
	for (size_t i = 0; i < NB_ARRAY_SIZE(hw_top_keys); i++) {
		if (strcmp(name, hw_top_keys[i].name) == 0) {
			t->key = &hw_top_keys[i];
			t->field = (char *)p + hw_top_keys[i].off;
			t->cache = -1;
			snprintf(t->path, sizeof(t->path), "%s", name);
			return 0;
		}
	}
	return hw_unknown(c, line, name, -1, name, p->vendor);
}

static int hw_resolve_member(const struct hw_ctx *c, unsigned line, struct nb_hw_params *p, int g,
			     const char *name, struct hw_target *t)
{
	const struct hw_key *keys = g < HW_NCACHES ? hw_cache_keys : hw_policy_keys;
	size_t n = g < HW_NCACHES ? NB_ARRAY_SIZE(hw_cache_keys) : NB_ARRAY_SIZE(hw_policy_keys);

	snprintf(t->path, sizeof(t->path), "%s.%s", hw_group_names[g], name);
	t->cache = g < HW_NCACHES ? g : -1;
	if (g == HW_G_COSTS) {
		for (int op = 0; op < NB_INV_OP_COUNT; op++) {
			if (!hw_op_name(op) || strcmp(name, hw_op_name(op)) != 0)
				continue;
			if (nb_inv_op_vendor((enum nb_inv_op)op) != p->vendor)
				return hw_fail(c, line, t->path, EINVAL,
					       "%s is a command of vendor %s, not of %s", name,
					       hw_vendor_name(nb_inv_op_vendor((enum nb_inv_op)op)),
					       hw_vendor_name(p->vendor));
			t->key = &hw_cost_key;
			t->field = &p->cmd_cycles[op];
			return 0;
		}
		return hw_unknown(c, line, t->path, g, name, p->vendor);
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(name, keys[i].name) != 0)
			continue;
		if (g < HW_NCACHES && !(keys[i].caches & (1u << g)))
			return hw_fail(c, line, t->path, EINVAL, "%s has no %s (only %s)",
				       hw_group_names[g], name,
				       keys[i].type == HW_SIZES ? "iotlb and devtlb hold page sizes"
								: "pwc_s1 and pwc_s2 cache levels");
		t->key = &keys[i];
		t->field = (char *)(g < HW_NCACHES ? (void *)hw_cache(p, g) : (void *)&p->policy) +
			   keys[i].off;
		return 0;
	}
	return hw_unknown(c, line, t->path, g, name, p->vendor);
}

/* ---- reading one value ----------------------------------------------------- */

static int src_type_error(const struct hw_ctx *c, const struct hw_src *v, const char *path,
			  const char *want)
{
	return hw_fail(c, src_line(v), path, EINVAL, "expected %s, got %s", want,
		       hw_type_name(config_setting_type(v->s)));
}

/* An unsigned integer in min..max. File: exactly as the literal reads. */
static int src_uint(const struct hw_ctx *c, const struct hw_src *v, const char *path, uint64_t min,
		    uint64_t max, uint64_t *out)
{
	const char *text;
	uint64_t u;
	bool neg = false;

	if (v->s) {
		const struct hw_lit *l = config_setting_get_hook(v->s);
		int type = config_setting_type(v->s);

		if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
			return src_type_error(c, v, path, "an integer");
		if (!l) /* hw_bind() gave every integer one */
			return hw_fail(c, src_line(v), path, EINVAL, "internal: unchecked integer");
		if (l->overflow)
			return hw_fail(c, src_line(v), path, ERANGE, "%s does not fit in 64 bits",
				       l->text);
		text = l->text;
		u = l->mag;
		neg = l->neg && l->mag;
	} else { /* "-2" is out of range, as in a file, not "not a number" */
		int ret = nb_parse_u64(v->text + (v->text[0] == '-'), &u);

		if (ret)
			return hw_fail(c, 0, path, -ret, "%s", nb_errmsg());
		text = v->text;
		neg = v->text[0] == '-' && u;
	}
	if (neg || u < min || u > max)
		return hw_fail(c, src_line(v), path, ERANGE, "%s is out of range (%llu..%llu)",
			       text, (unsigned long long)min, (unsigned long long)max);
	*out = u;
	return 0;
}

static int src_str(const struct hw_ctx *c, const struct hw_src *v, const char *path, char *buf,
		   size_t size, const char **out)
{
	if (v->s) {
		if (config_setting_type(v->s) != CONFIG_TYPE_STRING)
			return src_type_error(c, v, path, "a string");
		*out = config_setting_get_string(v->s);
		return 0;
	}
	/* --set: quotes are optional */
	size_t len = strlen(v->text);

	if (len >= 2 && v->text[0] == '"' && v->text[len - 1] == '"') {
		snprintf(buf, size, "%.*s", (int)(len - 2), v->text + 1);
		*out = buf;
	} else {
		*out = v->text;
	}
	return 0;
}

static int src_bool(const struct hw_ctx *c, const struct hw_src *v, const char *path, bool *out)
{
	if (v->s) {
		if (config_setting_type(v->s) != CONFIG_TYPE_BOOL)
			return src_type_error(c, v, path, "true or false");
		*out = config_setting_get_bool(v->s);
		return 0;
	}
	if (!strcmp(v->text, "true") || !strcmp(v->text, "1"))
		*out = true;
	else if (!strcmp(v->text, "false") || !strcmp(v->text, "0"))
		*out = false;
	else
		return hw_fail(c, 0, path, EINVAL, "'%s' is not a boolean (true, false, 1, 0)",
			       v->text);
	return 0;
}

/* Lists: a libconfig array or list, or "a,b,c" (brackets optional) on --set. */
struct hw_list {
	struct hw_src item[64];
	int n;
	char buf[512];
};

static char *hw_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static int src_list(const struct hw_ctx *c, const struct hw_src *v, const char *path,
		    struct hw_list *l)
{
	char *s, *tok, *save = NULL;

	l->n = 0;
	if (v->s) {
		int type = config_setting_type(v->s);

		if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
			return src_type_error(c, v, path, "a list [ ... ]");
		if (config_setting_length(v->s) > (int)NB_ARRAY_SIZE(l->item))
			return hw_fail(c, src_line(v), path, EINVAL, "more than %zu items",
				       NB_ARRAY_SIZE(l->item));
		for (l->n = 0; l->n < config_setting_length(v->s); l->n++)
			l->item[l->n].s = config_setting_get_elem(v->s, (unsigned)l->n);
		return 0;
	}
	if (strlen(v->text) >= sizeof(l->buf))
		return hw_fail(c, 0, path, EINVAL, "list too long");
	snprintf(l->buf, sizeof(l->buf), "%s", v->text);
	s = hw_trim(l->buf);
	if (*s == '[') {
		size_t len = strlen(s);

		if (s[len - 1] != ']')
			return hw_fail(c, 0, path, EINVAL, "'%s': missing ']'", v->text);
		s[len - 1] = '\0';
		s++;
	}
	if (!*hw_trim(s))
		return 0; /* empty list */
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (l->n == (int)NB_ARRAY_SIZE(l->item))
			return hw_fail(c, 0, path, EINVAL, "more than %zu items",
				       NB_ARRAY_SIZE(l->item));
		l->item[l->n++] = (struct hw_src){ .text = hw_trim(tok) };
	}
	return 0;
}

/* "4K" -> 12; a power of two in 4K..4T. */
static int hw_page_lg2(const char *s, unsigned *lg2, char *why, size_t n)
{
	uint64_t u;

	if (nb_parse_u64(s, &u)) {
		snprintf(why, n, "\"%s\" is not a size (write 4K, 2M, 1G, ...)", s);
		return -EINVAL;
	}
	if (!u || (u & (u - 1))) {
		snprintf(why, n, "page size \"%s\" is not a power of two", s);
		return -EINVAL;
	}
	*lg2 = (unsigned)__builtin_ctzll(u);
	if (*lg2 < HW_PAGE_MIN_LG2 || *lg2 > HW_PAGE_MAX_LG2) {
		snprintf(why, n, "page size \"%s\" is outside 4K..4T", s);
		return -ERANGE;
	}
	return 0;
}

static bool hw_model_ok(const char *s, char *why, size_t n)
{
	size_t len = strnlen(s, sizeof(((struct nb_hw_params *)0)->model));

	if (!len)
		snprintf(why, n, "empty; name the tag model (vtd, amd, smmuv3, vtd_vmid, ...)");
	else if (len >= sizeof(((struct nb_hw_params *)0)->model))
		snprintf(why, n, "longer than %zu characters",
			 sizeof(((struct nb_hw_params *)0)->model) - 1);
	else if (s[strspn(s, HW_MODEL_CHARS)])
		snprintf(why, n, "\"%s\": use letters, digits, '_' and '-' only", s);
	else
		return true;
	return false;
}

/* Switching the command set: the new vendor's commands start at the neutral
 * cost 1 (as in nb_hwparams_defaults), the old vendor's are dropped. */
static void hw_set_vendor(struct nb_hw_params *p, enum nb_vendor v)
{
	if (p->vendor == v)
		return;
	p->vendor = v;
	for (int op = 0; op < NB_INV_OP_COUNT; op++)
		p->cmd_cycles[op] = nb_inv_op_vendor((enum nb_inv_op)op) == v ? 1 : 0;
}

static int hw_apply_sizes(const struct hw_ctx *c, const struct hw_src *v, const char *path,
			  uint64_t *out)
{
	struct hw_list l;
	uint64_t bm = 0;
	char why[128], buf[64];
	int ret = src_list(c, v, path, &l);

	for (int i = 0; !ret && i < l.n; i++) {
		const char *s;
		unsigned lg2;

		ret = src_str(c, &l.item[i], path, buf, sizeof(buf), &s);
		if (ret)
			break;
		ret = hw_page_lg2(s, &lg2, why, sizeof(why));
		if (!ret && (bm & (1ull << lg2))) {
			snprintf(why, sizeof(why), "page size \"%s\" is listed twice", s);
			ret = -EINVAL;
		}
		if (ret)
			return hw_fail(c, src_line(&l.item[i]) ? src_line(&l.item[i]) : src_line(v),
				       path, -ret, "%s", why);
		bm |= 1ull << lg2;
	}
	if (!ret)
		*out = bm;
	return ret;
}

static int hw_apply_levels(const struct hw_ctx *c, const struct hw_src *v, const char *path,
			   uint32_t *out)
{
	struct hw_list l;
	uint32_t bm = 0;
	int ret = src_list(c, v, path, &l);

	for (int i = 0; !ret && i < l.n; i++) {
		uint64_t lv = 0;

		ret = src_uint(c, &l.item[i], path, HW_LEVEL_MIN, HW_LEVEL_MAX, &lv);
		if (ret)
			break;
		if (bm & (1u << lv))
			return hw_fail(c, src_line(&l.item[i]), path, EINVAL,
				       "level %llu is listed twice", (unsigned long long)lv);
		bm |= 1u << lv;
	}
	if (!ret)
		*out = bm;
	return ret;
}

/* Parse v as t's type, check it, store it. */
static int hw_apply(struct hw_ctx *c, struct nb_hw_params *p, const struct hw_target *t,
		    const struct hw_src *v)
{
	const struct hw_key *k = t->key;
	char buf[64], why[128];
	const char *s;
	uint64_t u = 0;
	bool b = false;
	int ret = 0;

	switch (k->type) {
	case HW_UINT:
		ret = src_uint(c, v, t->path, k->min, k->max, &u);
		if (!ret)
			hw_put_uint(t->field, k->size, u);
		break;
	case HW_BOOL:
		ret = src_bool(c, v, t->path, &b);
		if (!ret)
			*(bool *)t->field = b;
		break;
	case HW_REPL:
		ret = src_str(c, v, t->path, buf, sizeof(buf), &s);
		if (ret)
			break;
		for (int r = 0; r < NB_REPL_COUNT; r++)
			if (strcmp(s, hw_repl_names[r]) == 0) {
				*(enum nb_repl *)t->field = (enum nb_repl)r;
				goto done;
			}
		return hw_fail(c, src_line(v), t->path, EINVAL,
			       "unknown replacement \"%s\" (lru, plru, random, qemu)", s);
	case HW_SIZES:
		ret = hw_apply_sizes(c, v, t->path, &u);
		if (!ret)
			*(uint64_t *)t->field = u;
		break;
	case HW_LEVELS:
		ret = hw_apply_levels(c, v, t->path, (uint32_t *)t->field);
		break;
	case HW_MODEL:
		ret = src_str(c, v, t->path, buf, sizeof(buf), &s);
		if (ret)
			break;
		if (!hw_model_ok(s, why, sizeof(why)))
			return hw_fail(c, src_line(v), t->path, EINVAL, "%s", why);
		memset(p->model, 0, sizeof(p->model));
		memcpy(p->model, s, strlen(s));
		break;
	case HW_VENDOR:
		ret = src_str(c, v, t->path, buf, sizeof(buf), &s);
		if (ret)
			break;
		for (int i = 0; i < NB_VENDOR_COUNT; i++)
			if (strcmp(s, hw_vendor_names[i]) == 0) {
				hw_set_vendor(p, (enum nb_vendor)i);
				goto done;
			}
		return hw_fail(c, src_line(v), t->path, EINVAL,
			       "unknown vendor \"%s\" (vtd, amd, smmuv3)", s);
	}
done:
	if (!ret)
		hw_seen(c, t->path, src_line(v));
	return ret;
}

/* ---- whole-struct validation ---------------------------------------------- */

struct hw_issue {
	int err;
	char key[HW_PATH], key2[HW_PATH]; /* key2: the other key of a cross-key rule */
	char msg[256];
};

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

static int hw_check(const struct nb_hw_params *p, struct hw_issue *is)
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

/* Report a whole-struct issue at the key this call assigned (with its line),
 * preferring the rule's main key. */
static int hw_check_ctx(const struct hw_ctx *c, const struct nb_hw_params *p)
{
	struct hw_issue is;
	const char *keys[2];

	if (!hw_check(p, &is))
		return 0;
	keys[0] = is.key;
	keys[1] = is.key2;
	for (int k = 0; k < 2; k++)
		for (unsigned i = c->nseen; i-- > 0;)
			if (keys[k][0] && strcmp(c->seen[i].path, keys[k]) == 0)
				return hw_fail(c, c->seen[i].line, keys[k], is.err, "%s", is.msg);
	return hw_fail(c, 0, is.key, is.err, "%s", is.msg);
}

/* ---- the file ---------------------------------------------------------------- */

static int hw_read(const char *path, char **out, size_t *out_len)
{
	char ebuf[64], *buf;
	struct stat st;
	size_t len = 0, cap = HW_MAX_FILE + 2; /* the limit, one byte more (too large), the NUL */
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return nb_fail(errno, "%s: %s", path, strerror_r(errno, ebuf, sizeof(ebuf)));
	if (fstat(fd, &st))
		st.st_mode = 0;
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return nb_fail(EISDIR, "%s: %s", path, strerror_r(EISDIR, ebuf, sizeof(ebuf)));
	}
	/* A buffer the file's size, grown if it grows while read: not one of
	 * the limit's size per load (1 MiB: most of a load's time under ASan,
	 * fuzz_config) */
	if (S_ISREG(st.st_mode) && st.st_size >= 0 && (uint64_t)st.st_size <= HW_MAX_FILE)
		cap = (size_t)st.st_size + 2;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return nb_fail(ENOMEM, "%s: out of memory", path);
	}
	for (;;) {
		ssize_t n;

		if (len + 1 == cap) { /* full but for the NUL: the file grew */
			size_t ncap = cap * 2 < HW_MAX_FILE + 2 ? cap * 2 : HW_MAX_FILE + 2;
			char *nbuf = realloc(buf, ncap);

			if (!nbuf) {
				free(buf);
				close(fd);
				return nb_fail(ENOMEM, "%s: out of memory", path);
			}
			buf = nbuf;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(buf);
			close(fd);
			return nb_fail(e, "%s: %s", path, strerror_r(e, ebuf, sizeof(ebuf)));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > HW_MAX_FILE) {
			free(buf);
			close(fd);
			return nb_fail(EFBIG, "%s: larger than %u KiB; not a hardware description", path,
				       HW_MAX_FILE >> 10);
		}
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	return 0;
}

static bool hw_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-' || ch == '*';
}

/* A number starts here: 5, -5, +5, .5, -.5 */
static bool hw_num_start(const char *s)
{
	size_t i = s[0] == '-' || s[0] == '+';

	i += s[i] == '.';
	return s[i] >= '0' && s[i] <= '9';
}

static int hw_digit(char ch, unsigned base)
{
	int d = ch >= '0' && ch <= '9' ? ch - '0'
		: ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
		: ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
					 : 99;

	return d < (int)base ? d : -1;
}

/* An integer token as libconfig spells it ([+-]digits, 0xhex, optional L or
 * LL), or false for anything else (floats: libconfig reports those). */
static bool hw_int_token(const char *t, size_t n, unsigned line, struct hw_lit *l)
{
	size_t i = 0, digits = 0;
	unsigned base = 10;

	memset(l, 0, sizeof(*l));
	l->line = line;
	snprintf(l->text, sizeof(l->text), "%.*s%s", (int)(n < 28 ? n : 27), t,
		 n < 28 ? "" : "...");
	if (t[i] == '-' || t[i] == '+')
		l->neg = t[i++] == '-';
	if (n - i > 2 && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'X')) {
		base = 16;
		i += 2;
	}
	for (; i < n; i++, digits++) {
		int d = hw_digit(t[i], base);

		if (d < 0)
			break;
		if (l->mag > (UINT64_MAX - (unsigned)d) / base)
			l->overflow = true;
		l->mag = l->mag * base + (unsigned)d;
	}
	if (i < n && t[i] == 'L')
		i += (i + 1 < n && t[i + 1] == 'L') ? 2 : 1;
	return digits && i == n;
}

static int hw_add_lit(struct hw_ctx *c, const struct hw_lit *l)
{
	if (c->nlits == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct hw_lit *v = realloc(c->lits, cap * sizeof(*v));

		if (!v)
			return nb_fail(ENOMEM, "%s: out of memory", c->file);
		c->lits = v;
		c->cap = cap;
	}
	c->lits[c->nlits++] = *l;
	return 0;
}

/*
 * Lex the text the way libconfig does, far enough to find every integer
 * literal (skipping comments and strings), and refuse what libconfig would
 * read wrongly or not at all: control bytes (a binary file), @include (a
 * description is one file, and included numbers would go unchecked).
 */
static int hw_scan(struct hw_ctx *c, const char *s, size_t len)
{
	unsigned line = 1;

	for (size_t i = 0; i < len; i++) { /* NUL would end libconfig's read early */
		unsigned char ch = (unsigned char)s[i];

		if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7f)
			return nb_fail(EINVAL, "%s:%u: syntax error: binary data (byte 0x%02x), not a config file",
				       c->file, line, ch);
		line += ch == '\n';
	}
	line = 1;
	for (size_t i = 0; s[i];) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\n') {
			line++;
			i++;
		} else if (ch == '#' || (ch == '/' && s[i + 1] == '/')) {
			while (s[i] && s[i] != '\n')
				i++;
		} else if (ch == '/' && s[i + 1] == '*') {
			for (i += 2; s[i] && !(s[i] == '*' && s[i + 1] == '/'); i++)
				line += s[i] == '\n';
			i += s[i] ? 2 : 0;
		} else if (ch == '"') {
			for (i++; s[i] && s[i] != '"'; i++) {
				if (s[i] == '\\' && s[i + 1])
					i++;
				line += s[i] == '\n';
			}
			i += s[i] ? 1 : 0;
		} else if (ch == '@') {
			return nb_fail(EINVAL,
				       "%s:%u: syntax error: @include is not supported (one file describes one IOMMU)",
				       c->file, line);
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '*') {
			while (hw_name_char(s[i]))
				i++;
		} else if (hw_num_start(s + i)) {
			size_t start = i++;
			struct hw_lit l;

			while (hw_name_char(s[i]) || s[i] == '.' ||
			       ((s[i] == '-' || s[i] == '+') && (s[i - 1] | 0x20) == 'e'))
				i++;
			if (hw_int_token(s + start, i - start, line, &l) && hw_add_lit(c, &l))
				return -ENOMEM;
		} else {
			i++;
		}
	}
	return 0;
}

/* Pair every integer setting with its literal: both are in document order. */
static int hw_bind(struct hw_ctx *c, config_setting_t *s, size_t *next)
{
	int type = config_setting_type(s);

	if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
		struct hw_lit *l = *next < c->nlits ? &c->lits[*next] : NULL;

		if (!l || l->line < config_setting_source_line(s))
			return nb_fail(EINVAL, "%s:%u: internal: cannot check this number (please report)",
				       c->file, config_setting_source_line(s));
		config_setting_set_hook(s, l);
		(*next)++;
	}
	if (config_setting_is_aggregate(s))
		for (int i = 0; i < config_setting_length(s); i++) {
			int ret = hw_bind(c, config_setting_get_elem(s, (unsigned)i), next);

			if (ret)
				return ret;
		}
	return 0;
}

static int hw_apply_group(struct hw_ctx *c, struct nb_hw_params *p, int g,
			  const config_setting_t *gs)
{
	struct hw_src v = { .s = gs };

	if (!config_setting_is_group(gs))
		return src_type_error(c, &v, hw_group_names[g], "a group { ... }");
	for (int i = 0; i < config_setting_length(gs); i++) {
		const config_setting_t *s = config_setting_get_elem(gs, (unsigned)i);
		struct hw_src sv = { .s = s };
		struct hw_target t;
		int ret = hw_resolve_member(c, config_setting_source_line(s), p, g,
					    config_setting_name(s), &t);

		if (!ret)
			ret = hw_apply(c, p, &t, &sv);
		if (ret)
			return ret;
	}
	return 0;
}

static int hw_apply_root(struct hw_ctx *c, struct nb_hw_params *p, const config_setting_t *root,
			 bool empty_base)
{
	const config_setting_t *vs = config_setting_get_member(root, "vendor");
	const char *missing;
	int ret;

	if (vs) { /* first: costs are checked against it */
		struct hw_target t;
		struct hw_src v = { .s = vs };

		ret = hw_resolve_top(c, config_setting_source_line(vs), p, "vendor", &t);
		if (!ret)
			ret = hw_apply(c, p, &t, &v);
		if (ret)
			return ret;
	}
	for (int i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(s);
		int g = hw_find_group(name);

		if (s == vs)
			continue;
		if (g >= 0) {
			ret = hw_apply_group(c, p, g, s);
		} else {
			struct hw_target t;
			struct hw_src v = { .s = s };

			ret = hw_resolve_top(c, config_setting_source_line(s), p, name, &t);
			if (!ret)
				ret = hw_apply(c, p, &t, &v);
		}
		if (ret)
			return ret;
	}
	/* Over an empty description (no model yet), the file must say what it
	 * describes: the zero vendor would otherwise pass as "vtd" unnoticed. */
	missing = !empty_base ? NULL
		  : !config_setting_get_member(root, "model") ? "model"
		  : !vs ? "vendor" : NULL;
	if (missing)
		return hw_fail(c, 0, missing, EINVAL, "not set; %s",
			       "over an empty description a file must name model and vendor");
	return 0;
}

static int hw_parse_error(const struct hw_ctx *c, const config_t *cfg)
{
	const char *text = config_error_text(cfg) ? config_error_text(cfg) : "unknown error";

	if (strcmp(text, "syntax error") == 0)
		return nb_fail(EINVAL, "%s:%d: syntax error", c->file, config_error_line(cfg));
	return nb_fail(EINVAL, "%s:%d: syntax error: %s", c->file, config_error_line(cfg), text);
}

int nb_hwparams_load(struct nb_hw_params *p, const char *path)
{
	struct nb_hw_params tmp;
	struct hw_ctx *c = calloc(1, sizeof(*c));
	char *text = NULL;
	size_t next = 0, len = 0;
	config_t cfg;
	int ret;

	if (!c)
		return nb_fail(ENOMEM, "%s: out of memory", path);
	c->file = path;
	memcpy(&tmp, p, sizeof(tmp));
	config_init(&cfg);
	ret = hw_read(path, &text, &len);
	if (!ret)
		ret = hw_scan(c, text, len);
	/* libconfig 1.5 leaks its string buffer on a syntax error right after
	 * a string token (LeakSanitizer: strbuf_append); nothing to free here. */
	if (!ret && !config_read_string(&cfg, text))
		ret = hw_parse_error(c, &cfg);
	if (!ret)
		ret = hw_bind(c, config_root_setting(&cfg), &next);
	if (!ret && next != c->nlits)
		ret = nb_fail(EINVAL, "%s:%u: internal: cannot check this number (please report)", path,
			      c->lits[next].line);
	if (!ret)
		ret = hw_apply_root(c, &tmp, config_root_setting(&cfg), p->model[0] == '\0');
	if (!ret)
		ret = hw_check_ctx(c, &tmp);
	if (!ret)
		memcpy(p, &tmp, sizeof(*p));
	config_destroy(&cfg);
	free(text);
	free(c->lits);
	free(c);
	return ret;
}

/* ---- --set ------------------------------------------------------------------------ */

static int hw_set_one(struct hw_ctx *c, struct nb_hw_params *p, char *assignment)
{
	char *eq = strchr(assignment, '='), *key, *dot;
	struct hw_target t;
	struct hw_src v;
	int g, ret;

	if (!eq)
		return nb_fail(EINVAL, "--set '%s': expected key=value (e.g. iotlb.entries=1024)",
			       hw_trim(assignment));
	*eq = '\0';
	key = hw_trim(assignment);
	v.s = NULL;
	v.text = hw_trim(eq + 1);
	dot = strchr(key, '.');
	if (dot) {
		*dot = '\0';
		g = hw_find_group(key);
		*dot = '.';
		if (g < 0) {
			*dot = '\0';
			return hw_unknown(c, 0, key, -1, key, p->vendor);
		}
		if (strchr(dot + 1, '.'))
			return hw_unknown(c, 0, key, g, dot + 1, p->vendor);
		ret = hw_resolve_member(c, 0, p, g, dot + 1, &t);
	} else {
		g = hw_find_group(key);
		if (g >= 0) {
			struct hw_names n;

			hw_names_of(g, g < HW_NCACHES ? 1 << g : 0, p->vendor, "", &n);
			return hw_fail(c, 0, key, EINVAL, "is a group; set one of its keys (%s.<key>: %s)",
				       key, n.list);
		}
		ret = hw_resolve_top(c, 0, p, key, &t);
	}
	return ret ? ret : hw_apply(c, p, &t, &v);
}

/* "key=value", or several joined by ';' (applied together, then checked:
 * "iotlb.entries=48; iotlb.ways=6" passes through no invalid middle state). */
int nb_hwparams_set(struct nb_hw_params *p, const char *assignment)
{
	struct nb_hw_params tmp;
	/* On the stack, its counts cleared (seen[] is read below nseen only):
	 * a calloc of its 9 KiB per call was a tenth of fuzz_config's time. */
	struct hw_ctx ctx, *c = &ctx;
	char buf[1024], *part, *save = NULL;
	int ret = 0, n = 0;

	ctx.file = NULL;
	ctx.lits = NULL;
	ctx.nlits = ctx.cap = 0;
	ctx.nseen = 0;
	if (!assignment || strlen(assignment) >= sizeof(buf))
		return nb_fail(EINVAL, "--set: %s", assignment ? "assignment too long" : "no assignment");
	snprintf(buf, sizeof(buf), "%s", assignment);
	memcpy(&tmp, p, sizeof(tmp));
	for (part = strtok_r(buf, ";", &save); part && !ret; part = strtok_r(NULL, ";", &save)) {
		if (!*hw_trim(part))
			continue;
		ret = hw_set_one(c, &tmp, part);
		n++;
	}
	if (!ret && !n)
		ret = nb_fail(EINVAL, "--set '%s': expected key=value (e.g. iotlb.entries=1024)",
			      assignment);
	if (!ret)
		ret = hw_check_ctx(c, &tmp);
	if (!ret)
		memcpy(p, &tmp, sizeof(*p));
	return ret;
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

/* ---- write ------------------------------------------------------------------------------ */

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
