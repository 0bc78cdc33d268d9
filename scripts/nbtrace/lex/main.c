// SPDX-License-Identifier: MIT
/*
 * nb-qemu-lex --vendor vtd|amd: a QEMU trace log on stdin, its events on stdout,
 * for scripts/nbtrace/qemu_lex.py (which feeds it what the reference would read:
 * plain or gunzipped text, a cut-short gzip's last partial line held back).
 *
 * Wire format (version 1), text lines then binary:
 *   nb-qemu-lex 1 STATUS LINE LINES EVENTS COUNTS TEXTS
 *       STATUS ok, bad (LINE's arguments do not parse: its text follows on one
 *       line) or python (LINE needs the reference lexer); LINES read in all
 *   ops NAME...            the op names an event's op index stands for ("-": none)
 *   COUNTS lines "N KEY"   the reference's counters (qemu_EVENT, qemu_other_lines,
 *                          qemu_decode_agree, qemu_decode_disagree), none zero
 *   TEXTS lines "I TEXT"   the comment text of note/fault event I
 *   tails BYTES            then BYTES of EVENTS lines: what nbtrace/writer.py's
 *                          Writer.qemu writes for each event after its time
 *                          (" dma ...", " inv ..."; a note or fault its whole
 *                          comment "# ..."; an IEC descriptor, which no trace
 *                          takes, an empty line)
 *   EVENTS x struct lex_event, native-endian 64-bit words (lex.h)
 * Exit status: 0 (whatever STATUS says), 1 out of memory or an I/O error (one
 * line on stderr), 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lex.h"

#define LEX_WIRE_VERSION 1
#define READ_CHUNK (1u << 20)

struct input {
	char *buf;
	size_t len, cap;
};

/* Read more of stdin after the len bytes kept: >0 read, 0 end, <0 -errno. */
static ssize_t read_more(struct input *in)
{
	if (in->cap - in->len < READ_CHUNK) {
		size_t cap = in->cap ? 2 * in->cap : 4 * READ_CHUNK;
		char *b = realloc(in->buf, cap);
		if (!b)
			return -ENOMEM;
		in->buf = b;
		in->cap = cap;
	}
	for (;;) {
		ssize_t n = read(0, in->buf + in->len, in->cap - in->len);
		if (n >= 0 || errno != EINTR)
			return n < 0 ? -errno : n;
	}
}

struct result {
	enum lex_verdict status;
	size_t line, lines;
	char *bad_text;
	char *tails; /* the trace lines' tails, one per event (tails.c) */
	size_t tail_bytes;
};

static int stop_at(struct result *r, enum lex_verdict v, size_t lineno, const char *s, size_t len)
{
	r->status = v;
	r->line = lineno;
	if (v == LEX_BAD) {
		r->bad_text = strndup(s, len);
		if (!r->bad_text)
			return -ENOMEM;
	}
	return 0;
}

/* Lex every line of stdin until the first that stops the lexer; read to the end
 * either way (the writer of the pipe is not cut short). 0 or -errno. */
static int lex_input(struct lexer *lx, struct result *r)
{
	struct input in = { 0 };
	size_t start = 0;
	bool eof = false;
	int err = 0;
	while (!eof) {
		ssize_t n = read_more(&in);
		if (n < 0) {
			err = (int)n;
			break;
		}
		in.len += (size_t)n;
		eof = n == 0;
		for (;;) {
			char *nl = memchr(in.buf + start, '\n', in.len - start);
			size_t len = nl ? (size_t)(nl - in.buf) - start : in.len - start;
			if (!nl && (!eof || len == 0))
				break;
			r->lines++;
			if (r->status == LEX_OK) {
				enum lex_verdict v = lexer_line(lx, in.buf + start, len);
				if (v != LEX_OK && (err = stop_at(r, v, r->lines, in.buf + start, len)))
					goto out;
				if (lx->oom) {
					err = -ENOMEM;
					goto out;
				}
			}
			start += len + (nl ? 1 : 0);
		}
		memmove(in.buf, in.buf + start, in.len - start);
		in.len -= start;
		start = 0;
	}
out:
	free(in.buf);
	return err;
}

static void write_result(FILE *f, const struct lexer *lx, const struct result *r)
{
	static const char *const status[] = { [LEX_OK] = "ok", [LEX_BAD] = "bad", [LEX_PYTHON] = "python" };
	bool ok = r->status == LEX_OK;
	size_t ncounts = ok ? lx->ncounts + !!lx->other_lines + !!lx->decode_agree + !!lx->decode_disagree : 0;
	fprintf(f, "nb-qemu-lex %d %s %zu %zu %zu %zu %zu\n", LEX_WIRE_VERSION, status[r->status], r->line,
		r->lines, ok ? lx->nev : 0, ncounts, ok ? lx->ntexts : 0);
	if (r->status == LEX_BAD)
		fprintf(f, "%s\n", r->bad_text);
	fputs("ops", f);
	for (size_t i = 0; i < OP_COUNT; i++)
		fprintf(f, " %s", i == OP_NONE ? "-" : lex_op_names[i]);
	fputc('\n', f);
	if (!ok)
		return;
	for (size_t i = 0; i < lx->cap_counts; i++)
		if (lx->counts[i].key)
			fprintf(f, "%llu %s\n", (unsigned long long)lx->counts[i].n, lx->counts[i].key);
	if (lx->other_lines)
		fprintf(f, "%llu qemu_other_lines\n", (unsigned long long)lx->other_lines);
	if (lx->decode_agree)
		fprintf(f, "%llu qemu_decode_agree\n", (unsigned long long)lx->decode_agree);
	if (lx->decode_disagree)
		fprintf(f, "%llu qemu_decode_disagree\n", (unsigned long long)lx->decode_disagree);
	for (size_t i = 0; i < lx->ntexts; i++)
		fprintf(f, "%zu %s\n", lx->texts[i].event, lx->texts[i].text);
	fprintf(f, "tails %zu\n", r->tail_bytes);
	fwrite(r->tails, 1, r->tail_bytes, f);
	fwrite(lx->ev, sizeof(*lx->ev), lx->nev, f);
}

static int usage(FILE *f, int status)
{
	fputs("usage: nb-qemu-lex --vendor vtd|amd  < QEMU-LOG > EVENTS\n"
	      "The QEMU trace log lexer of scripts/nb_trace_convert.py (scripts/nbtrace/lex/main.c\n"
	      "describes what it writes). Exit status: 0 lexed (or stopped at a line, as written),\n"
	      "1 out of memory or an I/O error, 2 usage.\n", f);
	return status;
}

int main(int argc, char **argv)
{
	struct lexer lx;
	struct result r = { .status = LEX_OK };
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return usage(stdout, 0);
	if (argc != 3 || strcmp(argv[1], "--vendor"))
		return usage(stderr, 2);
	int err = lexer_init(&lx, argv[2]);
	if (err == -EINVAL) {
		fprintf(stderr, "nb-qemu-lex: --vendor %s: not vtd or amd\n", argv[2]);
		return 2;
	}
	if (!err)
		err = lex_input(&lx, &r);
	if (!err) {
		lexer_finish(&lx);
		if (r.status == LEX_OK)
			err = lex_tails(&lx, &r.tails, &r.tail_bytes);
	}
	if (!err) {
		write_result(stdout, &lx, &r);
		if (fflush(stdout) || ferror(stdout))
			err = errno ? -errno : -EIO;
	}
	if (err)
		fprintf(stderr, "nb-qemu-lex: %s after %zu lines: %s\n", err == -ENOMEM ? "out of memory" : "stdin/stdout",
			r.lines, strerror(-err));
	free(r.bad_text);
	free(r.tails);
	lexer_fini(&lx);
	return err ? 1 : 0;
}
