// SPDX-License-Identifier: MIT
/*
 * Loading a hardware-description file (libconfig syntax; configs/README.md
 * documents every key): read and lexed by lexer.c, parsed by libconfig,
 * every setting applied through the key tables, the whole checked, and
 * committed to *p only on success.
 *
 * A model's file may name its base hardware, base = "MODEL";: the file
 * MODEL.cfg beside it is loaded first (with its own base, and so on), and
 * this file states only what differs. Each of these is one "FILE:LINE: KEY"
 * error: a base that is not there, a chain that comes back to a file of its
 * own, a chain longer than HW_MAX_BASES, a vendor key (a model has its
 * base's command set), a key set to the value its base already has, and a
 * file with a base that does not name its own model. A key set twice in one
 * file is libconfig's "duplicate setting name", also with its line.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hwparams_internal.h"

/* The files of one load: the one asked for, then its base, its base's base.
 * The paths outlive every context of the load (errors and the seen list
 * point at them). */
struct hw_chain {
	struct {
		char path[PATH_MAX];
		bool known; /* dev and ino are the file's (it could be stat'ed) */
		dev_t dev;
		ino_t ino;
	} f[HW_MAX_BASES + 1];
};

/* What the file being applied inherits: its base's name and file (NULL: none). */
struct hw_base {
	const char *name, *file;
	unsigned line; /* of base = ... */
};

static int hw_apply_setting(struct hw_ctx *c, struct nb_hw_params *p, const struct hw_base *b,
			    const struct hw_target *t, const config_setting_t *s);

static int hw_apply_group(struct hw_ctx *c, struct nb_hw_params *p, const struct hw_base *b,
			  int g, const config_setting_t *gs)
{
	struct hw_src v = { .s = gs };

	if (!config_setting_is_group(gs))
		return hw_src_type_error(c, &v, hw_group_names[g], "a group { ... }");
	for (int i = 0; i < config_setting_length(gs); i++) {
		const config_setting_t *s = config_setting_get_elem(gs, (unsigned)i);
		struct hw_target t;
		int ret = hw_resolve_member(c, config_setting_source_line(s), p, g,
					    config_setting_name(s), &t);

		if (!ret)
			ret = hw_apply_setting(c, p, b, &t, s);
		if (ret)
			return ret;
	}
	return 0;
}

/* Where the base set key (the last of its chain to set it), for the message. */
static void hw_base_origin(const struct hw_ctx *c, const char *key, char *buf, size_t len)
{
	for (unsigned i = c->nseen; i-- > 0;)
		if (c->seen[i].file != c->file && strcmp(c->seen[i].path, key) == 0) {
			snprintf(buf, len, " (%s:%u)", c->seen[i].file, c->seen[i].line);
			return;
		}
	snprintf(buf, len, " (the default)");
}

/* One setting: applied; over a base, it must change what the base says. */
static int hw_apply_setting(struct hw_ctx *c, struct nb_hw_params *p, const struct hw_base *b,
			    const struct hw_target *t, const config_setting_t *s)
{
	unsigned char before[sizeof(p->model)]; /* the largest field a key has */
	char origin[PATH_MAX + 32];
	struct hw_src v = { .s = s };
	int ret;

	if (b->name)
		memcpy(before, t->field, t->key->size);
	ret = hw_apply(c, p, t, &v);
	if (ret || !b->name || memcmp(before, t->field, t->key->size) != 0)
		return ret;
	hw_base_origin(c, t->path, origin, sizeof(origin));
	return hw_fail(c, config_setting_source_line(s), t->path, EINVAL,
		       "the value its base %s already has%s; a file with a base states only what differs",
		       b->name, origin);
}

/* With a base, vendor is the base's: refused whether it repeats or changes it. */
static int hw_vendor_over_base(struct hw_ctx *c, const struct nb_hw_params *p,
			       const struct hw_base *b, const config_setting_t *vs)
{
	const char *want = config_setting_type(vs) == CONFIG_TYPE_STRING ? config_setting_get_string(vs)
									  : "";

	if (strcmp(want, hw_vendor_name(p->vendor)) == 0)
		return hw_fail(c, config_setting_source_line(vs), "vendor", EINVAL,
			       "the value its base %s already has; a file with a base states only what differs",
			       b->name);
	return hw_fail(c, config_setting_source_line(vs), "vendor", EINVAL,
		       "\"%s\", but its base %s (%s) is vendor \"%s\": a model's base is hardware of its own vendor",
		       want, b->name, b->file, hw_vendor_name(p->vendor));
}

static int hw_apply_root(struct hw_ctx *c, struct nb_hw_params *p, const config_setting_t *root,
			 bool empty_base, const struct hw_base *b)
{
	const config_setting_t *vs = config_setting_get_member(root, "vendor");
	const char *missing;
	int ret;

	if (vs && b->name)
		return hw_vendor_over_base(c, p, b, vs);
	if (vs) { /* first: costs are checked against it */
		struct hw_target t;
		struct hw_src v = { .s = vs };

		ret = hw_resolve_top(c, config_setting_source_line(vs), p, "vendor", &t);
		if (!ret)
			ret = hw_apply(c, p, &t, &v);
		if (ret)
			return ret;
	}
	for (int i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(s);
		int g = hw_find_group(name);

		if (s == vs || strcmp(name, "base") == 0)
			continue;
		if (g >= 0) {
			ret = hw_apply_group(c, p, b, g, s);
		} else {
			struct hw_target t;

			ret = hw_resolve_top(c, config_setting_source_line(s), p, name, &t);
			if (!ret)
				ret = hw_apply_setting(c, p, b, &t, s);
		}
		if (ret)
			return ret;
	}
	if (b->name && !config_setting_get_member(root, "model"))
		return hw_fail(c, 0, "model", EINVAL,
			       "not set; a file with a base (%s) names the model it describes", b->name);
	/* Over an empty description (no model yet), the file must say what it
	 * describes: the zero vendor would otherwise pass as "vtd" unnoticed. */
	missing = !empty_base ? NULL
		  : !config_setting_get_member(root, "model") ? "model"
		  : !vs ? "vendor" : NULL;
	if (missing)
		return hw_fail(c, 0, missing, EINVAL, "not set; %s",
			       "over an empty description a file must name model and vendor");
	return 0;
}

static int hw_parse_error(const struct hw_ctx *c, const config_t *cfg)
{
	const char *text = config_error_text(cfg) ? config_error_text(cfg) : "unknown error";

	if (strcmp(text, "syntax error") == 0)
		return nb_fail(EINVAL, "%s:%d: syntax error", c->file, config_error_line(cfg));
	return nb_fail(EINVAL, "%s:%d: syntax error: %s", c->file, config_error_line(cfg), text);
}

static int hw_load_one(struct hw_chain *ch, int i, struct nb_hw_params *p, struct hw_ctx *c);

/* base = "NAME": NAME.cfg beside the file, checked and loaded over *p into
 * ch->f[i + 1]; its keys go to c's seen list (before this file's own). */
static int hw_load_base(struct hw_chain *ch, int i, struct nb_hw_params *p, struct hw_ctx *c,
			const config_setting_t *bs, struct hw_base *b)
{
	const char *file = ch->f[i].path, *slash = strrchr(file, '/'), *name;
	unsigned line = config_setting_source_line(bs);
	struct hw_src v = { .s = bs };
	char why[128], ebuf[64], path[PATH_MAX];
	struct hw_ctx *bc;
	struct stat st;
	int ret, n;

	if (config_setting_type(bs) != CONFIG_TYPE_STRING)
		return hw_src_type_error(c, &v, "base", "a string (a model whose file is beside this one)");
	name = config_setting_get_string(bs);
	if (!hw_model_ok(name, why, sizeof(why)))
		return hw_fail(c, line, "base", EINVAL, "%s", why);
	if (i == HW_MAX_BASES)
		return hw_fail(c, line, "base", ELOOP, "\"%s\": more than %d bases deep", name,
			       HW_MAX_BASES);
	n = snprintf(path, sizeof(path), "%.*s%s.cfg", slash ? (int)(slash - file + 1) : 0, file, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return hw_fail(c, line, "base", ENAMETOOLONG, "\"%s\": path too long", name);
	memcpy(ch->f[i + 1].path, path, (size_t)n + 1);
	if (stat(ch->f[i + 1].path, &st))
		return hw_fail(c, line, "base", errno, "\"%s\": %s: %s", name, ch->f[i + 1].path,
			       strerror_r(errno, ebuf, sizeof(ebuf)));
	for (int k = 0; k <= i; k++)
		if (ch->f[k].known && ch->f[k].dev == st.st_dev && ch->f[k].ino == st.st_ino)
			return hw_fail(c, line, "base", ELOOP, "\"%s\": %s is this file or one of its bases: "
							      "a chain of bases must end", name, ch->f[i + 1].path);
	ch->f[i + 1].known = true;
	ch->f[i + 1].dev = st.st_dev;
	ch->f[i + 1].ino = st.st_ino;
	if (!(bc = calloc(1, sizeof(*bc))))
		return nb_fail(ENOMEM, "%s: out of memory", file);
	ret = hw_load_one(ch, i + 1, p, bc);
	memcpy(c->seen, bc->seen, bc->nseen * sizeof(bc->seen[0]));
	c->nseen = bc->nseen;
	free(bc->lits);
	free(bc);
	*b = (struct hw_base){ .name = name, .file = ch->f[i + 1].path, .line = line };
	if (ret && i == 0) { /* named from the file the caller asked for too */
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s", nb_errmsg());
		return hw_fail(c, line, "base", -ret, "\"%s\": %s", name, msg);
	}
	return ret;
}

/* ch->f[i] over *p (its bases first), c its context (zeroed by the caller,
 * who frees c->lits). */
static int hw_load_one(struct hw_chain *ch, int i, struct nb_hw_params *p, struct hw_ctx *c)
{
	struct hw_base b = { 0 };
	bool empty = p->model[0] == '\0';
	const config_setting_t *bs;
	char *text = NULL;
	size_t next = 0, len = 0;
	config_t cfg;
	int ret;

	c->file = ch->f[i].path;
	config_init(&cfg);
	ret = hw_read(c->file, &text, &len);
	if (!ret)
		ret = hw_scan(c, text, len);
	/* libconfig 1.5 leaks its string buffer on a syntax error right after
	 * a string token (LeakSanitizer: strbuf_append); nothing to free here. */
	if (!ret && !config_read_string(&cfg, text))
		ret = hw_parse_error(c, &cfg);
	if (!ret)
		ret = hw_bind(c, config_root_setting(&cfg), &next);
	if (!ret && next != c->nlits)
		ret = nb_fail(EINVAL, "%s:%u: internal: cannot check this number (please report)", c->file,
			      c->lits[next].line);
	if (!ret && (bs = config_setting_get_member(config_root_setting(&cfg), "base")))
		ret = hw_load_base(ch, i, p, c, bs, &b);
	if (!ret)
		ret = hw_apply_root(c, p, config_root_setting(&cfg), empty && !b.name, &b);
	config_destroy(&cfg);
	free(text);
	return ret;
}

int nb_hwparams_load(struct nb_hw_params *p, const char *path)
{
	struct nb_hw_params tmp;
	struct hw_chain *ch = calloc(1, sizeof(*ch));
	struct hw_ctx *c = calloc(1, sizeof(*c));
	struct stat st;
	int ret;

	if (!ch || !c) {
		free(ch);
		free(c);
		return nb_fail(ENOMEM, "%s: out of memory", path);
	}
	if (strlen(path) >= sizeof(ch->f[0].path)) {
		free(ch);
		free(c);
		return nb_fail(ENAMETOOLONG, "%s: path too long", path);
	}
	memcpy(ch->f[0].path, path, strlen(path) + 1);
	if (stat(path, &st) == 0) { /* else hw_read says why */
		ch->f[0].known = true;
		ch->f[0].dev = st.st_dev;
		ch->f[0].ino = st.st_ino;
	}
	memcpy(&tmp, p, sizeof(tmp));
	ret = hw_load_one(ch, 0, &tmp, c);
	if (!ret)
		ret = hw_check_ctx(c, &tmp);
	if (!ret)
		memcpy(p, &tmp, sizeof(*p));
	free(c->lits);
	free(c);
	free(ch);
	return ret;
}
