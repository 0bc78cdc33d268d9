// SPDX-License-Identifier: MIT
/*
 * The binary trace cache (nestbench/trace_mem.h) against the text reader,
 * which is the reference: every committed trace's events, field by field
 * (the whole struct), from the text, from a freshly built cache and from
 * the mapped cache. Then the cache's rules: a changed source is rebuilt, a
 * cache of another version is rebuilt, a damaged cache (a flipped byte in
 * its records, a cut) is refused with its path and "corrupt", caching off
 * and an unwritable folder parse the text and say why. Last, a record out
 * of range under a body hash that matches (re-hashed here by the format's
 * own description, src/trace/bin.c's header: version 4) is refused too,
 * naming the record.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nb_test.h"
#include "nestbench/trace_mem.h"

#ifndef NB_TRACES
#define NB_TRACES "tests/traces"
#endif

/* Every field of an event: a new one changes the size and stops this
 * test from compiling until it is compared here and carried by the
 * binary form (nb_trace_rec, NB_TRACE_BIN_VERSION). */
_Static_assert(sizeof(struct nb_trace_event) == 160, "a new nb_trace_event field: compare it here");

static bool same_event(const struct nb_trace_event *a, const struct nb_trace_event *b)
{
	return a->time_ns == b->time_ns && a->kind == b->kind && a->sid == b->sid && a->iova == b->iova &&
	       a->size == b->size && a->domain == b->domain && a->prot == b->prot &&
	       a->has_raw == b->has_raw && memcmp(&a->raw, &b->raw, sizeof(a->raw)) == 0 &&
	       memcmp(a->op, b->op, sizeof(a->op)) == 0 && a->hit == b->hit && a->more == b->more &&
	       a->live == b->live && a->has_out == b->has_out && a->out == b->out && a->dirty == b->dirty &&
	       a->flush_iova == b->flush_iova && a->flush_size == b->flush_size && a->version == b->version &&
	       a->line == b->line;
}

/* Compare t's events with the text reader's; returns the event count. */
static uint64_t same_as_text(const struct nb_trace_mem *m, const char *path)
{
	struct nb_trace *t;
	struct nb_trace_event a, b;
	uint64_t i = 0;
	int got;

	CHECK(nb_trace_open(&t, path) == 0, "open %s: %s", path, nb_errmsg());
	while ((got = nb_trace_next(t, &a)) == 1) {
		CHECK(i < m->n, "%s: the cache has %llu events, the text more", path, (unsigned long long)m->n);
		if (i >= m->n)
			break;
		nb_trace_mem_event(m, i, &b);
		CHECK(same_event(&a, &b), "%s: event %llu (line %u) differs", path,
		      (unsigned long long)i, a.line);
		i++;
	}
	CHECK(got == 0, "%s: %s", path, nb_errmsg());
	CHECK_EQ(i, m->n, "%s: event count", path);
	nb_trace_close(t);
	return i;
}

static void committed_traces(void)
{
	DIR *d = opendir(NB_TRACES);
	struct dirent *e;
	int files = 0;
	uint64_t events = 0;

	CHECK(d != NULL, "%s", NB_TRACES);
	while (d && (e = readdir(d))) {
		char sub[512];
		DIR *s;
		struct dirent *f;

		snprintf(sub, sizeof(sub), "%s/%s", NB_TRACES, e->d_name);
		if (e->d_name[0] == '.' || !(s = opendir(sub)))
			continue;
		while ((f = readdir(s))) {
			char path[1024];
			struct nb_trace_mem *m;

			if (!strstr(f->d_name, ".trace.gz"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", sub, f->d_name);
			for (int pass = 0; pass < 2; pass++) {
				CHECK(nb_trace_mem_create(&m, path) == 0, "load %s: %s", path, nb_errmsg());
				/* the first load of a fresh cache folder builds, the second maps */
				CHECK_EQ(m->cache, pass ? NB_TRACE_CACHE_HIT : NB_TRACE_CACHE_BUILT, "%s pass %d: %s",
					 path, pass, m->cache_why);
				events += same_as_text(m, path);
				nb_trace_mem_destroy(m);
			}
			files++;
		}
		closedir(s);
	}
	if (d)
		closedir(d);
	CHECK(files >= 20, "found %d committed traces", files);
	printf("committed traces: %d files, %llu events, text == cache\n", files,
	       (unsigned long long)events / 2);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL, "write %s", path);
	fputs(text, f);
	fclose(f);
}

static struct nb_trace_mem *load(const char *path, enum nb_trace_cache_state want)
{
	struct nb_trace_mem *m = NULL;

	CHECK(nb_trace_mem_create(&m, path) == 0, "load %s: %s", path, nb_errmsg());
	if (m)
		CHECK_EQ(m->cache, want, "%s cache state (%s)", path, m->cache_why);
	return m;
}

/* Overwrite len bytes at off of a file. */
static void poke(const char *path, long off, const void *bytes, size_t len)
{
	FILE *f = fopen(path, "r+b");

	CHECK(f != NULL, "open %s", path);
	fseek(f, off, SEEK_SET);
	fwrite(bytes, 1, len, f);
	fclose(f);
}

/* The cache format's hash, written here from its description (bin.c):
 * per 8 bytes h = (h ^ w) * K, h ^= h >> 29; a short tail zero-padded and
 * xor'd with its length << 56. */
#define HK 0x9e3779b97f4a7c15ull

static uint64_t ref_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * HK;
	return h ^ (h >> 29);
}

static uint64_t ref_bytes(uint64_t h, const unsigned char *p, size_t len)
{
	uint64_t w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = ref_mix(h, w);
	}
	if (len) {
		w = 0;
		memcpy(&w, p, len);
		h = ref_mix(h, w ^ (uint64_t)len << 56);
	}
	return h;
}

/* Eight lanes over 64-byte steps (lane i takes the step's i-th word),
 * starting at the seed xor these words, folded into lane 0, then the tail. */
static uint64_t ref_lanes(uint64_t seed, const unsigned char *p, size_t len)
{
	static const uint64_t start[8] = { 0, 0x510e527fade682d1ull, 0x9b05688c2b3e6c1full,
					   0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull, 0xbb67ae8584caa73bull,
					   0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull };
	uint64_t h[8], w;

	for (int i = 0; i < 8; i++)
		h[i] = seed ^ start[i];
	for (; len >= 64; p += 64, len -= 64)
		for (int i = 0; i < 8; i++) {
			memcpy(&w, p + 8 * i, 8);
			h[i] = ref_mix(h[i], w);
		}
	for (int i = 1; i < 8; i++)
		h[0] = ref_bytes(h[0], (const unsigned char *)&h[i], 8);
	return ref_bytes(h[0], p, len);
}

/*
 * A trace of 150 events (two whole chunks of the loader's one-pass check
 * and part of a third), cached; then record 137's kind set out of range
 * and the body hash (header offset 64) recomputed over ops, records and
 * side entries (seeds: SHA-512's H0, H2, H3; joined from H0): the loader
 * must refuse it as corrupt, naming record 137, not trust the hash alone.
 */
static void record_out_of_range(void)
{
	char path[600], cwd[400], cpath[640], line[80];
	struct nb_trace_mem *m;
	unsigned char *buf;
	uint64_t n, nside, hs[3];
	uint32_t nops;
	long len;
	FILE *f;

	CHECK(getcwd(cwd, sizeof(cwd)) != NULL, "getcwd");
	snprintf(path, sizeof(path), "%s/bin-range.trace", cwd);
	f = fopen(path, "w");
	CHECK(f != NULL, "write %s", path);
	if (!f)
		return;
	fputs("nestbench-trace 1\n", f);
	for (int i = 0; i < 150; i++) {
		snprintf(line, sizeof(line), "%d dma 0x10 0x%x 64 1 access=r%s\n", 100 + i, 0x100000 + 64 * i,
			 i % 7 ? "" : " w0=0x12");
		fputs(line, f);
	}
	fclose(f);
	CHECK(nb_trace_cache_path(path, cpath, sizeof(cpath)) == 0, "cache path");
	remove(cpath);
	nb_trace_mem_destroy(load(path, NB_TRACE_CACHE_BUILT));
	nb_trace_mem_destroy(load(path, NB_TRACE_CACHE_HIT));

	f = fopen(cpath, "r+b");
	CHECK(f != NULL, "open %s", cpath);
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	buf = malloc((size_t)len);
	CHECK(buf != NULL, "malloc");
	rewind(f);
	CHECK(fread(buf, 1, (size_t)len, f) == (size_t)len, "read %s", cpath);
	memcpy(&nops, buf + 20, 4);
	memcpy(&n, buf + 24, 8);
	memcpy(&nside, buf + 32, 8);
	CHECK_EQ(n, 150, "records in the cache");
	CHECK_EQ(nside, 22, "side entries (raw words of every 7th event)");
	CHECK_EQ(128 + nops * 32 + n * 48 + nside * 32, (uint64_t)len, "cache size by its header");
	/* first a check that this reference hash is the format's: it must
	 * reproduce the stored body hash before anything is changed */
	hs[0] = ref_lanes(0x6a09e667f3bcc908ull, buf + 128, nops * 32);
	hs[1] = ref_lanes(0x3c6ef372fe94f82bull, buf + 128 + nops * 32, n * 48);
	hs[2] = ref_lanes(0xa54ff53a5f1d36f1ull, buf + 128 + nops * 32 + n * 48, nside * 32);
	{
		uint64_t stored, body = ref_bytes(0x6a09e667f3bcc908ull, (const unsigned char *)hs, sizeof(hs));

		memcpy(&stored, buf + 64, 8);
		CHECK_EQ(body, stored, "the body hash by the format's description");
	}
	/* record 137's kind (record offset 40) past the last kind */
	buf[128 + nops * 32 + 137 * 48 + 40] = 0xee;
	hs[1] = ref_lanes(0x3c6ef372fe94f82bull, buf + 128 + nops * 32, n * 48);
	{
		uint64_t body = ref_bytes(0x6a09e667f3bcc908ull, (const unsigned char *)hs, sizeof(hs));

		memcpy(buf + 64, &body, 8);
	}
	rewind(f);
	CHECK(fwrite(buf, 1, (size_t)len, f) == (size_t)len, "write %s", cpath);
	fclose(f);
	free(buf);
	CHECK(nb_trace_mem_create(&m, path) < 0, "a cache with record 137 out of range was trusted");
	CHECK(strstr(nb_errmsg(), "corrupt") && strstr(nb_errmsg(), "record 137 out of range"), "message: %s",
	      nb_errmsg());
}

static void cache_rules(void)
{
	const char *v1 = "nestbench-trace 1\n"
			 "100 map 0x10 0x100000 8192 1 prot=rw\n"
			 "200 dma 0x10 0x100000 64 1 access=r hit=1\n"
			 "300 inv 0x10 0x100000 8192 1 op=IOTLB_PSI w0=0x12 w1=0x100001\n";
	const char *v2 = "nestbench-trace 1\n"
			 "100 map 0x10 0x200000 4096 2 prot=r more=1\n"
			 "150 dma 0x10 0x200000 64 2 access=r\n";
	char cpath[640], path[600], cwd[400];
	struct nb_trace_mem *m;
	struct stat st;
	uint32_t version = NB_TRACE_BIN_VERSION + 1;

	CHECK(getcwd(cwd, sizeof(cwd)) != NULL, "getcwd");
	snprintf(path, sizeof(path), "%s/bin-rules.trace", cwd);
	write_text(path, v1);
	CHECK(nb_trace_cache_path(path, cpath, sizeof(cpath)) == 0, "cache path");
	remove(cpath);
	m = load(path, NB_TRACE_CACHE_BUILT);
	CHECK_EQ(m->n, 3, "events");
	same_as_text(m, path);
	nb_trace_mem_destroy(m);
	nb_trace_mem_destroy(load(path, NB_TRACE_CACHE_HIT));

	/* a changed source: rebuilt, and the new events come back */
	write_text(path, v2);
	m = load(path, NB_TRACE_CACHE_BUILT);
	CHECK_EQ(m->n, 2, "events after the source changed");
	same_as_text(m, path);
	nb_trace_mem_destroy(m);

	/* another version of the cache format: rebuilt */
	poke(cpath, 8, &version, sizeof(version));
	nb_trace_mem_destroy(load(path, NB_TRACE_CACHE_BUILT));

	/* a flipped byte in the first record: refused, naming the cache */
	CHECK(stat(cpath, &st) == 0, "stat %s", cpath);
	poke(cpath, 128 + 32 + 8, "\x55", 1); /* header, 1 op name (""), into record 0's iova */
	CHECK(nb_trace_mem_create(&m, path) < 0, "a damaged cache was trusted");
	CHECK(strstr(nb_errmsg(), cpath) && strstr(nb_errmsg(), "corrupt"), "message: %s", nb_errmsg());
	/* a cut cache: refused too */
	remove(cpath);
	nb_trace_mem_destroy(load(path, NB_TRACE_CACHE_BUILT));
	CHECK(stat(cpath, &st) == 0 && truncate(cpath, st.st_size - 1) == 0, "truncate %s", cpath);
	CHECK(nb_trace_mem_create(&m, path) < 0 && strstr(nb_errmsg(), "corrupt"), "a cut cache: %s", nb_errmsg());

	/* caching off: the text, every time */
	setenv("NB_TRACE_CACHE", "off", 1);
	m = load(path, NB_TRACE_CACHE_NONE);
	same_as_text(m, path);
	nb_trace_mem_destroy(m);
	/* a folder that cannot be made: the text, and why */
	setenv("NB_TRACE_CACHE", "/proc/nestbench-no-such-folder", 1);
	m = load(path, NB_TRACE_CACHE_NONE);
	CHECK(strstr(m->cache_why, "/proc/nestbench-no-such-folder") != NULL, "why: %s", m->cache_why);
	same_as_text(m, path);
	nb_trace_mem_destroy(m);
	/* a bad text line is the text reader's error, with its line */
	setenv("NB_TRACE_CACHE", cwd, 1);
	write_text(path, "nestbench-trace 1\n100 map 0x10 0x100000 0 1\n");
	CHECK(nb_trace_mem_create(&m, path) < 0 && strstr(nb_errmsg(), "bin-rules.trace:2"), "error: %s",
	      nb_errmsg());
}

int main(void)
{
	char dir[512], cwd[400];

	/* a fresh cache folder for this run, in the test's own folder */
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL, "getcwd");
	snprintf(dir, sizeof(dir), "%s/test-trace-bin-cache", cwd);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		CHECK(system(cmd) == 0, "%s", cmd);
	}
	setenv("NB_TRACE_CACHE", dir, 1);
	committed_traces();
	cache_rules();
	record_out_of_range();
	return nbt_done("test_trace_bin");
}
