// SPDX-License-Identifier: MIT
/*
 * Fuzz target: DMA trace files (nestbench/trace.h, docs/trace-format.md),
 * plain or gzip. The input is written to an in-memory file (fz_file),
 * opened with nb_trace_open and read with nb_trace_next to the end or the
 * first bad line. Every event
 * has a known kind and a line number that grows; a bad line fails with a
 * negative errno and a one-line nb_errmsg() naming the file (the reader's
 * caller stops there). Never a crash, a hang or a leak.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_input.h"
#include "nestbench/trace.h"

#define MAX_EVENTS 100000

static struct fz_file in = { .fd = -1 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;
	struct nb_trace *t;
	struct nb_trace_event ev;
	unsigned last_line = 0;
	int rc;

	if (in.fd < 0)
		fz_file_open(&in, "nb-fuzz-trace");
	fz_file_write(&in, data, size);
	path = in.path;

	nb_errclear();
	rc = nb_trace_open(&t, path);
	if (rc) {
		FZ_CHECK(rc < 0 && strstr(nb_errmsg(), path), "open failed (%d) without naming the file: %s", rc,
			 nb_errmsg());
		return 0;
	}
	for (int n = 0; n < MAX_EVENTS; n++) {
		nb_errclear();
		rc = nb_trace_next(t, &ev);
		if (rc <= 0)
			break;
		FZ_CHECK(rc == 1, "nb_trace_next returned %d", rc);
		FZ_CHECK((unsigned)ev.kind < NB_TR_KIND_COUNT, "event kind %d", (int)ev.kind);
		FZ_CHECK(ev.line > last_line, "line %u after line %u", ev.line, last_line);
		FZ_CHECK(ev.hit >= -1 && ev.hit <= 1, "hit %d", ev.hit);
		FZ_CHECK(memchr(ev.op, '\0', sizeof(ev.op)), "op not terminated");
		last_line = ev.line;
	}
	if (rc < 0) {
		const char *msg = nb_errmsg();

		FZ_CHECK(msg[0] && strstr(msg, path), "a bad trace (%d) without a message naming the file: %s",
			 rc, msg);
		FZ_CHECK(!strchr(msg, '\n'), "message is more than one line: %s", msg);
	}
	nb_trace_close(t);
	return 0;
}
