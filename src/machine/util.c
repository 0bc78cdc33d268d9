// SPDX-License-Identifier: MIT
/* Small helpers for the machine-facts files: errno text, JSON strings. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "machine_internal.h"

/* glibc's strerrordesc_np/strerrorname_np are thread-safe, unlike strerror. */
const char *nb_strerror(int err)
{
	const char *s = strerrordesc_np(err);

	return s ? s : "unknown error";
}

const char *nb_errname(int err)
{
	const char *s = strerrorname_np(err);

	return s ? s : "E?";
}

int nb_json_escape(char *dst, size_t len, const char *s)
{
	size_t o = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char tmp[8];
		size_t n;

		if (c == '"' || c == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			n = 2;
		} else if (c < 0x20 || c == 0x7f) {
			n = (size_t)snprintf(tmp, sizeof(tmp), "\\u%04x", c);
		} else {
			tmp[0] = (char)c;
			n = 1;
		}
		if (o + n >= len)
			return -ENOSPC;
		memcpy(dst + o, tmp, n);
		o += n;
	}
	if (o >= len)
		return -ENOSPC;
	dst[o] = '\0';
	return 0;
}
