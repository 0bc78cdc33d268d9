// SPDX-License-Identifier: MIT
/*
 * Loading a hardware-description file (libconfig syntax; configs/README.md
 * documents every key): read and lexed by lexer.c, parsed by libconfig,
 * every setting applied through the key tables, the whole checked, and
 * committed to *p only on success.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hwparams_internal.h"

static int hw_apply_group(struct hw_ctx *c, struct nb_hw_params *p, int g,
			  const config_setting_t *gs)
{
	struct hw_src v = { .s = gs };

	if (!config_setting_is_group(gs))
		return hw_src_type_error(c, &v, hw_group_names[g], "a group { ... }");
	for (int i = 0; i < config_setting_length(gs); i++) {
		const config_setting_t *s = config_setting_get_elem(gs, (unsigned)i);
		struct hw_src sv = { .s = s };
		struct hw_target t;
		int ret = hw_resolve_member(c, config_setting_source_line(s), p, g,
					    config_setting_name(s), &t);

		if (!ret)
			ret = hw_apply(c, p, &t, &sv);
		if (ret)
			return ret;
	}
	return 0;
}

static int hw_apply_root(struct hw_ctx *c, struct nb_hw_params *p, const config_setting_t *root,
			 bool empty_base)
{
	const config_setting_t *vs = config_setting_get_member(root, "vendor");
	const char *missing;
	int ret;

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

		if (s == vs)
			continue;
		if (g >= 0) {
			ret = hw_apply_group(c, p, g, s);
		} else {
			struct hw_target t;
			struct hw_src v = { .s = s };

			ret = hw_resolve_top(c, config_setting_source_line(s), p, name, &t);
			if (!ret)
				ret = hw_apply(c, p, &t, &v);
		}
		if (ret)
			return ret;
	}
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

int nb_hwparams_load(struct nb_hw_params *p, const char *path)
{
	struct nb_hw_params tmp;
	struct hw_ctx *c = calloc(1, sizeof(*c));
	char *text = NULL;
	size_t next = 0, len = 0;
	config_t cfg;
	int ret;

	if (!c)
		return nb_fail(ENOMEM, "%s: out of memory", path);
	c->file = path;
	memcpy(&tmp, p, sizeof(tmp));
	config_init(&cfg);
	ret = hw_read(path, &text, &len);
	if (!ret)
		ret = hw_scan(c, text, len);
	/* libconfig 1.5 leaks its string buffer on a syntax error right after
	 * a string token (LeakSanitizer: strbuf_append); nothing to free here. */
	if (!ret && !config_read_string(&cfg, text))
		ret = hw_parse_error(c, &cfg);
	if (!ret)
		ret = hw_bind(c, config_root_setting(&cfg), &next);
	if (!ret && next != c->nlits)
		ret = nb_fail(EINVAL, "%s:%u: internal: cannot check this number (please report)", path,
			      c->lits[next].line);
	if (!ret)
		ret = hw_apply_root(c, &tmp, config_root_setting(&cfg), p->model[0] == '\0');
	if (!ret)
		ret = hw_check_ctx(c, &tmp);
	if (!ret)
		memcpy(p, &tmp, sizeof(*p));
	config_destroy(&cfg);
	free(text);
	free(c->lits);
	free(c);
	return ret;
}
