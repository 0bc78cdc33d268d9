// SPDX-License-Identifier: MIT
/* The backend registry: one line per driver. */
#include <errno.h>
#include <string.h>

#include "nestbench/backend.h"

extern const struct nb_backend_ops nb_backend_emu, nb_backend_iommufd;

const struct nb_backend_ops *const nb_backends[NB_BACKEND_COUNT] = {
	[NB_BACKEND_EMU] = &nb_backend_emu,
	[NB_BACKEND_IOMMUFD] = &nb_backend_iommufd,
};

int nb_backend_by_name(const char *name, const struct nb_backend_ops **out)
{
	char known[NB_NAME_LIST] = "";

	for (int i = 0; i < NB_BACKEND_COUNT; i++) {
		if (nb_backends[i] && strcmp(nb_backends[i]->name, name) == 0) {
			*out = nb_backends[i];
			return 0;
		}
		if (nb_backends[i])
			nb_name_list_add(known, sizeof(known), nb_backends[i]->name);
	}
	return nb_fail(EINVAL, "unknown backend '%s' (%s)", name, known);
}
