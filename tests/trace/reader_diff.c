// SPDX-License-Identifier: MIT
/*
 * The trace reader against an earlier one (a reference: another revision's
 * src/trace/reader.c, its functions renamed ref_trace_*), input by input:
 * every return code, every field of every event (op: all its 32 bytes),
 * every error message, and reading on after an
 * error (up to 4 of them) as a caller could; nb_trace_meta of a key there
 * and one not. Not a ctest: it needs two revisions (tests/trace/reader_diff.sh
 * builds it). Inputs: the files and folders named (recursively), then, with
 * --generate N, N inputs of each generated kind below, plain and gzip:
 *
 *   - random traces: events of every kind and key, comments, blank lines,
 *     blanks of both kinds, CRLF, lines of 1015..1030 bytes around gzgets'
 *     1023-byte limit, lines straddling zlib's 16 KiB pieces;
 *   - the same with random damage: NUL, '\n', '\r', '#', blanks inserted,
 *     bytes deleted, runs repeated (long lines), a last line without '\n';
 *   - gzip cut at a random byte (truncated), a byte flipped (corrupt data, a
 *     wrong CRC or length), several members, trailing garbage, a damaged
 *     member after good ones.
 *
 * --verbose: each input's first error. --tmp DIR: where the generated inputs are written (default: here).
 * Exit 0 if every input read the same, 1 at the first difference (printed).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "nestbench/trace.h"

struct nb_trace;
int ref_trace_open(struct nb_trace **out, const char *path);
int ref_trace_next(struct nb_trace *t, struct nb_trace_event *ev);
void ref_trace_close(struct nb_trace *t);
int ref_trace_meta(const char *path, const char *key, char *out, size_t len);

static unsigned long long inputs, events, errors, metas;
static bool verbose;

static void fail(const char *path, const char *what)
{
	fprintf(stderr, "reader_diff: %s: %s\n", path, what);
	exit(1);
}

static void same_meta(const char *path, const char *key)
{
	char a[256] = "", b[256] = "", ma[400], mb[400];
	int ra = nb_trace_meta(path, key, a, sizeof(a));

	snprintf(ma, sizeof(ma), "%s", ra < 0 ? nb_errmsg() : "");
	int rb = ref_trace_meta(path, key, b, sizeof(b));

	snprintf(mb, sizeof(mb), "%s", rb < 0 ? nb_errmsg() : "");
	if (ra != rb || strcmp(a, b) || strcmp(ma, mb)) {
		fprintf(stderr, "meta %s: %d '%s' '%s' vs %d '%s' '%s'\n", key, ra, a, ma, rb, b, mb);
		fail(path, "nb_trace_meta differs");
	}
	metas++;
}

/* Every field (not the padding between them); op as its 32 bytes. */
static bool same_event(const struct nb_trace_event *a, const struct nb_trace_event *b)
{
	return a->time_ns == b->time_ns && a->kind == b->kind && a->sid == b->sid && a->iova == b->iova &&
	       a->size == b->size && a->domain == b->domain && a->prot == b->prot && a->has_raw == b->has_raw &&
	       !memcmp(&a->raw, &b->raw, sizeof(a->raw)) && !memcmp(a->op, b->op, sizeof(a->op)) &&
	       a->hit == b->hit && a->more == b->more && a->live == b->live && a->has_out == b->has_out &&
	       a->out == b->out && a->dirty == b->dirty && a->flush_iova == b->flush_iova &&
	       a->flush_size == b->flush_size && a->version == b->version && a->line == b->line;
}

static void compare(const char *path)
{
	struct nb_trace *a = NULL, *b = NULL;
	struct nb_trace_event ea, eb;
	char ma[700], mb[700];
	int ra, rb, errs = 0;

	ra = nb_trace_open(&a, path);
	snprintf(ma, sizeof(ma), "%s", ra ? nb_errmsg() : "");
	rb = ref_trace_open(&b, path);
	snprintf(mb, sizeof(mb), "%s", rb ? nb_errmsg() : "");
	if (ra != rb || strcmp(ma, mb))
		fail(path, "open differs");
	inputs++;
	if (ra) {
		errors++;
		return;
	}
	for (;;) {
		nb_errclear();
		ra = nb_trace_next(a, &ea);
		snprintf(ma, sizeof(ma), "%s", ra < 0 ? nb_errmsg() : "");
		nb_errclear();
		rb = ref_trace_next(b, &eb);
		snprintf(mb, sizeof(mb), "%s", rb < 0 ? nb_errmsg() : "");
		if (ra != rb || strcmp(ma, mb)) {
			fprintf(stderr, "new: %d '%s'\nref: %d '%s'\n", ra, ma, rb, mb);
			fail(path, "a return or a message differs");
		}
		if (ra == 1) {
			if (!same_event(&ea, &eb))
				fail(path, "an event differs");
			events++;
			continue;
		}
		if (ra == 0)
			break;
		errors++;
		if (verbose && !errs)
			printf("%s: %s\n", path, ma);
		if (++errs == 4)
			break;
	}
	nb_trace_close(a);
	ref_trace_close(b);
	same_meta(path, "flush-on-map");
	same_meta(path, "no-such-key");
}

static void walk(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		compare(path);
		return;
	}
	if (!(d = opendir(path)))
		fail(path, strerror(errno));
	while ((e = readdir(d))) {
		char sub[4096];

		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		walk(sub);
	}
	closedir(d);
}

/* ---- generated inputs ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)(rng % n) : 0;
}

struct text {
	char *b;
	size_t n, cap;
};

static void room(struct text *t, size_t n)
{
	if (t->n + n > t->cap) {
		t->cap = (t->n + n) * 2 + 4096;
		t->b = realloc(t->b, t->cap);
		if (!t->b)
			fail("generate", "out of memory");
	}
}

static void put(struct text *t, const void *p, size_t n)
{
	room(t, n);
	memcpy(t->b + t->n, p, n);
	t->n += n;
}

static void putf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct text *t, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(t, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static const char *blank(void)
{
	static const char *const b[] = { " ", " ", " ", "\t", "  ", " \t" };

	return b[rnd(6)];
}

static void number(struct text *t, uint64_t v)
{
	switch (rnd(8)) {
	case 0:
		putf(t, "0X%llX", (unsigned long long)v);
		break;
	case 1:
	case 2:
		putf(t, "%llu", (unsigned long long)v);
		break;
	case 3: /* with a suffix: nb_parse_u64's way */
		if (v && !(v & 1023)) {
			putf(t, "%lluK", (unsigned long long)(v >> 10));
			break;
		}
		/* fall through */
	default:
		putf(t, "0x%llx", (unsigned long long)v);
	}
}

/* '\n', or '\r\n' once in crlf_in */
static void line_end(struct text *t, uint32_t crlf_in)
{
	if (rnd(crlf_in))
		put(t, "\n", 1);
	else
		put(t, "\r\n", 2);
}

/* A random trace: good events, now and then (1 line in 3000) one the reader refuses. */
static void random_trace(struct text *t)
{
	static const char *const kinds[] = { "map", "unmap", "dma", "inv", "map2", "unmap2", "dirty2" };
	static const char *const keys[] = { "prot=rw", "access=r", "hit=1", "hit=0", "op=IOTLB_PSI", "w0=0x12",
					    "w1=0x100001", "w2=0", "w3=0x3", "more=1", "live=1", "out=0x9000",
					    "new=x", "prot=r", "op=", "op=WAIT" };
	static const char *const dirty_keys[] = { "dirty=3", "flush-iova=0x1000", "flush-size=4096" };
	static const char *const bad[] = { "mapx", "dma hit=2", "map2 dirty=1", "prot=q", "nokey", "w0=0xg" };
	unsigned lines = 50 + rnd(rnd(4) ? 600 : 6000);
	uint64_t time = rnd(1000);

	putf(t, "%snestbench-trace %u%s", rnd(10) ? "" : "# c\n", 2, rnd(8) ? "\n" : " # h\r\n");
	for (unsigned i = 0; i < lines; i++) {
		unsigned r = rnd(100), kind = rnd(NB_ARRAY_SIZE(kinds));
		bool wrong = rnd(3000) == 0;

		if (r < 4) {
			line_end(t, 2);
			continue;
		}
		if (r < 8) { /* a comment of 1015..1022 bytes (1023..1030: too long), or a short one */
			unsigned n = rnd(2) ? 1015 + rnd(wrong ? 16 : 8) : rnd(80);

			put(t, "#", 1);
			for (unsigned k = 1; k < n; k++)
				put(t, &"abcdefgh"[rnd(8)], 1);
			put(t, "\n", 1);
			continue;
		}
		time += rnd(3) ? rnd(5000) : 0;
		if (wrong && time > 10)
			time -= 10; /* backwards, or one of bad[] */
		if (rnd(20) == 0)
			put(t, blank(), strlen(blank()));
		number(t, time);
		putf(t, "%s%s%s", blank(), kinds[kind], blank());
		number(t, wrong && rnd(2) ? (uint64_t)1 << 32 : rnd(0x100));
		put(t, blank(), 1);
		number(t, (uint64_t)rnd(1u << 20) << 12);
		put(t, blank(), 1);
		number(t, 4096u << rnd(4));
		put(t, blank(), 1);
		number(t, rnd(16));
		for (unsigned k = rnd(4); k; k--)
			putf(t, "%s%s", blank(), kinds[kind][0] == 'd' && kinds[kind][1] == 'i' ?
					 dirty_keys[rnd(NB_ARRAY_SIZE(dirty_keys))] : keys[rnd(NB_ARRAY_SIZE(keys))]);
		if (wrong && rnd(2))
			putf(t, " %s", bad[rnd(NB_ARRAY_SIZE(bad))]);
		if (rnd(30) == 0)
			putf(t, " # note");
		line_end(t, 25);
	}
}

static void damage(struct text *t)
{
	static const char ins[] = { '\0', '\n', '\r', '#', ' ', '\t', 'x', '0', '=', '\x1f' };

	for (unsigned k = 1 + rnd(6); k && t->n > 2; k--) {
		size_t at = rnd((uint32_t)t->n);

		switch (rnd(4)) {
		case 0: /* insert */
			room(t, 1);
			memmove(t->b + at + 1, t->b + at, t->n - at);
			t->b[at] = ins[rnd(sizeof(ins))];
			t->n++;
			break;
		case 1: /* delete */
			memmove(t->b + at, t->b + at + 1, t->n - at - 1);
			t->n--;
			break;
		case 2: { /* repeat a run: a long line */
			size_t len = 1 + rnd(1100);

			if (at + len > t->n)
				len = t->n - at;
			room(t, len);
			memmove(t->b + at + len, t->b + at, t->n - at);
			t->n += len;
			break;
		}
		default: /* the last line without its '\n' */
			if (t->b[t->n - 1] == '\n')
				t->n--;
		}
	}
}

static void write_plain(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(p, 1, n, f) != n || fclose(f))
		fail(path, "cannot write");
}

/* gzip of p in members (1..3, each cut where it falls), at a random level */
static char tmp_dir[2048] = ".";

static void gzip_members(struct text *out, const struct text *in, unsigned members)
{
	char tmp[4096];
	size_t from = 0;

	snprintf(tmp, sizeof(tmp), "%s/reader_diff.member.gz", tmp_dir);
	out->n = 0;
	for (unsigned m = 0; m < members; m++) {
		size_t to = m + 1 == members ? in->n : from + rnd((uint32_t)(in->n - from + 1));
		char mode[8];
		gzFile g;
		FILE *f;
		char buf[65536];
		size_t got;

		snprintf(mode, sizeof(mode), "wb%u", 1 + rnd(9));
		g = gzopen(tmp, mode);
		if (!g || (to > from && gzwrite(g, in->b + from, (unsigned)(to - from)) != (int)(to - from)) ||
		    gzclose(g) != Z_OK)
			fail(tmp, "cannot write gzip");
		f = fopen(tmp, "rb");
		while (f && (got = fread(buf, 1, sizeof(buf), f)))
			put(out, buf, got);
		if (f)
			fclose(f);
		from = to;
	}
	remove(tmp);
}

static void generated(unsigned count)
{
	char path[4096];
	struct text t = { 0 }, z = { 0 };

	snprintf(path, sizeof(path), "%s/reader_diff.trace", tmp_dir);
	for (unsigned i = 0; i < count; i++) {
		t.n = 0;
		random_trace(&t);
		if (i % 2)
			damage(&t);
		write_plain(path, t.b, t.n);
		compare(path);
		gzip_members(&z, &t, rnd(4) ? 1 : 2 + rnd(2));
		write_plain(path, z.b, z.n);
		compare(path);
		switch (rnd(4)) {
		case 0: /* cut short */
			write_plain(path, z.b, rnd((uint32_t)z.n));
			break;
		case 1: { /* a byte flipped: header, data, CRC or length */
			size_t at = rnd(3) ? rnd((uint32_t)z.n) : z.n - 1 - rnd(8);

			z.b[at] ^= (char)(1u << rnd(8));
			write_plain(path, z.b, z.n);
			break;
		}
		case 2: /* trailing garbage */
			put(&z, "garbage\n1 dma 0 0 4 1\n", 22);
			write_plain(path, z.b, z.n);
			break;
		default: { /* a damaged member after the good ones */
			struct text d = { 0 };

			gzip_members(&d, &t, 1);
			d.b[d.n / 2] ^= 0x40;
			put(&z, d.b, rnd(2) ? d.n : d.n / 2 + 1 + rnd((uint32_t)(d.n / 2 - 1)));
			free(d.b);
			write_plain(path, z.b, z.n);
		}
		}
		compare(path);
	}
	remove(path);
	free(t.b);
	free(z.b);
}

int main(int argc, char **argv)
{
	unsigned gen = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--generate") == 0 && i + 1 < argc)
			gen = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--verbose") == 0)
			verbose = true;
		else if (strcmp(argv[i], "--tmp") == 0 && i + 1 < argc)
			snprintf(tmp_dir, sizeof(tmp_dir), "%s", argv[++i]);
		else
			walk(argv[i]);
	}
	if (gen)
		generated(gen);
	printf("reader_diff: %llu inputs read the same: %llu events, %llu errors, %llu meta look-ups\n", inputs,
	       events, errors, metas);
	return 0;
}
