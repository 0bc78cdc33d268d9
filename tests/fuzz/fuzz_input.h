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

/*
 * Inputs that the library reads from a path: an in-memory file (memfd),
 * named by /proc/self/fd/N, rewritten for each input. No disk: writing a
 * temporary file per input cost fuzz_trace and fuzz_config most of their
 * time in block I/O.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct fz_file {
	int fd;
	char path[64];
};

static inline void fz_file_open(struct fz_file *f, const char *name)
{
	f->fd = memfd_create(name, MFD_CLOEXEC);
	FZ_CHECK(f->fd >= 0, "memfd_create: %s", strerror(errno));
	snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
}

static inline void fz_file_write(struct fz_file *f, const uint8_t *data, size_t size)
{
	/* write, then cut the rest: the pages stay (truncating to 0 first freed them) */
	FZ_CHECK(pwrite(f->fd, data, size, 0) == (ssize_t)size, "%s: write: %s", f->path, strerror(errno));
	FZ_CHECK(ftruncate(f->fd, (off_t)size) == 0, "%s: truncate: %s", f->path, strerror(errno));
}

/* A folder for files the library writes itself (write + rename): tmpfs
 * where there is one, so that its fsync costs no disk. */
static inline const char *fz_tmpdir(void)
{
	return access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
}

/*
 * What an input did, for the targets that keep state from one input to the
 * next (a testbed, a script's memory): fz_digest() after an input must be
 * the same whatever ran before it. `fuzz/<target>_reset` (replay.c
 * --check-reset) runs the seeds in two orders and compares.
 */
static inline void fz_mix(uint64_t *h, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		*h = (*h ^ (v & 0xff)) * 0x100000001b3ull;
}

uint64_t fz_digest(void);

/* The libFuzzer entry point every target defines (and replay.c calls). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
