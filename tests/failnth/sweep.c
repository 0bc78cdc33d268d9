// SPDX-License-Identifier: MIT
/*
 * The fail-nth sweep's driver (see sweep.h): runs every case of every
 * family with allocation n failed, n = 1, 2, ..., and prints per case how
 * many allocation steps it reached (by origin), how many runs ended in a
 * clean error, how many the library absorbed, and the bugs.
 *
 * Usage: failnth_sweep [-v] [--table FILE] [CASE-SUBSTRING...]
 *   -v                  say how each run ended
 *   --table FILE        write the table to FILE too (scripts/test prints it)
 *   NB_FAILNTH_TRACE=1  name each run before it starts (to find a crash)
 * Exit status: 0 no bug, 1 bugs (each printed), 2 usage.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nestbench/domain.h"
#include "sweep.h"

static const struct fn_family *const families[] = {
	&fn_formats, &fn_iommu, &fn_testbed, &fn_config, &fn_script, &fn_replay, &fn_nested, &fn_backend,
};

#define MAX_BUG_LINES 30 /* per case: the first ones say it all */

static bool verbose;
static unsigned bug_lines;
static FILE *table_file; /* --table FILE: the table there too (ctest keeps little of it) */

/* A line of the table: on stdout, and in the --table file. */
static void table(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void table(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (table_file) {
		va_start(ap, fmt);
		vfprintf(table_file, fmt, ap);
		va_end(ap);
	}
}

static void say_bug(struct fn_ctx *c, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void say_bug(struct fn_ctx *c, const char *fmt, va_list ap)
{
	struct fn_tally t;
	char where[256] = "";

	c->bugs++;
	if (bug_lines++ >= MAX_BUG_LINES)
		return;
	fn_tally(&t);
	if (c->n && t.injected)
		fn_symbolize(t.inj_caller, where, sizeof(where));
	fprintf(stderr, "BUG: %s: run %llu", c->name, (unsigned long long)c->n);
	if (c->n && t.injected)
		fprintf(stderr, " (failed: %s allocation in %s)", fn_origin_name(t.inj_origin), where);
	else if (c->n)
		fprintf(stderr, " (before its allocation %llu)", (unsigned long long)c->n);
	fputs(": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void bug(struct fn_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bug(struct fn_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say_bug(c, fmt, ap);
	va_end(ap);
}

void fn_check(struct fn_ctx *c, bool cond, const char *fmt, ...)
{
	va_list ap;

	if (cond)
		return;
	fn_pause();
	va_start(ap, fmt);
	say_bug(c, fmt, ap);
	va_end(ap);
	fn_resume();
}

bool fn_ok_msg(struct fn_ctx *c, bool failed, const char *msg, const char *what)
{
	if (!failed)
		return true;
	fn_pause();
	c->errors++;
	if (!fn_injected())
		bug(c, "%s failed with no allocation failed: %s", what, msg);
	else if (!msg[0] || strchr(msg, '\n') != strrchr(msg, '\n') ||
		 (strchr(msg, '\n') && strchr(msg, '\n')[1]))
		bug(c, "%s: not one line of message: '%s'", what, msg);
	else if (!strstr(msg, "memory") && !strstr(msg, "fail-nth: injected")) /* out of / no memory */
		bug(c, "%s: the message does not say what failed (out of memory): %s", what, msg);
	fn_resume();
	return false;
}

bool fn_ok(struct fn_ctx *c, long rc, const char *what)
{
	if (rc >= 0)
		return true;
	fn_pause();
	if (rc != -ENOMEM && fn_injected())
		bug(c, "%s: error %ld (%s), not -ENOMEM, after an allocation failed: %s", what, rc,
		    rc >= -4095 ? strerror((int)-rc) : "not an errno", nb_errmsg());
	fn_resume();
	return fn_ok_msg(c, true, nb_errmsg(), what);
}

void fn_digest(struct fn_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	fn_pause();
	va_start(ap, fmt);
	n = vsnprintf(c->digest + c->dlen, sizeof(c->digest) - c->dlen, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->dlen = c->dlen + (size_t)n < sizeof(c->digest) ? c->dlen + (size_t)n : sizeof(c->digest) - 1;
	fn_resume();
}

/* ---- one case ---- */

struct case_result {
	uint64_t steps, by_origin[FN_ORIGIN_COUNT];
	unsigned clean, absorbed, bugs;
	double seconds;
};

static void report_leak(void *user, uint64_t step, enum fn_origin o, uintptr_t caller, size_t size)
{
	struct fn_ctx *c = user;
	char where[256];

	if (!caller) {
		bug(c, "leak check: too many live allocations to track");
		return;
	}
	fn_symbolize(caller, where, sizeof(where));
	bug(c, "leak: %zu bytes from allocation %llu (%s) in %s", size, (unsigned long long)step,
	    fn_origin_name(o), where);
}

/* One run with allocation n failed (0: none). */
static void run_once(const struct fn_family *f, int i, struct fn_ctx *c, uint64_t n,
		     struct fn_tally *t)
{
	c->n = n;
	c->errors = 0;
	c->dlen = 0;
	c->digest[0] = '\0';
	nb_errclear();
	if (getenv("NB_FAILNTH_TRACE"))
		fprintf(stderr, "%s: run %llu\n", c->name, (unsigned long long)n);
	fn_arm(n);
	f->run(c, i);
	fn_pause();
	fn_leaks(report_leak, c);
	fn_disarm(t);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sweep_case(const struct fn_family *f, int i, const char *name, struct case_result *res)
{
	static struct fn_ctx base, c;
	struct fn_tally t;
	double t0 = now_s();
	uint64_t n;

	memset(res, 0, sizeof(*res));
	base = (struct fn_ctx){ .name = name };
	bug_lines = 0;
	/* A warm-up run, not counted: what a process does once (liburcu starts
	 * its call_rcu thread, whose TLS the dynamic loader allocates; libc
	 * sets up its locale and stdio) is not the case's to free. */
	f->run(&base, i);
	base.bugs = 0;
	run_once(f, i, &base, 0, &t);
	if (base.errors)
		bug(&base, "the baseline run (no allocation failed) had %u errors", base.errors);
	res->steps = t.steps;
	memcpy(res->by_origin, t.by_origin, sizeof(res->by_origin));
	c = (struct fn_ctx){ .name = name };
	for (n = 1;; n++) {
		c.bugs = 0;
		run_once(f, i, &c, n, &t);
		if (!t.injected)
			break;
		if (c.errors) {
			res->clean++;
		} else {
			res->absorbed++;
			/* the library went on without the allocation: it must have
			 * come to the same result */
			if (strcmp(c.digest, base.digest))
				bug(&c, "the allocation failure was absorbed, but the results differ from the "
					"baseline:\n--- baseline\n%s--- this run\n%s",
				    base.digest, c.digest);
		}
		if (verbose)
			printf("  %s: run %llu: %s %s\n", name, (unsigned long long)n,
			       fn_origin_name(t.inj_origin), c.errors ? "clean error" : "absorbed");
		res->bugs += c.bugs;
	}
	if (n - 1 != res->steps)
		bug(&c, "the baseline made %llu allocations, the sweep stopped after %llu (not deterministic?)",
		    (unsigned long long)res->steps, (unsigned long long)(n - 1));
	if (strcmp(c.digest, base.digest))
		bug(&c, "the last run (nothing failed) differs from the baseline");
	res->bugs += base.bugs + c.bugs;
	res->seconds = now_s() - t0;
}

/* What the process does once, before any counting: liburcu starts its
 * call_rcu thread on the first deferred free (the dynamic loader allocates
 * the thread's TLS then), and that must not land in the run that first
 * frees a table. */
static void warm_up(void)
{
	struct nb_arena *a;
	struct nb_palloc p;
	struct nb_domain *d;
	struct nb_gather g;

	if (nb_arena_create(&a, 8ull << 20))
		return;
	if (!nb_palloc_init(&p, a, 2ull << 20)) {
		if (!nb_domain_alloc(&d, &(struct nb_pt_cfg){ .fmt = NB_FMT_X86_64 }, a,
				     &(struct nb_tspace){ .alloc = &p })) {
			nb_gather_init(&g);
			if (!nb_domain_map(d, 0, 0x200000, 4096, NB_PROT_RW))
				nb_domain_unmap(d, 0, 2ull << 20, &g);
			nb_gather_release(d, &g);
			nb_domain_free(d);
		}
		nb_palloc_fini(&p);
	}
	nb_arena_destroy(a);
}

static bool selected(const char *name, int argc, char **argv, int first)
{
	if (first >= argc)
		return true;
	for (int a = first; a < argc; a++)
		if (strstr(name, argv[a]))
			return true;
	return false;
}

static void origin_list(const uint64_t *by, bool urcu, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int o = 0; o < FN_ORIGIN_COUNT && off < len; o++)
		if (by[o] && fn_origin_exempt((enum fn_origin)o) == urcu)
			off += (size_t)snprintf(buf + off, len - off, "%s%s %llu", off ? ", " : "",
						fn_origin_name((enum fn_origin)o), (unsigned long long)by[o]);
}

int main(int argc, char **argv)
{
	struct case_result r, total = { 0 };
	char name[96], origins[256], urcu[128];
	int first = 1, cases = 0;
	double t0 = now_s();

	for (; first < argc && argv[first][0] == '-'; first++) {
		if (strcmp(argv[first], "-v") == 0) {
			verbose = true;
		} else if (strcmp(argv[first], "--table") == 0 && first + 1 < argc) {
			table_file = fopen(argv[++first], "w");
			if (!table_file) {
				fprintf(stderr, "failnth_sweep: %s: %s\n", argv[first], strerror(errno));
				return 2;
			}
		} else {
			fprintf(stderr, "usage: %s [-v] [--table FILE] [CASE-SUBSTRING...]\n", argv[0]);
			return 2;
		}
	}
	fn_init();
	warm_up();
	table("fail-nth sweep: allocation n of each case fails, n = 1, 2, ... (steps: allocations one run "
	       "makes that may fail)\n");
	table("%-34s %6s %6s %8s %4s %6s  %s\n", "case", "steps", "clean", "absorbed", "bugs", "sec",
	       "steps by origin (reached, never failed: see fail_alloc.h)");
	for (size_t fi = 0; fi < NB_ARRAY_SIZE(families); fi++) {
		const struct fn_family *f = families[fi];
		bool prepared = false;

		for (int i = 0, n = f->cases(); i < n; i++) {
			f->case_name(i, name, sizeof(name));
			if (!selected(name, argc, argv, first))
				continue;
			if (!prepared && f->prepare && f->prepare()) {
				fprintf(stderr, "BUG: %s: preparing the inputs failed: %s\n", f->name, nb_errmsg());
				total.bugs++;
				break;
			}
			prepared = true;
			sweep_case(f, i, name, &r);
			origin_list(r.by_origin, false, origins, sizeof(origins));
			origin_list(r.by_origin, true, urcu, sizeof(urcu));
			table("%-34s %6llu %6u %8u %4u %6.2f  %s%s%s%s\n", name, (unsigned long long)r.steps,
			       r.clean, r.absorbed, r.bugs, r.seconds, origins, urcu[0] ? " (" : "", urcu,
			       urcu[0] ? ")" : "");
			fflush(stdout);
			total.steps += r.steps;
			total.clean += r.clean;
			total.absorbed += r.absorbed;
			total.bugs += r.bugs;
			for (int o = 0; o < FN_ORIGIN_COUNT; o++)
				total.by_origin[o] += r.by_origin[o];
			cases++;
		}
	}
	if (!cases) {
		fprintf(stderr, "failnth_sweep: no case matches\n");
		return 2;
	}
	origin_list(total.by_origin, false, origins, sizeof(origins));
	table("total: %d cases, %llu allocation steps failed one by one (%u clean errors, %u absorbed), "
	       "%u bugs, %.1f s\n  by origin: %s\n",
	       cases, (unsigned long long)total.steps, total.clean, total.absorbed, total.bugs, now_s() - t0,
	       origins);
	origin_list(total.by_origin, true, urcu, sizeof(urcu));
	table("  reached, never failed (the library cannot survive it, see fail_alloc.h): %s\n", urcu);
	if (table_file && fclose(table_file)) {
		fprintf(stderr, "failnth_sweep: --table: %s\n", strerror(errno));
		return 2;
	}
	return total.bugs ? 1 : 0;
}
