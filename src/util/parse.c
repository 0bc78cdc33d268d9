// SPDX-License-Identifier: MIT
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nestbench/parse.h"

static int suffix_shift(const char *s, unsigned *shift)
{
	static const char units[] = "KMGT";
	const char *u;

	if (!*s) {
		*shift = 0;
		return 0;
	}
	u = strchr(units, toupper((unsigned char)s[0]));
	if (!u)
		return -1;
	*shift = 10 * (unsigned)(u - units + 1);
	s++;
	if (!*s || strcmp(s, "iB") == 0 || strcmp(s, "B") == 0 || strcmp(s, "ib") == 0)
		return 0;
	return -1;
}

int nb_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10, shift, digits = 0;
	const char *p = s;

	if (!s || !*s)
		return nb_fail(EINVAL, "empty number");
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (; *p; p++, digits++) {
		unsigned d;

		if (isdigit((unsigned char)*p))
			d = (unsigned)(*p - '0');
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return nb_fail(ERANGE, "number '%s' does not fit in 64 bits", s);
		v = v * base + d;
	}
	if (!digits)
		return nb_fail(EINVAL, "'%s' is not a number", s);
	if (suffix_shift(p, &shift))
		return nb_fail(EINVAL, "'%s': unknown suffix '%s' (use K, M, G, T)", s, p);
	if (shift && (v << shift) >> shift != v)
		return nb_fail(ERANGE, "number '%s' does not fit in 64 bits", s);
	*out = v << shift;
	return 0;
}

int nb_parse_prot(const char *s, unsigned *out)
{
	unsigned prot = 0;

	if (!s || !*s)
		return nb_fail(EINVAL, "empty permission (use r, w, x, e.g. rw)");
	for (const char *p = s; *p; p++) {
		unsigned bit = *p == 'r' ? NB_PROT_R : *p == 'w' ? NB_PROT_W : *p == 'x' ? NB_PROT_X : 0;

		if (!bit || (prot & bit))
			return nb_fail(EINVAL, "permission '%s': use each of r, w, x at most once", s);
		prot |= bit;
	}
	*out = prot;
	return 0;
}

const char *nb_prot_str(unsigned prot, char *buf)
{
	buf[0] = prot & NB_PROT_R ? 'r' : '-';
	buf[1] = prot & NB_PROT_W ? 'w' : '-';
	buf[2] = prot & NB_PROT_X ? 'x' : '-';
	buf[3] = '\0';
	return buf;
}

const char *nb_size_str(uint64_t bytes, char *buf)
{
	static const char units[] = "KMGT";

	for (int i = 3; i >= 0; i--) {
		unsigned shift = 10 * (unsigned)(i + 1);

		if (bytes && (bytes & ((1ull << shift) - 1)) == 0) {
			snprintf(buf, 24, "%llu%c", (unsigned long long)(bytes >> shift), units[i]);
			return buf;
		}
	}
	snprintf(buf, 24, "%llu", (unsigned long long)bytes);
	return buf;
}
