// SPDX-License-Identifier: MIT
/*
 * One QEMU log line as the reference lexes it (scripts/nbtrace/qemu_log.py):
 * QLINE "^\d+@(\d+)\.(\d+):(\w+) ?(.*)$", the event counted as "qemu_EVENT",
 * its arguments stripped and handed to the vendor's handler for that event.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lex.h"

const char *const lex_op_names[OP_COUNT] = {
	[OP_NONE] = "",
	[OP_CC_INV] = "CC_INV",
	[OP_IOTLB_PSI] = "IOTLB_PSI",
	[OP_IOTLB_DSI] = "IOTLB_DSI",
	[OP_IOTLB_GLOBAL] = "IOTLB_GLOBAL",
	[OP_DEVTLB] = "DEVTLB",
	[OP_WAIT] = "WAIT",
	[OP_PIOTLB_PSI] = "PIOTLB_PSI",
	[OP_PIOTLB_PASID] = "PIOTLB_PASID",
	[OP_PC_INV] = "PC_INV",
	[OP_IEC] = "IEC",
	[OP_AMD_PAGES] = "INVALIDATE_IOMMU_PAGES",
	[OP_AMD_ALL] = "INVALIDATE_IOMMU_ALL",
	[OP_AMD_DEVTAB] = "INVALIDATE_DEVTAB_ENTRY",
	[OP_AMD_IOTLB] = "INVALIDATE_IOTLB_PAGES",
	[OP_AMD_WAIT] = "COMPLETION_WAIT",
	[OP_VTD_TYPE0 + 0] = "VTD_TYPE_0", [OP_VTD_TYPE0 + 1] = "VTD_TYPE_1",
	[OP_VTD_TYPE0 + 2] = "VTD_TYPE_2", [OP_VTD_TYPE0 + 3] = "VTD_TYPE_3",
	[OP_VTD_TYPE0 + 4] = "VTD_TYPE_4", [OP_VTD_TYPE0 + 5] = "VTD_TYPE_5",
	[OP_VTD_TYPE0 + 6] = "VTD_TYPE_6", [OP_VTD_TYPE0 + 7] = "VTD_TYPE_7",
	[OP_VTD_TYPE0 + 8] = "VTD_TYPE_8", [OP_VTD_TYPE0 + 9] = "VTD_TYPE_9",
	[OP_VTD_TYPE0 + 10] = "VTD_TYPE_10", [OP_VTD_TYPE0 + 11] = "VTD_TYPE_11",
	[OP_VTD_TYPE0 + 12] = "VTD_TYPE_12", [OP_VTD_TYPE0 + 13] = "VTD_TYPE_13",
	[OP_VTD_TYPE0 + 14] = "VTD_TYPE_14", [OP_VTD_TYPE0 + 15] = "VTD_TYPE_15",
};

/* The vendors --vendor names (nb_trace_convert.py's choices). */
static const struct {
	const char *name;
	const struct lex_handler *handlers;
	const size_t *n;
} vendors[] = {
	{ "vtd", lex_vtd_handlers, &lex_vtd_nhandlers },
	{ "amd", lex_amd_handlers, &lex_amd_nhandlers },
};

#define AMD_DEVIDS 65536 /* devid_sid: (bus << 8) | (slot << 3) | fn, all two hex digits */

int lex_grow(void **p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? 2 * *cap : 1024;
	void *q = realloc(*p, c * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

int lexer_init(struct lexer *lx, const char *vendor)
{
	*lx = (struct lexer){ .last_inv = -1 };
	for (size_t v = 0; v < sizeof(vendors) / sizeof(vendors[0]); v++)
		if (!strcmp(vendor, vendors[v].name)) {
			lx->handlers = vendors[v].handlers;
			lx->nhandlers = *vendors[v].n;
		}
	if (!lx->handlers)
		return -EINVAL;
	lx->amd_dom = malloc(AMD_DEVIDS * sizeof(*lx->amd_dom));
	if (!lx->amd_dom)
		return -ENOMEM;
	for (size_t i = 0; i < AMD_DEVIDS; i++)
		lx->amd_dom[i] = -1;
	return 0;
}

void lexer_fini(struct lexer *lx)
{
	for (size_t i = 0; i < lx->cap_counts; i++)
		free(lx->counts[i].key);
	for (size_t i = 0; i < lx->ntexts; i++)
		free(lx->texts[i].text);
	free(lx->counts);
	free(lx->texts);
	free(lx->ev);
	free(lx->amd_dom);
	free(lx->pending);
	*lx = (struct lexer){ 0 };
}

struct lex_event *lex_push(struct lexer *lx, uint64_t t, enum lex_kind kind)
{
	if (lex_grow((void **)&lx->ev, &lx->cap_ev, lx->nev, sizeof(*lx->ev))) {
		lx->oom = true;
		return NULL;
	}
	struct lex_event *e = &lx->ev[lx->nev++];
	*e = (struct lex_event){ .t = t, .flags = kind };
	return e;
}

int lex_text(struct lexer *lx, const char *prefix, const char *a, const char *end)
{
	size_t lp = strlen(prefix), la = (size_t)(end - a);
	char *s = malloc(lp + la + 1);
	if (!s || lex_grow((void **)&lx->texts, &lx->cap_texts, lx->ntexts, sizeof(*lx->texts))) {
		free(s);
		lx->oom = true;
		return -ENOMEM;
	}
	memcpy(s, prefix, lp);
	memcpy(s + lp, a, la);
	s[lp + la] = 0;
	lx->texts[lx->ntexts++] = (struct lex_text){ .event = lx->nev - 1, .text = s };
	return 0;
}

/* FNV-1a: event names are few and short. */
static uint64_t name_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h;
}

static int count_grow(struct lexer *lx)
{
	size_t cap = lx->cap_counts ? 2 * lx->cap_counts : 64;
	struct lex_count *c = calloc(cap, sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (size_t i = 0; i < lx->cap_counts; i++) {
		struct lex_count *o = &lx->counts[i];
		if (!o->key)
			continue;
		size_t j = name_hash(o->key, strlen(o->key)) & (cap - 1);
		while (c[j].key)
			j = (j + 1) & (cap - 1);
		c[j] = *o;
	}
	free(lx->counts);
	lx->counts = c;
	lx->cap_counts = cap;
	return 0;
}

/* counts["qemu_" + name] += 1 */
static void count_event(struct lexer *lx, const char *name, size_t n)
{
	if (2 * (lx->ncounts + 1) > lx->cap_counts && count_grow(lx)) {
		lx->oom = true;
		return;
	}
	size_t j = name_hash(name, n) & (lx->cap_counts - 1);
	for (;; j = (j + 1) & (lx->cap_counts - 1)) {
		struct lex_count *c = &lx->counts[j];
		if (!c->key) {
			c->key = malloc(n + 6);
			if (!c->key) {
				lx->oom = true;
				return;
			}
			memcpy(c->key, "qemu_", 5);
			memcpy(c->key + 5, name, n);
			c->key[n + 5] = 0;
			lx->ncounts++;
		}
		if (!strncmp(c->key + 5, name, n) && c->key[n + 5] == 0) {
			c->n++;
			return;
		}
	}
}

static bool is_word(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* "\d+" as an integer: false when it needs more than 64 bits */
static bool decimal(const char *s, const char *end, uint64_t *v)
{
	uint64_t x = 0;
	for (; s < end; s++) {
		uint64_t d = (uint64_t)(*s - '0');
		if (x > (UINT64_MAX - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*v = x;
	return true;
}

enum lex_verdict lexer_line(struct lexer *lx, const char *s, size_t len)
{
	const char *end = s + len, *p = s, *sec, *sec_end, *us, *us_end, *name;
	uint64_t secs, micros;
	/* Python's str regexes and strip() treat non-ASCII and control characters
	 * in ways (Unicode digits and word characters, whitespace) this lexer does
	 * not repeat: such a log goes to the reference. */
	for (const char *q = s; q < end; q++)
		if ((unsigned char)*q >= 0x80 || ((unsigned char)*q < 0x20 && *q != '\t'))
			return LEX_PYTHON;
	if (!lex_digits(&p, end) || !lex_lit(&p, end, "@"))
		goto other;
	sec = p;
	if (!lex_digits(&p, end))
		goto other;
	sec_end = p;
	if (!lex_lit(&p, end, "."))
		goto other;
	us = p;
	if (!lex_digits(&p, end))
		goto other;
	us_end = p;
	if (!lex_lit(&p, end, ":") || p == end || !is_word(*p))
		goto other;
	name = p;
	while (p < end && is_word(*p))
		p++;
	size_t nlen = (size_t)(p - name);
	if (p < end && *p == ' ')
		p++;
	if (!decimal(sec, sec_end, &secs) || !decimal(us, us_end, &micros) || secs > (UINT64_MAX - micros) / 1000000)
		return LEX_PYTHON;
	/* ARGS.strip(): only blanks are left to strip (see above) */
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	count_event(lx, name, nlen);
	for (size_t h = 0; h < lx->nhandlers; h++)
		if (strlen(lx->handlers[h].name) == nlen && !memcmp(lx->handlers[h].name, name, nlen))
			return lx->handlers[h].lex(lx, secs * 1000000 + micros, p, end);
	return LEX_OK;
other:
	lx->other_lines++;
	return LEX_OK;
}

void lexer_finish(struct lexer *lx)
{
	for (size_t i = 0; i < lx->npending; i++) {
		struct lex_event *e = &lx->ev[lx->pending[i]];
		e->dom = lx->amd_dom[e->sid] >= 0 ? (uint64_t)lx->amd_dom[e->sid] : 0;
	}
}
