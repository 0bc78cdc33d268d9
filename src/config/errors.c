// SPDX-License-Identifier: MIT
/* Where a value came from, and errors that say so: "FILE:LINE: KEY: what",
 * "--set KEY: what"; the keys a load or --set assigned, for blaming a rule
 * between keys on the right line. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "hwparams_internal.h"

__attribute__((format(printf, 5, 0))) static int hw_vfail(const char *file, unsigned line,
							      const char *path, int err,
							      const char *fmt, va_list ap)
{
	char msg[400], full[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!file)
		snprintf(full, sizeof(full), "--set %s: %s", path, msg);
	else if (line)
		snprintf(full, sizeof(full), "%s:%u: %s: %s", file, line, path, msg);
	else
		snprintf(full, sizeof(full), "%s: %s: %s", file, path, msg);
	/* One line, whatever a quoted value holds (a libconfig string may span lines). */
	for (char *q = full; *q; q++)
		if (*q == '\n' || *q == '\r')
			*q = ' ';
	return nb_fail(err, "%s", full);
}

int hw_fail(const struct hw_ctx *c, unsigned line, const char *path, int err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = hw_vfail(c->file, line, path, err, fmt, ap);
	va_end(ap);
	return ret;
}

int hw_fail_in(const char *file, unsigned line, const char *path, int err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = hw_vfail(file, line, path, err, fmt, ap);
	va_end(ap);
	return ret;
}

unsigned hw_src_line(const struct hw_src *v)
{
	return v->s ? config_setting_source_line(v->s) : 0;
}

void hw_seen(struct hw_ctx *c, const char *path, unsigned line)
{
	if (c->nseen < HW_MAX_SEEN) {
		snprintf(c->seen[c->nseen].path, HW_PATH, "%s", path);
		c->seen[c->nseen].file = c->file;
		c->seen[c->nseen++].line = line;
	}
}

static const char *hw_type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP: return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: return "an integer";
	case CONFIG_TYPE_FLOAT: return "a floating-point number";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "a boolean";
	case CONFIG_TYPE_ARRAY: return "an array";
	case CONFIG_TYPE_LIST: return "a list";
	default: return "nothing";
	}
}

int hw_src_type_error(const struct hw_ctx *c, const struct hw_src *v, const char *path,
			  const char *want)
{
	return hw_fail(c, hw_src_line(v), path, EINVAL, "expected %s, got %s", want,
		       hw_type_name(config_setting_type(v->s)));
}
