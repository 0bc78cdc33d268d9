// SPDX-License-Identifier: MIT
/*
 * One value of a key, from a file setting or --set text: read as the key's
 * type, checked, stored; and the errors that name where it came from.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hwparams_internal.h"
#include "nestbench/iommu.h"
#include "nestbench/parse.h"

/* ---- reading one value ----------------------------------------------------- */

/* An unsigned integer in min..max. File: exactly as the literal reads. */
static int hw_src_uint(const struct hw_ctx *c, const struct hw_src *v, const char *path, uint64_t min,
		    uint64_t max, uint64_t *out)
{
	const char *text;
	uint64_t u;
	bool neg = false;

	if (v->s) {
		const struct hw_lit *l = config_setting_get_hook(v->s);
		int type = config_setting_type(v->s);

		if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
			return hw_src_type_error(c, v, path, "an integer");
		if (!l) /* hw_bind() gave every integer one */
			return hw_fail(c, hw_src_line(v), path, EINVAL, "internal: unchecked integer");
		if (l->overflow)
			return hw_fail(c, hw_src_line(v), path, ERANGE, "%s does not fit in 64 bits",
				       l->text);
		text = l->text;
		u = l->mag;
		neg = l->neg && l->mag;
	} else { /* "-2" is out of range, as in a file, not "not a number" */
		int ret = nb_parse_u64(v->text + (v->text[0] == '-'), &u);

		if (ret)
			return hw_fail(c, 0, path, -ret, "%s", nb_errmsg());
		text = v->text;
		neg = v->text[0] == '-' && u;
	}
	if (neg || u < min || u > max)
		return hw_fail(c, hw_src_line(v), path, ERANGE, "%s is out of range (%llu..%llu)",
			       text, (unsigned long long)min, (unsigned long long)max);
	*out = u;
	return 0;
}

static int hw_src_str(const struct hw_ctx *c, const struct hw_src *v, const char *path, char *buf,
		   size_t size, const char **out)
{
	if (v->s) {
		if (config_setting_type(v->s) != CONFIG_TYPE_STRING)
			return hw_src_type_error(c, v, path, "a string");
		*out = config_setting_get_string(v->s);
		return 0;
	}
	/* --set: quotes are optional */
	size_t len = strlen(v->text);

	if (len >= 2 && v->text[0] == '"' && v->text[len - 1] == '"') {
		snprintf(buf, size, "%.*s", (int)(len - 2), v->text + 1);
		*out = buf;
	} else {
		*out = v->text;
	}
	return 0;
}

static int hw_src_bool(const struct hw_ctx *c, const struct hw_src *v, const char *path, bool *out)
{
	if (v->s) {
		if (config_setting_type(v->s) != CONFIG_TYPE_BOOL)
			return hw_src_type_error(c, v, path, "true or false");
		*out = config_setting_get_bool(v->s);
		return 0;
	}
	if (!strcmp(v->text, "true") || !strcmp(v->text, "1"))
		*out = true;
	else if (!strcmp(v->text, "false") || !strcmp(v->text, "0"))
		*out = false;
	else
		return hw_fail(c, 0, path, EINVAL, "'%s' is not a boolean (true, false, 1, 0)",
			       v->text);
	return 0;
}

/* Lists: a libconfig array or list, or "a,b,c" (brackets optional) on --set. */
struct hw_list {
	struct hw_src item[64];
	int n;
	char buf[512];
};

char *hw_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static int hw_src_list(const struct hw_ctx *c, const struct hw_src *v, const char *path,
		    struct hw_list *l)
{
	char *s, *tok, *save = NULL;

	l->n = 0;
	if (v->s) {
		int type = config_setting_type(v->s);

		if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
			return hw_src_type_error(c, v, path, "a list [ ... ]");
		if (config_setting_length(v->s) > (int)NB_ARRAY_SIZE(l->item))
			return hw_fail(c, hw_src_line(v), path, EINVAL, "more than %zu items",
				       NB_ARRAY_SIZE(l->item));
		for (l->n = 0; l->n < config_setting_length(v->s); l->n++)
			l->item[l->n].s = config_setting_get_elem(v->s, (unsigned)l->n);
		return 0;
	}
	if (strlen(v->text) >= sizeof(l->buf))
		return hw_fail(c, 0, path, EINVAL, "list too long");
	snprintf(l->buf, sizeof(l->buf), "%s", v->text);
	s = hw_trim(l->buf);
	if (*s == '[') {
		size_t len = strlen(s);

		if (s[len - 1] != ']')
			return hw_fail(c, 0, path, EINVAL, "'%s': missing ']'", v->text);
		s[len - 1] = '\0';
		s++;
	}
	if (!*hw_trim(s))
		return 0; /* empty list */
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (l->n == (int)NB_ARRAY_SIZE(l->item))
			return hw_fail(c, 0, path, EINVAL, "more than %zu items",
				       NB_ARRAY_SIZE(l->item));
		l->item[l->n++] = (struct hw_src){ .text = hw_trim(tok) };
	}
	return 0;
}

/* "4K" -> 12; a power of two in 4K..4T. */
static int hw_page_lg2(const char *s, unsigned *lg2, char *why, size_t n)
{
	uint64_t u;

	if (nb_parse_u64(s, &u)) {
		snprintf(why, n, "\"%s\" is not a size (write 4K, 2M, 1G, ...)", s);
		return -EINVAL;
	}
	if (!u || (u & (u - 1))) {
		snprintf(why, n, "page size \"%s\" is not a power of two", s);
		return -EINVAL;
	}
	*lg2 = (unsigned)__builtin_ctzll(u);
	if (*lg2 < HW_PAGE_MIN_LG2 || *lg2 > HW_PAGE_MAX_LG2) {
		snprintf(why, n, "page size \"%s\" is outside 4K..4T", s);
		return -ERANGE;
	}
	return 0;
}

bool hw_model_ok(const char *s, char *why, size_t n)
{
	char known[NB_NAME_LIST];
	size_t len = strnlen(s, sizeof(((struct nb_hw_params *)0)->model));

	if (!len)
		snprintf(why, n, "empty; name the tag model (%s)", nb_tag_model_list(known, sizeof(known)));
	else if (len >= sizeof(((struct nb_hw_params *)0)->model))
		snprintf(why, n, "longer than %zu characters",
			 sizeof(((struct nb_hw_params *)0)->model) - 1);
	else if (s[strspn(s, HW_MODEL_CHARS)])
		snprintf(why, n, "\"%s\": use letters, digits, '_' and '-' only", s);
	else
		return true;
	return false;
}

/* Switching the command set: the new vendor's commands start at the neutral
 * cost 1 (as in nb_hwparams_defaults), the old vendor's are dropped. */
static void hw_set_vendor(struct nb_hw_params *p, enum nb_vendor v)
{
	if (p->vendor == v)
		return;
	p->vendor = v;
	for (int op = 0; op < NB_INV_OP_COUNT; op++)
		p->cmd_cycles[op] = nb_inv_op_vendor((enum nb_inv_op)op) == v ? 1 : 0;
}

static int hw_apply_sizes(const struct hw_ctx *c, const struct hw_src *v, const char *path,
			  uint64_t *out)
{
	struct hw_list l;
	uint64_t bm = 0;
	char why[128], buf[64];
	int ret = hw_src_list(c, v, path, &l);

	for (int i = 0; !ret && i < l.n; i++) {
		const char *s;
		unsigned lg2;

		ret = hw_src_str(c, &l.item[i], path, buf, sizeof(buf), &s);
		if (ret)
			break;
		ret = hw_page_lg2(s, &lg2, why, sizeof(why));
		if (!ret && (bm & (1ull << lg2))) {
			snprintf(why, sizeof(why), "page size \"%s\" is listed twice", s);
			ret = -EINVAL;
		}
		if (ret)
			return hw_fail(c, hw_src_line(&l.item[i]) ? hw_src_line(&l.item[i]) : hw_src_line(v),
				       path, -ret, "%s", why);
		bm |= 1ull << lg2;
	}
	if (!ret)
		*out = bm;
	return ret;
}

static int hw_apply_levels(const struct hw_ctx *c, const struct hw_src *v, const char *path,
			   uint32_t *out)
{
	struct hw_list l;
	uint32_t bm = 0;
	int ret = hw_src_list(c, v, path, &l);

	for (int i = 0; !ret && i < l.n; i++) {
		uint64_t lv = 0;

		ret = hw_src_uint(c, &l.item[i], path, HW_LEVEL_MIN, HW_LEVEL_MAX, &lv);
		if (ret)
			break;
		if (bm & (1u << lv))
			return hw_fail(c, hw_src_line(&l.item[i]), path, EINVAL,
				       "level %llu is listed twice", (unsigned long long)lv);
		bm |= 1u << lv;
	}
	if (!ret)
		*out = bm;
	return ret;
}

/* Parse v as t's type, check it, store it. */
int hw_apply(struct hw_ctx *c, struct nb_hw_params *p, const struct hw_target *t,
		    const struct hw_src *v)
{
	char known[NB_NAME_LIST];
	const struct hw_key *k = t->key;
	char buf[64], why[128];
	const char *s;
	uint64_t u = 0;
	bool b = false;
	int ret = 0;

	switch (k->type) {
	case HW_UINT:
		ret = hw_src_uint(c, v, t->path, k->min, k->max, &u);
		if (!ret)
			hw_put_uint(t->field, k->size, u);
		break;
	case HW_BOOL:
		ret = hw_src_bool(c, v, t->path, &b);
		if (!ret)
			*(bool *)t->field = b;
		break;
	case HW_REPL:
		ret = hw_src_str(c, v, t->path, buf, sizeof(buf), &s);
		if (ret)
			break;
		for (int r = 0; r < NB_REPL_COUNT; r++)
			if (strcmp(s, hw_repl_names[r]) == 0) {
				*(enum nb_repl *)t->field = (enum nb_repl)r;
				goto done;
			}
		return hw_fail(c, hw_src_line(v), t->path, EINVAL,
			       "unknown replacement \"%s\" (%s)", s, hw_repl_list(known, sizeof(known)));
	case HW_SIZES:
		ret = hw_apply_sizes(c, v, t->path, &u);
		if (!ret)
			*(uint64_t *)t->field = u;
		break;
	case HW_LEVELS:
		ret = hw_apply_levels(c, v, t->path, (uint32_t *)t->field);
		break;
	case HW_MODEL:
		ret = hw_src_str(c, v, t->path, buf, sizeof(buf), &s);
		if (ret)
			break;
		if (!hw_model_ok(s, why, sizeof(why)))
			return hw_fail(c, hw_src_line(v), t->path, EINVAL, "%s", why);
		memset(p->model, 0, sizeof(p->model));
		memcpy(p->model, s, strlen(s));
		break;
	case HW_VENDOR:
		ret = hw_src_str(c, v, t->path, buf, sizeof(buf), &s);
		if (ret)
			break;
		for (int i = 0; i < NB_VENDOR_COUNT; i++)
			if (strcmp(s, hw_vendor_names[i]) == 0) {
				hw_set_vendor(p, (enum nb_vendor)i);
				goto done;
			}
		return hw_fail(c, hw_src_line(v), t->path, EINVAL, "unknown vendor \"%s\" (%s)", s,
			       hw_vendor_list(known, sizeof(known)));
	}
done:
	if (!ret)
		hw_seen(c, t->path, hw_src_line(v));
	return ret;
}
