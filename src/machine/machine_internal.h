/* SPDX-License-Identifier: MIT */
/* Helpers shared by the machine-facts files; not part of the public API. */
#ifndef NB_MACHINE_INTERNAL_H
#define NB_MACHINE_INTERNAL_H

#include <stddef.h>

/* "No such file or directory" / "ENOENT"; thread-safe, never NULL. */
const char *nb_strerror(int err);
const char *nb_errname(int err);

/*
 * Write s as the inside of a JSON string (quotes, backslashes and control
 * characters escaped) into dst. -ENOSPC if it does not fit.
 */
int nb_json_escape(char *dst, size_t len, const char *s);

#endif
