/* SPDX-License-Identifier: MIT */
/*
 * nb-qemu-lex: the QEMU trace log lexer of scripts/nb_trace_convert.py in C.
 *
 * It does what scripts/nbtrace/qemu_log.py (the reference) does with each line
 * "PID@SECONDS.MICROS:EVENT ARGS", and must give the same events, counts and
 * errors: any line it cannot lex exactly as Python's regular expressions and
 * integers would (a byte outside printable ASCII and tab, a number beyond 64
 * bits) stops it with LEX_PYTHON, and the converter then runs the reference on
 * the whole log. The wire format it writes is in main.c.
 */
#ifndef NB_QEMU_LEX_H
#define NB_QEMU_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Event kinds, as qemu_log.QEv names them. */
enum lex_kind { LEX_DMA, LEX_INV, LEX_NOTE, LEX_FAULT };

/* Flag bits of struct lex_event.flags beside the kind (bits 0-3) and the op
 * (bits 16-31, an index into lex_op_names). */
#define LEX_HIT_SHIFT 4   /* hit + 1: 0 none, 1 miss, 2 hit */
#define LEX_LARGE (1u << 8) /* VT-d leaf with PS set (nbtrace/translation.py) */
#define LEX_RAW (1u << 9)   /* w0/w1 are the descriptor's words */
#define LEX_OUT (1u << 10)  /* out is the translated address */
#define LEX_OP_SHIFT 16

/* One event on the wire: nine native-endian 64-bit words. */
struct lex_event {
	uint64_t t; /* microseconds: SECONDS * 1000000 + MICROS */
	uint64_t flags, sid, iova, size, dom, w0, w1, out;
};

/* Trace op names (docs/trace-format.md); VTD_TYPE_n for unknown VT-d types. */
enum lex_op {
	OP_NONE, OP_CC_INV, OP_IOTLB_PSI, OP_IOTLB_DSI, OP_IOTLB_GLOBAL, OP_DEVTLB, OP_WAIT,
	OP_PIOTLB_PSI, OP_PIOTLB_PASID, OP_PC_INV, OP_IEC,
	OP_AMD_PAGES, OP_AMD_ALL, OP_AMD_DEVTAB, OP_AMD_IOTLB, OP_AMD_WAIT,
	OP_VTD_TYPE0, /* OP_VTD_TYPE0 + n: "VTD_TYPE_n", n in 0..15 */
	OP_COUNT = OP_VTD_TYPE0 + 16
};
extern const char *const lex_op_names[OP_COUNT];

/* What a handler or the lexer says about a line. */
enum lex_verdict {
	LEX_OK,
	LEX_BAD,    /* the arguments do not parse: the reference refuses this line */
	LEX_PYTHON, /* only the reference can lex this line exactly */
};

struct lexer;

/* One QEMU event the trace uses, and what to do with its arguments
 * (a..end: ARGS without the blanks around them). */
struct lex_handler {
	const char *name;
	enum lex_verdict (*lex)(struct lexer *lx, uint64_t t, const char *a, const char *end);
};

extern const struct lex_handler lex_vtd_handlers[];
extern const size_t lex_vtd_nhandlers;
extern const struct lex_handler lex_amd_handlers[];
extern const size_t lex_amd_nhandlers;

struct lex_count {
	char *key; /* "qemu_" EVENT, as the reference's counter names it */
	uint64_t n;
};

struct lex_text {
	size_t event;
	char *text;
};

struct lexer {
	const struct lex_handler *handlers;
	size_t nhandlers;
	struct lex_event *ev;
	size_t nev, cap_ev;
	struct lex_text *texts;
	size_t ntexts, cap_texts;
	struct lex_count *counts; /* open addressing, cap_counts a power of two */
	size_t ncounts, cap_counts;
	uint64_t other_lines, decode_agree, decode_disagree;
	long last_inv;     /* VT-d: index of the last vtd_inv_desc, -1 before one */
	int64_t *amd_dom;  /* AMD: devid -> domain of its last amdvi_cache_update, -1 unknown */
	size_t *pending;   /* AMD: hits before their devid's domain is known */
	size_t npending, cap_pending;
	bool oom;
};

int lexer_init(struct lexer *lx, const char *vendor);
void lexer_fini(struct lexer *lx);
/* One line without its '\n'. */
enum lex_verdict lexer_line(struct lexer *lx, const char *s, size_t len);
/* After the last line: AMD hits whose devid had no domain yet get its last one. */
void lexer_finish(struct lexer *lx);

/* The trace lines' tails of every event (as Writer.qemu writes them after the
 * time), each ending in '\n', in *out (malloc'd, *len bytes): 0 or -ENOMEM. */
int lex_tails(const struct lexer *lx, char **out, size_t *len);

/* Room for one more element in *p (capacity *cap, n used): 0, or -ENOMEM. */
int lex_grow(void **p, size_t *cap, size_t n, size_t size);

/* For the handlers: append an event (NULL when out of memory) and a note's text. */
struct lex_event *lex_push(struct lexer *lx, uint64_t t, enum lex_kind kind);
int lex_text(struct lexer *lx, const char *prefix, const char *a, const char *end);

/*
 * Matchers with the semantics of the reference's patterns, each advancing *p
 * on success. Python's re.match anchors at the start only: text after the last
 * group is allowed, as there.
 */
static inline bool lex_lit(const char **p, const char *end, const char *s)
{
	const char *q = *p;
	for (; *s; s++, q++)
		if (q == end || *q != *s)
			return false;
	*p = q;
	return true;
}

static inline int lex_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f') /* the patterns take lower case only */
		return c - 'a' + 10;
	return -1;
}

/* "0x([0-9a-f]+)": LEX_BAD if absent; LEX_PYTHON if v is wanted and needs more
 * than 64 bits (Python's int has no limit). */
static inline enum lex_verdict lex_hex(const char **p, const char *end, uint64_t *v)
{
	const char *q = *p;
	uint64_t x = 0;
	bool wide = false;
	if (!lex_lit(&q, end, "0x") || q == end || lex_hexval(*q) < 0)
		return LEX_BAD;
	for (; q < end && lex_hexval(*q) >= 0; q++) {
		if (x >> 60)
			wide = true;
		x = x << 4 | (uint64_t)lex_hexval(*q);
	}
	*p = q;
	if (v) {
		if (wide)
			return LEX_PYTHON;
		*v = x;
	}
	return LEX_OK;
}

/* "\d+" (ASCII: the lexer hands any other byte to the reference). */
static inline bool lex_digits(const char **p, const char *end)
{
	const char *q = *p;
	while (q < end && *q >= '0' && *q <= '9')
		q++;
	if (q == *p)
		return false;
	*p = q;
	return true;
}

/* "\S+": blanks are space and tab (no other whitespace reaches a handler). */
static inline bool lex_nonblank(const char **p, const char *end)
{
	const char *q = *p;
	while (q < end && *q != ' ' && *q != '\t')
		q++;
	if (q == *p)
		return false;
	*p = q;
	return true;
}

/* DEVID "([0-9a-f]{2}):([0-9a-f]{2})\.([0-9a-f])" as decode.devid_sid reads it:
 * (bus << 8) | (slot << 3) | function. */
static inline bool lex_devid(const char **p, const char *end, uint64_t *sid)
{
	const char *q = *p;
	int d[5];
	if (end - q < 7 || q[2] != ':' || q[5] != '.')
		return false;
	d[0] = lex_hexval(q[0]);
	d[1] = lex_hexval(q[1]);
	d[2] = lex_hexval(q[3]);
	d[3] = lex_hexval(q[4]);
	d[4] = lex_hexval(q[6]);
	for (int i = 0; i < 5; i++)
		if (d[i] < 0)
			return false;
	*sid = (uint64_t)(d[0] << 12 | d[1] << 8) | (uint64_t)(d[2] << 4 | d[3]) << 3 | (uint64_t)d[4];
	*p = q + 7;
	return true;
}

/* Several matchers in a row: the first that does not say LEX_OK decides. */
#define NEED(x)                                            \
	do {                                               \
		enum lex_verdict v_ = (x);                 \
		if (v_ != LEX_OK)                          \
			return v_;                         \
	} while (0)
#define LIT(s) NEED(lex_lit(&a, end, s) ? LEX_OK : LEX_BAD)

#endif
