// SPDX-License-Identifier: MIT
/*
 * How the trace reader cuts text into lines, where test_trace does not look:
 * the longest line (1022 characters and its '\n': what a 1024-byte gzgets
 * buffer held; docs/trace-format.md, src/trace/reader.c LINE_BYTES_MAX), at
 * the end without a '\n' too, and across zlib's 16 KiB pieces of a gzip
 * file; a NUL byte in a line (docs/bad-input.md: "line too long"); numbers
 * the reader parses itself next to those it leaves to nb_parse_u64; blank,
 * blank-only, comment and CRLF lines between events; a gzip file of two
 * members; where a damaged or cut gzip file stops (the lines before the
 * piece zlib could not inflate, and the line in the message), one member or
 * several; a folder instead of a file. Each expected value is written out by hand below.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "nb_test.h"
#include "nestbench/trace.h"

struct outcome {
	int rc;			/* the last nb_trace_next (or nb_trace_open) */
	unsigned events;
	unsigned last_line;	/* of the last event */
	uint64_t last_time;
	char msg[600];
};

static void write_text(const char *path, const char *text, size_t len, bool gz)
{
	if (gz) {
		gzFile f = gzopen(path, "wb");

		CHECK(f && gzwrite(f, text, (unsigned)len) == (int)len && gzclose(f) == Z_OK, "write %s", path);
	} else {
		FILE *f = fopen(path, "wb");

		CHECK(f && fwrite(text, 1, len, f) == len && fclose(f) == 0, "write %s", path);
	}
}

static struct outcome read_all(const char *path)
{
	struct outcome o = { 0 };
	struct nb_trace_event ev;
	struct nb_trace *t;

	if ((o.rc = nb_trace_open(&t, path))) {
		snprintf(o.msg, sizeof(o.msg), "%s", nb_errmsg());
		return o;
	}
	while ((o.rc = nb_trace_next(t, &ev)) == 1) {
		o.events++;
		o.last_line = ev.line;
		o.last_time = ev.time_ns;
	}
	if (o.rc < 0)
		snprintf(o.msg, sizeof(o.msg), "%s", nb_errmsg());
	nb_trace_close(t);
	return o;
}

/* head + a line of len characters + tail: a comment ('#' and 'c's), or an
 * event (time 5) and blanks */
static char *with_line(const char *head, size_t len, bool event, const char *tail)
{
	static const char fields[] = "5 dma 0x1 0x1000 4 1";
	size_t h = strlen(head), n = h + len + strlen(tail) + 1;
	char *s = malloc(n);

	memcpy(s, head, h);
	if (event) {
		memset(s + h, ' ', len);
		memcpy(s + h, fields, sizeof(fields) - 1);
	} else {
		s[h] = '#';
		memset(s + h + 1, 'c', len - 1);
	}
	strcpy(s + h + len, tail);
	return s;
}

/* 1022 characters and a '\n' is the longest line; 1023 is too long, also at
 * the end without a '\n' (gzgets filled its buffer before it saw the end). */
static void longest_line(bool gz)
{
	static const char *head = "nestbench-trace 1\n", *path = "lines.trace";
	static const struct {
		size_t len;
		bool event; /* the long line: an event and blanks, or a comment */
		const char *tail;
		int rc; /* the last nb_trace_next */
		unsigned events;
		const char *msg;
	} cases[] = {
		{ 1022, false, "\n7 dma 0x1 0x1000 4 1\n", 0, 1, NULL },
		{ 1023, false, "\n7 dma 0x1 0x1000 4 1\n", -EINVAL, 0, "lines.trace:2: line too long" },
		{ 1500, false, "\n7 dma 0x1 0x1000 4 1\n", -EINVAL, 0, "lines.trace:2: line too long" },
		{ 1022, false, "", 0, 0, NULL }, /* the last line, no '\n' */
		{ 1023, false, "", -EINVAL, 0, "lines.trace:2: line too long" },
		{ 1022, true, "\n7 dma 0x1 0x1000 4 1\n", 0, 2, NULL },
		{ 1023, true, "\n7 dma 0x1 0x1000 4 1\n", -EINVAL, 0, "lines.trace:2: line too long" },
	};

	for (size_t i = 0; i < NB_ARRAY_SIZE(cases); i++) {
		char *text = with_line(head, cases[i].len, cases[i].event, cases[i].tail);
		struct outcome o;

		write_text(path, text, strlen(text), gz);
		o = read_all(path);
		CHECK(o.rc == cases[i].rc, "%s case %zu: rc %d: %s", gz ? "gz" : "plain", i,
		      o.rc, o.msg);
		CHECK_EQ(o.events, cases[i].events, "%s case %zu: events", gz ? "gz" : "plain", i);
		if (cases[i].events)
			CHECK(o.last_line == 3 && o.last_time == 7, "%s case %zu: the event after it is line 3: %u",
			      gz ? "gz" : "plain", i, o.last_line);
		if (cases[i].msg)
			CHECK(strcmp(o.msg, cases[i].msg) == 0, "%s case %zu: '%s'", gz ? "gz" : "plain", i, o.msg);
		free(text);
	}
	remove(path);
}

/* 64-byte lines: line k (1-based) holds bytes [64(k-1), 64k) of the text. */
static void line64(char *at, unsigned line)
{
	/* "TIME dma 0x10 IOVA 4 1" padded with blanks to 63, then '\n' */
	int n = snprintf(at, 65, "%u dma 0x10 0x%x 4 1", line, line << 12);

	memset(at + n, ' ', (size_t)(63 - n));
	at[63] = '\n';
}

static char *text64(unsigned lines)
{
	char *s = malloc((size_t)lines * 64 + 1);

	memset(s, ' ', 64);
	memcpy(s, "nestbench-trace 1", 17);
	s[63] = '\n';
	for (unsigned k = 2; k <= lines; k++)
		line64(s + (size_t)(k - 1) * 64, k);
	s[(size_t)lines * 64] = '\0';
	return s;
}

/* A 1022-character line across the first 16 KiB piece's end (bytes 16000 to
 * 17022), the 64-byte lines after it shifted by 1023: every event read,
 * with its line. */
static void across_pieces(void)
{
	char *text = text64(400), *s = malloc(400 * 64 + 1024 + 1);
	struct outcome o;

	/* lines 1..250 end at byte 16000; then the long line (251); then lines
	 * 252.. hold what lines 251..400 held (their times are their old lines) */
	memcpy(s, text, 250 * 64);
	s[16000] = '#';
	memset(s + 16001, 'c', 1021);
	s[17022] = '\n';
	memcpy(s + 17023, text + 250 * 64, 150 * 64 + 1);
	for (int gz = 0; gz < 2; gz++) {
		write_text("pieces.trace", s, strlen(s), gz);
		o = read_all("pieces.trace");
		CHECK(o.rc == 0, "%s: %s", gz ? "gz" : "plain", o.msg);
		CHECK_EQ(o.events, 399, "%s: 249 events before the long line, 150 after", gz ? "gz" : "plain");
		CHECK(o.last_line == 401 && o.last_time == 400, "%s: the last event is line 401 (time 400): %u",
		      gz ? "gz" : "plain", o.last_line);
	}
	remove("pieces.trace");
	free(s);
	free(text);
}

/* docs/bad-input.md: a NUL in a line gives "line too long". */
static void nul_byte(void)
{
	static const char text[] = "nestbench-trace 1\n1 dma 0x1 0x1000 4 1\n2 dma 0x1 0x1000\0 4 1\n3 dma 0x1 0x1000 4 1\n";

	for (int gz = 0; gz < 2; gz++) {
		struct outcome o;

		write_text("nul.trace", text, sizeof(text) - 1, gz);
		o = read_all("nul.trace");
		CHECK(o.rc == -EINVAL && o.events == 1 && strcmp(o.msg, "nul.trace:3: line too long") == 0,
		      "%s: %d after %u events: '%s'", gz ? "gz" : "plain", o.rc, o.events, o.msg);
	}
	remove("nul.trace");
}

/* Lines without fields are skipped but counted; '#' starts a comment, after
 * a blank or right after a field (docs/trace-format.md). */
static void empty_lines(void)
{
	static const char text[] = "\n# before the header\r\n \t \nnestbench-trace 1 # v1\r\n"
				   "\n"
				   "10 dma 0x1 0x1000 4 1\r\n"
				   "   \r\n"
				   "# a comment\n"
				   "\t# an indented comment\r\n"
				   "11 map 0x1 0x2000 4096 1 # after the fields\n"
				   "12 unmap 0x1 0x2000 4096 1#no blank before\n"
				   "13 dma 0x1 0x3000 4 7 hit=1#\n"
				   "14 unmap 0x1 0x2000 4096 1";
	struct outcome o;

	write_text("empty.trace", text, sizeof(text) - 1, false);
	o = read_all("empty.trace");
	CHECK(o.rc == 0 && o.events == 5, "%d, %u events: %s", o.rc, o.events, o.msg);
	CHECK(o.last_line == 13 && o.last_time == 14, "the last event is line 13: %u", o.last_line);
	{ /* the fields before a '#' with no blank */
		struct nb_trace_event ev;
		struct nb_trace *t;
		int rc = 0;

		CHECK(nb_trace_open(&t, "empty.trace") == 0, "open");
		while ((rc = nb_trace_next(t, &ev)) == 1 && ev.time_ns != 13)
			;
		CHECK(rc == 1 && ev.domain == 7 && ev.hit == 1, "13 dma ... 7 hit=1#: domain %u hit %d", ev.domain, ev.hit);
		nb_trace_close(t);
	}
	write_text("empty.trace", "\n# nothing\n \n", 13, false);
	o = read_all("empty.trace");
	CHECK(o.rc == -EINVAL && strcmp(o.msg, "empty.trace: empty: expected the header 'nestbench-trace 2'") == 0,
	      "comments only: %d '%s'", o.rc, o.msg);
	remove("empty.trace");
}

/* Two gzip members (gzopen "ab" adds one) read as one text. */
static void two_members(void)
{
	gzFile f;
	struct outcome o;

	write_text("members.trace.gz", "nestbench-trace 1\n1 dma 0x1 0x1000 4 1\n", 39, true);
	f = gzopen("members.trace.gz", "ab");
	CHECK(f && gzputs(f, "2 dma 0x1 0x1000 4 1\n3 dma 0x1 0x1000 4 1\n") > 0 && gzclose(f) == Z_OK, "append");
	o = read_all("members.trace.gz");
	CHECK(o.rc == 0 && o.events == 3 && o.last_line == 4, "%d, %u events, last line %u: %s", o.rc, o.events,
	      o.last_line, o.msg);
	remove("members.trace.gz");
}

/* A damaged gzip file: its check values are tested at its end, when zlib
 * inflates the last 16 KiB piece (zlib gzread.c: gz_fetch fills a buffer of
 * twice gzbuffer's 8192 bytes), so that piece is lost, and the whole lines
 * before it are read: the header (64 bytes), a comment (32), then 64-byte
 * event lines, of which 1278 end by byte 81920 = 5 x 16384 (96 + 1278 x 64
 * = 81888; line 1281 is cut there): the error names line 1280, after 1278
 * events. */
static void damaged(void)
{
	static const struct {
		int from_end; /* the trailer: CRC-32 (8..5 from the end), length (4..1) */
		const char *why;
	} cases[] = { { 8, "incorrect data check" }, { 2, "incorrect length check" } };
	char *text = text64(1400), *with_comment = malloc(1400 * 64 + 32);
	static char buf[1 << 20];

	memcpy(with_comment, text, 64);
	memcpy(with_comment + 64, "# a comment of thirty-two bytes\n", 32);
	memcpy(with_comment + 96, text + 64, 1399 * 64);
	for (size_t i = 0; i < NB_ARRAY_SIZE(cases); i++) {
		char want[200];
		struct outcome o;
		size_t n;
		FILE *f;

		write_text("damaged.trace.gz", with_comment, 1400 * 64 + 32, true);
		f = fopen("damaged.trace.gz", "rb");
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		buf[n - (size_t)cases[i].from_end] ^= 1;
		write_text("damaged.trace.gz", buf, n, false);
		o = read_all("damaged.trace.gz");
		snprintf(want, sizeof(want), "damaged.trace.gz:1280: read error (corrupt gzip?): damaged.trace.gz: %s",
			 cases[i].why);
		CHECK(o.rc == -EIO && o.events == 1278 && strcmp(o.msg, want) == 0, "%s: %d after %u events: '%s'",
		      cases[i].why, o.rc, o.events, o.msg);
	}
	remove("damaged.trace.gz");
	free(with_comment);
	free(text);
}

/* Numbers: decimal of 1..19 digits and 0x hex of 1..16 the reader takes
 * itself, 8 digits at a time; every other form goes to nb_parse_u64, which
 * takes suffixes and longer forms and words the refusals (src/util/parse.c). */
static void numbers(void)
{
	static const struct {
		const char *line;
		uint64_t time, iova, size;
		const char *msg;
	} cases[] = {
		{ "1234567812345678 dma 0x1 0x0123456789abcdef 4 1", 1234567812345678ull, 0x0123456789abcdefull, 4, NULL },
		{ "9 dma 0x1 0xFfFfFfFf 4K 1", 9, 0xffffffffull, 4096, NULL },
		{ "12345678901234567890 dma 0x1 0x00000000000000001 4 1", 12345678901234567890ull, 1, 4, NULL },
		{ "1234567? dma 0x1 0x1000 4 1", 0, 0, 0,
		  "numbers.trace:2: time: '1234567?': unknown suffix '?' (use K, M, G, T)" },
		{ "12345678: dma 0x1 0x1000 4 1", 0, 0, 0,
		  "numbers.trace:2: time: '12345678:': unknown suffix ':' (use K, M, G, T)" },
		{ "1 dma 0x1 0x12g4 4 1", 0, 0, 0, "numbers.trace:2: iova: '0x12g4': unknown suffix 'g4' (use K, M, G, T)" },
		{ "1 dma 0x 0x1000 4 1", 0, 0, 0, "numbers.trace:2: sid: '0x' is not a number" },
		{ "1 dma 0x1 0x1000 4 1 w0=0x1:", 0, 0, 0, "numbers.trace:2: w0: '0x1:': unknown suffix ':' (use K, M, G, T)" },
	};

	for (size_t i = 0; i < NB_ARRAY_SIZE(cases); i++) {
		char text[200];
		struct nb_trace_event ev;
		struct nb_trace *t;
		int rc;

		snprintf(text, sizeof(text), "nestbench-trace 1\n%s\n", cases[i].line);
		write_text("numbers.trace", text, strlen(text), false);
		CHECK(nb_trace_open(&t, "numbers.trace") == 0, "open");
		rc = nb_trace_next(t, &ev);
		if (cases[i].msg)
			CHECK(rc == -EINVAL && strcmp(nb_errmsg(), cases[i].msg) == 0, "case %zu: %d '%s'", i, rc,
			      nb_errmsg());
		else
			CHECK(rc == 1 && ev.time_ns == cases[i].time && ev.iova == cases[i].iova &&
				      ev.size == cases[i].size,
			      "case %zu: %d: %llu %#llx %llu", i, rc, (unsigned long long)ev.time_ns,
			      (unsigned long long)ev.iova, (unsigned long long)ev.size);
		nb_trace_close(t);
	}
	remove("numbers.trace");
}

/* gzip bytes of text (one member) */
static size_t gzip_of(const char *text, size_t len, char *out, size_t cap)
{
	size_t n;
	FILE *f;

	write_text("member.gz", text, len, true);
	f = fopen("member.gz", "rb");
	n = fread(out, 1, cap, f);
	fclose(f);
	remove("member.gz");
	return n;
}

/* Two members, the second damaged: zlib inflates the first (100 lines of 64
 * bytes, under one piece) and fails on the second, so the lines of the first
 * are read and the error names line 100. */
static void damaged_member(void)
{
	char *text = text64(200), buf[65536];
	size_t n = gzip_of(text, 100 * 64, buf, sizeof(buf));
	struct outcome o;

	n += gzip_of(text + 100 * 64, 100 * 64, buf + n, sizeof(buf) - n);
	buf[n - 8] ^= 1; /* the second member's CRC-32 */
	write_text("members.trace.gz", buf, n, false);
	o = read_all("members.trace.gz");
	CHECK(o.rc == -EIO && o.events == 99 &&
		      strcmp(o.msg, "members.trace.gz:100: read error (corrupt gzip?): members.trace.gz: incorrect data check") == 0,
	      "%d after %u events: '%s'", o.rc, o.events, o.msg);
	remove("members.trace.gz");
	free(text);
}

/* A NUL line in a first member, a second member cut short: zlib saw the cut
 * only once it inflated the second member, after that line was read, so
 * the line is "too long" (docs/bad-input.md), not "truncated". */
static void nul_before_cut(void)
{
	static const char first[] = "nestbench-trace 1\n1 dma 0x1 0x1000 4 1\n2 dma\0 0x1 0x1000 4 1\n";
	char *text = text64(100), buf[65536];
	size_t n = gzip_of(first, sizeof(first) - 1, buf, sizeof(buf)), second;
	struct outcome o;

	second = gzip_of(text + 64, 99 * 64, buf + n, sizeof(buf) - n);
	write_text("cutmember.trace.gz", buf, n + second / 2, false);
	o = read_all("cutmember.trace.gz");
	CHECK(o.rc == -EINVAL && o.events == 1 && strcmp(o.msg, "cutmember.trace.gz:3: line too long") == 0,
	      "%d after %u events: '%s'", o.rc, o.events, o.msg);
	remove("cutmember.trace.gz");
	free(text);
}

/* A gzip file cut where a full flush left it decodable: the lines before
 * the cut are read; the message names the line after the last line read,
 * whole (4: line 5) or cut (line 4, "3 dma 0x1": line 5 too). */
static void cut_short(void)
{
	static const struct {
		const char *before, *after;
		unsigned events;
	} cases[] = {
		{ "nestbench-trace 1\n1 dma 0x1 0x1000 4 1\n2 dma 0x1 0x1000 4 1\n3 dma 0x1 0x1000 4 1\n",
		  "4 dma 0x1 0x1000 4 1\n", 3 },
		{ "nestbench-trace 1\n1 dma 0x1 0x1000 4 1\n2 dma 0x1 0x1000 4 1\n3 dma 0x1", " 0x1000 4 1\n", 2 },
	};

	for (size_t i = 0; i < NB_ARRAY_SIZE(cases); i++) {
		gzFile g = gzopen("cut.trace.gz", "wb");
		char buf[4096];
		struct outcome o;
		z_off_t at;
		size_t n;
		FILE *f;

		CHECK(g && gzputs(g, cases[i].before) > 0 && gzflush(g, Z_FULL_FLUSH) == Z_OK, "write");
		at = gzoffset(g);
		gzputs(g, cases[i].after);
		gzclose(g);
		f = fopen("cut.trace.gz", "rb");
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		CHECK(at > 0 && (size_t)at < n, "the flush point %ld of %zu bytes", (long)at, n);
		write_text("cut.trace.gz", buf, (size_t)at, false);
		o = read_all("cut.trace.gz");
		CHECK(o.rc == -EIO && o.events == cases[i].events &&
			      strcmp(o.msg, "cut.trace.gz:5: truncated: the gzip data ends in the middle (a copy cut short?)") == 0,
		      "case %zu: %d after %u events: '%s'", i, o.rc, o.events, o.msg);
	}
	remove("cut.trace.gz");
}

/* Every cut of a gzip trace after its 10-byte header is "truncated"
 * (docs/bad-input.md), whatever zlib had inflated when the input ran out:
 * among the cuts is one where the input ends as a 16 KiB piece fills. */
static void every_cut(void)
{
	char *text = text64(600), *buf = malloc(1 << 20);
	size_t n = gzip_of(text, 600 * 64, buf, 1 << 20);
	unsigned wrong = 0;

	for (size_t cut = 10; cut < n; cut++) {
		struct outcome o;

		write_text("everycut.trace.gz", buf, cut, false);
		o = read_all("everycut.trace.gz");
		if (o.rc != -EIO || !strstr(o.msg, ": truncated: the gzip data ends in the middle")) {
			if (!wrong++)
				CHECK(false, "cut at %zu of %zu bytes: %d '%s'", cut, n, o.rc, o.msg);
		}
	}
	CHECK_EQ(wrong, 0, "cuts of %zu gzip bytes not read as truncated", n);
	remove("everycut.trace.gz");
	free(buf);
	free(text);
}

/* A folder opens (gzopen) and fails at its first read, named. */
static void folder(void)
{
	struct outcome o;

	mkdir("folder.trace", 0755);
	o = read_all("folder.trace");
	CHECK(o.rc == -EIO && strcmp(o.msg, "folder.trace: read error (corrupt gzip?): folder.trace: Is a directory") == 0,
	      "%d '%s'", o.rc, o.msg);
	rmdir("folder.trace");
}

int main(void)
{
	longest_line(false);
	longest_line(true);
	across_pieces();
	nul_byte();
	numbers();
	empty_lines();
	two_members();
	damaged();
	damaged_member();
	nul_before_cut();
	cut_short();
	every_cut();
	folder();
	return nbt_done("test_trace_lines");
}
