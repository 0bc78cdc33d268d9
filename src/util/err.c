// SPDX-License-Identifier: MIT
/* Per-thread failure messages (see nb.h for the error idiom). */
#include <stdarg.h>
#include <stdio.h>

#include "nestbench/nb.h"

static _Thread_local char nb_msg[512];

int nb_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(nb_msg, sizeof(nb_msg), fmt, ap);
	va_end(ap);
	return -err;
}

const char *nb_errmsg(void)
{
	return nb_msg;
}

void nb_errclear(void)
{
	nb_msg[0] = '\0';
}
