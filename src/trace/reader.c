// SPDX-License-Identifier: MIT
/* The trace reader (format in nestbench/trace.h, docs/trace-format.md): the
 * fields of the lines text_lines.c cuts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "nestbench/parse.h"
#include "nestbench/trace.h"
#include "trace/text_lines.h"

#define TRACE_VERSION 2 /* the newest this reader knows; it reads every older one */
#define MAX_FIELDS 16

struct nb_trace {
	struct nb_text in;  /* the text, as lines (text_lines.h) */
	char path[512];
	unsigned line;
	unsigned version;
	bool header;
	uint64_t last_time; /* events are in time order */
};

#define KIND(name) { name, sizeof(name) - 1 }
static const struct {
	const char *name;
	size_t len;
} kinds[NB_TR_KIND_COUNT] = {
	[NB_TR_MAP] = KIND("map"), [NB_TR_UNMAP] = KIND("unmap"), [NB_TR_DMA] = KIND("dma"),
	[NB_TR_INV] = KIND("inv"), [NB_TR_MAP2] = KIND("map2"), [NB_TR_UNMAP2] = KIND("unmap2"),
	[NB_TR_DIRTY2] = KIND("dirty2"),
};
/* The version each kind appeared in: an older trace naming it is refused. */
static const unsigned kind_since[NB_TR_KIND_COUNT] = {
	[NB_TR_MAP] = 1, [NB_TR_UNMAP] = 1, [NB_TR_DMA] = 1, [NB_TR_INV] = 1,
	[NB_TR_MAP2] = 2, [NB_TR_UNMAP2] = 2, [NB_TR_DIRTY2] = 2,
};

const char *nb_trace_kind_name(enum nb_trace_kind k)
{
	return (unsigned)k < NB_TR_KIND_COUNT ? kinds[k].name : "?";
}

int nb_trace_open(struct nb_trace **out, const char *path)
{
	struct nb_trace *t = calloc(1, sizeof(*t));

	if (!t)
		return nb_fail(ENOMEM, "%s: out of memory", path);
	t->in.f = gzopen(path, "rb");
	if (!t->in.f) {
		int err = errno ? errno : EIO;

		free(t);
		return nb_fail(err, "%s: %s", path, strerror(err));
	}
	snprintf(t->path, sizeof(t->path), "%s", path);
	*out = t;
	return 0;
}

void nb_trace_close(struct nb_trace *t)
{
	if (!t)
		return;
	gzclose(t->in.f);
	free(t);
}

/* A failed gzgets: zlib out of memory is ENOMEM, not a damaged file
 * (fail-nth sweep: it read "truncated or corrupt gzip?"). */
static int read_error(gzFile f, const char *path, unsigned line)
{
	char where[16] = "";
	const char *why;
	int err;

	why = gzerror(f, &err);
	if (line)
		snprintf(where, sizeof(where), ":%u", line);
	if (err == Z_MEM_ERROR)
		return nb_fail(ENOMEM, "%s%s: out of memory (zlib)", path, where);
	return nb_fail(EIO, "%s%s: read error (corrupt gzip?): %s", path, where, why);
}

static int bad(struct nb_trace *t, const char *what, const char *detail)
{
	return nb_fail(EINVAL, "%s:%u: %s%s%s", t->path, t->line, what, detail[0] ? ": " : "", detail);
}

/* zlib's "unexpected end of file": the gzip stream stops before its end. */
static int truncated(struct nb_trace *t)
{
	return nb_fail(EIO, "%s:%u: truncated: the gzip data ends in the middle (a copy cut short?)",
		       t->path, t->line + 1);
}

/* Eight decimal digits at p as their number; false if a byte is not a
 * digit. All eight at once in one word (the SWAR method of Lemire's
 * fast_float): each byte checked, pairs of digits made, then the pairs. */
static bool eight_digits(const char *p, uint64_t *v)
{
	const uint64_t nibbles = 0xf0f0f0f0f0f0f0f0ull;
	uint64_t w;

	memcpy(&w, p, sizeof(w));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w); /* the first digit in the low byte */
#endif
	/* a digit is 0x30..0x39: high nibble 3, and still 3 with 6 added */
	if (((w & nibbles) | (((w + 0x0606060606060606ull) & nibbles) >> 4)) != 0x3333333333333333ull)
		return false;
	w -= 0x3030303030303030ull;
	w = w * 10 + (w >> 8); /* bytes 0, 2, 4, 6: the pairs 01, 23, 45, 67 (0..99) */
	/* bits 32..63: 01 * 10^6 + 45 * 10^2 + 23 * 10^4 + 67 */
	w = ((w & 0x000000ff000000ffull) * (100 + (1000000ull << 32)) +
	     ((w >> 16) & 0x000000ff000000ffull) * (1 + (10000ull << 32))) >> 32;
	*v = w;
	return true;
}

/* A hex digit's value, with HEX set; 0: not a hex digit. One look-up per
 * digit, and the HEX bits and'ed together say whether all were. */
#define HEX 16
static const unsigned char hex_digit[256] = {
	['0'] = HEX | 0, ['1'] = HEX | 1, ['2'] = HEX | 2, ['3'] = HEX | 3, ['4'] = HEX | 4,
	['5'] = HEX | 5, ['6'] = HEX | 6, ['7'] = HEX | 7, ['8'] = HEX | 8, ['9'] = HEX | 9,
	['a'] = HEX | 10, ['b'] = HEX | 11, ['c'] = HEX | 12, ['d'] = HEX | 13, ['e'] = HEX | 14, ['f'] = HEX | 15,
	['A'] = HEX | 10, ['B'] = HEX | 11, ['C'] = HEX | 12, ['D'] = HEX | 13, ['E'] = HEX | 14, ['F'] = HEX | 15,
};

/* tok (len bytes) is plain decimal of 1..19 digits or 0x hex of 1..16, the
 * forms traces use: parsed here; anything else (suffixes, errors) goes
 * through nb_parse_u64, which decides and words the refusal. */
static bool plain_number(const char *tok, size_t len, uint64_t *v)
{
	uint64_t x = 0, eight;
	size_t i = 0;

	if (len >= 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X')) {
		unsigned all = HEX;

		if (len == 2 || len > 18)
			return false;
		for (i = 2; i < len; i++) {
			unsigned d = hex_digit[(unsigned char)tok[i]];

			all &= d;
			x = x << 4 | (d & 15);
		}
		*v = x;
		return all;
	}
	if (!len || len > 19)
		return false;
	for (; i < len % 8; i++) {
		unsigned d = (unsigned char)tok[i] - '0';

		if (d >= 10)
			return false;
		x = x * 10 + d;
	}
	for (; i < len; i += 8) {
		if (!eight_digits(tok + i, &eight))
			return false;
		x = x * 100000000 + eight;
	}
	*v = x;
	return true;
}

/* tok (len bytes) as a C string: its end (a blank or the line's end byte)
 * becomes a NUL. Only where a string is needed: an 8-byte load over a byte
 * just stored waits for the store (a NUL after every field cost a tenth). */
static char *cstr(char *tok, size_t len)
{
	tok[len] = '\0';
	return tok;
}

/* A number in another form (a suffix), or the refusal. Apart from number():
 * its message buffer made every number's call save registers and check a
 * stack canary (a tenth of a parse). */
static __attribute__((noinline, cold)) int other_number(struct nb_trace *t, const char *field, char *tok,
							  size_t len, uint64_t *v)
{
	char msg[300];

	if (nb_parse_u64(cstr(tok, len), v) == 0)
		return 0;
	snprintf(msg, sizeof(msg), "%s", nb_errmsg());
	return bad(t, field, msg);
}

/* tok: len bytes; field: the name for a message */
static inline int number(struct nb_trace *t, const char *field, char *tok, size_t len, uint64_t *v)
{
	return plain_number(tok, len, v) ? 0 : other_number(t, field, tok, len, v);
}

/* key (of klen bytes) is the literal lit: a compare of known length, which
 * the compiler inlines (a chain of strcmp calls was an eighth of a parse) */
#define KEY_IS(key, klen, lit) ((klen) == sizeof(lit) - 1 && memcmp(key, lit, sizeof(lit) - 1) == 0)

static int extra(struct nb_trace *t, char *kv, size_t len, struct nb_trace_event *ev)
{
	char *eq = kv;
	size_t klen, vlen;
	uint64_t v;

	while (eq < kv + len && *eq != '=') /* a few bytes: no memchr call */
		eq++;
	if (eq == kv + len)
		return bad(t, "expected key=value", cstr(kv, len));
	klen = (size_t)(eq - kv);
	vlen = len - klen - 1;
	*eq++ = '\0'; /* the key: a string for messages; the value goes by its length */
	if (KEY_IS(kv, klen, "prot") || KEY_IS(kv, klen, "access")) {
		if (nb_parse_prot(cstr(eq, vlen), &ev->prot)) {
			char msg[300]; /* bad() writes the buffer nb_errmsg() reads */

			snprintf(msg, sizeof(msg), "%s", nb_errmsg());
			return bad(t, kv, msg);
		}
	} else if (KEY_IS(kv, klen, "op")) {
		if (vlen >= sizeof(ev->op))
			return bad(t, "op", "too long");
		memcpy(ev->op, eq, vlen); /* and its NUL: a later op= replaces an earlier one */
		ev->op[vlen] = '\0';
	} else if (klen == 2 && kv[0] == 'w' && kv[1] >= '0' && kv[1] <= '3') {
		/* w2, w3: a VT-d 256-bit descriptor's qw2, qw3 */
		if (number(t, kv, eq, vlen, &v))
			return -EINVAL;
		ev->raw.w[kv[1] - '0'] = v;
		ev->has_raw = true;
	} else if (KEY_IS(kv, klen, "more") || KEY_IS(kv, klen, "live")) {
		if (number(t, kv, eq, vlen, &v) || v > 1)
			return bad(t, kv, "must be 0 or 1");
		if (kv[0] == 'm')
			ev->more = v;
		else
			ev->live = v;
	} else if (KEY_IS(kv, klen, "out")) {
		if (number(t, kv, eq, vlen, &ev->out))
			return -EINVAL;
		ev->has_out = true;
	} else if (KEY_IS(kv, klen, "dirty") || KEY_IS(kv, klen, "flush-iova") ||
		   KEY_IS(kv, klen, "flush-size")) {
		if (ev->kind != NB_TR_DIRTY2)
			return bad(t, kv, "only on a dirty2 event");
		if (number(t, kv, eq, vlen, kv[0] == 'd' ? &ev->dirty : kv[6] == 'i' ? &ev->flush_iova : &ev->flush_size))
			return -EINVAL;
	} else if (KEY_IS(kv, klen, "hit")) {
		if (number(t, "hit", eq, vlen, &v) || v > 1)
			return bad(t, "hit", "must be 0 or 1");
		ev->hit = (int)v;
	} else {
		/* unknown keys are kept forward-compatible: the format may grow */
	}
	return 0;
}

/* What a byte is to the tokeniser: part of a field, a blank between
 * fields, or the end of the line's fields (its end, a comment). */
enum { CH_FIELD, CH_BLANK, CH_END };
static const unsigned char char_class[256] = {
	['\0'] = CH_END, ['#'] = CH_END, ['\r'] = CH_END, ['\n'] = CH_END,
	[' '] = CH_BLANK, ['\t'] = CH_BLANK,
};

/* The kind named by tok (len bytes), or NB_TR_KIND_COUNT: length and first
 * letter first (a strcmp call per name tried was a tenth of a parse). */
static int kind_of(const char *tok, size_t len)
{
	for (int k = 0; k < NB_TR_KIND_COUNT; k++)
		if (kinds[k].len == len && kinds[k].name[0] == tok[0] && memcmp(tok, kinds[k].name, len) == 0)
			return k;
	return NB_TR_KIND_COUNT;
}

/* The first byte from p on that is not CH_FIELD. Every other byte is at
 * most '#': one compare per byte, the table only where it stops (a table
 * look-up per byte was a quarter of a parse's own time). */
static char *field_end(char *p)
{
	for (;; p++) {
		while ((unsigned char)*p > '#')
			p++;
		if (char_class[(unsigned char)*p] != CH_FIELD)
			return p;
	}
}

/* Split line at blanks into tok[] and len[] (the line unchanged), up to its
 * first end byte: the count, or -1 with more than max fields. *stop: where
 * the fields ended. */
static int split(char *line, char **tok, size_t *len, int max, char **stop)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (char_class[(unsigned char)*p] == CH_BLANK)
			p++;
		if (char_class[(unsigned char)*p] == CH_END)
			break;
		if (n == max) {
			*stop = p;
			return -1;
		}
		tok[n] = p;
		p = field_end(p + 1);
		len[n] = (size_t)(p - tok[n]);
		n++;
		if (char_class[(unsigned char)*p] != CH_BLANK)
			break;
		p++;
	}
	*stop = p;
	return n;
}

/* gzgets' line had no '\n' that strchr saw (none, or a NUL before it);
 * last: the text ended there. */
static int no_newline(struct nb_trace *t, bool last)
{
	int err;

	gzerror(t->in.f, &err);
	/* the line ends where the compressed data does */
	if (err == Z_BUF_ERROR && (last || nb_text_gzgets_saw_end(t->path, t->line)))
		return truncated(t);
	if (!last)
		return bad(t, "line too long", "");
	return 0;
}

/* Every field zero, but hit (-1: unknown) and line: field by field (a
 * memset of the struct, or a compound literal, was rep stos: 7% of a parse).
 * A field added to nb_trace_event needs its line here: the size says so. */
_Static_assert(sizeof(struct nb_trace_event) == 160, "a new nb_trace_event field: start it in event_start");
static void event_start(struct nb_trace_event *ev, unsigned line)
{
	ev->time_ns = 0;
	ev->kind = 0;
	ev->sid = 0;
	ev->iova = ev->size = 0;
	ev->domain = 0;
	ev->prot = 0;
	ev->has_raw = false;
	memset(&ev->raw, 0, sizeof(ev->raw));
	memset(ev->op, 0, sizeof(ev->op));
	ev->hit = -1;
	ev->more = ev->live = ev->has_out = false;
	ev->out = ev->dirty = ev->flush_iova = ev->flush_size = 0;
	ev->version = 0;
	ev->line = line;
}

/* The end of the text, or a read error: the message gzgets' NULL got. */
static int text_end(struct nb_trace *t)
{
	int err;

	gzerror(t->in.f, &err);
	if (err == Z_BUF_ERROR)
		return truncated(t);
	if (err && err != Z_STREAM_END)
		return read_error(t->in.f, t->path, t->line);
	if (!t->header)
		return nb_fail(EINVAL, "%s: empty: expected the header 'nestbench-trace %d'", t->path, TRACE_VERSION);
	return 0;
}

/* The next line's fields (tok[i], len[i] bytes): 1 and their count in *n, 0 at
 * the end, or a negative errno. Most lines (fields up to a '\n' within
 * NB_TEXT_LINE_MAX bytes) are split where they lie, and split finds their end
 * too (text[end] is a NUL: it stops there at the latest); any other is
 * taken as gzgets took it (nb_text_line), and split again. */
static int line_fields(struct nb_trace *t, char **tok, size_t *len, int *n)
{
	char *s = t->in.text + t->in.pos, *stop;
	size_t line_len;
	bool last;
	int ret;

	*n = split(s, tok, len, MAX_FIELDS, &stop);
	if (*n >= 0 && *stop == '\n' && stop - s < NB_TEXT_LINE_MAX) {
		t->in.pos += (size_t)(stop - s) + 1;
		t->line++;
	} else {
		if (!(s = nb_text_line(&t->in, &line_len, &last)))
			return text_end(t);
		t->line++;
		if (s[line_len - 1] != '\n' && (ret = no_newline(t, last)))
			return ret;
		*n = split(s, tok, len, MAX_FIELDS, &stop);
		/* a NUL before the '\n' hid it from strchr: the line had none */
		if (*stop != '\n' && s[line_len - 1] == '\n' &&
		    memchr(stop, '\0', (size_t)(s + line_len - 1 - stop)))
			return no_newline(t, false);
		if (*n < 0)
			return bad(t, "too many fields", "");
	}
	return 1;
}

int nb_trace_next(struct nb_trace *t, struct nb_trace_event *ev)
{
	char *tok[MAX_FIELDS];
	size_t toklen[MAX_FIELDS];
	uint64_t v;
	int n, ntok, ret;

	for (;;) {
		if ((ret = line_fields(t, tok, toklen, &n)) <= 0)
			return ret;
		if (!n)
			continue;
		if (!t->header) {
			if (n != 2 || strcmp(cstr(tok[0], toklen[0]), "nestbench-trace") != 0)
				return bad(t, "expected the header", "nestbench-trace 1 or 2");
			if (nb_parse_u64(cstr(tok[1], toklen[1]), &v) || v < 1 || v > TRACE_VERSION)
				return bad(t, "unsupported trace version (this reader knows 1 and 2)", tok[1]);
			t->version = (unsigned)v;
			t->header = true;
			continue;
		}
		break;
	}
	ntok = n;
	if (ntok < 6)
		return bad(t, "expected TIME KIND SID IOVA SIZE DOMAIN", "");
	event_start(ev, t->line);
	if (number(t, "time", tok[0], toklen[0], &ev->time_ns))
		return -EINVAL;
	n = kind_of(tok[1], toklen[1]);
	if (n == NB_TR_KIND_COUNT)
		return bad(t, "unknown kind (map, unmap, dma, inv; version 2: map2, unmap2, dirty2)",
			   cstr(tok[1], toklen[1]));
	if (kind_since[n] > t->version)
		return bad(t, "this kind needs trace version 2 (header 'nestbench-trace 2')", cstr(tok[1], toklen[1]));
	ev->kind = (enum nb_trace_kind)n;
	ev->version = t->version;
	if (number(t, "sid", tok[2], toklen[2], &v))
		return -EINVAL;
	if (v > 0xffffffff)
		return bad(t, "sid", "above 32 bits");
	ev->sid = (uint32_t)v;
	if (number(t, "iova", tok[3], toklen[3], &ev->iova) || number(t, "size", tok[4], toklen[4], &ev->size) ||
	    number(t, "domain", tok[5], toklen[5], &v))
		return -EINVAL;
	if (v > 0xffffffff)
		return bad(t, "domain", "above 32 bits");
	ev->domain = (uint32_t)v;
	if ((ev->kind == NB_TR_MAP || ev->kind == NB_TR_UNMAP || ev->kind == NB_TR_MAP2 ||
	     ev->kind == NB_TR_UNMAP2) && !ev->size)
		return bad(t, "size", "a map or unmap of 0 bytes");
	if (ev->size && ev->iova + (ev->size - 1) < ev->iova) {
		char msg[96];

		snprintf(msg, sizeof(msg), "%#llx + %#llx wraps past 2^64",
			 (unsigned long long)ev->iova, (unsigned long long)ev->size);
		return bad(t, "iova/size", msg);
	}
	if (ev->time_ns < t->last_time) {
		char msg[96];

		snprintf(msg, sizeof(msg), "%llu goes backwards (the line before: %llu)",
			 (unsigned long long)ev->time_ns, (unsigned long long)t->last_time);
		return bad(t, "time", msg);
	}
	t->last_time = ev->time_ns;
	ev->prot = ev->kind == NB_TR_MAP ? NB_PROT_RW : NB_PROT_R;
	for (int i = 6; i < ntok; i++)
		if (extra(t, tok[i], toklen[i], ev))
			return -EINVAL;
	return 1;
}

int nb_trace_meta(const char *path, const char *key, char *out, size_t len)
{
	gzFile f = gzopen(path, "rb");
	size_t klen = strlen(key);
	char buf[1024];
	int found = 0;

	if (!f) {
		int err = errno ? errno : EIO;

		return nb_fail(err, "%s: %s", path, strerror(err));
	}
	/* the header line, then comments: stop at the first event */
	while (!found && gzgets(f, buf, sizeof(buf))) {
		char *p = buf;

		buf[strcspn(buf, "\r\n")] = '\0';
		if (strncmp(p, "nestbench-trace", 15) == 0 || !*p)
			continue;
		if (*p != '#')
			break;
		for (p++; *p == ' '; p++)
			;
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			for (p += klen + 1; *p == ' '; p++)
				;
			snprintf(out, len, "%s", p);
			found = 1;
		}
	}
	/* a read error is not "no such key" (fail-nth sweep: the replay then ran
	 * without the header's flush-on-map) */
	if (!found) {
		int err;

		gzerror(f, &err);
		if (err && err != Z_STREAM_END)
			found = read_error(f, path, 0);
	}
	gzclose(f);
	return found;
}
