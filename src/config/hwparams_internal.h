/* SPDX-License-Identifier: MIT */
/*
 * Internal to src/config: what the hardware-description files share.
 *
 * One set of tables describes every key (hw_top_keys, hw_cache_keys,
 * hw_policy_keys, the command names of inval.h; keys.c); the file loader
 * (load.c over lexer.c), the --set parser (set.c), the validator (check.c)
 * and the writer (write.c) all walk the same tables, so a key added there is
 * read, checked and written everywhere. resolve.c finds what a key names,
 * value.c reads and stores one value of any key, suggest.c words "unknown
 * key" with the keys that exist, errors.c says where a value came from.
 *
 * Contract: load and set work on a copy and commit only on success, so a
 * failed call leaves *p byte for byte as it was. Messages name the place and
 * the key: "FILE:LINE: KEY: what is wrong", "--set KEY: what is wrong".
 */
#ifndef NB_SRC_CONFIG_HWPARAMS_INTERNAL_H
#define NB_SRC_CONFIG_HWPARAMS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <libconfig.h>

#include "nestbench/hwparams.h"

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
#define HW_MAX_SEEN 256	  /* a file and its bases set about 60 keys each */
#define HW_MAX_BASES 8	  /* a longer chain of bases is a mistake */

/* ---- the key tables (keys.c) --------------------------------------------- */

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

extern const char *const hw_vendor_names[NB_VENDOR_COUNT];
extern const char *const hw_repl_names[NB_REPL_COUNT];
/* The tables' lengths: a definition of another length does not compile. */
enum { HW_NTOP_KEYS = 5, HW_NCACHE_KEYS = 6, HW_NPOLICY_KEYS = 11 };
extern const struct hw_key hw_top_keys[HW_NTOP_KEYS];
#define HW_TOP_UINTS 2 /* hw_top_keys[HW_TOP_UINTS..]: the integer keys */
extern const struct hw_key hw_cache_keys[HW_NCACHE_KEYS];
extern const struct hw_key hw_policy_keys[HW_NPOLICY_KEYS];
/* A cost is a HW_UINT like any other; only its name and vendor check differ. */
extern const struct hw_key hw_cost_key;

/* The groups of the file, in file order. */
enum { HW_G_COSTS = HW_NCACHES, HW_G_POLICY, HW_NGROUPS };
extern const char *const hw_group_names[HW_NGROUPS];

const char *hw_vendor_name(enum nb_vendor v);
/* "vtd, amd, smmuv3" (the vendors, from hw_vendor_names) in buf. */
const char *hw_vendor_list(char *buf, size_t len);
/* "lru, plru, ..." (the replacement policies, from hw_repl_names) in buf. */
const char *hw_repl_list(char *buf, size_t len);
/* Cost keys are the commands' spec names (nb_inv_op_name): one table of
 * commands for the encoders, the reports and this file format. */
const char *hw_op_name(int op);
struct nb_cache_params *hw_cache(struct nb_hw_params *p, int c);
const struct nb_cache_params *hw_ccache(const struct nb_hw_params *p, int c);
int hw_find_group(const char *name);

static inline uint64_t hw_get_uint(const void *field, size_t size)
{
	return size == 1 ? *(const uint8_t *)field : *(const uint32_t *)field;
}

static inline void hw_put_uint(void *field, size_t size, uint64_t v)
{
	if (size == 1)
		*(uint8_t *)field = (uint8_t)v;
	else
		*(uint32_t *)field = (uint32_t)v;
}

/* ---- where a value came from, and errors that say so (errors.c) ------------ */

/* One integer literal of the file, as written. */
struct hw_lit {
	unsigned line;
	bool neg, overflow;
	uint64_t mag;
	char text[32];
};

struct hw_ctx {
	const char *file; /* NULL: --set; else the file, which outlives the context */
	struct hw_lit *lits;
	size_t nlits, cap;
	/* Keys this call assigned (file: with their file and line, the bases'
	 * first), for blaming whole-struct checks on the right place. */
	struct {
		char path[HW_PATH];
		const char *file;
		unsigned line;
	} seen[HW_MAX_SEEN];
	unsigned nseen;
};

/* A value to apply: a file setting, or --set text. */
struct hw_src {
	const config_setting_t *s;
	const char *text;
};

/* "FILE:LINE: KEY: what" (no line: "FILE: KEY: what"; --set: "--set KEY: what"). */
__attribute__((format(printf, 5, 6))) int hw_fail(const struct hw_ctx *c, unsigned line,
						  const char *path, int err, const char *fmt, ...);
/* The same about another file than the context's (a base). */
__attribute__((format(printf, 5, 6))) int hw_fail_in(const char *file, unsigned line,
						     const char *path, int err, const char *fmt, ...);
unsigned hw_src_line(const struct hw_src *v);
void hw_seen(struct hw_ctx *c, const char *path, unsigned line);
int hw_src_type_error(const struct hw_ctx *c, const struct hw_src *v, const char *path,
		      const char *want);
/* ---- one value (value.c) ------------------------------------------------------- */

/* s without its leading and trailing blanks (cut in place). */
char *hw_trim(char *s);
/* A usable model name, or false with why. */
bool hw_model_ok(const char *s, char *why, size_t n);

/* ---- key resolution (resolve.c) ------------------------------------------------ */

/* What a dotted key names: a key descriptor and the field in *p. */
struct hw_target {
	const struct hw_key *key;
	void *field;
	int cache; /* cache index, or -1 */
	char path[HW_PATH];
};

int hw_resolve_top(const struct hw_ctx *c, unsigned line, struct nb_hw_params *p, const char *name,
		   struct hw_target *t);
int hw_resolve_member(const struct hw_ctx *c, unsigned line, struct nb_hw_params *p, int g,
		      const char *name, struct hw_target *t);
/* Parse v as t's type, check it, store it (value.c). */
int hw_apply(struct hw_ctx *c, struct nb_hw_params *p, const struct hw_target *t,
	     const struct hw_src *v);

/* ---- suggestions (suggest.c) -------------------------------------------------- */

/* Known names of a group (-1: the top level), as "a, b, c", or the closest
 * one as a suggestion. */
struct hw_names {
	char list[320];
	size_t len;
	const char *best;
	unsigned best_d;
};

void hw_names_of(int g, int cache_bit, enum nb_vendor v, const char *want, struct hw_names *n);
/* "unknown key" at path, with the closest known name when it is close. */
int hw_unknown(const struct hw_ctx *c, unsigned line, const char *path, int g, const char *name,
	       enum nb_vendor v);

/* ---- whole-struct checks (check.c) ---------------------------------------------- */

struct hw_issue {
	int err;
	char key[HW_PATH], key2[HW_PATH]; /* key2: the other key of a cross-key rule */
	char msg[256];
};

/* 0, or -errno with the first broken rule in *is. */
int hw_check(const struct nb_hw_params *p, struct hw_issue *is);
/* hw_check, reported at the key this call assigned (with its line). */
int hw_check_ctx(const struct hw_ctx *c, const struct nb_hw_params *p);

/* ---- the file as text (lexer.c) ----------------------------------------------------- */

/* The whole file, NUL-terminated; refused if larger than HW_MAX_FILE. */
int hw_read(const char *path, char **out, size_t *out_len);
/* Every integer literal of the text into c->lits; refuses binary data and @include. */
int hw_scan(struct hw_ctx *c, const char *s, size_t len);
/* Pair every integer setting under s with its literal (document order). */
int hw_bind(struct hw_ctx *c, config_setting_t *s, size_t *next);

#endif
