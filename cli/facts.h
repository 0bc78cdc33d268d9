/* SPDX-License-Identifier: MIT */
/* Facts about this machine and build, printed by `env` and saved by `run`. */
#ifndef NB_SRC_CLI_FACTS_H
#define NB_SRC_CLI_FACTS_H

#include <stdbool.h>
#include <stdio.h>

/* Write the facts as human-readable lines, or as one JSON object. */
void nb_facts_print(FILE *f, bool json);
/* s as a JSON string: quoted, quotes, backslashes and control bytes escaped. */
void nb_cli_json_str(FILE *f, const char *s);

#endif
