// SPDX-License-Identifier: MIT
/*
 * Fail-nth scenario: translate scripts (nb_tscript_run, what `nestbench
 * translate` runs): the shipped example (nested x86-64 over VT-d), the
 * fuzz seed for ARM 64K nested, and AMD v1 6-level single stage (here).
 *
 * A failed run returns 1 and writes one line "NAME[:LINE]: ... out of
 * memory" to its error stream; what it printed before is the beginning of
 * the baseline's output (nothing lost, nothing garbled). A run that
 * succeeds prints exactly the baseline's output and no error.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nestbench/nb.h"
#include "nestbench/script.h"
#include "sweep.h"

static const char *const scripts[] = {
	"examples/nested-x86-over-vtd.nbt",
	"tests/fuzz/corpus/fuzz_script/arm-64k.nbt",
	"tests/failnth/amd-single.nbt",
};
#define NSCRIPTS ((int)NB_ARRAY_SIZE(scripts))

static char baseline[NSCRIPTS][8192];

static int count(void)
{
	return NSCRIPTS;
}

static void case_name(int i, char *buf, size_t len)
{
	snprintf(buf, len, "script %s", strrchr(scripts[i], '/') + 1);
}

/* Streams with buffers of their own, so that stdio allocates nothing for
 * them while armed (they are this program's, not the library's). */
static FILE *stream(const char *path, const char *mode, char *buf, size_t len)
{
	FILE *f = fopen(path, mode);

	if (f)
		setvbuf(f, buf, _IOFBF, len);
	return f;
}

static size_t slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	return n;
}

static void run(struct fn_ctx *c, int i)
{
	static char inbuf[4096], outbuf[4096], errbuf[4096], out[8192], err[1024];
	char path[512], outp[64], errp[64];
	FILE *in, *of, *ef;
	int rc;

	fn_pause();
	snprintf(path, sizeof(path), "%s/%s", NB_SOURCE_DIR, scripts[i]);
	snprintf(outp, sizeof(outp), "/tmp/nb-failnth-%d.out", (int)getpid());
	snprintf(errp, sizeof(errp), "/tmp/nb-failnth-%d.err", (int)getpid());
	in = stream(path, "r", inbuf, sizeof(inbuf));
	of = stream(outp, "w+", outbuf, sizeof(outbuf));
	ef = stream(errp, "w+", errbuf, sizeof(errbuf));
	fn_check(c, in && of && ef, "cannot open %s or the output files", path);
	fn_resume();
	if (!in || !of || !ef)
		goto out;
	rc = nb_tscript_run(in, scripts[i], of, ef);
	fn_pause();
	slurp(of, out, sizeof(out));
	slurp(ef, err, sizeof(err));
	fn_resume();
	if (fn_ok_msg(c, rc != 0, err, "translate script")) {
		fn_check(c, rc == 0 && !err[0], "success (%d) with errors: %s", rc, err);
		fn_digest(c, "%s", out);
		if (!c->n)
			snprintf(baseline[i], sizeof(baseline[i]), "%s", out);
	} else {
		fn_check(c, rc == 1, "exit status %d, not 1", rc);
		fn_check(c, strncmp(err, scripts[i], strlen(scripts[i])) == 0 && err[strlen(scripts[i])] == ':',
			 "the message does not name the script: %s", err);
		fn_check(c, strncmp(out, baseline[i], strlen(out)) == 0,
			 "the output before the failure is not the beginning of the baseline's:\n%s", out);
	}
out:
	fn_pause();
	if (in)
		fclose(in);
	if (of)
		fclose(of);
	if (ef)
		fclose(ef);
	unlink(outp);
	unlink(errp);
	fn_resume();
}

const struct fn_family fn_script = {
	.name = "script",
	.cases = count,
	.case_name = case_name,
	.run = run,
};
