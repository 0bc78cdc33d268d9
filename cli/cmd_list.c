// SPDX-License-Identifier: MIT
/*
 * nestbench list [models|formats|families|backends] [--markdown]: what this
 * build has registered, printed from the registries themselves (model_list.h,
 * fmt_list.h, bench/families.txt's compiled table, the backend table), so
 * that no hand-kept table has to follow them. --markdown prints the same
 * rows as Markdown tables, for a README or a review comment.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build_info.h"
#include "cmd.h"
#include "family.h"
#include "nestbench/backend.h"
#include "nestbench/hwparams.h"
#include "nestbench/iommu.h"
#include "nestbench/pt.h"

#define LIST_MAX_COLS 6
#define LIST_CELL 1200

/* Where rows go: plain output pads every column but the last to its
 * widest cell, so the rows are walked twice, measuring first. */
struct list_out {
	bool markdown, measuring;
	int ncols;
	int widths[LIST_MAX_COLS];
};

/* One list: its columns and the function that gives its rows; returns 0,
 * or 1 when a row says something is wrong (that row says what). */
struct list_kind {
	const char *name;
	const char *what; /* heading */
	const char *cols[LIST_MAX_COLS];
	int (*rows)(struct list_out *o);
};

static void cell_md(const char *s, bool code)
{
	fputs(code ? " `" : " ", stdout);
	for (; *s; s++) {
		if (*s == '|')
			putchar('\\');
		putchar(*s);
	}
	fputs(code ? "` |" : " |", stdout);
}

static void row_of(struct list_out *o, const char *const cells[], bool header)
{
	if (o->measuring) {
		for (int i = 0; i < o->ncols; i++)
			if ((int)strlen(cells[i]) > o->widths[i])
				o->widths[i] = (int)strlen(cells[i]);
		return;
	}
	if (o->markdown)
		putchar('|');
	for (int i = 0; i < o->ncols; i++) {
		if (o->markdown)
			cell_md(cells[i], i == 0 && !header);
		else if (i < o->ncols - 1)
			printf("%-*s  ", o->widths[i], cells[i]);
		else
			printf("%s", cells[i]);
	}
	putchar('\n');
}

static void row(struct list_out *o, const char *const cells[])
{
	row_of(o, cells, false);
}

/* The file a model runs on, relative to the config folder. */
static int model_file(const struct list_out *o, const struct nb_tag_model *tm, char *buf, size_t len)
{
	const char *dir = nb_cli_config_dir(), *hw, *rel;
	char path[1024];

	/* a model without .hardware gets its own path whether it is there or not */
	if (nb_hwparams_model_file(dir, tm->name, path, sizeof(path), &hw) ||
	    (access(path, R_OK) && nb_fail(errno, "model %s: %s: %s", tm->name, path, strerror(errno)))) {
		snprintf(buf, len, "none: %s", nb_errmsg());
		if (!o->measuring)
			fprintf(stderr, "nestbench list: %s\n", nb_errmsg());
		return 1;
	}
	rel = strncmp(path, dir, strlen(dir)) == 0 && path[strlen(dir)] == '/' ? path + strlen(dir) + 1 : path;
	if (hw)
		snprintf(buf, len, "%s (its .hardware; no %s.cfg)", rel, tm->name);
	else
		snprintf(buf, len, "%s", rel);
	return 0;
}

static int model_rows(struct list_out *o)
{
	const struct nb_tag_model *tm;
	char gen[LIST_CELL], file[LIST_CELL];
	int bad = 0;

	for (int i = 0; (tm = nb_tag_model_at(i)); i++) {
		snprintf(gen, sizeof(gen), "%s: %s", nb_gen_kind_name(tm->gen.kind), tm->gen.range);
		bad |= model_file(o, tm, file, sizeof(file));
		row(o, (const char *const[]){ tm->name, nb_vendor_name(tm->vendor), gen, file, tm->summary });
	}
	return bad;
}

static void granules(const struct nb_fmt *f, char *buf, size_t len)
{
	static const struct {
		int lg2;
		const char *name;
	} g[] = { { 12, "4K" }, { 14, "16K" }, { 16, "64K" } };
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NB_ARRAY_SIZE(g); i++)
		if (f->granules_lg2_mask & (1u << g[i].lg2) && off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? " " : "", g[i].name);
}

static int format_rows(struct list_out *o)
{
	char min_ia[8], max_ia[8], gr[32];

	for (int i = 0; i < NB_FMT_COUNT; i++) {
		const struct nb_fmt *f = nb_fmts[i];

		snprintf(min_ia, sizeof(min_ia), "%u", (unsigned)f->min_ia_bits);
		snprintf(max_ia, sizeof(max_ia), "%u", (unsigned)f->max_ia_bits);
		granules(f, gr, sizeof(gr));
		row(o, (const char *const[]){ f->name, min_ia, max_ia, gr, f->spec });
	}
	return 0;
}

static int family_rows(struct list_out *o)
{
	char bin[1200], reps[32], eta[64];

	for (int i = 0; i < NB_FAMILY_COUNT; i++) {
		const struct nb_family *f = &nb_families[i];

		if (f->script)
			snprintf(bin, sizeof(bin), "script %s", f->script);
		else
			snprintf(bin, sizeof(bin), "nb-bench-%s", f->name);
		snprintf(reps, sizeof(reps), "%d / %d", f->reps, f->quick_reps);
		snprintf(eta, sizeof(eta), "%g / %g", f->est_s, f->quick_est_s);
		row(o, (const char *const[]){ f->name, bin, reps, eta, f->report });
	}
	return 0;
}

static int backend_rows(struct list_out *o)
{
	for (int i = 0; i < NB_BACKEND_COUNT; i++)
		if (nb_backends[i])
			row(o, (const char *const[]){ nb_backends[i]->name });
	return 0;
}

enum list_id { LIST_MODELS, LIST_FORMATS, LIST_FAMILIES, LIST_BACKENDS, LIST_COUNT };

static const struct list_kind lists[LIST_COUNT] = {
	[LIST_MODELS] = { "models", "tag models (src/models/model_list.h)",
			  { "model", "vendor", "Linux generation", "hardware file (NB_CONFIG_DIR)", "summary" },
			  model_rows },
	[LIST_FORMATS] = { "formats", "page-table formats (include/nestbench/fmt_list.h)",
			   { "format", "min IA bits", "max IA bits", "granules", "spec" }, format_rows },
	[LIST_FAMILIES] = { "families", "benchmark families (bench/families.txt)",
			    { "family", "runs", "repetitions (default / quick)",
			      "ETA hint, s of one core (default / quick)", "report prefixes" },
			    family_rows },
	[LIST_BACKENDS] = { "backends", "backends (drivers/)", { "backend" }, backend_rows },
};

static int print_list(const struct list_kind *k, bool markdown, bool heading)
{
	struct list_out o = { .markdown = markdown };

	while (o.ncols < LIST_MAX_COLS && k->cols[o.ncols])
		o.ncols++;
	o.measuring = true;
	row_of(&o, k->cols, true);
	k->rows(&o);
	o.measuring = false;
	if (heading)
		printf(markdown ? "### %s\n\n" : "%s:\n", k->what);
	row_of(&o, k->cols, true);
	if (markdown) {
		for (int i = 0; i < o.ncols; i++)
			fputs(i ? "---|" : "|---|", stdout);
		putchar('\n');
	}
	return k->rows(&o);
}

static void help(void)
{
	printf("usage: nestbench list [models|formats|families|backends] [--markdown]\n"
	       "What this build has registered, from the registries themselves:\n"
	       "  models     tag models: vendor, Linux generation, the hardware file each runs\n"
	       "             on (its own NB_CONFIG_DIR/<model>.cfg, or its registered .hardware's),\n"
	       "             summary\n"
	       "  formats    page-table formats: input-address bits, granules, spec\n"
	       "  families   benchmark families: binary, repetitions, ETA hints, report prefixes\n"
	       "  backends   backends behind the ops table\n"
	       "With no list, all four, each under a heading.\n"
	       "  --markdown  Markdown tables\n"
	       "  -h, --help  this help\n"
	       "Environment: NB_CONFIG_DIR (the model files; default %s/configs).\n"
	       "Exit status: 0; 1 a model's hardware file is missing (its row says which);\n"
	       "2 usage (an unknown list or option, named); 4 standard output could not be\n"
	       "written.\n", NB_SOURCE_DIR);
}

static int run(int argc, char **argv)
{
	const struct list_kind *only = NULL;
	bool markdown = false;
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		bool known = false;

		if (nb_cli_is_help(argv[i])) {
			help();
			return 0;
		}
		if (strcmp(argv[i], "--markdown") == 0) {
			markdown = true;
			continue;
		}
		for (int k = 0; k < LIST_COUNT && !known; k++)
			if (strcmp(argv[i], lists[k].name) == 0) {
				if (only)
					return nb_cli_usage_error("list", "'%s': one list at a time (or none for all)",
								  argv[i]);
				only = &lists[k];
				known = true;
			}
		if (!known) {
			char names[128] = "";

			for (int k = 0; k < LIST_COUNT; k++)
				nb_name_list_add(names, sizeof(names), lists[k].name);
			return nb_cli_usage_error("list", "unknown %s '%s' (lists: %s; try --help)",
						  argv[i][0] == '-' ? "option" : "list", argv[i], names);
		}
	}
	if (only)
		return print_list(only, markdown, false);
	for (int k = 0; k < LIST_COUNT; k++) {
		if (k)
			putchar('\n');
		ret |= print_list(&lists[k], markdown, true);
	}
	return ret;
}

const struct nb_cmd nb_cmd_list = {
	.name = "list",
	.args = "[LIST] [--markdown]",
	.summary = "the registered models, formats, families and backends",
	.run = run,
};
