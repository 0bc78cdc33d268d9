// SPDX-License-Identifier: MIT
/* The translate script interpreter (grammar in nestbench/script.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "nestbench/domain.h"
#include "nestbench/parse.h"
#include "nestbench/scenario.h"
#include "nestbench/script.h"

#define MAX_TOKENS 8
#define ARENA_BYTES (512ull << 20)
#define HOST_BYTES (64ull << 20)

/* The simulated memory, kept from run to run (see script.h): a scenario
 * without IOMMU units (a script walks the tables itself), whose guest RAM
 * is kept for the next run that asks for the same. */
struct nb_tscript_mem {
	struct nb_scenario sc;
};

struct tscript {
	const char *name;
	unsigned line;
	FILE *out, *err;
	struct nb_tscript_mem *mem;
	struct nb_arena *arena;
	struct nb_tspace host_ts;
	bool have_s1, have_s2, have_ram, built;
	struct nb_pt_cfg s1_cfg, s2_cfg;
	uint64_t ram_ipa, ram_size;
	unsigned ram_line; /* the guest-ram statement's line (0: none) */
	struct nb_domain *s1, *s2;
	struct nb_guest_ram *ram; /* &mem->ram once built */
	struct nb_nested *nest;
};

static int bad(struct tscript *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct tscript *t, const char *fmt, ...)
{
	va_list ap;

	fprintf(t->err, "%s:%u: ", t->name, t->line);
	va_start(ap, fmt);
	vfprintf(t->err, fmt, ap);
	va_end(ap);
	fputc('\n', t->err);
	return -EINVAL;
}

static int num(struct tscript *t, const char *tok, const char *what, uint64_t *v)
{
	if (nb_parse_u64(tok, v))
		return bad(t, "%s: %s", what, nb_errmsg());
	return 0;
}

/* stage1/stage2 FORMAT [granule=] [ia=] [levels=] */
static int parse_stage(struct tscript *t, char **tok, int n, struct nb_pt_cfg *cfg)
{
	enum nb_fmt_id id;
	struct nb_pt_geom g;
	char known[NB_NAME_LIST];

	if (n < 2)
		return bad(t, "%s needs a FORMAT (%s)", tok[0], nb_fmt_list(known, sizeof(known)));
	if (nb_fmt_by_name(tok[1], &id))
		return bad(t, "%s", nb_errmsg());
	*cfg = (struct nb_pt_cfg){ .fmt = id };
	for (int i = 2; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		uint64_t v;

		if (!eq)
			return bad(t, "option '%s' must be key=value", tok[i]);
		*eq = '\0';
		if (strcmp(tok[i], "granule") && strcmp(tok[i], "ia") && strcmp(tok[i], "levels"))
			return bad(t, "unknown option '%s' (granule=4K|16K|64K, ia=BITS, levels=N)", tok[i]);
		if (num(t, eq + 1, tok[i], &v))
			return -EINVAL;
		if (strcmp(tok[i], "granule") == 0 && (v == 4096 || v == 16384 || v == 65536))
			cfg->granule_lg2 = (uint8_t)__builtin_ctzll(v);
		else if (strcmp(tok[i], "ia") == 0 && v <= 64)
			cfg->ia_bits = (uint8_t)v;
		else if (strcmp(tok[i], "levels") == 0 && v <= NB_MAX_LEVELS)
			cfg->levels = (uint8_t)v;
		else
			return bad(t, "unknown option or bad value '%s=%s' (granule=4K|16K|64K, ia=BITS, levels=N)",
				   tok[i], eq + 1);
	}
	if (nb_pt_geom_init(&g, cfg))
		return bad(t, "%s", nb_errmsg());
	return 0;
}

/* Guest RAM as the script asks for it: the last run's again if it asked
 * the same, else a new one (nb_scenario_ram_map). */
static int guest_ram(struct tscript *t)
{
	t->ram = &t->mem->sc.ram;
	return nb_scenario_ram_map(&t->mem->sc, t->s2, t->ram_ipa, t->ram_size);
}

/* Guest RAM holds a nested walk's stage-1 tables behind stage 2: with one
 * stage it would be ignored, not used. Said where the script first needs
 * its stages (its first map or translate), or at its end. */
static bool ram_without_stages(struct tscript *t)
{
	unsigned at = t->line;

	if (!t->ram_line || (t->have_s1 && t->have_s2))
		return false;
	if (at == t->ram_line)
		bad(t, "guest-ram needs both stage1 and stage2 (the guest's stage-1 tables live in it, "
		    "behind stage 2)");
	else
		bad(t, "guest-ram (line %u) needs both stage1 and stage2 (the guest's stage-1 tables "
		    "live in it, behind stage 2)", t->ram_line);
	return true;
}

static int build(struct tscript *t)
{
	if (t->built)
		return 0;
	if (!t->have_s1 && !t->have_s2)
		return bad(t, "declare stage1 and/or stage2 before mapping or translating");
	if (ram_without_stages(t))
		return -EINVAL;
	t->built = true;
	if (t->have_s2 && nb_domain_alloc(&t->s2, &t->s2_cfg, t->arena, &t->host_ts))
		return bad(t, "stage 2: %s", nb_errmsg());
	if (!t->have_s1)
		return 0;
	if (!t->have_s2)
		return nb_domain_alloc(&t->s1, &t->s1_cfg, t->arena, &t->host_ts)
			       ? bad(t, "stage 1: %s", nb_errmsg())
			       : 0;
	if (guest_ram(t))
		return bad(t, "guest RAM: %s", nb_errmsg());
	t->have_ram = true;
	if (nb_nested_alloc(&t->nest, t->s2, &t->s1_cfg, &t->ram->ts))
		return bad(t, "nested stage 1: %s", nb_errmsg());
	t->s1 = t->nest->s1;
	fprintf(t->out, "# guest RAM IPA %#llx..%#llx (stage-1 tables live here), stage-1 root IPA %#llx\n",
		(unsigned long long)t->ram_ipa, (unsigned long long)(t->ram_ipa + t->ram->size - 1),
		(unsigned long long)t->s1->root_addr);
	return 0;
}

static int do_map(struct tscript *t, char **tok, int n, int stage)
{
	uint64_t in, out, size;
	unsigned prot = NB_PROT_RW;
	struct nb_domain *d;

	if (n < 4 || n > 5)
		return bad(t, "usage: %s IN OUT SIZE [PROT]", tok[0]);
	if (num(t, tok[1], "input address", &in) || num(t, tok[2], "output address", &out) ||
	    num(t, tok[3], "size", &size))
		return -EINVAL;
	if (n == 5 && nb_parse_prot(tok[4], &prot))
		return bad(t, "%s", nb_errmsg());
	if (build(t))
		return -EINVAL;
	d = stage == 2 ? t->s2 : t->s1;
	if (!d)
		return bad(t, "%s: stage %s was not declared", tok[0], stage == 2 ? "2" : "1");
	if (nb_domain_map(d, in, out, size, prot))
		return bad(t, "%s", nb_errmsg());
	return 0;
}

static int do_unmap(struct tscript *t, char **tok, int n, int stage)
{
	uint64_t in, size;
	struct nb_domain *d;
	struct nb_gather g;
	int64_t got;
	char sz[24];

	if (n != 3)
		return bad(t, "usage: %s IN SIZE", tok[0]);
	if (num(t, tok[1], "input address", &in) || num(t, tok[2], "size", &size) || build(t))
		return -EINVAL;
	d = stage == 2 ? t->s2 : t->s1;
	if (!d)
		return bad(t, "%s: stage %s was not declared", tok[0], stage == 2 ? "2" : "1");
	nb_gather_init(&g);
	got = nb_domain_unmap(d, in, size, &g);
	if (got < 0)
		return bad(t, "%s", nb_errmsg());
	fprintf(t->out, "unmapped %s in %llu leaves, %zu tables freed\n", nb_size_str((uint64_t)got, sz),
		(unsigned long long)g.leaves, g.nr_freed);
	nb_gather_release(d, &g);
	return 0;
}

static const char *kind_name(enum nb_desc_kind k)
{
	static const char *const names[] = { "not present", "table", "leaf", "reserved" };

	return names[k];
}

static void print_step(void *user, const struct nb_walk_step *s)
{
	FILE *out = user;

	fprintf(out, "  S%d%s %-8s table 0x%012llx [%4llu] = 0x%016llx  %s\n", s->stage,
		s->for_s1_table ? "*" : " ", nb_pt_level_name(s->geom, s->level),
		(unsigned long long)s->table_pa, (unsigned long long)s->index,
		(unsigned long long)s->desc, kind_name(s->kind));
}

/* One walk's outcome, nested or not (s2 NULL: a single-stage walk of s1). */
static void print_result(FILE *out, const struct nb_pt_geom *s1, const struct nb_pt_geom *s2,
			 const struct nb_walk_result *r)
{
	char pbuf[4], sz[24];

	if (r->fault) {
		fputs("  => fault: ", out);
		if (s2)
			fprintf(out, "stage %d ", r->fault_stage);
		fprintf(out, "%s (level %d): %s%s",
			nb_pt_level_name(r->fault_stage == 2 ? s2 : s1, r->level), r->level,
			nb_fault_name((enum nb_fault)r->fault),
			r->fault_s1ptw ? " while fetching a stage-1 table" : "");
		if (r->fault_s1ptw)
			fprintf(out, " for stage-1 %s", nb_pt_level_name(s1, r->s1_level));
		fprintf(out, "; %u reads\n", r->refs);
		return;
	}
	fputs("  => ", out);
	if (s2)
		fprintf(out, "IPA %#llx ", (unsigned long long)r->ipa);
	fprintf(out, "PA %#llx page %s prot %s; %u reads\n", (unsigned long long)r->oa,
		nb_size_str(1ull << r->page_lg2, sz), nb_prot_str(r->prot, pbuf), r->refs);
}

static int do_translate(struct tscript *t, char **tok, int n)
{
	struct nb_walk_tracer tr = { print_step, t->out };
	struct nb_walk_result r;
	unsigned access = 0;
	uint64_t iova;

	if (n < 2 || n > 3)
		return bad(t, "usage: translate IOVA [PROT]");
	if (num(t, tok[1], "IOVA", &iova))
		return -EINVAL;
	if (n == 3 && nb_parse_prot(tok[2], &access))
		return bad(t, "%s", nb_errmsg());
	if (build(t))
		return -EINVAL;
	fprintf(t->out, "translate %#llx%s%s\n", (unsigned long long)iova, n == 3 ? " " : "",
		n == 3 ? tok[2] : "");
	if (t->nest) {
		nb_walk_nested_traced(&t->nest->ctx, iova, access, &r, &tr);
		print_result(t->out, t->nest->ctx.s1, t->nest->ctx.s2, &r);
	} else {
		struct nb_domain *d = t->s1 ? t->s1 : t->s2;

		nb_walk1_traced(&d->geom, t->arena, d->root_pa, d->geom.levels - 1, iova, access, &r, &tr);
		print_result(t->out, &d->geom, NULL, &r);
	}
	return 0;
}

static int statement(struct tscript *t, char **tok, int n)
{
	const char *k = tok[0];

	if (strcmp(k, "stage1") == 0 || strcmp(k, "stage2") == 0) {
		bool two = k[5] == '2';

		if (t->built)
			return bad(t, "%s must come before any map, unmap or translate", k);
		if (two ? t->have_s2 : t->have_s1)
			return bad(t, "%s declared twice", k);
		if (parse_stage(t, tok, n, two ? &t->s2_cfg : &t->s1_cfg))
			return -EINVAL;
		*(two ? &t->have_s2 : &t->have_s1) = true;
		return 0;
	}
	if (strcmp(k, "guest-ram") == 0) {
		if (n != 3)
			return bad(t, "usage: guest-ram IPA SIZE");
		if (t->built)
			return bad(t, "guest-ram must come before any map, unmap or translate");
		if (t->ram_line)
			return bad(t, "guest-ram declared twice (line %u)", t->ram_line);
		t->ram_line = t->line;
		return num(t, tok[1], "IPA", &t->ram_ipa) || num(t, tok[2], "size", &t->ram_size) ? -EINVAL : 0;
	}
	if (strcmp(k, "map1") == 0 || strcmp(k, "map") == 0)
		return do_map(t, tok, n, t->have_s1 ? 1 : 2);
	if (strcmp(k, "map2") == 0)
		return do_map(t, tok, n, 2);
	if (strcmp(k, "unmap1") == 0 || strcmp(k, "unmap") == 0)
		return do_unmap(t, tok, n, t->have_s1 ? 1 : 2);
	if (strcmp(k, "unmap2") == 0)
		return do_unmap(t, tok, n, 2);
	if (strcmp(k, "translate") == 0)
		return do_translate(t, tok, n);
	return bad(t, "unknown statement '%s' (stage1, stage2, guest-ram, map1, map2, unmap1, unmap2, translate)",
		   k);
}

static int tokenize(struct tscript *t, char *line, char **tok)
{
	int n = 0;
	char *hash = strchr(line, '#');

	if (hash)
		*hash = '\0';
	for (char *p = strtok(line, " \t\r\n"); p; p = strtok(NULL, " \t\r\n")) {
		if (n == MAX_TOKENS)
			return bad(t, "too many words on one line (at most %d)", MAX_TOKENS);
		tok[n++] = p;
	}
	return n;
}

/* Free what the run built; the memory is left as a new run needs it. */
static void cleanup(struct tscript *t)
{
	if (t->nest)
		nb_nested_free(t->nest);
	else if (t->s1)
		nb_domain_free(t->s1);
	if (t->s2)
		nb_domain_free(t->s2); /* its tables map the guest RAM no more */
	/* every domain waited for its deferred frees (nb_domain_free); a run
	 * without guest RAM leaves the last one kept (fuzz_script_reset) */
	if (t->have_ram)
		nb_scenario_ram_forget(&t->mem->sc);
	nb_palloc_reset(&t->mem->sc.host);
}

/* One line into buf, without its newline: 1, or 0 at the end of input.
 * *over: longer than buf holds (the rest is left unread); *nul: it holds a
 * NUL byte (which fgets-and-strlen would silently cut the line at). */
static int read_line(FILE *in, char *buf, size_t size, bool *over, bool *nul)
{
	size_t n = 0;
	int c;

	*over = *nul = false;
	while ((c = getc(in)) != EOF && c != '\n') {
		if (n + 1 == size) {
			*over = true;
			break;
		}
		*nul |= c == '\0';
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	return c != EOF || n > 0;
}

/* Bytes a script line may hold outside comments: printable ASCII and blanks. */
static int binary_byte(const char *line, size_t *col)
{
	for (size_t i = 0; line[i] && line[i] != '#'; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != '\t' && c != '\r') || c >= 0x7f) {
			*col = i + 1;
			return c;
		}
	}
	return -1;
}

int nb_tscript_mem_create(struct nb_tscript_mem **out)
{
	struct nb_tscript_mem *m = calloc(1, sizeof(*m));
	int ret;

	if (!m)
		return nb_fail(ENOMEM, "translate: out of memory");
	if ((ret = nb_scenario_init(&m->sc, ARENA_BYTES, HOST_BYTES))) {
		free(m);
		return ret;
	}
	*out = m;
	return 0;
}

void nb_tscript_mem_destroy(struct nb_tscript_mem *m)
{
	if (!m)
		return;
	nb_scenario_fini(&m->sc);
	free(m);
}

int nb_tscript_run(FILE *in, const char *name, FILE *out, FILE *err)
{
	struct nb_tscript_mem *m = NULL;
	int rc;

	if (nb_tscript_mem_create(&m)) {
		fprintf(err, "%s: %s\n", name, nb_errmsg());
		return 1;
	}
	rc = nb_tscript_run_mem(m, in, name, out, err);
	nb_tscript_mem_destroy(m);
	return rc;
}

int nb_tscript_run_mem(struct nb_tscript_mem *m, FILE *in, const char *name, FILE *out, FILE *err)
{
	struct tscript t = { .name = name, .out = out, .err = err, .mem = m, .arena = m->sc.arena,
			     .ram_ipa = 0x40000000, .ram_size = 16ull << 20 };
	char line[1024], *tok[MAX_TOKENS];
	bool over, nul;
	int rc = 0;

	t.host_ts = m->sc.host_ts;
	while (read_line(in, line, sizeof(line), &over, &nul)) {
		size_t col;
		int n, c;

		t.line++;
		if (over || nul) {
			if (nul)
				bad(&t, "NUL byte in the line (binary data?)");
			else
				bad(&t, "line longer than %zu characters", sizeof(line) - 1);
			rc = 1;
			break;
		}
		if ((c = binary_byte(line, &col)) >= 0) {
			bad(&t, "byte 0x%02x at column %zu is not text (binary data?)", (unsigned)c, col);
			rc = 1;
			break;
		}
		n = tokenize(&t, line, tok);
		if (n < 0 || (n > 0 && statement(&t, tok, n))) {
			rc = 1;
			break;
		}
	}
	if (!rc && ferror(in)) {
		fprintf(err, "%s: read error: %s\n", name, strerror(errno));
		rc = 1;
	}
	if (!rc && !t.built) {
		t.line = t.ram_line;
		rc = ram_without_stages(&t);
	}
	cleanup(&t);
	return rc;
}
