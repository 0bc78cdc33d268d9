// SPDX-License-Identifier: MIT
/*
 * The file as text, before and beside libconfig. libconfig 1.5 reads an
 * integer literal with atoi() semantics, so "entries = 4294967808;" silently
 * becomes 512. hw_scan() therefore lexes the file once (comments, strings,
 * numbers only; libconfig does the parsing) and hw_bind() pairs every
 * integer setting with its own literal, which the value is then read from,
 * exactly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hwparams_internal.h"

int hw_read(const char *path, char **out, size_t *out_len)
{
	char ebuf[64], *buf;
	struct stat st;
	size_t len = 0, cap = HW_MAX_FILE + 2; /* the limit, one byte more (too large), the NUL */
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return nb_fail(errno, "%s: %s", path, strerror_r(errno, ebuf, sizeof(ebuf)));
	if (fstat(fd, &st))
		st.st_mode = 0;
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return nb_fail(EISDIR, "%s: %s", path, strerror_r(EISDIR, ebuf, sizeof(ebuf)));
	}
	/* A buffer the file's size, grown if it grows while read: not one of
	 * the limit's size per load (1 MiB: most of a load's time under ASan,
	 * fuzz_config) */
	if (S_ISREG(st.st_mode) && st.st_size >= 0 && (uint64_t)st.st_size <= HW_MAX_FILE)
		cap = (size_t)st.st_size + 2;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return nb_fail(ENOMEM, "%s: out of memory", path);
	}
	for (;;) {
		ssize_t n;

		if (len + 1 == cap) { /* full but for the NUL: the file grew */
			size_t ncap = cap * 2 < HW_MAX_FILE + 2 ? cap * 2 : HW_MAX_FILE + 2;
			char *nbuf = realloc(buf, ncap);

			if (!nbuf) {
				free(buf);
				close(fd);
				return nb_fail(ENOMEM, "%s: out of memory", path);
			}
			buf = nbuf;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(buf);
			close(fd);
			return nb_fail(e, "%s: %s", path, strerror_r(e, ebuf, sizeof(ebuf)));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > HW_MAX_FILE) {
			free(buf);
			close(fd);
			return nb_fail(EFBIG, "%s: larger than %u KiB; not a hardware description", path,
				       HW_MAX_FILE >> 10);
		}
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	return 0;
}

static bool hw_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-' || ch == '*';
}

/* A number starts here: 5, -5, +5, .5, -.5 */
static bool hw_num_start(const char *s)
{
	size_t i = s[0] == '-' || s[0] == '+';

	i += s[i] == '.';
	return s[i] >= '0' && s[i] <= '9';
}

static int hw_digit(char ch, unsigned base)
{
	int d = ch >= '0' && ch <= '9' ? ch - '0'
		: ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
		: ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
					 : 99;

	return d < (int)base ? d : -1;
}

/* An integer token as libconfig spells it ([+-]digits, 0xhex, optional L or
 * LL), or false for anything else (floats: libconfig reports those). */
static bool hw_int_token(const char *t, size_t n, unsigned line, struct hw_lit *l)
{
	size_t i = 0, digits = 0;
	unsigned base = 10;

	memset(l, 0, sizeof(*l));
	l->line = line;
	snprintf(l->text, sizeof(l->text), "%.*s%s", (int)(n < 28 ? n : 27), t,
		 n < 28 ? "" : "...");
	if (t[i] == '-' || t[i] == '+')
		l->neg = t[i++] == '-';
	if (n - i > 2 && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'X')) {
		base = 16;
		i += 2;
	}
	for (; i < n; i++, digits++) {
		int d = hw_digit(t[i], base);

		if (d < 0)
			break;
		if (l->mag > (UINT64_MAX - (unsigned)d) / base)
			l->overflow = true;
		l->mag = l->mag * base + (unsigned)d;
	}
	if (i < n && t[i] == 'L')
		i += (i + 1 < n && t[i + 1] == 'L') ? 2 : 1;
	return digits && i == n;
}

static int hw_add_lit(struct hw_ctx *c, const struct hw_lit *l)
{
	if (nb_grow((void **)&c->lits, &c->cap, c->nlits + 1, sizeof(*c->lits), 64))
		return nb_fail(ENOMEM, "%s: out of memory", c->file);
	c->lits[c->nlits++] = *l;
	return 0;
}

/*
 * Lex the text the way libconfig does, far enough to find every integer
 * literal (skipping comments and strings), and refuse what libconfig would
 * read wrongly or not at all: control bytes (a binary file), @include (a
 * description inherits through base = "MODEL";, load.c, and included
 * numbers would go unchecked).
 */
int hw_scan(struct hw_ctx *c, const char *s, size_t len)
{
	unsigned line = 1;

	for (size_t i = 0; i < len; i++) { /* NUL would end libconfig's read early */
		unsigned char ch = (unsigned char)s[i];

		if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7f)
			return nb_fail(EINVAL, "%s:%u: syntax error: binary data (byte 0x%02x), not a config file",
				       c->file, line, ch);
		line += ch == '\n';
	}
	line = 1;
	for (size_t i = 0; s[i];) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\n') {
			line++;
			i++;
		} else if (ch == '#' || (ch == '/' && s[i + 1] == '/')) {
			while (s[i] && s[i] != '\n')
				i++;
		} else if (ch == '/' && s[i + 1] == '*') {
			for (i += 2; s[i] && !(s[i] == '*' && s[i + 1] == '/'); i++)
				line += s[i] == '\n';
			i += s[i] ? 2 : 0;
		} else if (ch == '"') {
			for (i++; s[i] && s[i] != '"'; i++) {
				if (s[i] == '\\' && s[i + 1])
					i++;
				line += s[i] == '\n';
			}
			i += s[i] ? 1 : 0;
		} else if (ch == '@') {
			return nb_fail(EINVAL,
				       "%s:%u: syntax error: @include is not supported (a model names its base: base = \"MODEL\";)",
				       c->file, line);
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '*') {
			while (hw_name_char(s[i]))
				i++;
		} else if (hw_num_start(s + i)) {
			size_t start = i++;
			struct hw_lit l;

			while (hw_name_char(s[i]) || s[i] == '.' ||
			       ((s[i] == '-' || s[i] == '+') && (s[i - 1] | 0x20) == 'e'))
				i++;
			if (hw_int_token(s + start, i - start, line, &l) && hw_add_lit(c, &l))
				return -ENOMEM;
		} else {
			i++;
		}
	}
	return 0;
}

/* Pair every integer setting with its literal: both are in document order. */
int hw_bind(struct hw_ctx *c, config_setting_t *s, size_t *next)
{
	int type = config_setting_type(s);

	if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
		struct hw_lit *l = *next < c->nlits ? &c->lits[*next] : NULL;

		if (!l || l->line < config_setting_source_line(s))
			return nb_fail(EINVAL, "%s:%u: internal: cannot check this number (please report)",
				       c->file, config_setting_source_line(s));
		config_setting_set_hook(s, l);
		(*next)++;
	}
	if (config_setting_is_aggregate(s))
		for (int i = 0; i < config_setting_length(s); i++) {
			int ret = hw_bind(c, config_setting_get_elem(s, (unsigned)i), next);

			if (ret)
				return ret;
		}
	return 0;
}
