// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the translate script (nestbench translate). The input is the
 * script, read through fmemopen; output goes to /dev/null, errors to a
 * memory stream. A run either succeeds (exit status 0, nothing on the error
 * stream) or fails with status 1 and exactly one line "NAME:LINE: what" on
 * the error stream. Never a crash, a hang or a leak.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz_input.h"
#include "nestbench/script.h"

#define NAME "fuzz.nbt"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	char *err = NULL;
	size_t err_len = 0;
	FILE *in, *ef;
	int rc;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	FZ_CHECK(devnull, "/dev/null");
	/* fmemopen refuses a zero-length buffer on some glibc versions */
	in = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	FZ_CHECK(in, "fmemopen");
	ef = open_memstream(&err, &err_len);
	FZ_CHECK(ef, "open_memstream");
	rc = nb_tscript_run(in, NAME, devnull, ef);
	fclose(in);
	fclose(ef);
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
