// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the translate script (nestbench translate). The input is the
 * script, read through fmemopen; output goes to a stream that only hashes
 * it (fz_digest), errors to a memory stream. A run either succeeds (exit
 * status 0, nothing on the error stream) or fails with status 1 and exactly
 * one line "NAME:LINE: what" on the error stream. Never a crash, a hang or
 * a leak. The simulated memory is kept from input to input
 * (nb_tscript_run_mem: each run starts empty, the same output as a new
 * one; fuzz_script_reset in ctest checks it).
 */
#include <stdio.h>
#include <string.h>

#include "fuzz_input.h"
#include "nestbench/nb.h"
#include "nestbench/script.h"

#define NAME "fuzz.nbt"

static uint64_t digest;

uint64_t fz_digest(void)
{
	return digest;
}

static ssize_t hash_write(void *unused, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fz_mix(&digest, (uint8_t)buf[i]);
	return (ssize_t)len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nb_tscript_mem *mem;
	static FILE *hashed;
	char *err = NULL;
	size_t err_len = 0;
	FILE *in, *ef;
	int rc;

	if (!mem) {
		FZ_CHECK(nb_tscript_mem_create(&mem) == 0, "script memory: %s", nb_errmsg());
		hashed = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = hash_write });
		FZ_CHECK(hashed, "fopencookie");
	}
	digest = 0xcbf29ce484222325ull;
	/* fmemopen refuses a zero-length buffer on some glibc versions */
	in = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	FZ_CHECK(in, "fmemopen");
	ef = open_memstream(&err, &err_len);
	FZ_CHECK(ef, "open_memstream");
	rc = nb_tscript_run_mem(mem, in, NAME, hashed, ef);
	fclose(in);
	fclose(ef);
	fflush(hashed);
	fz_mix(&digest, (uint64_t)rc);
	for (size_t i = 0; i < err_len; i++)
		fz_mix(&digest, (uint8_t)err[i]);
	if (rc == 0) {
		FZ_CHECK(err_len == 0, "success, but errors printed: %s", err);
	} else {
		char *nl = memchr(err, '\n', err_len);

		FZ_CHECK(rc == 1, "exit status %d", rc);
		FZ_CHECK(err_len > 0, "failure without a message");
		FZ_CHECK(strncmp(err, NAME ":", strlen(NAME) + 1) == 0, "message does not name the script: %s",
			 err);
		FZ_CHECK(nl && (size_t)(nl - err) == err_len - 1, "more than one line of errors: %s", err);
	}
	free(err);
	return 0;
}
