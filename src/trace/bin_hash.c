// SPDX-License-Identifier: MIT
/* The trace cache's hashes (bin_hash.h). */
#include <string.h>

#include "trace/bin_hash.h"

/* A word-at-a-time hash: enough to catch a changed or damaged file (not
 * an adversary), at a few GB/s so checking costs little beside mapping. */
uint64_t nb_hash_bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	if (len) {
		w = 0;
		memcpy(&w, p, len);
		h = (h ^ w ^ (uint64_t)len << 56) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	return h;
}

void nb_lanes_init(struct nb_lanes *s, uint64_t seed)
{
	/* lanes start apart: lane 0 at the seed, the others at the seed xor one
	 * of SHA-512's initial words (arbitrary, fixed; FIPS 180-4, 5.3.5) */
	static const uint64_t lane_init[NB_HASH_LANES] = {
		0, 0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull,
		0x5be0cd19137e2179ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
	};

	for (int i = 0; i < NB_HASH_LANES; i++)
		s->h[i] = seed ^ lane_init[i];
}

/* Mix in len's whole steps; returns how many bytes that was. */
size_t nb_lanes_update(struct nb_lanes *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t done = len - len % NB_LANE_STEP;
	uint64_t h[NB_HASH_LANES];

	/* in registers: the bytes read could alias *s, which would make every
	 * step a store and a reload of each lane */
	memcpy(h, s->h, sizeof(h));
	for (size_t off = 0; off < done; off += NB_LANE_STEP)
		for (int i = 0; i < NB_HASH_LANES; i++) {
			uint64_t w;

			memcpy(&w, p + off + 8 * i, 8);
			h[i] = (h[i] ^ w) * 0x9e3779b97f4a7c15ull;
			h[i] ^= h[i] >> 29;
		}
	memcpy(s->h, h, sizeof(h));
	return done;
}

/* The lanes folded into one, then the last (less than a step) bytes. */
uint64_t nb_lanes_final(const struct nb_lanes *s, const void *tail, size_t len)
{
	uint64_t h = s->h[0];

	for (int i = 1; i < NB_HASH_LANES; i++)
		h = nb_hash_bytes(h, &s->h[i], sizeof(s->h[i]));
	return nb_hash_bytes(h, tail, len);
}

uint64_t nb_hash_lanes(uint64_t seed, const void *data, size_t len)
{
	struct nb_lanes s;
	size_t done;

	nb_lanes_init(&s, seed);
	done = nb_lanes_update(&s, data, len);
	/* data may be NULL (an empty table), where even + 0 is undefined */
	return nb_lanes_final(&s, done ? (const unsigned char *)data + done : data, len - done);
}
