/* SPDX-License-Identifier: MIT */
/*
 * A whole trace in memory, compact: parsing apart from modelling. The text
 * form (trace.h) is parsed once into fixed-size records and cached as a
 * binary file; later loads map the cache instead of parsing gzip text.
 *
 * The cache (NB_TRACE_BIN_VERSION; layout in src/trace/bin.c) records the
 * source's size, mtime and a hash of its bytes: a cache whose source changed,
 * or of another version, is rebuilt; one whose own bytes fail their hash or
 * whose records are out of range is refused with an error naming it (never
 * trusted). Where the cache lives: NB_TRACE_CACHE (environment) names a
 * folder, "off" disables caching (every load parses the text); default
 * $XDG_CACHE_HOME/nestbench/traces (or ~/.cache/...). A folder that cannot
 * be written is not an error: the load parses the text and says so in
 * nb_trace_mem.cache.
 *
 * Records keep one byte for the kind and the cache its version, so event
 * kinds can be added: a new field of nb_trace_event needs a place here (a
 * record field, or the side entries) and the version bumped (tests/trace/test_trace_bin.c compares every field of
 * every committed trace's events both ways).
 */
#ifndef NESTBENCH_TRACE_MEM_H
#define NESTBENCH_TRACE_MEM_H

#include <string.h>

#include "trace.h"

#define NB_TRACE_BIN_VERSION 4
#define NB_TREC_NO_SIDE 0xffffffffu

enum {
	NB_TREC_MORE = 1 << 0,
	NB_TREC_LIVE = 1 << 1,
	NB_TREC_HIT_KNOWN = 1 << 2,
	NB_TREC_HIT = 1 << 3,
	NB_TREC_RAW = 1 << 4,	  /* side entry: the raw descriptor words */
	NB_TREC_EXT = 1 << 5,	  /* side entry (after the raw one): out, dirty, flush range */
	NB_TREC_HAS_OUT = 1 << 6,
};

/* What a record keeps apart (32 bytes): an inv event's raw words, or a
 * version-2 event's out=, dirty=, flush-iova=, flush-size=. */
struct nb_trace_side {
	uint64_t w[4];
};

/* One event, 48 bytes. */
struct nb_trace_rec {
	uint64_t time_ns, iova, size;
	uint32_t sid, domain, line;
	uint32_t side;	/* index of its side entries (NB_TREC_RAW, NB_TREC_EXT), or NB_TREC_NO_SIDE */
	uint8_t kind;	/* enum nb_trace_kind */
	uint8_t prot;
	uint8_t flags;	/* NB_TREC_* */
	uint8_t version; /* the trace's format version */
	uint16_t op;	/* index into the op names; 0 is "" (none) */
	uint16_t pad1;
};

enum nb_trace_cache_state {
	NB_TRACE_CACHE_HIT,	/* mapped from a valid cache */
	NB_TRACE_CACHE_BUILT,	/* parsed, and the cache (re)written */
	NB_TRACE_CACHE_NONE,	/* parsed; no cache (disabled or not writable: cache_why) */
};

struct nb_trace_mem {
	char path[512];
	const struct nb_trace_rec *rec;
	const struct nb_trace_side *side;
	const char (*ops)[32];
	uint64_t n, nside;
	uint32_t nops;
	enum nb_trace_cache_state cache;
	char cache_path[640];
	char cache_why[1024];
	/* storage: a mapping of the cache file, or heap arrays */
	void *map;
	size_t map_len;
	struct nb_trace_rec *own_rec;
	struct nb_trace_side *own_side;
	char (*own_ops)[32];
};

/* Load a trace (plain or .gz text) through its binary cache. Errors: the
 * text reader's FILE:LINE messages, or the cache's "CACHE: corrupt: what". */
int nb_trace_mem_create(struct nb_trace_mem **out, const char *path);
/* Parse the text form only (no cache read or written). */
int nb_trace_parse(struct nb_trace_mem **out, const char *path);
void nb_trace_mem_destroy(struct nb_trace_mem *m);
/* The cache file path for a trace (whether or not it exists); 0 or -errno. */
int nb_trace_cache_path(const char *path, char *out, size_t len);

/* Record i as the event the text reader gives. */
static inline void nb_trace_mem_event(const struct nb_trace_mem *m, uint64_t i,
				      struct nb_trace_event *ev)
{
	static const struct nb_trace_side none;
	const struct nb_trace_rec *r = &m->rec[i];
	const struct nb_trace_side *raw = r->flags & NB_TREC_RAW ? &m->side[r->side] : &none;
	const struct nb_trace_side *ext =
		r->flags & NB_TREC_EXT ? &m->side[r->side + !!(r->flags & NB_TREC_RAW)] : &none;

	/* every field stored once (no memset: the event is rewritten whole, its
	 * padding aside); op names are 32 zero-padded bytes, entry 0 is "" */
	ev->time_ns = r->time_ns;
	ev->kind = (enum nb_trace_kind)r->kind;
	ev->sid = r->sid;
	ev->iova = r->iova;
	ev->size = r->size;
	ev->domain = r->domain;
	ev->prot = r->prot;
	ev->has_raw = r->flags & NB_TREC_RAW;
	memcpy(&ev->raw, raw, sizeof(ev->raw));
	memcpy(ev->op, m->ops[r->op], sizeof(ev->op));
	ev->hit = r->flags & NB_TREC_HIT_KNOWN ? !!(r->flags & NB_TREC_HIT) : -1;
	ev->more = r->flags & NB_TREC_MORE;
	ev->live = r->flags & NB_TREC_LIVE;
	ev->has_out = r->flags & NB_TREC_HAS_OUT;
	ev->out = ext->w[0];
	ev->dirty = ext->w[1];
	ev->flush_iova = ext->w[2];
	ev->flush_size = ext->w[3];
	ev->version = r->version;
	ev->line = r->line;
}

/* Replay a loaded trace (nb_replay_ex's loop without the parse). */
int nb_replay_mem(const struct nb_trace_mem *t, const struct nb_hw_params *p,
		  const struct nb_replay_opts *o, struct nb_replay_result *r);

#endif
