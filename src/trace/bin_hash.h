/* SPDX-License-Identifier: MIT */
/*
 * The binary trace cache's hashes (bin.c): of the source file, to know the
 * cache was made from it, and of the cache's body, to know it is intact.
 * Enough to catch a changed or damaged file, not an adversary. Part of the
 * cache's format (NB_TRACE_BIN_VERSION): a change here is a new version.
 */
#ifndef NB_SRC_TRACE_BIN_HASH_H
#define NB_SRC_TRACE_BIN_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Word at a time: per 8 bytes h = (h ^ w) * K, h ^= h >> 29; a short tail
 * zero-padded and xor'd with its length << 56. */
uint64_t nb_hash_bytes(uint64_t h, const void *data, size_t len);

/* The same mixing over eight independent lanes (64 bytes a step), so that
 * checking a cache is not one long chain of multiplies: with eight chains
 * of multiply and shift in flight, the multiplier, not their latency, sets
 * the pace (four lanes: 21% of a cached load's host time, in perf's
 * cpu-clock samples of replay/parse/binary's work). In steps (init, any
 * number of updates of whole 64-byte steps, final), so that the records can
 * be hashed and checked in one pass, a chunk at a time. */
#define NB_HASH_LANES 8
#define NB_LANE_STEP (8 * NB_HASH_LANES)

struct nb_lanes {
	uint64_t h[NB_HASH_LANES];
};

void nb_lanes_init(struct nb_lanes *s, uint64_t seed);
/* Mix in len's whole steps; returns how many bytes that was. */
size_t nb_lanes_update(struct nb_lanes *s, const void *data, size_t len);
/* The lanes folded into one, then the last (less than a step) bytes. */
uint64_t nb_lanes_final(const struct nb_lanes *s, const void *tail, size_t len);
/* init, update, final over one buffer (data may be NULL when len is 0) */
uint64_t nb_hash_lanes(uint64_t seed, const void *data, size_t len);

#endif
