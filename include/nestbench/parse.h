/* SPDX-License-Identifier: MIT */
/* Small strict parsers shared by the CLI, scripts and trace readers. */
#ifndef NESTBENCH_PARSE_H
#define NESTBENCH_PARSE_H

#include "nb.h"

/* Unsigned integer: decimal or 0x hex, optional K/M/G/T suffix (binary,
 * case-insensitive; "KiB" forms accepted), the whole string, no overflow.
 * Returns 0 or -EINVAL / -ERANGE with a message naming the text. */
int nb_parse_u64(const char *s, uint64_t *out);
/* Permissions "r", "w", "x" in any combination ("rw", "rx", ...). */
int nb_parse_prot(const char *s, unsigned *out);
/* "r--" / "rw-" / "r-x" ... into buf (at least 4 bytes). */
const char *nb_prot_str(unsigned prot, char *buf);
/* Human size: 4K, 2M, 1G, else bytes; into buf (at least 24 bytes). */
const char *nb_size_str(uint64_t bytes, char *buf);

#endif
