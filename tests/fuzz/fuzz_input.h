/* SPDX-License-Identifier: MIT */
/*
 * Shared by the fuzz targets: read an input as a stream of little-endian
 * integers (past the end every read gives 0, so any input is a valid
 * program), and fail loudly: FZ_CHECK prints what and where, then abort()s
 * so that libFuzzer (and the replay ctest) report the input.
 */
#ifndef NB_FUZZ_INPUT_H
#define NB_FUZZ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct fz {
	const uint8_t *p;
	size_t n;
};

static inline bool fz_more(const struct fz *f)
{
	return f->n > 0;
}

static inline uint8_t fz_u8(struct fz *f)
{
	if (!f->n)
		return 0;
	f->n--;
	return *f->p++;
}

static inline uint16_t fz_u16(struct fz *f)
{
	uint16_t v = fz_u8(f);

	return (uint16_t)(v | (uint16_t)fz_u8(f) << 8);
}

static inline uint64_t fz_u64(struct fz *f)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)fz_u8(f) << (8 * i);
	return v;
}

#define FZ_CHECK(cond, ...)                                                          \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "%s:%d: fuzz check failed: %s: ", __FILE__,  \
				__LINE__, #cond);                                    \
			fprintf(stderr, __VA_ARGS__);                                \
			fputc('\n', stderr);                                         \
			abort();                                                     \
		}                                                                    \
	} while (0)

/* The libFuzzer entry point every target defines (and replay.c calls). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
