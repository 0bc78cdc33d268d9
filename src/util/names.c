// SPDX-License-Identifier: MIT
/* Lists of registered names (nestbench/nb.h). */
#include <string.h>

#include "nestbench/nb.h"

void nb_name_list_add(char *buf, size_t len, const char *name)
{
	size_t used = strnlen(buf, len);

	if (used + 1 >= len)
		return;
	if (used) {
		strncat(buf, ", ", len - used - 1);
		used = strlen(buf);
	}
	strncat(buf, name, len - used - 1);
}
