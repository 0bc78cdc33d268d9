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
 *
 * One more case runs three scripts on one kept memory (nb_tscript_mem:
 * nested, single stage, the nested one again, as fuzz_script does): the
 * same script must print the same both times, and a failed run must leave
 * the memory usable by the next.
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
	return NSCRIPTS + 1;
}

static void case_name(int i, char *buf, size_t len)
{
	if (i < NSCRIPTS)
		snprintf(buf, len, "script %s", strrchr(scripts[i], '/') + 1);
	else
		snprintf(buf, len, "script memory reused (3 runs)");
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

/* Script i, on mem (NULL: nb_tscript_run's own), into out; false if it
 * failed (its checks done). */
static bool run_script(struct fn_ctx *c, int i, struct nb_tscript_mem *mem, char *out, size_t len)
{
	static char inbuf[4096], outbuf[4096], errbuf[4096], err[1024];
	char path[512], outp[64], errp[64];
	FILE *in, *of, *ef;
	bool ok = false;
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
	rc = mem ? nb_tscript_run_mem(mem, in, scripts[i], of, ef) : nb_tscript_run(in, scripts[i], of, ef);
	fn_pause();
	slurp(of, out, len);
	slurp(ef, err, sizeof(err));
	fn_resume();
	if (fn_ok_msg(c, rc != 0, err, "translate script")) {
		fn_check(c, rc == 0 && !err[0], "success (%d) with errors: %s", rc, err);
		ok = true;
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
	return ok;
}

static void run_reused(struct fn_ctx *c)
{
	static const int order[] = { 0, 2, 0 };
	static char out[NB_ARRAY_SIZE(order)][8192];
	struct nb_tscript_mem *mem;
	bool ok[NB_ARRAY_SIZE(order)];

	if (!fn_ok(c, nb_tscript_mem_create(&mem), "script memory"))
		return;
	for (size_t k = 0; k < NB_ARRAY_SIZE(order); k++) {
		ok[k] = run_script(c, order[k], mem, out[k], sizeof(out[k]));
		if (ok[k])
			fn_digest(c, "%s", out[k]);
	}
	fn_check(c, !ok[0] || !ok[2] || strcmp(out[0], out[2]) == 0,
		 "%s printed other things on reused memory:\n%s---\n%s", scripts[0], out[0], out[2]);
	nb_tscript_mem_destroy(mem);
}

static void run(struct fn_ctx *c, int i)
{
	static char out[8192];

	if (i == NSCRIPTS) {
		run_reused(c);
		return;
	}
	if (run_script(c, i, NULL, out, sizeof(out))) {
		fn_digest(c, "%s", out);
		if (!c->n)
			snprintf(baseline[i], sizeof(baseline[i]), "%s", out);
	}
}

const struct fn_family fn_script = {
	.name = "script",
	.cases = count,
	.case_name = case_name,
	.run = run,
};
