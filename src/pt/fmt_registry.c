// SPDX-License-Identifier: MIT
/* The format registry: adding a format is one fmt_*.c file and one line in
 * nestbench/fmt_list.h. */
#include <errno.h>
#include <string.h>

#include "fmt.h"

const struct nb_fmt *const nb_fmts[NB_FMT_COUNT] = {
#define NB_FMT_ENTRY(ID, name) [NB_FMT_##ID] = &nb_fmt_##name,
#include "nestbench/fmt_list.h"
#undef NB_FMT_ENTRY
};

int nb_fmt_by_name(const char *name, enum nb_fmt_id *out)
{
	char known[NB_NAME_LIST];

	for (int i = 0; i < NB_FMT_COUNT; i++) {
		if (strcmp(nb_fmts[i]->name, name) == 0) {
			*out = (enum nb_fmt_id)i;
			return 0;
		}
	}
	return nb_fail(EINVAL, "unknown page-table format '%s' (known: %s)", name,
		       nb_fmt_list(known, sizeof(known)));
}

const char *nb_fmt_list(char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < NB_FMT_COUNT; i++)
		nb_name_list_add(buf, len, nb_fmts[i]->name);
	return buf;
}
