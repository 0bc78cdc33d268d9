// SPDX-License-Identifier: MIT
/* The format registry: adding a format is one fmt_*.c file and one line here. */
#include <errno.h>
#include <string.h>

#include "fmt.h"

const struct nb_fmt *const nb_fmts[NB_FMT_COUNT] = {
	[NB_FMT_X86_64] = &nb_fmt_x86_64,
	[NB_FMT_VTDSS] = &nb_fmt_vtdss,
	[NB_FMT_AMDV1] = &nb_fmt_amdv1,
	[NB_FMT_ARM_S1] = &nb_fmt_arm_s1,
	[NB_FMT_ARM_S2] = &nb_fmt_arm_s2,
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
