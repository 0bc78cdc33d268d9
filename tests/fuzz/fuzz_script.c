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
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fuzz_input.h"
#include "nestbench/nb.h"
#include "nestbench/parse.h"
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

/*
 * Scripts whose maps would write more than MAX_LEAVES pages are not run: a
 * map of a GiB in 4 KiB pages takes a tenth of a second under ASan, runs
 * the same code as a map of a few pages, and such inputs held the fuzzer
 * to a few hundred runs a second. Counted in pages of the smallest granule
 * the script declares (4 KiB without granule=).
 */
#define MAX_LEAVES 65536

static bool too_much_work(const uint8_t *data, size_t size)
{
	uint64_t page = 0, pages = 0, v;
	char line[1024], *tok[8], *save;
	size_t i = 0;

	for (int pass = 0; pass < 2; pass++, i = 0) { /* granules first, then maps */
		while (i < size) {
			size_t n = 0;
			int nt = 0;

			while (i < size && data[i] != '\n') {
				if (n < sizeof(line) - 1)
					line[n++] = (char)data[i];
				i++;
			}
			i++;
			line[n] = '\0';
			line[strcspn(line, "#")] = '\0';
			for (char *t = strtok_r(line, " \t\r", &save); t && nt < 8; t = strtok_r(NULL, " \t\r", &save))
				tok[nt++] = t;
			if (!nt)
				continue;
			if (pass == 0 && strncmp(tok[0], "stage", 5) == 0) {
				uint64_t g = 4096;

				for (int k = 1; k < nt; k++)
					if (strncmp(tok[k], "granule=", 8) == 0 && nb_parse_u64(tok[k] + 8, &v) == 0 && v)
						g = v;
				page = page && page < g ? page : g;
			} else if (pass == 1 && strncmp(tok[0], "map", 3) == 0 && nt >= 4 &&
				   nb_parse_u64(tok[3], &v) == 0) {
				pages += v / (page ? page : 4096);
				if (pages > MAX_LEAVES)
					return true;
			}
		}
	}
	nb_errclear();
	return false;
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
	if (too_much_work(data, size))
		return 0;
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
