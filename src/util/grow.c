// SPDX-License-Identifier: MIT
/* The one rule by which arrays grow (nestbench/nb.h: nb_grow). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "nestbench/nb.h"

int nb_grow(void **arr, size_t *cap, size_t need, size_t elem, size_t first)
{
	size_t c = *cap ? *cap : first;
	void *n;

	if (need <= *cap)
		return 0;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			return -ENOMEM;
		c *= 2;
	}
	if (c > SIZE_MAX / elem || !(n = realloc(*arr, c * elem)))
		return -ENOMEM;
	*arr = n;
	*cap = c;
	return 0;
}
