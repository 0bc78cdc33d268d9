// SPDX-License-Identifier: MIT
/*
 * The binary form of a trace (nestbench/trace_mem.h): parse once, map after.
 *
 * Cache file, native byte order (a cache, not an exchange format):
 *   struct bin_hdr (128 bytes)
 *   op names:   nops x char[32] (entry 0 is "")
 *   records:    n x struct nb_trace_rec (48 bytes)
 *   side:       nside x struct nb_trace_side (32 bytes: raw words, or the
 *               version-2 fields out, dirty, flush range)
 * The header records what the cache was made from (the source's size,
 * mtime in ns and a hash of its bytes) and a hash of everything after it.
 * Version 4: both hashes over eight lanes (bin_hash.c); a cache of an
 * older version is stale, and is made anew.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nestbench/atomic_file.h"
#include "nestbench/trace_mem.h"
#include "trace/bin_hash.h"

#define BIN_MAGIC "NBTRACEB"
#define MAX_OPS 65535u

struct bin_hdr {
	char magic[8];
	uint32_t version;	/* NB_TRACE_BIN_VERSION */
	uint32_t rec_size;	/* sizeof(struct nb_trace_rec) */
	uint32_t kind_count;	/* NB_TR_KIND_COUNT of the writer */
	uint32_t nops;
	uint64_t n, nside;
	uint64_t src_size;
	int64_t src_mtime_ns;
	uint64_t src_hash;	/* of the source file's bytes (gzip as stored) */
	uint64_t body_hash;	/* of everything after this header */
	uint8_t reserved[128 - 72];
};

_Static_assert(sizeof(struct bin_hdr) == 128, "cache header is 128 bytes");
_Static_assert(sizeof(struct nb_trace_rec) == 48, "a record is 48 bytes");

/* The seeds of the body hash's three parts, and how they are joined: the
 * records' part apart, as the loader hashes them while it checks them. */
#define SEED_OPS 0x6a09e667f3bcc908ull
#define SEED_REC 0x3c6ef372fe94f82bull
#define SEED_SIDE 0xa54ff53a5f1d36f1ull

static uint64_t body_hash(const void *ops, size_t ops_len, uint64_t rec_hash, const void *side,
			  size_t side_len)
{
	const uint64_t h[3] = { nb_hash_lanes(SEED_OPS, ops, ops_len), rec_hash,
				nb_hash_lanes(SEED_SIDE, side, side_len) };

	return nb_hash_bytes(SEED_OPS, h, sizeof(h));
}

struct src_id {
	uint64_t size, hash;
	int64_t mtime_ns;
};

static int source_id(const char *path, struct src_id *id)
{
	unsigned char buf[65536];
	struct stat st;
	ssize_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st)) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		return nb_fail(err, "%s: %s", path, strerror(err));
	}
	id->size = (uint64_t)st.st_size;
	id->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	id->hash = 0xbb67ae8584caa73bull;
	/* whole buffers (a short read is topped up), so that the hash does not
	 * depend on how read() splits the file */
	for (;;) {
		size_t have = 0;

		while (have < sizeof(buf) && (got = read(fd, buf + have, sizeof(buf) - have)) > 0)
			have += (size_t)got;
		if (have)
			id->hash = nb_hash_lanes(id->hash, buf, have);
		if (have < sizeof(buf))
			break;
	}
	if (got < 0) {
		int err = errno;

		close(fd);
		return nb_fail(err, "%s: read: %s", path, strerror(err));
	}
	close(fd);
	return 0;
}

int nb_trace_cache_path(const char *path, char *out, size_t len)
{
	const char *dir = getenv("NB_TRACE_CACHE"), *base = strrchr(path, '/');
	char real[PATH_MAX], dflt[PATH_MAX];
	uint64_t h;

	if (dir && strcmp(dir, "off") == 0)
		return -ENOENT;
	if (!dir || !*dir) {
		const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

		if (xdg && *xdg)
			snprintf(dflt, sizeof(dflt), "%s/nestbench/traces", xdg);
		else if (home && *home)
			snprintf(dflt, sizeof(dflt), "%s/.cache/nestbench/traces", home);
		else
			return -ENOENT;
		dir = dflt;
	}
	/* one cache per source file: its base name and a hash of its full path */
	if (!realpath(path, real))
		snprintf(real, sizeof(real), "%s", path);
	h = nb_hash_bytes(0x3c6ef372fe94f82bull, real, strlen(real));
	base = base ? base + 1 : path;
	if ((size_t)snprintf(out, len, "%s/%.100s-%016llx.nbtb", dir, base, (unsigned long long)h) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* mkdir -p of the cache file's folder. */
static int make_dirs(const char *file)
{
	char d[PATH_MAX];

	snprintf(d, sizeof(d), "%s", file);
	for (char *p = d + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(d, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

void nb_trace_mem_destroy(struct nb_trace_mem *m)
{
	if (!m)
		return;
	if (m->map)
		munmap(m->map, m->map_len);
	free(m->own_rec);
	free(m->own_side);
	free(m->own_ops);
	free(m);
}

/* ---- text -> memory ---- */

struct builder {
	struct nb_trace_mem *m;
	uint64_t cap, cap_side;
	uint32_t cap_ops;
};

static int grow(const char *path, void **p, uint64_t *cap, uint64_t need, size_t size)
{
	uint64_t n = *cap ? *cap : 1024;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * size);
	if (!q)
		return nb_fail(ENOMEM, "%s: out of memory for %llu events", path, (unsigned long long)need);
	*p = q;
	*cap = n;
	return 0;
}

static int op_index(struct builder *b, const char *op, uint16_t *out)
{
	struct nb_trace_mem *m = b->m;
	uint64_t cap = b->cap_ops;

	*out = 0;
	if (!op[0])
		return 0;
	for (uint32_t i = 1; i < m->nops; i++)
		if (strcmp(m->own_ops[i], op) == 0) {
			*out = (uint16_t)i;
			return 0;
		}
	if (m->nops > MAX_OPS - 1)
		return nb_fail(E2BIG, "%s: more than %u distinct op= names", m->path, MAX_OPS - 1);
	if (grow(m->path, (void **)&m->own_ops, &cap, m->nops + 1, sizeof(*m->own_ops)))
		return -ENOMEM;
	b->cap_ops = (uint32_t)cap;
	memset(m->own_ops[m->nops], 0, sizeof(m->own_ops[0]));
	snprintf(m->own_ops[m->nops], sizeof(m->own_ops[0]), "%s", op);
	*out = (uint16_t)m->nops++;
	return 0;
}

static int add_event(struct builder *b, const struct nb_trace_event *ev)
{
	struct nb_trace_mem *m = b->m;
	struct nb_trace_rec *r;

	if (grow(m->path, (void **)&m->own_rec, &b->cap, m->n + 1, sizeof(*r)))
		return -ENOMEM;
	r = &m->own_rec[m->n];
	memset(r, 0, sizeof(*r));
	r->time_ns = ev->time_ns;
	r->iova = ev->iova;
	r->size = ev->size;
	r->sid = ev->sid;
	r->domain = ev->domain;
	r->line = ev->line;
	r->kind = (uint8_t)ev->kind;
	r->prot = (uint8_t)ev->prot;
	r->flags = (uint8_t)((ev->more ? NB_TREC_MORE : 0) | (ev->live ? NB_TREC_LIVE : 0) |
			     (ev->hit >= 0 ? NB_TREC_HIT_KNOWN : 0) | (ev->hit > 0 ? NB_TREC_HIT : 0));
	r->version = (uint8_t)ev->version;
	r->flags |= (uint8_t)((ev->has_raw ? NB_TREC_RAW : 0) | (ev->has_out ? NB_TREC_HAS_OUT : 0));
	if (ev->out || ev->dirty || ev->flush_iova || ev->flush_size)
		r->flags |= NB_TREC_EXT;
	r->side = NB_TREC_NO_SIDE;
	if (r->flags & (NB_TREC_RAW | NB_TREC_EXT)) {
		uint64_t need = m->nside + !!ev->has_raw + !!(r->flags & NB_TREC_EXT);

		if (need > NB_TREC_NO_SIDE)
			return nb_fail(E2BIG, "%s: more than 2^32 side entries", m->path);
		if (grow(m->path, (void **)&m->own_side, &b->cap_side, need, sizeof(*m->own_side)))
			return -ENOMEM;
		r->side = (uint32_t)m->nside;
		if (ev->has_raw)
			memcpy(&m->own_side[m->nside++], &ev->raw, sizeof(ev->raw));
		if (r->flags & NB_TREC_EXT)
			m->own_side[m->nside++] = (struct nb_trace_side){
				{ ev->out, ev->dirty, ev->flush_iova, ev->flush_size } };
	}
	if (op_index(b, ev->op, &r->op))
		return -E2BIG;
	m->n++;
	return 0;
}

static void publish(struct nb_trace_mem *m)
{
	m->rec = m->own_rec;
	m->side = m->own_side;
	m->ops = (const char(*)[32])m->own_ops;
}

int nb_trace_parse(struct nb_trace_mem **out, const char *path)
{
	struct nb_trace_mem *m = calloc(1, sizeof(*m));
	struct builder b = { .m = m };
	struct nb_trace *t = NULL;
	struct nb_trace_event ev;
	int got, ret;

	if (!m)
		return nb_fail(ENOMEM, "%s: out of memory", path);
	snprintf(m->path, sizeof(m->path), "%s", path);
	m->cache = NB_TRACE_CACHE_NONE;
	if ((ret = nb_trace_open(&t, path)))
		goto err;
	/* entry 0 of the op names is "" */
	b.cap_ops = 16;
	m->own_ops = calloc(b.cap_ops, sizeof(*m->own_ops));
	m->nops = 1;
	if (!m->own_ops) {
		ret = nb_fail(ENOMEM, "%s: out of memory", path);
		goto err;
	}
	while ((got = nb_trace_next(t, &ev)) == 1)
		if ((ret = add_event(&b, &ev)))
			goto err;
	if ((ret = got) < 0)
		goto err;
	nb_trace_close(t);
	publish(m);
	*out = m;
	return 0;
err:
	nb_trace_close(t);
	nb_trace_mem_destroy(m);
	return ret;
}

/* ---- memory -> cache ---- */

static int write_cache(const struct nb_trace_mem *m, const struct src_id *id, const char *cpath,
		       char *why, size_t whylen)
{
	size_t ops_len = (size_t)m->nops * sizeof(m->ops[0]), rec_len = m->n * sizeof(m->rec[0]),
	       raw_len = m->nside * sizeof(m->side[0]), len = sizeof(struct bin_hdr) + ops_len + rec_len + raw_len;
	struct bin_hdr h = {
		.magic = BIN_MAGIC, .version = NB_TRACE_BIN_VERSION,
		.rec_size = sizeof(struct nb_trace_rec), .kind_count = NB_TR_KIND_COUNT,
		.nops = m->nops, .n = m->n, .nside = m->nside, .src_size = id->size,
		.src_mtime_ns = id->mtime_ns, .src_hash = id->hash,
		.body_hash = body_hash(m->ops, ops_len, nb_hash_lanes(SEED_REC, m->rec, rec_len), m->side,
				       raw_len),
	};
	char *buf = malloc(len), *p = buf;
	int ret;

	if (!buf) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	memcpy(p, &h, sizeof(h));
	memcpy(p += sizeof(h), m->ops, ops_len);
	if (rec_len)
		memcpy(p += ops_len, m->rec, rec_len);
	else
		p += ops_len;
	if (raw_len)
		memcpy(p + rec_len, m->side, raw_len);
	ret = make_dirs(cpath);
	if (ret)
		snprintf(why, whylen, "%s: cannot create its folder: %s", cpath, strerror(-ret));
	else
		ret = nb_atomic_write(cpath, buf, len, why, whylen);
	free(buf);
	return ret;
}

/* ---- cache -> memory ---- */

enum cache_verdict { CACHE_OK, CACHE_STALE, CACHE_CORRUPT };

static enum cache_verdict corrupt(char *why, size_t len, const char *what)
{
	snprintf(why, len, "%s", what);
	return CACHE_CORRUPT;
}

/* Are records [from, to) in range: a kind this build knows, an op name that
 * exists, side entries (raw words, version-2 fields) inside the side table.
 * A record without side entries ends at 0; NB_TREC_NO_SIDE with some ends
 * past any side table (nside <= NB_TREC_NO_SIDE, checked before). */
static bool records_ok(const struct nb_trace_mem *m, uint64_t from, uint64_t to)
{
	bool ok = true;

	for (uint64_t i = from; i < to; i++) {
		const struct nb_trace_rec *r = &m->rec[i];
		unsigned sides = !!(r->flags & NB_TREC_RAW) + !!(r->flags & NB_TREC_EXT);
		uint64_t end = sides ? (uint64_t)r->side + sides : 0;

		ok &= (r->kind < NB_TR_KIND_COUNT) & (r->op < m->nops) & (end <= m->nside);
	}
	return ok;
}

/* Records per chunk of the one pass that hashes and checks them: a whole
 * number of hash steps (64 x 48 bytes = 48 steps), read again by the check
 * while still in L1 (3 KiB), not from L3 after a hash of the whole file. */
#define CHECK_CHUNK 64
_Static_assert(CHECK_CHUNK * sizeof(struct nb_trace_rec) % NB_LANE_STEP == 0, "chunks of whole steps");

/* The records' hash (as nb_hash_lanes(SEED_REC, ...)) and whether all are in
 * range, in one pass. */
static uint64_t hash_check_records(const struct nb_trace_mem *m, bool *ok)
{
	const unsigned char *p = (const unsigned char *)m->rec;
	size_t len = m->n * sizeof(struct nb_trace_rec), done = 0;
	struct nb_lanes s;

	*ok = true;
	nb_lanes_init(&s, SEED_REC);
	for (uint64_t i = 0; i < m->n; i += CHECK_CHUNK) {
		uint64_t to = m->n - i < CHECK_CHUNK ? m->n : i + CHECK_CHUNK;

		done += nb_lanes_update(&s, p + done, (to - i) * sizeof(struct nb_trace_rec));
		*ok &= records_ok(m, i, to);
	}
	return nb_lanes_final(&s, done ? p + done : p, len - done);
}

/* Check a mapped cache against its source; on CACHE_CORRUPT why says what. */
static enum cache_verdict check_cache(const unsigned char *p, size_t len, const struct src_id *id,
				      struct nb_trace_mem *m, char *why, size_t whylen)
{
	struct bin_hdr h;
	uint64_t ops_len, rec_len, raw_len, rec_hash;
	bool in_range;

	if (len < sizeof(h))
		return memcmp(p, BIN_MAGIC, len < 8 ? len : 8) ? CACHE_STALE
							     : corrupt(why, whylen, "shorter than its header");
	memcpy(&h, p, sizeof(h));
	/* not ours, another version, or another source: made anew */
	if (memcmp(h.magic, BIN_MAGIC, 8) || h.version != NB_TRACE_BIN_VERSION ||
	    h.rec_size != sizeof(struct nb_trace_rec) || h.kind_count != NB_TR_KIND_COUNT ||
	    h.src_size != id->size || h.src_mtime_ns != id->mtime_ns || h.src_hash != id->hash)
		return CACHE_STALE;
	if (h.nops < 1 || h.nops > MAX_OPS || h.n > (1ull << 40) || h.nside > 2 * h.n ||
	    h.nside > NB_TREC_NO_SIDE)
		return corrupt(why, whylen, "counts out of range");
	ops_len = (uint64_t)h.nops * 32;
	rec_len = h.n * sizeof(struct nb_trace_rec);
	raw_len = h.nside * sizeof(struct nb_trace_side);
	if (len != sizeof(h) + ops_len + rec_len + raw_len)
		return corrupt(why, whylen, "its size does not match its header");
	m->ops = (const char(*)[32])(p + sizeof(h));
	m->rec = (const struct nb_trace_rec *)(p + sizeof(h) + ops_len);
	m->side = (const struct nb_trace_side *)(p + sizeof(h) + ops_len + rec_len);
	m->n = h.n;
	m->nside = h.nside;
	m->nops = h.nops;
	rec_hash = hash_check_records(m, &in_range);
	if (body_hash(m->ops, ops_len, rec_hash, m->side, raw_len) != h.body_hash)
		return corrupt(why, whylen, "its contents do not match their hash");
	if (!in_range) {
		uint64_t i = 0;

		while (records_ok(m, i, i + 1))
			i++;
		snprintf(why, whylen, "record %llu out of range", (unsigned long long)i);
		return CACHE_CORRUPT;
	}
	return CACHE_OK;
}

/* 1: m holds the mapped cache; 0: no usable cache (stale or absent);
 * negative: corrupt (refused). */
static int map_cache(struct nb_trace_mem *m, const char *cpath, const struct src_id *id)
{
	struct stat st;
	char why[160];
	void *p;
	int fd = open(cpath, O_RDONLY | O_CLOEXEC);
	enum cache_verdict v;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || st.st_size == 0) {
		close(fd);
		return 0;
	}
	/* no MAP_POPULATE: the check below reads every page at once, and its
	 * faults, which map 16 pages each [pub: Linux mm/memory.c,
	 * fault_around_pages, 64 KiB], cost less than populating page by page
	 * [meas: 78 -> 86 M events/s, loads of the committed traces] */
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return 0;
	v = check_cache(p, (size_t)st.st_size, id, m, why, sizeof(why));
	if (v != CACHE_OK) {
		munmap(p, (size_t)st.st_size);
		m->rec = NULL;
		m->side = NULL;
		m->ops = NULL;
		m->n = m->nside = m->nops = 0;
		if (v == CACHE_CORRUPT)
			return nb_fail(EINVAL, "%s: trace cache of %s is corrupt: %s (delete it to rebuild, "
					       "or NB_TRACE_CACHE=off)", cpath, m->path, why);
		return 0;
	}
	m->map = p;
	m->map_len = (size_t)st.st_size;
	return 1;
}

int nb_trace_mem_create(struct nb_trace_mem **out, const char *path)
{
	char cpath[640], why[1024];
	struct src_id id, after;
	struct nb_trace_mem *m;
	int ret;

	if (nb_trace_cache_path(path, cpath, sizeof(cpath)))
		return nb_trace_parse(out, path);
	if ((ret = source_id(path, &id)))
		return ret;
	m = calloc(1, sizeof(*m));
	if (!m)
		return nb_fail(ENOMEM, "%s: out of memory", path);
	snprintf(m->path, sizeof(m->path), "%s", path);
	ret = map_cache(m, cpath, &id);
	if (ret != 0) {
		if (ret < 0) {
			nb_trace_mem_destroy(m);
			return ret;
		}
		m->cache = NB_TRACE_CACHE_HIT;
		snprintf(m->cache_path, sizeof(m->cache_path), "%s", cpath);
		*out = m;
		return 0;
	}
	free(m);
	if ((ret = nb_trace_parse(&m, path)))
		return ret;
	snprintf(m->cache_path, sizeof(m->cache_path), "%s", cpath);
	/* a source that changed while it was parsed is not cached */
	if (source_id(path, &after) || after.size != id.size || after.mtime_ns != id.mtime_ns ||
	    after.hash != id.hash)
		snprintf(m->cache_why, sizeof(m->cache_why), "%s changed while it was read", path);
	else if (write_cache(m, &id, cpath, why, sizeof(why)) == 0)
		m->cache = NB_TRACE_CACHE_BUILT;
	else
		snprintf(m->cache_why, sizeof(m->cache_why), "%s", why);
	*out = m;
	return 0;
}
